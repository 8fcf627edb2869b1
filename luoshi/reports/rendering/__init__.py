"""Rendering a ``Document`` to the official format (GB/T 9704-2012): .docx, HTML and PDF.

``render_docx`` and ``render_pdf`` are the contract the report engine codes against;
``render_html`` gives the same page as HTML (the PDF is made from it by WeasyPrint, and
the engine's preview page may reuse it). See docs/report-format.md.
"""

from luoshi.reports.rendering.official_docx import render_docx

__all__ = ["render_docx"]
