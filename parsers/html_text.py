"""HTML -> block text and page metadata (meta tags, <title>, <h1>) with lxml; block text of a bs4 node. No network."""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import Comment
from lxml import etree

DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "form", "button", "select", "head")
BLOCK_TAGS = frozenset(
    {
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
)
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

    def meta_first(self, names: tuple[str, ...]) -> str:
        for name in names:
            value = self.meta.get(name.lower(), "").strip()
            if value:
                return value
        return ""


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
    """Title, first <h1>, meta tags and the block text of <body> without DROP_TAGS.

    Read from lxml's own tree rather than a BeautifulSoup one: the same libxml2 parser gives the
    same text, at 0.5 ms instead of 1.8 ms a page (tests/test_html_text.py compares the two readings).
    A page nested deeper than libxml2 builds trees (256 levels) is read with BeautifulSoup, whose
    parser events carry on past that depth.
    """
    parser = etree.HTMLParser()
    try:
        # the feed interface takes a str with an XML encoding declaration, which fromstring() refuses;
        # lxml's HTML parser does not fetch DTDs or expand external entities
        parser.feed(html)
        root = parser.close()
    except etree.XMLSyntaxError:  # nothing parseable
        root = None
    if root is None:  # an empty document
        return HtmlDoc(title="", h1="", text="", meta={})
    meta: dict[str, str] = {}
    for tag in root.iter("meta"):
        key = (tag.get("name") or tag.get("property") or tag.get("itemprop") or "").strip().lower()
        content = tag.get("content")
        if key and content and key not in meta:
            meta[key] = content
    title_tag = next(root.iter("title"), None)
    h1_tag = next(root.iter("h1"), None)
    body = next(root.iter("body"), None)
    try:
        return HtmlDoc(
            title=_joined_strings(title_tag) if title_tag is not None else "",
            h1=_joined_strings(h1_tag) if h1_tag is not None else "",
            text=_lxml_block_text(body if body is not None else root),
            meta=meta,
        )
    except _TooDeep:  # libxml2 silently drops what lies below its depth limit
        return parse_html_with_bs4(html)


def parse_html_with_bs4(html: str) -> HtmlDoc:
    """What parse_html gives, read from a BeautifulSoup tree (4x slower): for pages nested past
    libxml2's depth limit, and the reference tests/test_html_text.py compares parse_html with."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
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
    return HtmlDoc(title=title, h1=h1, text=block_text(soup.body or soup), meta=meta)


LXML_MAX_DEPTH = 255  # elements below the 256th level are not in lxml's tree (libxml2 without XML_PARSE_HUGE)


class _TooDeep(Exception):
    """The tree reaches libxml2's depth limit: what was nested deeper is missing from it."""


def _joined_strings(node: etree._Element) -> str:
    """bs4's get_text(" ", strip=True): the node's text pieces stripped, empty ones left out."""
    pieces: list[str] = []
    _walk(node, pieces, (), frozenset(), top=True, preserve=False, depth=_depth(node))
    return " ".join(p.strip() for p in pieces if p.strip())


def _lxml_block_text(node: etree._Element) -> str:
    pieces: list[str] = []
    _walk(node, pieces, DROP_TAGS, BLOCK_TAGS, top=True, preserve=False, depth=_depth(node))
    return "".join(pieces)


_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"
PRESERVE_WHITESPACE_TAGS = ("pre", "textarea")


def _piece(text: str, preserve: bool) -> str:
    # as bs4 does: a run of ASCII whitespace between tags is one newline (or space) outside <pre>.
    # (strip() leaves "" exactly when every character is one of them; deleting them with
    # str.translate, as before, looked up every character of the text in a dict: 40 % of the walk)
    if preserve or text.strip(_ASCII_SPACES):
        return text
    return "\n" if "\n" in text else " "


def _depth(node: etree._Element) -> int:
    return sum(1 for _ in node.iterancestors())


def _walk(
    node: etree._Element,
    out: list[str],
    drop: tuple[str, ...],
    blocks: frozenset[str],
    top: bool,
    preserve: bool,
    depth: int,
) -> None:
    """Text in document order: a block element starts a line, comments and dropped elements give
    nothing but the text after them (their tail) stays; the top node's own tail is not its text.
    `depth`: the node's level in the document; at LXML_MAX_DEPTH the tree may be cut short."""
    if depth >= LXML_MAX_DEPTH - 1:
        raise _TooDeep
    tag = node.tag
    if isinstance(tag, str) and tag not in drop:
        inner = preserve or tag in PRESERVE_WHITESPACE_TAGS
        if tag in blocks:
            out.append("\n")
        if node.text:
            out.append(_piece(node.text, inner))
        for child in node:
            _walk(child, out, drop, blocks, top=False, preserve=inner, depth=depth + 1)
    if not top and node.tail:
        out.append(_piece(node.tail, preserve))
