"""Parser for Founder (方正) digital-newspaper article pages: enpproperty metadata + enpcontent body -> ParsedPage."""

from __future__ import annotations

import html
import re

from parsers.decode import decode_bytes
from parsers.model import ParsedPage
from parsers.normalize import normalize_text
from parsers.pagetools import body_lines, densest_block, drop_noise, finish, iso_date, soup_of, split_title

PARSER_ID = "founder_epaper"
# Founder e-papers run on each paper's own host (…/html/2022-12/13/content_202371.htm): the
# source config names the host; detect.py recognises the pages by their enpproperty comment.
HOSTS: tuple[str, ...] = ()

# <!--enpproperty <articleid>202371</articleid><date>2022-12-13</date><author>…</author>
#   <title>…</title><subtitle>…</subtitle><introtitle>…</introtitle><nodename>第A03版:专版</nodename>…/enpproperty-->
ENP_RE = re.compile(r"<!--\s*enpproperty(.*?)/enpproperty\s*-->", re.S | re.I)
ENP_FIELD_RE = re.compile(r"<([a-z]+)>(.*?)</\1>", re.S | re.I)
# Body between <!--enpcontent--> markers; article pages repeat it (a hidden copy for printing),
# so one block is taken, never all of them.
ENP_CONTENT_RE = re.compile(r"<!--\s*enpcontent\s*-->(.*?)<!--\s*/enpcontent\s*-->", re.S | re.I)
# Newer Founder templates wrap the body in a custom element instead.
FOUNDER_CONTENT_RE = re.compile(r"<founder-content[^>]*>(.*?)</founder-content>", re.S | re.I)
NEWSPAPER_RE = re.compile(r"(\S{2,8}?(?:日报|晚报|晨报|时报|工人报|商报|都市报|新闻))")
# "■通讯员 蔡 凤" / "本报记者 …" bylines stay in the text; these are page furniture of the reader.
EPAPER_FURNITURE_RE = re.compile(r"^(上一篇|下一篇|上一版|下一版|返回目录|版面导航|标题导航|放大|缩小|默认|PDF下载)")


def enp_properties(text: str) -> dict[str, str]:
    """The fields of the enpproperty comment (HTML entities undone, whitespace trimmed)."""
    m = ENP_RE.search(text)
    if not m:
        return {}
    fields: dict[str, str] = {}
    for name, value in ENP_FIELD_RE.findall(m.group(1)):
        fields.setdefault(name.lower(), html.unescape(re.sub(r"<[^>]+>", "", value)).strip())
    return fields


def _body_html(text: str) -> str:
    blocks = [b for b in ENP_CONTENT_RE.findall(text) if b.strip()]
    if not blocks:
        blocks = [b for b in FOUNDER_CONTENT_RE.findall(text) if b.strip()]
    return max(blocks, key=len) if blocks else ""


def newspaper_name(props: dict[str, str], page_title: str) -> str:
    for value in [page_title, *props.values()]:
        if m := NEWSPAPER_RE.search(normalize_text(value or "")):
            return m.group(1)
    return ""


def parse(content: bytes, url: str, declared_charset: str | None = None) -> ParsedPage:
    """Pure function: the bytes of one e-paper article page and its URL -> ParsedPage."""
    decoded = decode_bytes(content, declared_charset)
    raw = decoded.text
    props = enp_properties(raw)
    body_html = _body_html(raw)
    soup = soup_of(raw)
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    warnings: list[str] = []
    if body_html:
        body = soup_of(f"<div>{body_html}</div>")
        drop_noise(body)
        lines = body_lines(body)
    else:
        warnings.append("no enpcontent / founder-content markers: body found by text density")
        drop_noise(soup)
        node = densest_block(soup) or soup.body or soup
        lines = body_lines(node)
    lines = [ln for ln in lines if not EPAPER_FURNITURE_RE.match(ln)]
    title = props.get("title", "")
    if not title:
        h = soup.find(("founder-title", "h1", "h2"))
        title = h.get_text(" ", strip=True) if h else split_title(page_title)[0]
    heads = [normalize_text(props[k]) for k in ("introtitle", "subtitle") if props.get(k)]
    paper = newspaper_name(props, page_title)
    return finish(
        title,
        [*heads, *lines],
        encoding=decoded.encoding,
        publish_date=iso_date(props.get("date", "")),
        date_source="page",
        hints=[paper],
        site_name=paper,
        author=props.get("author", ""),
        warnings=warnings,
    )
