"""Parser for traditional-character mirror pages (Big5 or UTF-8, pinyin after some characters) -> ParsedPage."""

from __future__ import annotations

import re

from parsers.decode import decode_bytes
from parsers.html_text import META_DATE, META_TITLE
from parsers.model import ParsedPage
from parsers.normalize import normalize_text
from parsers.pagetools import (
    body_lines,
    cut_at,
    densest_block,
    drop_furniture,
    drop_noise,
    finish,
    first_selected,
    header_info,
    iso_date,
    meta_first,
    meta_map,
    site_hint,
    soup_of,
    split_title,
)

PARSER_ID = "trad_mirror"
# Mirrors re-serve mainland news on many hosts; chosen by the source config and recognised by
# their pinyin annotations (發(fā)展, 產(chǎn)業(yè)) in detect.py.
HOSTS: tuple[str, ...] = ()

# Mirror furniture, matched after normalisation (so in simplified characters):
# "原文链接: http://…", "本文转载自…", "免责声明: …", "繁体 | 简体".
MIRROR_FOOTER_RE = re.compile(
    r"^(原文链接|原文地址|本文转载自|转载自|免责声明|声明\s*[:：]|版权声明|(责任)?编辑\s*[:：])"
)
MIRROR_FURNITURE_RE = re.compile(r"^(繁体|简体|繁體|簡體)(\s*[|/]\s*(繁体|简体))?$")
ORIGIN_RE = re.compile(r"(?:原文链接|原文地址)\s*[:：]\s*(https?://\S+)")


def parse(content: bytes, url: str, declared_charset: str | None = None) -> ParsedPage:
    """Pure function: the bytes of one mirror page and its URL -> ParsedPage (text in simplified characters)."""
    decoded = decode_bytes(content, declared_charset)
    soup = soup_of(decoded.text)
    meta = meta_map(soup)
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    head_title, site = split_title(page_title)
    drop_noise(soup)
    h1 = soup.find("h1")
    # normalised before matching: the headline is traditional, possibly with pinyin, on the page
    title = normalize_text(
        meta_first(meta, META_TITLE[:1]) or (h1.get_text(" ", strip=True) if h1 else head_title)
    ).replace("\n", " ")
    page_lines = body_lines(soup.body or soup)
    publish, source, _ = header_info(page_lines, title)
    node = first_selected(soup) or densest_block(soup) or soup.body or soup
    lines = body_lines(node)
    _, _, start = header_info(lines, title)
    origin = next((m.group(1) for ln in page_lines if (m := ORIGIN_RE.search(ln))), "")
    lines = cut_at(lines[start:] if start < len(lines) else lines, MIRROR_FOOTER_RE)
    lines = drop_furniture(lines, MIRROR_FURNITURE_RE)
    if not publish:
        publish = iso_date(meta_first(meta, META_DATE))
    return finish(
        title,
        lines,
        encoding=decoded.encoding,
        publish_date=publish,
        date_source="page",
        # the 来源 of a mirrored story is the original paper (河北工人报), often naming the place
        hints=[site_hint(source)],
        site_name=site,
        warnings=[f"mirror of {origin}"] if origin else [],
    )
