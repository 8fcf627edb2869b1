"""Official-format rendering (GB/T 9704-2012): the .docx opened with python-docx, the PDF read
back with poppler (pdftotext, pdffonts), in Simplified and Traditional script."""

import io
import os
import re
import shutil
import subprocess

import pytest
from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Twips

from luoshi.core.script import convert
from luoshi.reports.document import Chart, Document, Section
from luoshi.reports.rendering import render_docx, render_html, render_pdf
from luoshi.reports.rendering.charts import echarts_option
from luoshi.reports.rendering.layout import chinese_number, layout, text_width, title_lines

PARA = (
    "全年共召开党委理论学习中心组学习15次，专题研究意识形态工作4次，按照上级部署"
    "扎实推进各项工作任务落实落地，意识形态工作责任制落实情况良好。"
)
SCRIPT_TAG = "<script>alert(1)</script>"


def make_document() -> Document:
    return Document(
        title="中共某某区委宣传部关于2026年度意识形态工作责任制落实情况的报告",
        addressee="区委",
        preamble=["根据区委要求，现将我部2026年度意识形态工作责任制落实情况报告如下。"],
        sections=[
            Section(
                "工作开展情况",
                1,
                [PARA * 2],
                children=[
                    Section(
                        "强化理论武装",
                        2,
                        [PARA * 2, PARA],
                        children=[
                            Section("坚持中心组学习制度", 3, [PARA * 2]),
                            Section(
                                "拓展学习形式",
                                3,
                                [],
                                children=[
                                    Section("线上学习", 4, [PARA + SCRIPT_TAG]),
                                    Section("线下研讨：", 4, [PARA * 2]),
                                ],
                            ),
                        ],
                        charts=[
                            Chart(
                                "各季度学习次数",
                                "bar",
                                ["一季度", "二季度", "三季度", "四季度"],
                                [("2025年", [3, 4, 3, 5]), ("2026年", [4, 4, 3, 4])],
                            )
                        ],
                    ),
                    Section("加强阵地管理", 2, [PARA * 2, PARA * 2]),
                ],
            ),
            Section("存在的问题", 1, [PARA * 2, PARA * 2]),
            Section(
                "下一步工作计划",
                1,
                [PARA * 2],
                children=[Section("健全工作机制", 2, [PARA * 2, PARA * 2, PARA * 2])],
            ),
        ],
        signature="中共某某区委宣传部",
        date="2026年12月20日",
    )


EXPECTED_HEADINGS = [
    ("Heading 1", "一、工作开展情况"),
    ("Heading 2", "（一）强化理论武装"),
    ("Heading 3", "1.坚持中心组学习制度。全年"),  # run-in: the paragraph follows on the line
    ("Heading 3", "2.拓展学习形式"),
    ("Heading 4", "（1）线上学习。全年"),
    ("Heading 4", "（2）线下研讨：全年"),
    ("Heading 2", "（二）加强阵地管理"),
    ("Heading 1", "二、存在的问题"),
    ("Heading 1", "三、下一步工作计划"),
    ("Heading 2", "（一）健全工作机制"),  # numbering restarts under each parent
]


@pytest.fixture(scope="module")
def docx_simplified():
    return open_docx(io.BytesIO(render_docx(make_document())))


@pytest.fixture(scope="module")
def docx_traditional():
    return open_docx(io.BytesIO(render_docx(make_document(), script="traditional")))


def east_asia_font(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


# --- numbering ------------------------------------------------------------------------------


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
    ]


def test_layout_converts_every_text_to_traditional():
    lay = layout(make_document(), "traditional")
    texts = [lay.title, lay.addressee, lay.signature]
    for block in lay.blocks:
        texts += [block.text, block.run_in]
        if block.chart:
            texts += [block.chart.title, *block.chart.categories]
            texts += [name for name, _ in block.chart.series]
    joined = "".join(texts)
    assert "意識形態" in joined and "意识形态" not in joined
    assert "季度學習次數" in joined
    assert lay.addressee == "區委："


def test_echarts_option_mirrors_the_chart_for_the_preview():
    chart = Chart("风险等级", "pie", ["红", "橙"], [("风险点", [2, 5])])
    option = echarts_option(chart)
    assert option["series"][0]["type"] == "pie"
    assert option["series"][0]["data"] == [{"name": "红", "value": 2}, {"name": "橙", "value": 5}]
    bar = echarts_option(make_document().sections[0].children[0].charts[0])
    assert bar["xAxis"]["data"] == ["一季度", "二季度", "三季度", "四季度"]
    assert [s["name"] for s in bar["series"]] == ["2025年", "2026年"]
    assert bar["series"][1]["data"] == [4, 4, 3, 4]


