"""Rendering a ``Document`` to the official format (GB/T 9704-2012): .docx, HTML and PDF.

``render_docx`` and ``render_pdf`` are the contract the report engine codes against;
``render_html`` gives the same page as HTML (the PDF is made from it by WeasyPrint; a preview
page may instead include ``reports/document_body.html`` with ``document_context``).
See docs/report-format.md.
"""

from luoshi.reports.rendering import fonts
from luoshi.reports.rendering.official_docx import render_docx
from luoshi.reports.rendering.official_html import document_context, render_html, render_pdf

__all__ = ["document_context", "render_docx", "render_html", "render_pdf"]

# Before anything in the process builds a WeasyPrint font configuration (see fonts.py).
fonts.activate()
