"""The report page after a real run on the sample inbox, rendered in headless Chromium (Debian's /usr/bin/chromium).

Screenshots go to a pytest temporary folder, and also to $CHANGAI_SCREENSHOT_DIR when it is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_INBOX

pytestmark = [pytest.mark.flow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLE_CITIES = ("淮安市", "淄博市", "泰州市", "秦皇岛市")


@pytest.fixture(scope="module")
def sample_site(prefect_harness, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`changai run` on the sample inbox (the ingest flow, for real): its data dir with data/site/."""
    from flows.ingest import ingest

    data = tmp_path_factory.mktemp("site-run") / "data"
    (data / "inbox").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "sources.toml", data / "sources.toml")
    for f in SAMPLE_INBOX.iterdir():
        shutil.copy(f, data / "inbox" / f.name)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHANGAI_TODAY", "2026-03-02")
        state = ingest(data_dir=str(data), return_state=True)
    assert state.is_completed(), state.message
    assert state.result()["current"]["site"]["warnings"] == []
    (data / "flow_run_id").write_text(str(state.state_details.flow_run_id))
    return data


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


class Page:
    """A browser tab that records console errors, page errors and failed loads."""

    def __init__(self, browser) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        self.problems: list[str] = []
        self.page.on(
            "console", lambda m: m.type in ("error", "warning") and self.problems.append(f"{m.type}: {m.text}")
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))

    def open(self, path: Path):
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        return self.page


def keep(shot: Path) -> Path:
    target = os.environ.get("CHANGAI_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(target) / shot.name)
    print(f"screenshot: {shot}")
    return shot


# Chinese in a chart's SVG <text>: the text element's own font stack must draw real glyphs. A missing font
# draws every character as the same box (.notdef), so the text measures the same as a run of a codepoint no
# font has, and a CJK character is not full width.
SVG_GLYPHS = """() => {
    const text = Array.from(document.querySelectorAll('svg text')).find(t => /[\\u4e00-\\u9fff]/.test(t.textContent));
    const svg = text.ownerSVGElement;
    const probe = (content) => {
        const t = text.cloneNode(false); t.textContent = content; svg.appendChild(t);
        const width = t.getComputedTextLength(); t.remove(); return width;
    };
    const style = getComputedStyle(text);
    const size = parseFloat(style.fontSize);
    const draw = (ch) => {
        const c = document.createElementNS('http://www.w3.org/1999/xhtml', 'canvas'); c.width = 64; c.height = 64;
        const g = c.getContext('2d'); g.font = `48px ${style.fontFamily}`; g.fillText(ch, 4, 52);
        return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
    };
    return {
        text: text.textContent, family: style.fontFamily, size,
        width: text.getComputedTextLength(), tofu: probe('\\u{10FFFD}'.repeat(text.textContent.length)),
        cjk: probe('产改产改'), digits: probe('1111'),
        chan: draw('产'), gai: draw('改'), missing: draw('\\u{10FFFD}'),
    };
}"""


def assert_real_chinese_glyphs(found: dict) -> None:
    assert "Noto Sans CJK SC" in found["family"], found["family"]
    assert abs(found["width"] - found["tofu"]) > 1, found["text"]
    assert found["cjk"] >= 4 * found["size"] * 0.9 and found["digits"] < found["cjk"]  # ideographs are full width
    assert found["chan"] != found["gai"] and found["chan"] != found["missing"]


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def charts_drawn(page) -> list[dict]:
    """Every inline chart: its title and drawn size on the page."""
    return page.eval_on_selector_all(
        "figure.chart svg",
        "svgs => svgs.map(s => ({title: s.querySelector('title').textContent,"
        " width: s.getBoundingClientRect().width, height: s.getBoundingClientRect().height,"
        " points: s.querySelectorAll('circle.pt').length}))",
    )


def images_loaded(page) -> list[dict]:
    return page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}))"
    )


def test_index_shows_every_city_with_charts_tables_and_no_errors(sample_site: Path, browser, screenshots) -> None:
    tab = Page(browser)
    page = tab.open(sample_site / "site" / "index.html")
    assert page.title() == "产改进展：各城市指标与变化"
    assert page.inner_text("h1") == "各城市产改进展"
    assert page.locator("h2").all_inner_texts() == ["各城市进展", "指标对比", "覆盖情况", "数据与方法"]
    cards = page.locator("article.city-card h3").all_inner_texts()
    assert set(cards) == set(SAMPLE_CITIES)
    assert page.locator("table.data").count() >= 5
    assert all(i["ok"] for i in images_loaded(page))
    charts = charts_drawn(page)
    assert len(charts) >= len(SAMPLE_CITIES) + 3, charts  # a strip per city card, a chart per compared indicator
    assert all(c["width"] > 600 and c["height"] > 100 for c in charts), charts
    assert "淮安市 主要指标走势" in [c["title"] for c in charts] and sum(c["points"] for c in charts) > 10
    assert page.locator("details.ev").count() > 20
    shot = screenshots / "report-index.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)
    width, height = png_size(shot)
    assert width == 1280 and height > 3000
    assert tab.problems == []


