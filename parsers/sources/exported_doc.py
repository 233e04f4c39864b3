"""Parser for exported documents (Markdown, Word .docx, PDF text layer, plain text, saved HTML) -> ParsedPage."""

from __future__ import annotations

import re

from parsers.decode import decode_bytes
from parsers.documents import docx_text, pdf_text, sniff_kind, strip_markdown
from parsers.html_text import META_DATE, META_TITLE, parse_html
from parsers.model import ParsedPage
from parsers.normalize import normalize_text
from parsers.pagetools import finish, iso_date

PARSER_ID = "exported_doc"
HOSTS: tuple[str, ...] = ()

# A subtitle that continues the title: "## ——泰州推进产业工人队伍建设改革工作展示"
SUBTITLE_DASH_RE = re.compile(r"^[—–-]{1,2}")
# Lines that are not a headline when a document has no heading: banners, dates, issue numbers.
NOT_TITLE_RE = re.compile(r"^(第\s*\d+\s*期|\d{4}年|\d{4}-\d{2}|发布|来源|时间|目录|附件)")


def _title_from(headings: list[str], lines: list[str], meta_title: str) -> str:
    heads = [normalize_text(h) for h in headings if h.strip()]
    if heads:
        title = heads[0]
        if len(heads) > 1 and SUBTITLE_DASH_RE.match(heads[1]):
            title = f"{title}{heads[1]}"
        return title
    for line in lines[:6]:
        s = line.strip()
        if 4 <= len(s) <= 60 and not NOT_TITLE_RE.match(s) and not s.endswith(("。", "；", ";")):
            return s
    return normalize_text(meta_title)


def parse(content: bytes, url: str, declared_charset: str | None = None) -> ParsedPage:
    """Pure function: the bytes of one exported document and its URL -> ParsedPage.

    Headings, image captions and bullet items stay on their own lines (captions such as
    "泰州市安全生产和技能保护劳动大赛" are short lines that must not glue onto the next paragraph);
    bold markers and bullet numbers go. PDF text keeps its line breaks.
    """
    kind = sniff_kind(content, url)
    encoding = kind
    meta_date = ""
    sep = "\n"
    if kind == "docx":
        doc = docx_text(content)
        raw, headings, meta_title = doc.text, doc.headings, doc.meta_title
    elif kind == "pdf":
        doc = pdf_text(content)
        raw, headings, meta_title = doc.text, doc.headings, doc.meta_title
    else:
        decoded = decode_bytes(content, declared_charset)
        encoding = decoded.encoding
        if kind == "html":
            html = parse_html(decoded.text)
            raw, headings = html.text, [h for h in [html.h1] if h]
            meta_title = html.meta_first(META_TITLE) or html.title
            meta_date = iso_date(html.meta_first(META_DATE))
        elif kind == "markdown" or re.search(r"^#{1,6}\s", decoded.text, re.M):
            raw, headings = strip_markdown(decoded.text, keep_captions=True)
            meta_title = ""
        else:
            raw, headings, meta_title = decoded.text, [], ""
    lines = [ln for ln in normalize_text(raw).split("\n") if ln.strip()]
    title = _title_from(headings, lines, meta_title)
    heads = [normalize_text(h) for h in headings[:2]]
    if title and len(heads) > 1 and title == heads[0] + heads[1]:
        lines = [ln for ln in lines if ln not in heads[:2]]  # title and its dash subtitle were merged
    return finish(title, lines, encoding=encoding, publish_date=meta_date, date_source="meta", sep=sep)
