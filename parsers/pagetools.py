"""Helpers shared by the per-family page parsers: content blocks, furniture lines, title and site names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup, Tag

from parsers.dates import NUMERIC_DATE_RE, make_date
from parsers.html_text import block_text
from parsers.model import ParsedPage
from parsers.normalize import normalize_text
from parsers.simple_select import is_simple, select_simple

# "标题_淄博新闻_鲁中网", "标题-泰州市姜堰区人民政府", "标题 | 某某网": the page <title> carries the site name.
TITLE_SEPARATORS_RE = re.compile(r"\s*(?:_|\s[-|—]\s|\|)\s*")
# Names of news sites, papers and government portals that a title suffix or a 来源 line gives.
SITE_NAME_RE = re.compile(r"(网|报|台|在线|融媒|政府|工会|门户|新闻|频道|发布|中心)$")
# Containers that CMSs use for the article body, most specific first.
BODY_SELECTORS = (
    "founder-content",
    "#ozoom",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    ".article-content",
    ".article_content",
    ".articleContent",
    ".content-article",
    "#content",
    ".content",
    "#text",
    ".text",
    "article",
)
# Lines of page furniture that are never part of a report.
FURNITURE_LINE_RE = re.compile(
    r"^(?:【?(?:打印|关闭|关闭窗口|收藏|字号|大|中|小|打印本页|返回顶部)】?\s*)+$"
    r"|^(?:分享到|复制分享|我要评论|扫一扫|上一篇|下一篇|相关新闻|相关阅读|责任编辑|编辑|审核|校对|初审|复审|终审)[:：\s]?"
)


def soup_of(html: str) -> BeautifulSoup:
    # lxml's HTML parser does not fetch DTDs or expand external entities.
    return BeautifulSoup(html, "lxml")


def drop_noise(soup: BeautifulSoup | Tag) -> None:
    for tag in soup.find_all(("script", "style", "noscript", "template", "iframe", "svg", "form", "button", "select")):
        tag.decompose()


def meta_map(soup: BeautifulSoup) -> dict[str, str]:
    """<meta name|property|itemprop=... content=...>, keys lower-cased, first one wins."""
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip().lower()
        if key and tag.get("content") and key not in meta:
            meta[key] = str(tag["content"]).strip()
    return meta


def meta_first(meta: dict[str, str], names: Iterable[str]) -> str:
    for name in names:
        if value := meta.get(name.lower(), "").strip():
            return value
    return ""


def split_title(title: str) -> tuple[str, str]:
    """'标题_淄博新闻_鲁中网' -> ('标题', '鲁中网'); a title without a site suffix comes back as is."""
    parts = [p for p in TITLE_SEPARATORS_RE.split(title.strip()) if p]
    if len(parts) >= 2 and len(parts[-1]) <= 20:
        return parts[0], parts[-1]
    return title.strip(), ""


def first_selected(soup: BeautifulSoup | Tag, selectors: Iterable[str] = BODY_SELECTORS) -> Tag | None:
    """The first container matching a known body selector that holds real text (60+ characters).

    Selectors in order, the matches of each in document order, as `soup.select(selector)` gives
    them. Simple selectors (tag, #id, .class: all of BODY_SELECTORS) are matched in one walk of the
    tree (parsers.simple_select) instead of one soupsieve pass per selector, 14 walks of a page that
    matches none; any other selector goes to soupsieve."""
    selectors = tuple(selectors)
    matched = select_simple(soup, selectors) if all(is_simple(s) for s in selectors) else None
    for i, selector in enumerate(selectors):
        for node in matched[i] if matched is not None else soup.select(selector):
            if len(node.get_text(strip=True)) >= 60:
                return node
    return None


def densest_block(soup: BeautifulSoup | Tag) -> Tag | None:
    """The element whose direct <p>/<br> children hold the most text: the article body on most CMS pages."""
    best, best_len = None, 0
    for node in soup.find_all(("div", "td", "article", "section")):
        length = sum(len(p.get_text(strip=True)) for p in node.find_all("p", recursive=False))
        if length == 0 and node.find("br", recursive=False) is not None:
            length = len(node.get_text(strip=True)) // 2  # <br>-separated bodies (older CMS templates)
        if length > best_len:
            best, best_len = node, length
    return best if best_len >= 60 else None


def body_lines(node: Tag | BeautifulSoup) -> list[str]:
    """Normalised non-empty lines of a container, block elements on their own lines."""
    return [line for line in normalize_text(block_text(node)).split("\n") if line.strip()]


def drop_furniture(lines: list[str], extra: re.Pattern[str] | None = None) -> list[str]:
    return [ln for ln in lines if not FURNITURE_LINE_RE.match(ln) and not (extra and extra.search(ln))]


def cut_at(lines: list[str], stop: re.Pattern[str]) -> list[str]:
    """Lines before the first one matching `stop` (a copyright footer, an editor line)."""
    for i, line in enumerate(lines):
        if stop.search(line):
            return lines[:i]
    return lines


def iso_date(text: str) -> str:
    """The first YYYY-MM-DD / YYYY年M月D日 date in a short piece of page furniture, ISO formatted."""
    m = NUMERIC_DATE_RE.search(text or "")
    return make_date(m.group(1), m.group(2), m.group(3)) if m else ""


def site_hint(name: str) -> str:
    """A site or source name worth passing as a place hint (淮安日报, 姜堰区融媒体中心), else ''."""
    name = normalize_text(name or "").strip()
    if 2 <= len(name) <= 20 and SITE_NAME_RE.search(name):
        return name
    return ""


def finish(
    title: str,
    lines: list[str],
    *,
    encoding: str,
    publish_date: str = "",
    date_source: str = "page",
    hints: Iterable[str] = (),
    site_name: str = "",
    author: str = "",
    warnings: Iterable[str] = (),
    sep: str = "\n\n",
) -> ParsedPage:
    """Normalise, drop a repeated headline, and start the text with the title line."""
    title = normalize_text(title or "").replace("\n", " ").strip()
    lines = [ln for ln in lines if ln.strip()]
    if title:
        while lines and lines[0].replace(" ", "") == title.replace(" ", ""):
            lines = lines[1:]
    # paragraphs one blank line apart (as the pages show them); PDF text keeps its single line breaks
    text = normalize_text(sep.join([title, *lines]) if title else sep.join(lines))
    hints = [h for h in dict.fromkeys(normalize_text(h) for h in hints if h) if h]
    return ParsedPage(
        title=title,
        text=text,
        publish_date=publish_date,
        date_source=date_source if publish_date else "",
        place_hints=hints,
        site_name=normalize_text(site_name) if site_name else "",
        author=normalize_text(author) if author else "",
        encoding=encoding,
        warnings=list(warnings),
    )


# A header line that states when and from where: "来源:鲁中网", "时间:2022-12-06 09:12 来源:自采", a bare timestamp.
INFO_LABEL_RE = re.compile(r"(来源|时间|日期|发布|作者|浏览|点击|阅读|字号|编辑|记者|供稿)\s*[:：]")
SOURCE_LABEL_RE = re.compile(r"来源\s*[:：]\s*([^\s:：|]{2,24})")


def is_info_line(line: str) -> bool:
    """A short header line of labels and a date, not a sentence of the report."""
    if len(line) > 90 or line.endswith(("。", "！", "？")):
        return False
    return bool(INFO_LABEL_RE.search(line)) or bool(
        NUMERIC_DATE_RE.match(line) and len(NUMERIC_DATE_RE.sub("", line, count=1).strip(" :：0123456789")) < 8
    )


def header_info(lines: list[str], title: str, window: int = 8) -> tuple[str, str, int]:
    """(publish date, 来源 name, index of the first body line) from the lines just after the headline.

    Looks at the few lines after the title line (or the top of the page when the title is not
    found) for labelled info lines and bare timestamps.
    """
    start, found = 0, False
    key = title.replace(" ", "")
    for i, line in enumerate(lines[:60]):
        if key and line.replace(" ", "") == key:
            start, found = i + 1, True
            break
    publish, source, body_start = "", "", start
    for j in range(start, min(len(lines), start + window)):
        line = lines[j]
        if not is_info_line(line):
            # under a found headline a short line (subtitle, 鲁中网 banner) may precede the info line;
            # anything else is the body, which must not be skipped
            if publish or source or not found or len(line) > 40:
                break
            continue
        publish = publish or iso_date(line)
        if m := SOURCE_LABEL_RE.search(line):
            source = source or m.group(1)
        body_start = j + 1
    return publish, source, body_start
