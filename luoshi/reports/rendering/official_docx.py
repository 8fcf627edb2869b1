"""The .docx in official format (GB/T 9704-2012), with python-docx.

Styles carry the format, so the recipient can keep editing in Word/WPS: Normal (仿宋_GB2312
3号, first line indented 2 characters, exact line spacing on the 22-line grid), Title
(方正小标宋简体 2号, centred), Heading 1 (黑体), Heading 2 (楷体_GB2312), Heading 3/4
(仿宋_GB2312) — real heading styles with outline levels, so the navigation pane works, but
with the official look (black, no extra spacing). East Asian font names go to
``w:rFonts/@w:eastAsia`` (python-docx's ``font.name`` only sets ascii/hAnsi); Latin text stays
Times New Roman. Page numbers 「— 1 —」 in 4号 宋体: odd pages right, even pages left, each
one character in from the text block's edge.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from luoshi.reports.document import Document
from luoshi.reports.rendering import page
from luoshi.reports.rendering.charts import chart_png
from luoshi.reports.rendering.layout import Block, Layout, layout
from luoshi.reports.rendering.tables import add_table

LATIN_FONT = "Times New Roman"
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"

HEADING_FONTS = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}

# 繁體 output names fonts that HAVE 繁體 glyphs (the GB2312 faces above do not): the
# standard faces of Traditional-Chinese Windows, as Taiwan's 文書處理手冊 sets documents
# (標楷體 throughout), with 微軟正黑體 for 一、 headings and 新細明體 for page numbers.
# docs/report-format.md lists both sets and the free fonts the PDF maps them to.
FONTS = {
    "simplified": {
        "title": XIAOBIAOSONG,
        "body": FANGSONG,
        "page": SONGTI,
        "headings": HEADING_FONTS,
    },
    "traditional": {
        "title": "標楷體",
        "body": "標楷體",
        "page": "新細明體",
        "headings": {1: "微軟正黑體", 2: "標楷體", 3: "標楷體", 4: "標楷體"},
    },
}
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
# CT_PPr children that follow w:snapToGrid in the schema's sequence.
_AFTER_SNAP_TO_GRID = tuple(
    f"w:{tag}"
    for tag in [
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ]
)


def set_fonts(rPr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Write the fonts of a run or style: ``eastAsia`` for CJK text, ascii/hAnsi for Latin."""
    rFonts = rPr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        rFonts.attrib.pop(qn(f"w:{attr}"), None)
    rFonts.set(qn("w:ascii"), latin)
    rFonts.set(qn("w:hAnsi"), latin)
    rFonts.set(qn("w:cs"), latin)
    rFonts.set(qn("w:eastAsia"), east_asia)


def _set_size(rPr, points: float) -> None:
    half_points = str(round(points * 2))
    for tag in ("w:sz", "w:szCs"):
        el = rPr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            # sz/szCs come late in CT_RPr; after everything we write except lang.
            lang = rPr.find(qn("w:lang"))
            if lang is not None:
                lang.addprevious(el)
            else:
                rPr.append(el)
        el.set(qn("w:val"), half_points)


def _condense(rPr) -> None:
    """28 characters a line in Word, LibreOffice and WPS alike (see page.py)."""
    spacing = rPr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        # w:spacing precedes w:w, w:kern, w:position, w:sz … in CT_RPr
        following = [rPr.find(qn(f"w:{tag}")) for tag in ("w", "kern", "position", "sz")]
        anchor = next((el for el in following if el is not None), None)
        if anchor is not None:
            anchor.addprevious(spacing)
        else:
            rPr.append(spacing)
    spacing.set(qn("w:val"), str(page.CHAR_SPACING))