# --- docx -----------------------------------------------------------------------------------


def test_docx_page_is_a4_with_official_margins(docx_simplified):
    section = docx_simplified.sections[0]
    expected = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }
    for name, mm in expected.items():
        assert getattr(section, name).mm == pytest.approx(mm, abs=0.5), name


def test_docx_grid_holds_22_lines_of_28_characters(docx_simplified):
    """A line grid (every program honours it) and runs condensed by 0.25 pt: 28 characters of
    3号 in the text block, in Word and in LibreOffice/WPS alike (a character grid with a
    negative charSpace gave LibreOffice 14 characters a line)."""
    section = docx_simplified.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:charSpace")) is None
    line_pitch = int(grid.get(qn("w:linePitch")))
    assert line_pitch == 579
    defaults = docx_simplified.styles.element.find(qn("w:docDefaults"))
    spacing = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:spacing"))
    condensed = int(spacing.get(qn("w:val"))) / 20  # twentieths of a point
    assert condensed == -0.25
    text_height = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    text_width_pt = (
        section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    ) / 20
    assert text_height // line_pitch == 22
    assert int(text_width_pt // (16 + condensed)) == 28


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("区委宣传部2026年意识形态工作总结", ["区委宣传部2026年意识形态工作总结"]),
        (
            "区委宣传部关于2026年意识形态领域风险隐患排查情况的报告",
            ["区委宣传部关于2026年意识形态", "领域风险隐患排查情况的报告"],
        ),
        (
            "关于区委宣传部落实意识形态工作责任制情况的调研报告",
            ["关于区委宣传部落实意识形态", "工作责任制情况的调研报告"],
        ),
    ],
)
def test_titles_break_between_words_the_first_line_longer(title, lines):
    assert title_lines(title) == lines
    for line in lines:
        assert text_width(line) <= 20  # 2号 characters of a line
    if len(lines) == 2:
        assert text_width(lines[0]) >= text_width(lines[1])
    assert not title_lines(title)[-1].startswith(("查", "告"))  # never 「…排／查报告」


def test_a_traditional_title_breaks_where_its_simplified_words_end():
    lay = layout(
        Document(title="关于区委宣传部落实意识形态工作责任制情况的调研报告"), "traditional"
    )
    assert lay.title_lines == ["關於區委宣傳部落實意識形態", "工作責任制情況的調研報告"]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (scripts/sysdeps.sh)")
def test_libreoffice_shows_28_characters_a_line(tmp_path):
    """The .docx opened by LibreOffice: a paragraph of CJK characters breaks every 28."""
    body = "意识形态工作责任制落实情况" * 8  # 104 characters, no punctuation to squeeze
    document = Document(title="版心测试", sections=[Section(heading="测试", paragraphs=[body])])
    source = tmp_path / "grid.docx"
    source.write_bytes(render_docx(document, script="simplified"))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "grid.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    lines = [line for line in text.splitlines() if line.strip() and line.strip()[0] in body]
    widths = [len(line.strip()) for line in lines]
    # the first line is indented 2 characters; the full lines in between hold 28
    assert widths[0] == 26 and set(widths[1:-1]) == {28}, widths


