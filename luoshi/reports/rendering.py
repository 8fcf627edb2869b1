"""Rendering a ``Document`` to the official format (GB/T 9704-2012): .docx and PDF.

Placeholder: the implementation lands with the rendering work. The signatures are the
contract the report engine codes against.
"""

from luoshi.reports.document import Document


def render_docx(document: Document, *, script: str = "simplified") -> bytes:
    raise NotImplementedError


def render_pdf(document: Document, *, script: str = "simplified") -> bytes:
    raise NotImplementedError
