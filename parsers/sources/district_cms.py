"""Parser for district/county CMS news pages (breadcrumb, 时间/来源 line, body, 编辑 line) -> ParsedPage."""

from __future__ import annotations

import re

from parsers.decode import decode_bytes
from parsers.html_text import META_DATE, META_SOURCE, META_TITLE
from parsers.model import ParsedPage
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

PARSER_ID = "district_cms"
# One template serves many district sites (DedeCMS-style "您现在的位置是:主页 > 特别关注 > …");
# the host comes from the source config.
HOSTS: tuple[str, ...] = ()

BREADCRUMB_RE = re.compile(r"^(您现在的位置(是)?|当前位置|所在位置)\s*[:：]?")
# "编辑:陈玲" closes the article; share and comment widgets follow it.
EDITOR_RE = re.compile(r"^[\(（【]?\s*(责任)?编辑\s*[:：]|^【?(打印|关闭)")
WIDGET_RE = re.compile(r"(复制分享|我要评论|分享到|扫一扫|微信扫码|字号\s*[:：]?\s*大\s*中\s*小)")
NOT_A_PLACE = re.compile(r"^(自采|本站|原创|本网|网络|转载|综合)$")


def parse(content: bytes, url: str, declared_charset: str | None = None) -> ParsedPage:
    """Pure function: the bytes of one district news page and its URL -> ParsedPage."""
    decoded = decode_bytes(content, declared_charset)
    soup = soup_of(decoded.text)
    meta = meta_map(soup)
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    head_title, site = split_title(page_title)
    drop_noise(soup)
    h1 = soup.find("h1")
    title = meta_first(meta, META_TITLE[:1]) or (h1.get_text(" ", strip=True) if h1 else head_title)
    page_lines = [ln for ln in body_lines(soup.body or soup) if not BREADCRUMB_RE.match(ln)]
    publish, source, _ = header_info(page_lines, title)
    node = first_selected(soup) or densest_block(soup) or soup.body or soup
    lines = [ln for ln in body_lines(node) if not BREADCRUMB_RE.match(ln)]
    _, _, start = header_info(lines, title)
    lines = cut_at(lines[start:] if start < len(lines) else lines, EDITOR_RE)
    lines = drop_furniture([WIDGET_RE.sub("", ln).strip() for ln in lines])
    if not publish:
        publish = iso_date(meta_first(meta, META_DATE))
    source = source or meta_first(meta, META_SOURCE[:1])
    hints = [site_hint(site)]
    if source and not NOT_A_PLACE.match(source):
        hints.append(site_hint(source))
    return finish(
        title,
        lines,
        encoding=decoded.encoding,
        publish_date=publish,
        date_source="page",
        hints=hints,
        site_name=site,
    )