def test_docx_styles_carry_the_official_fonts_and_sizes(docx_simplified):
    styles = docx_simplified.styles
    expected = {
        "Normal": ("仿宋_GB2312", 16),
        "Title": ("方正小标宋简体", 22),
        "Heading 1": ("黑体", 16),
        "Heading 2": ("楷体_GB2312", 16),
        "Heading 3": ("仿宋_GB2312", 16),
        "Heading 4": ("仿宋_GB2312", 16),
    }
    for name, (font, size) in expected.items():
        style = styles[name]
        assert east_asia_font(style) == font, name
        assert style.font.name == "Times New Roman", name  # Latin text
        assert style.font.size.pt == size, name
        assert style.font.color.rgb is None, name  # no template blue
        assert not style.font.bold, name
        assert style.paragraph_format.space_before in (None, 0), name
    normal = styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.line_spacing == Twips(579)
    ind = styles["Normal"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"  # 首行缩进 2 characters
    assert styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    title_ind = styles["Title"].element.pPr.find(qn("w:ind"))
    assert title_ind.get(qn("w:firstLineChars")) == "0"
    for level in range(1, 5):  # real headings: the navigation pane lists them
        outline = styles[f"Heading {level}"].element.pPr.find(qn("w:outlineLvl"))
        assert outline.get(qn("w:val")) == str(level - 1)


def test_docx_headings_are_numbered_by_position(docx_simplified):
    headings = [
        (p.style.name, p.text)
        for p in docx_simplified.paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert len(headings) == len(EXPECTED_HEADINGS)
    for (style, text), (want_style, want_start) in zip(headings, EXPECTED_HEADINGS, strict=True):
        assert style == want_style
        assert text.startswith(want_start), text


def test_docx_title_addressee_signature_and_date(docx_simplified):
    paragraphs = docx_simplified.paragraphs
    assert paragraphs[0].style.name == "Title"
    assert paragraphs[0].text.startswith("中共某某区委宣传部关于")
    addressee = paragraphs[1]
    assert addressee.text == "区委："
    ind = addressee._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "0"  # flush left
    signature, date = paragraphs[-2], paragraphs[-1]
    assert (signature.text, date.text) == ("中共某某区委宣传部", "2026年12月20日")
    assert paragraphs[-3].text == ""  # 正文下空一行
    for p in (signature, date):
        assert p.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT

    def right_chars(p):
        return int(p._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")))

    # Date (7 characters wide) would start 2 characters right of the 9-character signature,
    # i.e. end at 0: it is set 2 from the right and the signature moves left to keep the 2.
    assert right_chars(date) == 200
    assert right_chars(signature) == 200
    # The <script> text is ordinary text in the docx.
    assert any(SCRIPT_TAG in p.text for p in paragraphs)


def test_docx_page_numbers_odd_right_even_left(docx_simplified):
    settings = docx_simplified.settings
    assert settings.odd_and_even_pages_header_footer is True
    section = docx_simplified.sections[0]
    for footer, alignment, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        assert not footer.is_linked_to_previous
        (p,) = footer.paragraphs
        assert p.text == "— 1 —"  # the PAGE field's cached result between em dashes
        assert p.paragraph_format.alignment == alignment
        instr = p._p.xpath(".//w:instrText")
        assert [i.text.strip() for i in instr] == ["PAGE"]
        assert p._p.pPr.find(qn("w:ind")).get(qn(f"w:{side}Chars")) == "100"  # 空一字
        style = p.style
        assert style.name == "Footer"
        assert east_asia_font(style) == "宋体"
        assert style.font.size.pt == 14  # 4号


def test_docx_chart_is_an_image_with_a_caption(docx_simplified):
    assert len(docx_simplified.inline_shapes) == 1
    shape = docx_simplified.inline_shapes[0]
    assert shape.width == Mm(140)
    blob = docx_simplified.part.related_parts[
        shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    ].blob
    assert blob.startswith(b"\x89PNG")
    captions = [p for p in docx_simplified.paragraphs if p.text.startswith("图1")]
    assert [p.text for p in captions] == ["图1　各季度学习次数"]
    assert captions[0].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_docx_traditional_script(docx_traditional):
    text = "\n".join(p.text for p in docx_traditional.paragraphs)
    assert "意識形態" in text
    assert "意识形态" not in text
    assert "一、工作開展情況" in text
    assert "圖1　各季度學習次數" in text
    # The official font names stay as they are: recipients' machines know them.
    assert east_asia_font(docx_traditional.styles["Normal"]) == "標楷體"  # 繁體 glyphs


# --- html / pdf -----------------------------------------------------------------------------


def test_html_escapes_user_text():
    html = render_html(make_document())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT_TAG not in html


needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="poppler-utils (pdftotext, pdffonts) not installed; see scripts/sysdeps.sh",
)


def pdftotext(pdf: bytes, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture(scope="module")
def pdf_simplified():
    return render_pdf(make_document())


@pytest.fixture(scope="module")
def pdf_traditional():
    return render_pdf(make_document(), script="traditional")


@needs_poppler
def test_pdf_text_has_title_numbers_page_numbers(pdf_simplified):
    text = pdftotext(pdf_simplified)
    flat = re.sub(r"\s", "", text)
    assert "中共某某区委宣传部关于2026年度意识形态工作责任制落实情况的报告" in flat
    positions = [flat.index(want.replace(" ", "")) for _, want in EXPECTED_HEADINGS]
    assert positions == sorted(positions)  # all headings, in order
    assert SCRIPT_TAG in flat  # escaped in HTML, so printed literally
    assert "区委：" in flat and "中共某某区委宣传部2026年12月20日" in flat
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 3
    for n in (1, 2, 3):
        assert re.search(rf"—\s*{n}\s*—", pages[n - 1]), n


@needs_poppler
def test_pdf_embeds_the_mapped_fonts(pdf_simplified):
    out = subprocess.run(
        ["pdffonts", "-"], input=pdf_simplified, capture_output=True, check=True
    ).stdout.decode()
    rows = out.splitlines()[2:]
    names = {row.split()[0].split("+", 1)[-1] for row in rows}
    assert names == {
        "Noto-Serif-CJK-SC-Bold",  # 方正小标宋简体 (title)
        "Noto-Serif-CJK-SC",  # 仿宋_GB2312 (body), 宋体 (page numbers)
        "Noto-Sans-CJK-SC",  # 黑体 (一、)
        "AR-PL-UKai-CN",  # 楷体_GB2312 ((一))
    }
    for row in rows:
        assert row.split()[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, unicode


@needs_poppler
def test_pdf_page_numbers_sit_right_on_odd_left_on_even_pages(pdf_simplified):
    bbox = pdftotext(pdf_simplified, "-bbox")
    pages = bbox.split("<page ")[1:]
    left_edge = 28 / 25.4 * 72
    right_edge = (210 - 26) / 25.4 * 72
    bottom_edge = (297 - 35) / 25.4 * 72
    for n, page in enumerate(pages[:2], start=1):
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            page,
        )
        (number,) = [w for w in words if w[4] == str(n)]
        x_min, y_min, x_max = float(number[0]), float(number[1]), float(number[2])
        assert bottom_edge < y_min < bottom_edge + 20  # just below the text block
        if n % 2:
            assert right_edge - 40 < x_max < right_edge - 14  # 居右空一字
        else:
            assert left_edge + 14 < x_min < left_edge + 40  # 居左空一字


@needs_poppler
@pytest.mark.parametrize("page", [1, 2])
def test_pdf_page_number_dashes_7mm_below_the_text_block(pdf_simplified, page, tmp_path):
    from PIL import Image

    dpi = 150
    px_per_mm = dpi / 25.4
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-", tmp_path / "p"],
        input=pdf_simplified,
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    image = Image.open(png).convert("L")
    top = round((297 - 35) * px_per_mm) + 2  # just below the text block
    dash_rows, dash_x = [], []
    for y in range(top, image.height):
        dark = [x for x in range(image.width) if image.getpixel((x, y)) < 128]
        if len(dark) > 3 * px_per_mm:  # the two em dashes: long horizontal runs
            dash_rows.append(y)
            dash_x.append(dark[0])
    assert dash_rows, "no page number found below the text block"
    below_mm = (sum(dash_rows) / len(dash_rows)) / px_per_mm - (297 - 35)
    assert below_mm == pytest.approx(7, abs=0.5)
    first_x_mm = min(dash_x) / px_per_mm
    if page == 2:  # 居左空一字: a 4号 (14 pt ≈ 4.9 mm) character in from the 28 mm margin
        assert first_x_mm == pytest.approx(28 + 4.94, abs=0.7)


@needs_poppler
def test_pdf_page_holds_22_lines_of_28_characters():
    chars = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未"
    assert len(chars) == 28
    pdf = render_pdf(Document(title="网格", preamble=[chars * 80]))
    page2 = pdftotext(pdf, "-f", "2", "-l", "2").split("\f")[0]
    lines = [line for line in page2.splitlines() if line.strip() and "—" not in line]
    assert len(lines) == 22
    assert {len(line) for line in lines} == {28}


SHAPES = {
    "title only": Document(title="关于意识形态工作的通报"),
    "bulletin to many, no signature": Document(
        title="关于2026年第一次意识形态工作督查情况的通报",
        addressee="各镇（街道）党（工）委，区直各单位：",
        sections=[Section("督查发现的问题", 1, [PARA], children=[Section("台账不全", 3, [PARA])])],
    ),
    "pie, line and empty charts, level 5 treated as 4": Document(
        title="风险隐患排查报告",
        sections=[
            Section(
                "排查情况",
                1,
                [PARA],
                charts=[
                    Chart("风险等级分布", "pie", ["红", "橙", "黄"], [("风险点", [1, 3, 6])]),
                    Chart("月度趋势", "line", ["1月", "2月"], [("舆情", [2, 5]), ("事件", [0, 1])]),
                    Chart("尚无数据", "pie", ["红", "橙"], [("风险点", [0, 0])]),
                    Chart("空", "bar", [], []),
                ],
                children=[Section("深层", 5, [PARA])],
            )
        ],
        date="2026年12月20日",
    ),
}


@needs_poppler
@pytest.mark.parametrize("script", ["simplified", "traditional"])
@pytest.mark.parametrize("shape", SHAPES)
def test_every_document_shape_renders(shape, script):
    document = SHAPES[shape]
    docx = open_docx(io.BytesIO(render_docx(document, script=script)))
    lay = layout(document, script)
    assert docx.paragraphs[0].text.replace("\n", "") == lay.title
    assert docx.paragraphs[0].text.split("\n") == lay.title_lines
    charts = sum(len(s.charts) for s in document.sections)
    assert len(docx.inline_shapes) == charts
    flat = re.sub(r"\s", "", pdftotext(render_pdf(document, script=script)))
    assert lay.title in flat
    for block in lay.blocks:
        if block.kind == "heading":
            assert block.heading_line in flat
        if block.kind == "chart":
            assert block.caption.replace("　", "") in flat
    if "level 5" in shape:
        assert convert("（1）深层。", script) in flat


@needs_poppler
def test_pdf_traditional_script(pdf_traditional):
    flat = re.sub(r"\s", "", pdftotext(pdf_traditional))
    assert "意識形態" in flat
    assert "意识形态" not in flat
    assert "一、工作開展情況" in flat


def test_traditional_is_s2tw_by_default_and_the_units_choice_otherwise():
    """OpenCC s2tw (characters only) as seed 002 writes: 為/群眾/考核/發布, not 爲/羣衆/考覈/發佈;
    a unit that chose Hong Kong usage gets s2hk."""
    text = "为群众做好考核，信息发布“三审”"
    lay = layout(Document(title="t", preamble=[text]), "traditional")
    assert lay.blocks[0].text == "為群眾做好考核，信息發布「三審」"
    hong_kong = layout(Document(title="t", preamble=[text], variant="s2hk"), "traditional")
    assert "羣眾" in hong_kong.blocks[0].text


# --- the 落款 in the PDF -------------------------------------------------------------------

WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
LAST_LINE = "最后一段到此结束请审阅"  # the last body paragraph (one short line)


def _pdf_words(pdf: bytes) -> list[list[tuple[float, float, float, float, str]]]:
    """Every page's words as (xMin, yMin, xMax, yMax, text), from pdftotext -bbox."""
    pages = pdftotext(pdf, "-bbox").split("<page ")[1:]
    return [
        [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in WORD.findall(page)]
        for page in pages
    ]


def _page_of(pages, text: str) -> int:
    found = [n for n, words in enumerate(pages) if any(text in w[4] for w in words)]
    assert len(found) == 1, (text, found)
    return found[0]


@needs_poppler
@pytest.mark.parametrize("filler", range(15, 21))
def test_pdf_signature_stays_with_the_last_paragraph_right_aligned(filler):
    """However the body falls, the 落款 (unit name, then date) is right-aligned on the page of
    the last body paragraph, and no page is left holding only the 落款. The filler sweeps the
    last paragraph across the end of the first page (20 body lines under a one-line title)."""
    line = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"  # 26 + 2 indent = one line
    document = Document(
        title="网格",
        preamble=[line] * filler + [LAST_LINE],
        signature="中共某某区委宣传部",
        date="2026年12月20日",
    )
    pdf = render_pdf(document)
    pages = _pdf_words(pdf)
    last = _page_of(pages, LAST_LINE)
    assert _page_of(pages, "中共某某区委宣传部") == last
    assert _page_of(pages, "2026年12月20日") == last
    assert last == len(pages) - 1  # nothing after the 落款
    words = {w[4]: w for w in pages[last]}
    signature, date = words["中共某某区委宣传部"], words["2026年12月20日"]
    right_edge = (210 - 26) / 25.4 * 72
    char = 15.75
    assert signature[1] < date[1]  # the date under the name
    assert signature[2] == pytest.approx(right_edge - 2 * char, abs=char / 2)  # 右空二字
    assert date[0] == pytest.approx(signature[0] + 2 * char, abs=char / 2)  # 首字右移二字
    assert words[LAST_LINE][1] < signature[1]
