"""The report site built from hand-made tables: pages, links that resolve offline, escaping, charts, stale pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from flows.csvio import write_csv
from flows.progress import build_progress
from flows.site import build_site
from tests.progress_rows import figure, reports_for, table
from validations.datapackage import write_datapackage
from validations.schemas import columns_of

HOSTILE = '他们说<script>alert("x")</script>&"引号"累计培训'


def write_tables(data_dir: Path, indicators: pd.DataFrame) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "snapshots" / "2023-03-01").mkdir(parents=True, exist_ok=True)
    write_csv(data_dir / "indicators.csv", indicators, columns_of("indicators"))
    write_csv(data_dir / "reports.csv", reports_for(indicators), columns_of("reports"))
    write_csv(data_dir / "progress.csv", build_progress(indicators), columns_of("progress"))
    write_datapackage(data_dir, ["2023-03-01"])


def sample_indicators(with_qinhuangdao: bool = True) -> pd.DataFrame:
    tz = {"city": "泰州市", "city_code": "321200", "indicator": "high_skilled_talents", "unit": "人"}
    rows = [
        figure(126000, "2022-06-15", evidence=f"{HOSTILE}12.6万人次。", mention="12.6万人次"),
        figure(183000, "2022-12-13", mention="18.3万人次", evidence="累计完成各类职业技能培训18.3万人次。"),
        figure(183000, "2022-12-13", source="jszgw", mention="18.3万人次", evidence="全市培训18.3万人次。"),
        figure(5, "2022-06-15", indicator="model_workers", label="全国劳模", unit="人", mention="5人"),
        figure(6, "2022-12-13", indicator="model_workers", label="全国劳模", unit="人", mention="6人"),
        figure(47, "2022-12-13", indicator="model_workers", label="省劳模", unit="人", mention="47人"),
        figure(52, "2022-12-13", indicator="model_workers", label="省劳模", unit="人", source="b", mention="52人"),
        figure(360000, "2021-06-20", city="淄博市", city_code="370300", province="山东省", label="培训"),
        figure(430000, "2022-06-28", city="淄博市", city_code="370300", province="山东省", label="培训"),
        figure(1380, "2021-11-26", district="姜堰区", label="高技能人才", **tz),
        figure(2097, "2022-12-06", district="姜堰区", label="高技能人才", url="javascript:alert(1)", **tz),
    ]
    if with_qinhuangdao:
        rows.append(
            figure(16092, "2022-07-21", city="秦皇岛市", city_code="130300", province="河北省", label="培训人员")
        )
    return table(*rows)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    write_tables(data, sample_indicators())
    return data


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_index_and_city_pages_are_built(site_dir: Path) -> None:
    result = build_site(site_dir)
    site = site_dir / "site"
    assert Path(result["index"]) == (site / "index.html").resolve()
    pages = sorted(p.name for p in site.glob("*.html"))
    assert pages == ["city-130300.html", "city-320800.html", "city-321200.html", "city-370300.html", "index.html"]
    assert result["pages"] == 5 and result["warnings"] == []
    assert (site_dir / "comparison.csv").exists() and (site_dir / "coverage.csv").exists()
    index = soup(site / "index.html")
    assert index.h1.get_text(strip=True) == "各城市产改进展"
    assert [h.get_text(strip=True) for h in index.find_all("h2")] == [
        "各城市进展",
        "指标对比",
        "覆盖情况",
        "数据与方法",
    ]
    cards = {a.get_text(strip=True) for a in index.select("article.city-card h3 a")}
    assert cards == {"淮安市", "淄博市", "泰州市", "秦皇岛市"}
    assert len(index.select("table.data")) >= 4
    compared = index.select_one("#cmp-training_person_times figure.chart")
    assert compared.select_one("figcaption a")["href"] == "charts/indicator-training_person_times.svg"
    assert compared.svg.title.get_text() == "技能培训人次：各城市比较（人次）"
    huaian = soup(site / "city-320800.html")
    assert huaian.h1.get_text(" ", strip=True).startswith("淮安市")
    trend = huaian.select_one("#trend figure.chart")
    assert trend.select_one("figcaption a")["href"] == "charts/city-320800.svg"
    # the chart is inlined (so its points' tooltips work) and is the same SVG as the file it links to
    inline = str(trend.svg)
    saved = BeautifulSoup((site / "charts" / "city-320800.svg").read_text(encoding="utf-8"), "html.parser").svg
    assert inline == str(saved)
    assert "职业技能培训 · 2022-12-13：18.3万人次" in [t.get_text() for t in trend.select("circle.pt title")]
    text = huaian.get_text(" ", strip=True)
    assert "18.3万人次" in text and "12.6万人次" in text and "+5.7万人次" in text
    # the latest point is stated by two sources: both are listed
    assert "2 个来源" in text and "jszgw" in text
    # 47 vs 52 on one day: flagged, the first kept, nothing averaged
    assert "数值不一致" in text and "49.5" not in text


def test_every_link_and_image_resolves_offline(site_dir: Path) -> None:
    build_site(site_dir)
    site = site_dir / "site"
    for page in site.glob("*.html"):
        doc = soup(page)
        assert doc.find("script") is None and doc.find("link") is None  # no JavaScript, no external CSS
        assert len(doc.find_all("style")) == 1
        for img in doc.find_all("img"):
            src = img["src"]
            assert not urlsplit(src).scheme and (site / src).is_file(), (page.name, src)
            assert img.get("alt")
        for a in doc.find_all("a", href=True):
            href = a["href"]
            parts = urlsplit(href)
            if parts.scheme:  # links out to the reports themselves
                assert parts.scheme in ("http", "https", "file"), (page.name, href)
                continue
            target = page if not parts.path else (site / unquote(parts.path)).resolve()
            assert target.exists(), (page.name, href)
            if parts.fragment and target.suffix == ".html":
                assert soup(target).find(id=unquote(parts.fragment)) is not None, (page.name, href)


def test_evidence_from_documents_is_escaped_and_unsafe_urls_dropped(site_dir: Path) -> None:
    build_site(site_dir)
    for page in (site_dir / "site").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>" not in html and "javascript:" not in html
    huaian = (site_dir / "site" / "city-320800.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#34;引号&#34;" in huaian
    doc = soup(site_dir / "site" / "city-320800.html")
    # the value links to its report and carries its sentence as a tooltip; the sentence also opens
    link = next(a for a in doc.select("span.fig a") if a.get_text() == "12.6万人次")
    assert link["href"] == "https://example.org/inbox/2022-06-15.html"
    assert link["title"].startswith('他们说<script>alert("x")</script>')  # the text itself, not markup
    marks = [m.get_text() for m in doc.select("details.ev mark")]
    assert "12.6万人次" in marks
    taizhou = soup(site_dir / "site" / "city-321200.html")
    value = next(s for s in taizhou.select("span.fig") if "2,097人" in s.get_text())
    assert value.find("a") is None  # javascript: URL: shown without a link


def test_a_district_is_shown_under_its_city_as_its_own_series(site_dir: Path) -> None:
    build_site(site_dir)
    doc = soup(site_dir / "site" / "city-321200.html")
    section = doc.find(id="district-姜堰区")
    assert section is not None and "不并入泰州市全市数据" in section.get_text()
    assert "姜堰区·高技能人才" in section.get_text()
    assert "+717人" in section.get_text()


def test_rebuild_reuses_charts_and_removes_pages_of_vanished_cities(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tables(data, sample_indicators())
    first = build_site(data)
    assert first["charts"] >= 5 and first["charts_drawn"] == first["charts"]
    again = build_site(data)
    assert again["charts_drawn"] == 0 and again["charts"] == first["charts"]
    write_tables(data, sample_indicators(with_qinhuangdao=False))
    build_site(data)
    assert not (data / "site" / "city-130300.html").exists()
    assert not (data / "site" / "charts" / "city-130300.svg").exists()
    assert (data / "site" / "city-320800.html").exists()


def test_charts_of_the_png_era_are_removed_and_every_chart_is_well_formed_svg(site_dir: Path) -> None:
    import xml.etree.ElementTree as ET

    charts = site_dir / "site" / "charts"
    charts.mkdir(parents=True)
    (charts / "city-320800.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (charts / "manifest.json").write_text('{"city-320800.png": "0"}', encoding="utf-8")
    result = build_site(site_dir)
    assert not list(charts.glob("*.png"))
    svgs = sorted(charts.glob("*.svg"))
    assert len(svgs) == result["charts"] and "city-320800.svg" in [p.name for p in svgs]
    for path in svgs:
        assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg", path.name


def test_headlines_for_the_run_artifact(site_dir: Path) -> None:
    lines = build_site(site_dir)["headlines"]
    assert any("淮安市" in line and "12.6万人次" in line and "18.3万人次" in line for line in lines)
    assert all(line.startswith("- **") for line in lines)


def test_empty_data_dir_gives_an_empty_page(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tables(data, table())
    result = build_site(data)
    assert result["pages"] == 1 and (data / "site" / "index.html").exists()


def test_anomaly_flags_of_the_validation_work_are_shown(site_dir: Path) -> None:
    from flows.csvio import read_csv

    progress = read_csv(site_dir / "progress.csv")
    progress["flags"] = ""
    progress.loc[progress["value"] == "183000.0", "flags"] = "cumulative_decrease"
    write_csv(site_dir / "progress.csv", progress, list(progress.columns))
    build_site(site_dir)
    doc = soup(site_dir / "site" / "city-320800.html")
    badge = doc.select_one("#ind-training_person_times .badge.flag")
    assert badge is not None and badge["title"] == "cumulative_decrease"


def test_changai_site_command(site_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from flows.cli import main

    assert main(["site", "--data-dir", str(site_dir)]) == 0
    out = capsys.readouterr().out
    assert str((site_dir / "site" / "index.html").resolve()) in out and "comparison.csv" in out
    assert main(["site", "--data-dir", str(tmp_path / "empty")]) == 1
    assert "run `changai run` first" in capsys.readouterr().err


def test_the_progress_table_handed_over_builds_the_site_progress_csv_builds(tmp_path: Path) -> None:
    """flows/current.py hands the progress table it has just written to build_site instead of reading it back."""
    from flows.compare import prepare_progress

    pages = {}
    indicators = sample_indicators()
    for handed in (False, True):
        data = tmp_path / str(handed)
        write_tables(data, indicators)
        progress = prepare_progress(build_progress(indicators)) if handed else None
        build_site(data, as_of="2023-03-01", progress=progress)
        pages[handed] = {
            p.name: "\n".join(line for line in p.read_text(encoding="utf-8").splitlines() if "更新。" not in line)
            for p in sorted((data / "site").glob("*.html"))
        }
        pages[handed]["comparison.csv"] = (data / "comparison.csv").read_text(encoding="utf-8")
    assert len(pages[True]) >= 4 and pages[True] == pages[False]


def test_a_figure_without_its_indicator_row_or_a_column_reads_the_defaults() -> None:
    """site_data._RowsById: a figure whose row is not in indicators.csv, or a table without a column."""
    from flows.site_data import FIGURE_COLUMNS, FIGURE_DEFAULTS, _RowsById

    table = pd.DataFrame({"indicator_row_id": ["a", "b"], "evidence": ["句一", None], "qualifier": ["approx", "range"]})
    rows = _RowsById(table, "indicator_row_id", FIGURE_COLUMNS, FIGURE_DEFAULTS)
    assert rows.row(rows.position("a")) == ("approx", "", "句一", "", "", "")
    assert rows.row(rows.position("b")) == ("range", "", "", "", "", "")
    assert rows.position("missing") is None and rows.row(None) == FIGURE_DEFAULTS
