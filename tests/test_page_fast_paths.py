"""The faster readings around extraction give what the plain ones give, on random and varied inputs.

Each fast path here replaced a plain one for speed (see benchmarks/README.md "Around the core");
the plain reading is kept as the reference: soupsieve's select for parsers.simple_select, the
BeautifulSoup reading for parsers.html_text's lxml walk.
"""

from __future__ import annotations

import html
import random
import re

import pytest
from bs4 import BeautifulSoup

from parsers import detect
from parsers.html_text import parse_html, parse_html_with_bs4
from parsers.normalize import PINYIN_ANNOTATION_RE
from parsers.pagetools import BODY_SELECTORS, first_selected
from parsers.simple_select import is_simple, select_simple

TAGS = ("div", "p", "td", "article", "section", "span", "template", "founder-content", "ARTICLE", "Div", "pre", "br")
# the body selectors' names, and near misses (case, prefix) that must not match
NAMES = (*sorted({s.lstrip("#.") for s in BODY_SELECTORS}), "trs_editor", "Content", "content2", "x")
SPACES = (" ", "\n", "\t", "\r\n", "\x0c", "\x0b", "\u3000", "\xa0", "  \n  ")
WORDS = ("职工", "新建工会组织120家", "培训18.3万人次", "&nbsp;", "&amp;", "a", "<!-- 注 -->", "<script>x</script>")


def _attrs(rng: random.Random) -> str:
    out = []
    if rng.random() < 0.4:
        out.append(f'{rng.choice(("id", "ID", "Id"))}="{rng.choice(NAMES)}"')
    if rng.random() < 0.5:
        classes = rng.sample(NAMES, rng.randint(0, 3))
        sep = rng.choice((" ", "  ", "\t", "\n"))
        out.append(f'{rng.choice(("class", "CLASS"))}="{sep.join(classes)}{rng.choice(("", " "))}"')
    if rng.random() < 0.1:
        out.append("hidden")
    return (" " + " ".join(out)) if out else ""


def _markup(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(0, 4)):
        r = rng.random()
        if r < 0.35 and depth < 7:
            tag = rng.choice(TAGS)
            parts.append(f"<{tag}{_attrs(rng)}>{_markup(rng, depth + 1)}</{tag}>")
        elif r < 0.7:
            parts.append(rng.choice(WORDS) * rng.randint(1, 8))
        else:
            parts.append("".join(rng.choice(SPACES) for _ in range(rng.randint(1, 3))))
    return "".join(parts)


def _page(rng: random.Random) -> str:
    return f"<html><head><title>{rng.choice(WORDS)}</title></head><body{_attrs(rng)}>{_markup(rng)}</body></html>"


PAGES = [_page(random.Random(seed)) for seed in range(400)]


def test_the_random_pages_exercise_every_selector() -> None:
    soups = [BeautifulSoup(page, "lxml") for page in PAGES]
    for selector in BODY_SELECTORS:
        assert any(soup.select(selector) for soup in soups), selector
    assert any(soup.find("template") for soup in soups)


@pytest.mark.parametrize("seed", range(0, 400, 40))
def test_simple_selectors_match_what_soupsieve_selects(seed: int) -> None:
    selectors = (*BODY_SELECTORS, "div", "#Content", ".Content", "Section", "p")
    for page in PAGES[seed : seed + 40]:
        soup = BeautifulSoup(page, "lxml")
        got = select_simple(soup, selectors)
        for i, selector in enumerate(selectors):
            expected = soup.select(selector)
            assert [id(t) for t in got[i]] == [id(t) for t in expected], (selector, page)
        inner = soup.body
        if inner is not None:  # below a tag, as below the document
            for selector, tags in zip(selectors, select_simple(inner, selectors), strict=True):
                assert [id(t) for t in tags] == [id(t) for t in inner.select(selector)]


def test_first_selected_is_the_soupsieve_reading() -> None:
    def plain(soup: BeautifulSoup):
        for selector in BODY_SELECTORS:
            for node in soup.select(selector):
                if len(node.get_text(strip=True)) >= 60:
                    return node
        return None

    found = 0
    for page in PAGES:
        soup = BeautifulSoup(page, "lxml")
        node = first_selected(soup)
        assert node is plain(soup)
        found += node is not None
    assert found > 20


def test_only_simple_selectors_take_the_fast_path() -> None:
    assert all(is_simple(s) for s in BODY_SELECTORS)
    for selector in ("div p", "div > p", "a.b", "#a.b", "[id=x]", "p:first-child", "*", ""):
        assert not is_simple(selector)
        with pytest.raises(ValueError):
            select_simple(BeautifulSoup("<p></p>", "lxml"), [selector])
    soup = BeautifulSoup("<div class='content'><p>" + "职工" * 40 + "</p></div>", "lxml")
    assert first_selected(soup, ["div > p"]) is soup.p  # any other selector: soupsieve


@pytest.mark.parametrize("seed", range(0, 400, 50))
def test_lxml_walk_reads_random_pages_as_bs4(seed: int) -> None:
    # whitespace-only runs (ASCII or not), <pre>, comments, scripts and entities between tags
    for page in PAGES[seed : seed + 50]:
        assert parse_html(page) == parse_html_with_bs4(page)


def _detect_plain(text: str) -> str | None:
    """parsers.detect.detect_family before its substring tests: every regex over the whole head."""
    head = text[:200_000]
    if detect.FOUNDER_RE.search(head):
        return "founder_epaper"
    if detect.LZNEWS_RE.search(head):
        return "lznews"
    if len(PINYIN_ANNOTATION_RE.findall(html.unescape(head))) >= detect.MIN_PINYIN_NOTES:
        return "trad_mirror"
    plain = re.sub(r"<[^>]+>|&nbsp;", " ", head)
    if detect.BREADCRUMB_RE.search(plain) and detect.INFO_LINE_RE.search(plain):
        return "district_cms"
    return None


# pieces of each family's signature, whole or broken by markup, case or a look-alike (ſ folds onto s)
SIGNATURE_PIECES = (
    "版权归鲁中网",
    "版权归鲁中<b>网",
    "www.lznews.cn",
    "LZNEWS.CN",
    "lzneWS.Cn",
    "lzneſ.cn",
    "lznews.c n",
    "lznews&#46;cn",
    "x.cn",
    ".CN",
    "您现在的位置:",
    "当前位置 是 ：",
    "您现在的<span>位置</span>:",
    "当前位&nbsp;置:",
    "位置",
    "时间:2023-05-01 来源:",
    "时间 ： 2023-5-1 09:00 来源：",
    "發(fā)展",
    "產(chǎn)業(yè)",
    "工(gōng)",
    "發(fā)展產(chǎn)業(yè)",
    "發&#40;fā&#41;產(chǎn)業(yè)",
    "發&#40;fa&#41;",
    "<!-- enpproperty -->",
    "<founder-content>",
    "（ma）",
    "(ma)",
)


def test_family_detection_is_the_plain_regex_reading() -> None:
    rng = random.Random(7)
    families = set()
    for page in PAGES:
        pieces = [page[: len(page) // 2], *rng.sample(SIGNATURE_PIECES, rng.randint(0, 9)), page[len(page) // 2 :]]
        rng.shuffle(pieces)
        text = "".join(pieces)
        found = detect.detect_family(text)
        assert found == _detect_plain(text), text
        families.add(found)
    assert families == {None, "founder_epaper", "lznews", "trad_mirror", "district_cms"}