def test_chinese_renders_with_real_glyphs_not_tofu(sample_site: Path, browser) -> None:
    tab = Page(browser)
    page = tab.open(sample_site / "site" / "index.html")
    # Draw characters in the page's own font stack: a missing font draws every character as the same
    # box, so two different characters (and a codepoint no font has) must give different pixels.
    result = page.evaluate(
        """() => {
        const family = getComputedStyle(document.querySelector('h1')).fontFamily;
        const draw = (ch) => {
            const c = document.createElement('canvas'); c.width = 64; c.height = 64;
            const g = c.getContext('2d'); g.font = `48px ${family}`; g.fillStyle = '#000';
            g.fillText(ch, 4, 52);
            return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
        };
        const g = document.createElement('canvas').getContext('2d'); g.font = `48px ${family}`;
        const h1 = document.querySelector('h1');
        const span = document.createElement('span'); span.textContent = '\\u{10FFFD}'.repeat(h1.textContent.length);
        h1.after(span);
        const tofuWidth = span.getBoundingClientRect().width; span.remove();
        return {
            chan: draw('产'), gai: draw('改'), missing: draw('\\u{10FFFD}'), blank: draw(' '),
            chanWidth: g.measureText('产').width, latinWidth: g.measureText('1').width,
            h1Width: h1.getBoundingClientRect().width, tofuWidth,
        };
    }"""
    )
    assert result["chan"] != result["blank"] and result["gai"] != result["blank"]
    assert result["chan"] != result["gai"]
    assert result["chan"] != result["missing"]
    # a CJK glyph is full width; tofu boxes and Latin fallbacks are narrower
    assert result["chanWidth"] >= 44 and result["latinWidth"] < result["chanWidth"]
    assert abs(result["h1Width"] - result["tofuWidth"]) > 1
    # the charts' text is drawn by the browser too: inline on the page, and in a chart file opened by itself
    assert_real_chinese_glyphs(page.evaluate(SVG_GLYPHS))
    chart = tab.open(sample_site / "site" / "charts" / "city-320800.svg")
    found = chart.evaluate(SVG_GLYPHS)
    assert found["text"] == "淮安市 主要指标走势"
    assert_real_chinese_glyphs(found)
    assert tab.problems == []


def test_a_city_page_shows_series_evidence_and_source_links(sample_site: Path, browser, screenshots) -> None:
    tab = Page(browser)
    page = tab.open(sample_site / "site" / "index.html")
    page.click("article.city-card h3 a:text('淮安市')")
    page.wait_for_load_state("load")
    assert page.inner_text("h1").startswith("淮安市")
    assert page.locator("h2").all_inner_texts()[:3] == ["主要指标", "走势", "全部指标"]
    assert all(i["ok"] for i in images_loaded(page))
    trend = page.locator("#trend figure.chart svg")
    assert trend.is_visible() and trend.locator("circle.pt").count() >= 2
    assert "18.3万人次" in trend.locator("g.last").all_text_contents()
    row = page.locator("#ind-training_person_times")
    assert "18.3万人次" in row.inner_text() and "12.6万人次" in row.inner_text() and "+5.7万人次" in row.inner_text()
    link = row.locator("span.fig a").first
    assert link.get_attribute("href").startswith("file://") and link.get_attribute("href").endswith(".txt")
    assert "18.3万人次" in link.get_attribute("title")  # the sentence on hover
    details = row.locator("details.ev")
    assert not details.locator("blockquote").first.is_visible()
    details.locator("summary").click()
    quote = details.locator("blockquote").first
    assert quote.is_visible() and "18.3万人次" in quote.locator("mark").inner_text()
    shot = screenshots / "report-city-huaian.png"
    page.screenshot(path=str(shot), full_page=True)
    keep(shot)
    assert tab.problems == []


def test_a_district_appears_on_its_citys_page(sample_site: Path, browser) -> None:
    tab = Page(browser)
    page = tab.open(sample_site / "site" / "city-321200.html")
    assert page.inner_text("h1").startswith("泰州市")
    section = page.locator("section#district-姜堰区")
    assert section.is_visible() and "区县数据" in section.locator("h2").inner_text()
    assert "姜堰区·试点" in section.inner_text() and "101家" in section.inner_text()
    assert tab.problems == []


def test_the_runs_markdown_artifact_carries_the_headline_changes(sample_site: Path) -> None:
    from prefect.client.orchestration import get_client

    run_id = (sample_site / "flow_run_id").read_text()
    # the REST filter directly: prefect 3.8's client.read_artifacts sends null paging fields
    query = {
        "artifacts": {"key": {"any_": ["ingest-summary"]}, "flow_run_id": {"any_": [run_id]}},
        "limit": 5,
        "offset": 0,
        "sort": "CREATED_DESC",
    }
    with get_client(sync_client=True) as client:
        artifacts = client.request("POST", "/artifacts/filter", json=query).json()
    assert len(artifacts) == 1
    markdown = artifacts[0]["data"]
    assert "## Headline changes" in markdown
    assert (sample_site / "site" / "index.html").resolve().as_uri() in markdown
    assert (
        "**淮安市** 技能培训人次 · 职业技能培训（累计）: 12.6万人次 (2022-06-15) → 18.3万人次 (2022-12-13)" in markdown
    )
