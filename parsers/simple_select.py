"""Simple CSS selectors (tag, #id, .class) matched over a BeautifulSoup tree in one walk, as soupsieve would."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bs4 import BeautifulSoup, Tag

# One type, id or class selector and nothing else: `founder-content`, `#zoom`, `.TRS_Editor`.
SIMPLE_SELECTOR_RE = re.compile(r"[#.]?[A-Za-z_][A-Za-z0-9_-]*")
# soupsieve splits a class attribute given as a string at these (its RE_NOT_WS); bs4's lxml builder
# already gives a list
_NOT_WS_RE = re.compile(r"[^ \t\r\n\f]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def is_simple(selector: str) -> bool:
    return SIMPLE_SELECTOR_RE.fullmatch(selector) is not None


def _lower(text: str) -> str:
    """soupsieve's util.lower: ASCII letters only (an HTML tag or attribute name compares so)."""
    return text.translate(_ASCII_LOWER)


def _attribute(tag: Tag, name: str) -> object:
    """The value of the first attribute whose ASCII-lowercased name is `name` (None when absent; a
    valueless attribute is "")."""
    for key, value in tag.attrs.items():
        if _lower(key) == name:
            return "" if value is None else value
    return None


def _tags_in_order(root: BeautifulSoup | Tag) -> Iterator[Tag]:
    """Every tag below `root` in document order; a <template> is given but not entered (its content
    is not part of the document, and soupsieve's select does not look in it)."""
    stack = [c for c in reversed(root.contents) if isinstance(c, Tag)]
    while stack:
        tag = stack.pop()
        yield tag
        name = tag.name
        if not (len(name) == 8 and _lower(name) == "template"):
            stack.extend(c for c in reversed(tag.contents) if isinstance(c, Tag))


def select_simple(root: BeautifulSoup | Tag, selectors: Sequence[str]) -> list[list[Tag]]:
    """For each simple selector, `root.select(selector)`: the tags below `root` it matches, in
    document order. Type selectors compare ASCII-case-insensitively (HTML), ids and classes exactly."""
    by_name: dict[str, list[int]] = {}
    by_id: dict[str, list[int]] = {}
    by_class: dict[str, list[int]] = {}
    for i, selector in enumerate(selectors):
        if not is_simple(selector):
            raise ValueError(f"not a simple selector: {selector!r}")
        if selector[0] == "#":
            by_id.setdefault(selector[1:], []).append(i)
        elif selector[0] == ".":
            by_class.setdefault(selector[1:], []).append(i)
        else:
            by_name.setdefault(_lower(selector), []).append(i)
    out: list[list[Tag]] = [[] for _ in selectors]
    for tag in _tags_in_order(root):
        hits: set[int] = set()
        if by_name and (found := by_name.get(_lower(tag.name))):
            hits.update(found)
        if tag.attrs:
            if by_id and isinstance(value := _attribute(tag, "id"), str) and (found := by_id.get(value)):
                hits.update(found)
            if by_class and (classes := _attribute(tag, "class")) is not None:
                names = _NOT_WS_RE.findall(classes) if isinstance(classes, str) else classes
                for name in names:
                    if found := by_class.get(name):
                        hits.update(found)
        for i in hits:
            out[i].append(tag)
    return out
