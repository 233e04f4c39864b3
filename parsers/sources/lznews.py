"""Parser for 鲁中网 (news.lznews.cn) article pages: headline, 来源/timestamp lines, body -> ParsedPage."""

from __future__ import annotations

import re

from parsers.decode import decode_bytes
from parsers.html_text import META_DATE, META_TITLE
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
    soup_of,
    split_title,
)

PARSER_ID = "lznews"
HOSTS = ("lznews.cn",)

# The footer under every article: "本栏目所有稿件版权归鲁中网、鲁中晨报所有,未经授权不得转载,违者必究。"
COPYRIGHT_RE = re.compile(r"版权归.{0,20}所有|未经(?:书面)?授权不得转载|版权所有")
# Channel furniture above the headline (site name repeated, "鲁中网 > 淄博新闻 > 正文").
NAV_RE = re.compile(r"^(鲁中网|首页)(\s*>.*)?$|>\s*正文$")
SITE_NAME = "鲁中网"


def parse(content: bytes, url: str, declared_charset: str | None = None) -> ParsedPage:
    """Pure function: the bytes of one 鲁中网 article page and its URL -> ParsedPage."""
    decoded = decode_bytes(content, declared_charset)
    soup = soup_of(decoded.text)
    meta = meta_map(soup)
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    drop_noise(soup)
    h1 = soup.find("h1")
    title = meta_first(meta, META_TITLE[:1]) or (h1.get_text(" ", strip=True) if h1 else split_title(page_title)[0])
    page_lines = body_lines(soup.body or soup)
    publish, source, _ = header_info(page_lines, title)
    node = first_selected(soup) or densest_block(soup) or soup.body or soup
    lines = body_lines(node)
    _, _, start = header_info(lines, title)
    lines = drop_furniture(cut_at(lines[start:] if start < len(lines) else lines, COPYRIGHT_RE), NAV_RE)
    if not publish:
        publish = iso_date(meta_first(meta, META_DATE))
    return finish(
        title,
        lines,
        encoding=decoded.encoding,
        publish_date=publish,
        date_source="page",
        # the site name is not a place; the "鲁中网淄博6月28日讯" dateline names the city
        hints=[],
        site_name=source or SITE_NAME,
    )
