"""The ingest flow against the fixture sites served on 127.0.0.1: every family end to end, faults, re-runs, --url."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.csvio import read_csv
from flows.rows import report_id_for
from tests.conftest import ROOT
from tests.httpsite import Sites, sources_toml

pytestmark = pytest.mark.flow

FAMILY_SOURCES = ["epaper", "lznews-zibo", "mirror", "jiangyan", "taizhou-exports"]
# (source, path) -> (title start, city, district, publish date)
EXPECTED = {
    ("epaper", "/html/2022-12/13/content_202371.htm"): ("淮安产业工人队伍建设改革", "淮安市", "", "2022-12-13"),
    ("epaper", "/html/2022-12/13/content_202355.htm"): ("为新就业形态劳动者", "淮安市", "", "2022-12-13"),
    ("lznews-zibo", "/luzhong/zibo/202206/t20220628_10455044.html"): ("权威发布丨淄博", "淄博市", "", "2022-06-28"),
    ("lznews-zibo", "/luzhong/zibo/202106/t20210620_9921377.html"): ("淄博产改实施四年", "淄博市", "", "2021-06-20"),
    ("mirror", "/news/2022/0721/30987.html"): ("秦皇岛市启动第三批", "秦皇岛市", "", "2022-07-21"),
    ("mirror", "/news/2022/0630/30512.html"): ("权威发布丨淄博产改五周年", "淄博市", "", "2022-06-30"),
    ("jiangyan", "/tbgz/2022/1206/8812.html"): ("姜堰:“联盟制”", "泰州市", "姜堰区", "2022-12-06"),
    ("jiangyan", "/tbgz/2021/1126/7705.html"): ("姜堰区三大联盟", "泰州市", "姜堰区", "2021-11-26"),
    ("taizhou-exports", "/tzgh/uploadfile/202010/sixin-showcase.docx"): ("“四心行动”推产改", "泰州市", "", ""),
    ("taizhou-exports", "/tzgh/uploadfile/202103/training-2020.pdf"): ("泰州市总工会2020年", "泰州市", "", ""),
}


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[Sites]:
    served = Sites(tmp_path)
    yield served
    served.close()


def run(data_dir: Path, **params):
    from flows.ingest import ingest

    state = ingest(data_dir=str(data_dir), return_state=True, **params)
    return state, state.result(raise_on_failure=False)


def test_fixture_sites_end_to_end_then_nothing_new(prefect_harness, data_dir: Path, sites: Sites, today) -> None:
    gone = sites["other"].url("/gone/")
    (data_dir / "sources.toml").write_text(
        sources_toml(sites, include_faults=True)
        + f'\n[[source]]\nid = "gone"\nkind = "http"\nparser = "generic"\nlist_pages = ["{gone}"]\n'
        + "link_pattern = '/a/'\ndelay_seconds = 0\nretries = 0\n",
        encoding="utf-8",
    )
    today("2026-03-02")
    state, summary = run(data_dir)
    # one source's list page is gone: the run says so, and everything else is ingested
    assert state.is_failed() and f"gone: SourceFetchError: list page {gone}: HTTP 404 Not Found" in state.message
    reports = read_csv(data_dir / "reports.csv")
    by_key = {
        (r["source"], "/" + r["url"].split("/", 3)[3]): r for r in reports.to_dict("records") if r["source"] != "inbox"
    }
    for (source, path), (title, city, district, published) in EXPECTED.items():
        row = by_key[(source, path)]
        assert row["status"] == "ok", (path, row["reason"])
        assert row["title"].startswith(title) and (row["city"], row["district"]) == (city, district), row
        assert row["publish_date"] == published, path
        assert int(row["n_indicators"]) > 0 and (data_dir / row["raw_path"]).exists()
    from flows.cli import main as changai

    assert changai(["validate", "--data-dir", str(data_dir)]) == 0  # rows of unfetchable pages validate too
    # each fault is a rejected report row with its reason; the good pages of that source landed
    faults = {path: row for (source, path), row in by_key.items() if source == "faults"}
    assert faults["/missing.html"]["status"] == "rejected"
    assert faults["/missing.html"]["reason"] == "fetch failed: HTTP 404 Not Found"
    assert "connection reset" in faults["/reset.html"]["reason"]
    assert "robots.txt" in faults["/blocked/secret.html"]["reason"]
    assert faults["/good.html"]["status"] == faults["/flaky.html"]["status"] == "ok"
    # the traditional-character repost of the 鲁中网 story is a duplicate: rows kept, progress not
    original = by_key[("lznews-zibo", "/luzhong/zibo/202206/t20220628_10455044.html")]
    mirror = by_key[("mirror", "/news/2022/0630/30512.html")]
    assert mirror["duplicate_of"] == original["report_id"] and original["duplicate_of"] == ""
    assert summary["duplicates"] == 1
    indicators = read_csv(data_dir / "indicators.csv")
    progress = read_csv(data_dir / "progress.csv")
    assert mirror["report_id"] in set(indicators["report_id"])
    assert mirror["report_id"] not in set(progress["report_id"])
    zibo_unions = progress[(progress["city"] == "淄博市") & (progress["indicator"] == "new_union_orgs")]
    points = zibo_unions[["publish_date", "value"]].values.tolist()
    assert points == [["2021-06-20", "1800.0"], ["2022-06-28", "2300.0"]]

    # the next day: nothing new on the sites, so nothing is fetched and no row is written
    for site in sites.sites.values():
        site.clear_log()
    today("2026-03-03")
    state, summary = run(data_dir, sources=FAMILY_SOURCES)
    assert state.is_completed(), state.message
    assert summary["reports_read"] == 0 and summary["indicators_added"] == 0
    assert all(s["new_or_changed"] == 0 and s["unchanged"] == s["discovered"] == 2 for s in summary["sources"])
    assert not (data_dir / "snapshots" / "2026-03-03").exists()
    for family in ("founder_epaper", "lznews", "trad_mirror", "exported_doc"):
        assert set(sites[family].statuses()) == {304}, family
    assert sites["district_cms"].statuses("/tbgz/20") == []  # no validators there: known articles not asked
    after = read_csv(data_dir / "reports.csv")
    assert sorted(zip(after["report_id"], after["content_sha256"], strict=True)) == sorted(
        zip(reports["report_id"], reports["content_sha256"], strict=True)
    )


def test_url_run_files_the_page_under_its_source(prefect_harness, data_dir: Path, sites: Sites, today) -> None:
    (data_dir / "sources.toml").write_text(sources_toml(sites), encoding="utf-8")
    today("2026-03-02")
    page = sites["district_cms"].url("/tbgz/2022/1206/8812.html")
    state, summary = run(data_dir, urls=[page])
    assert state.is_completed(), state.message
    reports = read_csv(data_dir / "reports.csv")
    assert reports["report_id"].tolist() == [report_id_for("jiangyan", page)]
    assert reports["parser"].tolist() == ["district_cms"] and reports["district"].tolist() == ["姜堰区"]
    # the source's own run later finds the same page: known, unchanged, not a second report
    state, summary = run(data_dir, sources=["jiangyan"])
    assert state.is_completed()
    jiangyan = next(s for s in summary["sources"] if s["source"] == "jiangyan")
    assert (jiangyan["discovered"], jiangyan["unchanged"]) == (2, 1)
    assert len(read_csv(data_dir / "reports.csv")) == 2


def test_cli_url_run_detects_each_family(tmp_path: Path, sites: Sites) -> None:
    pages = {
        "founder_epaper": sites["founder_epaper"].url("/html/2022-12/13/content_202371.htm"),
        "lznews": sites["lznews"].url("/luzhong/zibo/202206/t20220628_10455044.html"),
        "trad_mirror": sites["trad_mirror"].url("/news/2022/0721/30987.html"),
        "district_cms": sites["district_cms"].url("/tbgz/2022/1206/8812.html"),
        "exported_doc": sites["exported_doc"].url("/tzgh/uploadfile/202103/training-2020.pdf"),
        "generic": sites["other"].url("/xzgh/2023/0301/art_5512_1.html"),
    }
    data = tmp_path / "out"
    args = [a for url in pages.values() for a in ("--url", url)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")} | {"CHANGAI_TODAY": "2026-03-02"}
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", *args, "--data-dir", str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "reports read: 6 (ok 6, rejected 0)" in result.stdout and "manual" in result.stdout
    reports = read_csv(data / "reports.csv")
    rows = zip(reports["parser"], reports["city"], reports["status"], strict=True)
    got = dict(zip(reports["url"], rows, strict=True))
    cities = {"founder_epaper": "淮安市", "lznews": "淄博市", "trad_mirror": "秦皇岛市", "district_cms": "泰州市"}
    cities |= {"exported_doc": "泰州市", "generic": "徐州市"}
    for parser, url in pages.items():
        assert got[url] == (parser, cities[parser], "ok"), url


def test_manual_pages_are_reprocessed_with_their_detected_parser(
    prefect_harness, data_dir: Path, sites: Sites, today
) -> None:
    today("2026-03-02")
    page = sites["founder_epaper"].url("/html/2022-12/13/content_202371.htm")
    state, _ = run(data_dir, urls=[page])  # the shipped sources.toml has no source on this host
    assert state.is_completed(), state.message
    first = read_csv(data_dir / "indicators.csv")
    today("2026-03-03")
    state, summary = run(data_dir, reprocess=True)  # e.g. the weekly re-parse after an extractor upgrade
    assert state.is_completed(), state.message
    manual = next(s for s in summary["sources"] if s["source"] == "manual")
    assert manual["discovered"] == 1 and summary["reports_read"] == 1 and summary["indicators_retracted"] == 0
    reports = read_csv(data_dir / "reports.csv")
    assert reports[["source", "parser", "title"]].values.tolist() == [
        ["manual", "founder_epaper", "淮安产业工人队伍建设改革向纵深推进"]
    ]
    assert set(read_csv(data_dir / "indicators.csv")["indicator_row_id"]) == set(first["indicator_row_id"])
