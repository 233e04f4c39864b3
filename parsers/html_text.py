"""HTML -> block text and page metadata (meta tags, <title>, <h1>) with bs4 + lxml, no network."""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment

DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "form", "button", "select", "head")
BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
    "pre",
    "header",
    "footer",
    "td",
    "th",
    "center",
}
# Meta names that Chinese government, union and news CMSs use for article metadata.
META_TITLE = ("ArticleTitle", "og:title", "title", "Title")
META_DATE = (
    "PubDate",
    "pubdate",
    "publishdate",
    "article:published_time",
    "og:release_date",
    "firstpublishedtime",
    "date",
    "DC.date",
    "dc.date.issued",
    "publish_time",
    "PublishDate",
)
META_SOURCE = ("ContentSource", "source", "SiteName", "og:site_name", "author")


@dataclass
class HtmlDoc:
    title: str
    h1: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    soup: BeautifulSoup | None = None

    def meta_first(self, names: tuple[str, ...]) -> str:
        for name in names:
            value = self.meta.get(name.lower(), "").strip()
            if value:
                return value
        return ""


def soup_of(html: str) -> BeautifulSoup:
    # lxml's HTML parser does not fetch DTDs or expand external entities.
    return BeautifulSoup(html, "lxml")


def block_text(node) -> str:
    """Text of a node with block elements on their own lines."""
    parts: list[str] = []
    for el in node.descendants:
        if isinstance(el, Comment):
            continue
        name = getattr(el, "name", None)
        if name is None:
            parts.append(str(el))
        elif name in BLOCK_TAGS:
            parts.append("\n")
    return "".join(parts)


def parse_html(html: str) -> HtmlDoc:
    soup = soup_of(html)
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip().lower()
        if key and tag.get("content") and key not in meta:
            meta[key] = str(tag["content"])
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    h1_tag = soup.find("h1")
    h1 = h1_tag.get_text(" ", strip=True) if h1_tag else ""
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    body = soup.body or soup
    return HtmlDoc(title=title, h1=h1, text=block_text(body), meta=meta, soup=soup)
