"""The official document as HTML + CSS, and the PDF made from it by WeasyPrint."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from luoshi.reports.document import Document
from luoshi.reports.rendering import fonts, page
from luoshi.reports.rendering.charts import chart_png
from luoshi.reports.rendering.layout import layout

CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "reports" / "document.css"
_CHAR_MM = (page.PAGE_WIDTH_MM - page.MARGIN_LEFT_MM - page.MARGIN_RIGHT_MM) / page.CHARS_PER_LINE


@cache
def document_css() -> SafeString:
    """The stylesheet shipped with the code (``CSS_PATH``), inlined in the page's <style>.

    A constant file, never data: safe as it is (escaping would break its quoted font
    names), so it is marked safe here and the template writes ``{{ css }}``."""
    return mark_safe(CSS_PATH.read_text(encoding="utf-8"))  # noqa: S308  constant file


def document_context(document: Document, *, script: str = "simplified") -> dict:
    """Context for ``reports/document_body.html`` (a preview page may include that template)."""
    lay = layout(document, script)
    items = []
    for block in lay.blocks:
        image = ""
        if block.kind == "chart":
            png = base64.b64encode(chart_png(block.chart, script=script)).decode("ascii")
            image = f"data:image/png;base64,{png}"
        items.append({"block": block, "image": image})
    sig_right, date_right = lay.signature_indents
    return {
        "layout": lay,
        "items": items,
        "lang": "zh-TW" if script == "traditional" else "zh-CN",
        "signature_right": f"{sig_right * _CHAR_MM:.2f}mm",
        "date_right": f"{date_right * _CHAR_MM:.2f}mm",
    }


def render_html(document: Document, *, script: str = "simplified") -> str:
    """A standalone HTML page (CSS inlined, charts as data: URIs)."""
    context = document_context(document, script=script)
    context["css"] = document_css()
    return render_to_string("reports/document_page.html", context)


def render_pdf(document: Document, *, script: str = "simplified") -> bytes:
    html = render_html(document, script=script)
    font_config = fonts.font_configuration()
    # heavy (≈1 s): only the PDF path needs weasyprint (after fonts.font_configuration())
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher  # heavy: weasyprint, as above

    # The page carries everything inline (CSS, charts as data: URIs): fetch nothing else.
    fetcher = URLFetcher(allowed_protocols={"data"})
    with fonts.lock:
        return HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=font_config)