def _indent_chars(paragraph_format, *, first_line: int = 0, left: int = 0, right: int = 0):
    """Indents in hundredths of a character (``w:firstLineChars`` etc.), plus twips fallbacks."""
    ind = paragraph_format._element.get_or_add_pPr().get_or_add_ind()
    char_twips = page.BODY_PT * 20
    for name, chars in (("firstLine", first_line), ("left", left), ("right", right)):
        ind.set(qn(f"w:{name}Chars"), str(chars))
        ind.set(qn(f"w:{name}"), str(round(chars * char_twips / 100)))


def _reset_style(style, east_asia: str, points: float) -> None:
    """Drop the template's look (theme fonts, colours, borders, spacing) and set ours."""
    el = style.element
    link = el.find(qn("w:link"))
    if link is not None:
        el.remove(link)
    rPr = el.get_or_add_rPr()
    for child in list(rPr):
        rPr.remove(child)
    pPr = el.get_or_add_pPr()
    for child in list(pPr):
        if child.tag != qn("w:outlineLvl"):
            pPr.remove(child)
    set_fonts(rPr, east_asia)
    _set_size(rPr, points)
    style.font.bold = False
    style.font.italic = False


def _exact_lines(paragraph_format) -> None:
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Twips(page.LINE_PITCH_TWIPS)


def _define_styles(doc, script: str) -> None:
    fonts = FONTS["traditional" if script == "traditional" else "simplified"]
    styles = doc.styles
    lang = "zh-TW" if script == "traditional" else "zh-CN"
    # Document defaults: no theme fonts anywhere, Chinese language for East Asian text.
    defaults = styles.element.find(qn("w:docDefaults"))
    rPr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rPr_default, fonts["body"])
    _set_size(rPr_default, page.BODY_PT)  # the grid's character pitch is reckoned from this
    lang_el = rPr_default.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rPr_default.append(lang_el)
    lang_el.set(qn("w:eastAsia"), lang)
    _condense(rPr_default)

    normal = styles["Normal"]
    _reset_style(normal, fonts["body"], page.BODY_PT)
    fmt = normal.paragraph_format
    _exact_lines(fmt)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = False  # keep every page at exactly 22 lines
    _indent_chars(fmt, first_line=200)

    title = styles["Title"]
    _reset_style(title, fonts["title"], page.TITLE_PT)
    title.font.bold = script == "traditional"  # 標楷體 has no heavy face of its own
    fmt = title.paragraph_format
    _exact_lines(fmt)
    fmt.space_after = Twips(page.LINE_PITCH_TWIPS)  # 标题下空一行
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _indent_chars(fmt, first_line=0)
    # 2号 lines off the body's line grid: LibreOffice would give each title line two grid
    # lines (the exact 28.95 pt spacing holds the two lines together everywhere)
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    title.element.get_or_add_pPr().insert_element_before(snap, *_AFTER_SNAP_TO_GRID)

    for level, east_asia in fonts["headings"].items():
        style = styles[f"Heading {level}"]
        _reset_style(style, east_asia, page.BODY_PT)
        fmt = style.paragraph_format
        _exact_lines(fmt)
        fmt.keep_with_next = level <= 2
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _indent_chars(fmt, first_line=200)

    footer = styles["Footer"]
    _reset_style(footer, fonts["page"], page.PAGE_NUMBER_PT)
    set_fonts(footer.element.get_or_add_rPr(), fonts["page"], latin=fonts["page"])


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width = Twips(page.twips(page.PAGE_WIDTH_MM))
    section.page_height = Twips(page.twips(page.PAGE_HEIGHT_MM))
    section.top_margin = Twips(page.twips(page.MARGIN_TOP_MM))
    section.bottom_margin = Twips(page.twips(page.MARGIN_BOTTOM_MM))
    section.left_margin = Twips(page.twips(page.MARGIN_LEFT_MM))
    section.right_margin = Twips(page.twips(page.MARGIN_RIGHT_MM))
    section.header_distance = Mm(15)
    section.footer_distance = Mm(page.FOOTER_DISTANCE_MM)
    sectPr = section._sectPr
    grid = sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectPr.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")  # characters: condensed spacing (page.CHAR_SPACING)
    grid.set(qn("w:linePitch"), str(page.LINE_PITCH_TWIPS))

    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _field_run(paragraph, fld_type: str | None = None, instr: str | None = None, text: str = ""):
    run = paragraph.add_run()
    if fld_type:
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), fld_type)
        run._r.append(fld)
    elif instr:
        el = OxmlElement("w:instrText")
        el.set(qn("xml:space"), "preserve")
        el.text = instr
        run._r.append(el)
    else:
        run.text = text
    return run


