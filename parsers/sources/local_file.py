"""Parser for report files dropped in the inbox (.txt .md .html .htm .docx .pdf): bytes + file URI -> ParsedPage."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

from parsers.decode import decode_bytes
from parsers.detect import detect_family
from parsers.documents import sniff_kind, strip_markdown
from parsers.html_text import META_DATE, META_SOURCE, META_TITLE, parse_html
from parsers.model import ParsedPage
from parsers.normalize import normalize_text

PARSER_ID = "local"
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
DOCUMENT_SUFFIXES = (".docx", ".pdf")
# Founder e-paper pages saved as text keep the tail of their metadata comment:
# "2022-12-13 守正创新 攻坚克难 1 1 淮安日报 content_202371.html 1 3 <title> /enpproperty-->"
ENP_TRAILER_RE = re.compile(r"^.*/enpproperty-->\s*$", re.MULTILINE)
ENP_NEWSPAPER_RE = re.compile(r"(\S{2,8}(?:日报|晚报|时报|工人报|新闻))")
# First lines that are page furniture, not the headline.
FURNITURE_RE = re.compile(
    r"^(第\s*[A-Z]?\d+\s*版|您现在的位置|当前位置|首页|来源|时间|发布|编辑|责任编辑|作者|【|>|!\[)"
)
SITE_NAME_RE = re.compile(r"^(\S{2,10}?(?:网|日报|晚报|新闻网|在线|融媒))$")


def guess_title(lines: list[str]) -> str:
    for line in lines[:8]:
        s = line.strip().strip("#").strip()
        if not s or FURNITURE_RE.match(s) or SITE_NAME_RE.match(s) or len(s) < 4:
            continue
        if len(s) > 80:
            break
        return s
    return ""


def parse(content: bytes, url: str, declared_charset: str | None = None) -> ParsedPage:
    """Pure function: the bytes of one inbox file and its file URI -> ParsedPage."""
    path = unquote(urlparse(url).path) if "://" in url else url
    suffix = ("." + path.rsplit(".", 1)[-1].lower()) if "." in path.rsplit("/", 1)[-1] else ""
    if suffix in DOCUMENT_SUFFIXES or sniff_kind(content) in ("docx", "pdf"):
        from parsers.sources import exported_doc  # Word and PDF exports: same reading as the export family

        return exported_doc.parse(content, url, declared_charset)
    decoded = decode_bytes(content, declared_charset)
    page = ParsedPage(title="", text="", encoding=decoded.encoding)
    raw = decoded.text
    if suffix in HTML_SUFFIXES or raw.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        family = detect_family(raw)
        if family:
            # a page of a known family saved to the inbox (an e-paper article, a district news page)
            from parsers.registry import get_parser

            page = get_parser(family)(content, url, declared_charset)
            page.warnings.append(f"saved page read with the {family} parser")
            return page
        doc = parse_html(raw)
        body = normalize_text(doc.text)
        page.title = normalize_text(doc.meta_first(META_TITLE) or doc.h1 or doc.title)
        page.publish_date = doc.meta_first(META_DATE)[:10]
        page.date_source = "meta" if page.publish_date else ""
        source = doc.meta_first(META_SOURCE)
        if source:
            page.place_hints.append(normalize_text(source))
            page.site_name = normalize_text(source)
        if page.title and not body.startswith(page.title):
            body = page.title + "\n\n" + body
        page.text = body
        return page
    if suffix == ".md":
        raw = strip_markdown(raw)[0]
    text = normalize_text(raw)
    trailer = ENP_TRAILER_RE.search(text)
    if trailer:
        line = trailer.group(0)
        m = ENP_NEWSPAPER_RE.search(line)
        if m:
            page.place_hints.append(m.group(1))
            page.site_name = m.group(1)
        # the trailer ends with the article title before "/enpproperty-->"
        tail = line.rsplit("/enpproperty-->", 1)[0].split(" ")
        if tail and len(tail[-2 if tail[-1] == "" else -1]) >= 6:
            page.title = tail[-2 if tail[-1] == "" else -1]
    lines = [ln for ln in text.split("\n") if ln.strip()]
    page.title = page.title or guess_title(lines)
    for line in lines[:3]:
        if SITE_NAME_RE.match(line.strip()):
            page.place_hints.append(line.strip())
            page.site_name = page.site_name or line.strip()
    page.text = text
    return page
