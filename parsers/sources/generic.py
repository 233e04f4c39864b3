"""Fallback parser for any other news page: meta tags + trafilatura main-content extraction -> ParsedPage."""

from __future__ import annotations

import re

from parsers.decode import decode_bytes
from parsers.html_text import META_DATE, META_SOURCE, META_TITLE
from parsers.model import ParsedPage
from parsers.normalize import normalize_text
from parsers.pagetools import (
    body_lines,
    densest_block,
    drop_furniture,
    drop_noise,
    finish,
    header_info,
    iso_date,
    meta_first,
    meta_map,
    site_hint,
    soup_of,
    split_title,
)

PARSER_ID = "generic"
HOSTS: tuple[str, ...] = ()

# Footers that trafilatura sometimes keeps on Chinese portals.
FOOTER_RE = re.compile(r"版权所有|未经(?:书面)?授权不得转载|^(责任编辑|编辑|审核)\s*[:：]|^(原文链接|本文来源)\s*[:：]")
MIN_MAIN_TEXT = 60  # characters: below this trafilatura found no article, the page's densest block is used


def _main_text(html: str, url: str) -> str:
    import trafilatura  # imported lazily: ~0.5 s, only for pages of unknown sites

    text = trafilatura.extract(
        html,
        url=url or None,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
        with_metadata=False,
    )
    return text or ""


def parse(content: bytes, url: str, declared_charset: str | None = None) -> ParsedPage:
    """Pure function: the bytes of one news page and its URL -> ParsedPage.

    Decoding is ours (declared charset, <meta charset>, GB18030 for GBK, detection), so
    trafilatura gets text and never guesses an encoding. Title, date and source come from the
    ArticleTitle / PubDate / ContentSource meta tags that Chinese government and union CMSs
    carry, then from the page; parsers.report falls back to the URL for the date.
    """
    decoded = decode_bytes(content, declared_charset)
    soup = soup_of(decoded.text)
    meta = meta_map(soup)
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    head_title, site = split_title(page_title)
    h1 = soup.find("h1")
    title = meta_first(meta, META_TITLE) or (h1.get_text(" ", strip=True) if h1 else "") or head_title
    title = split_title(title)[0] if title == page_title else title
    main = normalize_text(_main_text(decoded.text, url))
    warnings: list[str] = []
    drop_noise(soup)
    if len(main) < MIN_MAIN_TEXT:
        node = densest_block(soup) or soup.body or soup
        lines = body_lines(node)
        warnings.append("main-content extraction found no article; densest block used")
    else:
        lines = [ln for ln in main.split("\n") if ln.strip()]
    publish = iso_date(meta_first(meta, META_DATE))
    page_publish, source_line, _ = header_info(body_lines(soup.body or soup), normalize_text(title))
    source = meta_first(meta, META_SOURCE[:1]) or source_line
    _, _, start = header_info(lines, normalize_text(title))
    lines = [ln for ln in drop_furniture(lines[start:] if start < len(lines) else lines) if not FOOTER_RE.search(ln)]
    return finish(
        title,
        lines,
        encoding=decoded.encoding,
        publish_date=publish or page_publish,
        date_source="meta" if publish else "page",
        hints=[site_hint(source), site_hint(site or meta_first(meta, ("og:site_name", "SiteName")))],
        site_name=site,
        warnings=warnings,
    )
