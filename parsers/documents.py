"""Text of exported documents held in memory: .docx (python-docx), .pdf text layer (pypdf), Markdown markup."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from parsers.decode import DecodeError

DOCX_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF"
MAX_PDF_PAGES = 300  # a report is a few pages; a 2 000-page scan is not one

# Markdown: headings, bullets "- 1. ", quotes, bold/italic markers, links; images handled apart.
MD_BLOCK_RE = re.compile(r"^\s{0,3}(#{1,6}\s+|[-*+]\s+(\d+\.\s*)?|\d+\.\s+|>\s*)")
MD_INLINE_RE = re.compile(r"\*\*|__|\[([^\]]*)\]\([^)]*\)")
MD_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MD_TABLE_RULE_RE = re.compile(r"\s*\|?[-:| ]+\|?\s*")
# PDF page furniture: "- 3 -", "第 3 页 共 12 页", "3 / 12"
PDF_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)


@dataclass
class DocumentText:
    """Plain text of a document, its headings in reading order, and the title its metadata states."""

    text: str
    headings: list[str] = field(default_factory=list)
    meta_title: str = ""
    kind: str = ""  # docx | pdf | markdown


def sniff_kind(content: bytes, url: str = "") -> str:
    """docx | pdf | markdown | html | text, from magic bytes first and the URL suffix second."""
    if content.startswith(PDF_MAGIC):
        return "pdf"
    if content.startswith(DOCX_MAGIC):
        return "docx"
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    if path.endswith((".md", ".markdown")):
        return "markdown"
    if path.endswith((".html", ".htm", ".shtml", ".xhtml")):
        return "html"
    head = content[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head:
        return "html"
    return "text"


def strip_markdown(text: str, keep_captions: bool = False) -> tuple[str, list[str]]:
    """Markdown -> plain lines and the headings. `keep_captions` keeps an image's alt text as its own line."""
    lines: list[str] = []
    headings: list[str] = []
    for line in text.split("\n"):
        if MD_TABLE_RULE_RE.fullmatch(line) and "-" in line:
            continue  # table rule
        is_heading = bool(re.match(r"^\s{0,3}#{1,6}\s+", line))
        line = MD_IMAGE_RE.sub(lambda m: ("\n" + m.group(1) + "\n") if keep_captions and m.group(1) else "", line)
        line = MD_BLOCK_RE.sub("", line)
        line = MD_INLINE_RE.sub(lambda m: m.group(1) or "", line).replace("|", " ")
        if is_heading and line.strip():
            headings.append(line.strip())
        lines.append(line)
    return "\n".join(lines), headings


def docx_text(content: bytes) -> DocumentText:
    """Paragraphs and table rows of a .docx in document order; Heading/Title styles give the headings."""
    import docx  # python-docx; imported lazily, only inbox and export sources need it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors: not a readable .docx
        raise DecodeError(f"not a readable .docx file: {type(exc).__name__}: {exc}") from exc
    lines: list[str] = []
    headings: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            style = (block.style.name if block.style is not None else "") or ""
            if text and (style.startswith("Heading") or style in ("Title", "Subtitle")):
                headings.append(text)
            lines.append(text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells))  # merged cells repeat
                lines.append(" ".join(c for c in cells if c))
    title = (document.core_properties.title or "").strip()
    return DocumentText("\n".join(lines), headings, title, "docx")


def pdf_text(content: bytes) -> DocumentText:
    """The text layer of a PDF, page by page, line breaks as laid out ("62563\\n人次" stays as is).

    A scanned PDF without a text layer yields no text (OCR is out of scope); page-number lines go.
    """
    from pypdf import PdfReader  # imported lazily
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            reader.decrypt("")  # many exported PDFs are "encrypted" with an empty user password
        pages = reader.pages[:MAX_PDF_PAGES]
        texts = [page.extract_text() or "" for page in pages]
        title = str((reader.metadata or {}).get("/Title", "") or "").strip()
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DecodeError(f"not a readable PDF: {type(exc).__name__}: {exc}") from exc
    lines = [ln for page in texts for ln in page.split("\n") if not PDF_PAGE_NUMBER_RE.match(ln)]
    return DocumentText("\n".join(lines), [], title, "pdf")
