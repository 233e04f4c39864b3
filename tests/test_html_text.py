"""parse_html reads lxml's tree: it must give what the BeautifulSoup reading (parse_html_with_bs4) gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.decode import decode_bytes
from parsers.html_text import parse_html, parse_html_with_bs4

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_INBOX = Path(__file__).parents[1] / "data" / "inbox"
PAGES = sorted(p for folder in (FIXTURES, SAMPLE_INBOX) for p in folder.rglob("*.htm*"))

TRICKY = {
    "comments_and_drops": (
        "<html><head><title> 标题  一 </title><meta name='PubDate' content='2023-05-01'>"
        "<meta property='og:title' content='甲'><meta name='pubdate' content='late'></head>"
        "<body><p>新建<!-- 注释 -->工会<script>var a = 1;</script>组织<b>120</b>家</p>"
        "<div>  \n  </div><form><p>表单</p></form>尾巴<svg><title>图</title></svg>后</body></html>"
    ),
    "pre_keeps_whitespace": "<body><pre>  一\n  二  </pre>   <span> </span>\t<p>三</p></body>",
    "nested_blocks_and_tails": (
        "<body><ul><li>甲<br>乙</li><li>丙</li></ul>丁<table><tr><td>1</td><td>2</td></tr></table></body>"
    ),
    "no_body": "<html><head><title>只有标题</title></head></html>",
    "xml_declaration_with_encoding": (
        '<?xml version="1.0" encoding="gb2312"?><html><body><h1> 题 <i>目</i> </h1>正文</body></html>'
    ),
    "entities_and_nbsp": "<body><p>职工&nbsp;1.2万人&amp;次&lt;</p><h1></h1></body>",
    # libxml2 builds no tree below 256 levels: such a page is read with BeautifulSoup
    "nested_300_levels": "<body>前" + "<div>" * 300 + "<p>新建工会组织120家</p>" + "</div>" * 300 + "后</body>",
    "nested_10000_levels": "<body>" + "<div>" * 10_000 + "<p>职工1.2万人</p>" + "</div>" * 10_000 + "</body>",
    "empty": "",
    "text_only": "  培训18.3万人次  ",
}


def test_there_are_fixture_pages() -> None:
    assert len(PAGES) >= 10


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_fixture_page_reads_as_with_bs4(page: Path) -> None:
    html = decode_bytes(page.read_bytes()).text
    assert parse_html(html) == parse_html_with_bs4(html)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_markup_reads_as_with_bs4(name: str) -> None:
    html = TRICKY[name]
    assert parse_html(html) == parse_html_with_bs4(html)


def test_text_nested_past_libxml2s_depth_is_read() -> None:
    assert "新建工会组织120家" in parse_html(TRICKY["nested_300_levels"]).text
    assert "职工1.2万人" in parse_html(TRICKY["nested_10000_levels"]).text


def test_reading_keeps_what_matters() -> None:
    doc = parse_html(TRICKY["comments_and_drops"])
    assert doc.title == "标题  一"  # stripped at the ends only, as bs4 does
    assert doc.meta == {"pubdate": "2023-05-01", "og:title": "甲"}
    assert "新建工会组织120家" in doc.text
    assert "var a" not in doc.text and "表单" not in doc.text and "图" not in doc.text
    assert "尾巴" in doc.text and doc.text.endswith("后")