def _page_number(paragraph, *, odd: bool) -> None:
    """「— 1 —」: a PAGE field between em dashes; 单页码居右空一字，双页码居左空一字."""
    paragraph.style = "Footer"
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    # Off the 28.95 pt grid, one exact 16 pt line: the dashes sit ≈ 7 mm below the text block.
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(16)
    pPr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    pPr.insert_element_before(snap, *_AFTER_SNAP_TO_GRID)
    _indent_chars(fmt, right=100 if odd else 0, left=0 if odd else 100)
    _field_run(paragraph, text="— ")
    _field_run(paragraph, "begin")
    _field_run(paragraph, instr=" PAGE ")
    _field_run(paragraph, "separate")
    _field_run(paragraph, text="1")
    _field_run(paragraph, "end")
    _field_run(paragraph, text=" —")


def _no_indent(paragraph, alignment=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    paragraph.paragraph_format.alignment = alignment
    _indent_chars(paragraph.paragraph_format, first_line=0)


def _add_block(doc, block: Block, script: str) -> None:
    if block.kind == "paragraph":
        doc.add_paragraph(block.text)
    elif block.kind == "heading":
        p = doc.add_paragraph(style=f"Heading {block.level}")
        p.add_run(block.heading_line)
        if block.run_in:
            p.add_run(block.run_in)
    elif block.kind == "chart":
        picture = doc.add_paragraph()
        _no_indent(picture, WD_ALIGN_PARAGRAPH.CENTER)
        fmt = picture.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact spacing would clip the image
        fmt.keep_with_next = True
        picture.add_run().add_picture(
            io.BytesIO(chart_png(block.chart, script=script)), width=Mm(140)
        )
        caption = doc.add_paragraph(block.caption)
        _no_indent(caption, WD_ALIGN_PARAGRAPH.CENTER)
    elif block.kind == "table":
        add_table(doc, block.table)


def _signature(doc, lay: Layout) -> None:
    if not (lay.signature or lay.date):
        return
    if doc.paragraphs:  # the 落款 never stands alone on the last page
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    blank = doc.add_paragraph()  # 正文下空一行
    blank.paragraph_format.keep_with_next = True
    sig_right, date_right = lay.signature_indents
    for text, right in ((lay.signature, sig_right), (lay.date, date_right)):
        if not text:
            continue
        p = doc.add_paragraph(text)
        p.paragraph_format.keep_with_next = text == lay.signature and bool(lay.date)
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent_chars(p.paragraph_format, first_line=0, right=round(right * 100))


def render_docx(document: Document, *, script: str = "simplified") -> bytes:
    lay = layout(document, script)
    doc = new_docx()
    _define_styles(doc, script)
    _page_setup(doc)
    doc.core_properties.title = lay.title
    # python-docx's template body holds an empty paragraph: drop it (keep the sectPr).
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    title = doc.add_paragraph(style="Title")
    for i, line in enumerate(lay.title_lines or [lay.title]):
        run = title.add_run(line)
        if i < len(lay.title_lines) - 1:
            run.add_break()  # a line break between words, never inside one
    if lay.addressee:
        _no_indent(doc.add_paragraph(lay.addressee))
    for block in lay.blocks:
        _add_block(doc, block, script)
    _signature(doc, lay)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
