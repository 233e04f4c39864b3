"""The city pages a second process writes (flows/site_pages.py) are the bytes the run's process writes; a failed
worker is a clear error that leaves the rebuild to be redone."""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import flows.site
from flows import site_pages
from flows.csvio import write_csv
from flows.current import rebuild_current
from flows.site import build_site
from flows.site_data import Lookup, city_views, series_views
from flows.site_pages import PageWorker, SitePagesError, split_pages
from flows.store import REBUILD_PENDING, DataStore
from tests.progress_rows import figure, reports_for, table
from tests.test_site import HOSTILE, sample_indicators, write_tables
from validations.schemas import columns_of

CITIES = [("泰州市", "321200", "江苏省"), ("淄博市", "370300", "山东省"), ("秦皇岛市", "130300", "河北省"),
          ("成都市", "510100", "四川省"), ("深圳市", "440300", "广东省"), ("乌鲁木齐市", "650100", "新疆维吾尔自治区"),
          ("某新区", "", "")]  # fmt: skip


class _FixedClock(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return datetime(2026, 3, 2, 9, 30, tzinfo=tz)


def many_cities() -> pd.DataFrame:
    """Several cities with levels, annual figures, districts, a figure two sources give, sentences to escape."""
    rows = list(sample_indicators().to_dict("records"))
    for i, (city, code, province) in enumerate(CITIES):
        place = {"city": city, "city_code": code, "province": province}
        for year in range(2019, 2024):
            value = 1000 * (i + 1) + 37 * year
            sentence = f"{HOSTILE if year == 2021 else ''}{city}累计培训{value}人次，其中农民工{value // 3}人次。"
            rows.append(figure(value, f"{year}-06-15", evidence=sentence, mention=f"{value}人次", **place))
            rows.append(figure(value, f"{year}-06-15", source="second", evidence=sentence, **place))
            rows.append(
                figure(
                    10 + year - 2019 + i,
                    f"{year}-12-01",
                    indicator="model_workers",
                    label="省劳模",
                    unit="人",
                    period="annual",
                    **place,
                )
            )
        district = {"district": "某区", "label": "高技能人才", "indicator": "high_skilled_talents", "unit": "人"}
        rows.append(figure(7 + i, "2023-05-01", url="javascript:alert(1)", **district, **place))
    return table(*rows)


def _site_files(data: Path) -> dict[str, bytes]:
    site = data / "site"
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flows.site, "datetime", _FixedClock)  # the pages' "generated" minute


def test_pages_written_by_the_worker_are_the_pages_written_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed_clock: None
) -> None:
    submitted: list[str] = []
    real_submit = PageWorker.submit

    def submit(self: PageWorker, path: Path, template: str, context: dict) -> None:
        submitted.append(Path(path).name)
        real_submit(self, path, template, context)

    monkeypatch.setattr(PageWorker, "submit", submit)
    here, there = tmp_path / "here", tmp_path / "there"
    write_tables(here, many_cities())
    shutil.copytree(here, there)
    alone = build_site(here, page_worker=False)
    assert submitted == []
    shared = build_site(there, page_worker=True)
    assert 3 <= len(submitted) < alone["pages"] - 1  # the worker wrote some city pages, this process the others
    assert all(name.startswith("city-") for name in submitted)
    assert shared == {**alone, "index": shared["index"]}
    assert _site_files(here) == _site_files(there)
    assert (there / "comparison.csv").read_bytes() == (here / "comparison.csv").read_bytes()
    # built again over the pages there, the same bytes (the pages replaced, none left half-written)
    build_site(there, page_worker=True)
    assert _site_files(here) == _site_files(there)
    assert not list((there / "site").glob(".*.tmp"))


# a worker that reads its first job and dies, two ways, or never finishes
FAILING = {
    "exit": "import sys; sys.stdin.readline(); sys.exit('page worker: cannot render')",
    "killed": "import os, signal, sys; sys.stdin.readline(); os.kill(os.getpid(), signal.SIGKILL)",
    "stuck": "import sys, time; sys.stdin.readline(); time.sleep(600)",
}
EXPECTED = {"exit": "cannot render", "killed": "exited with -9", "stuck": "did not finish"}
WORKING = list(site_pages.WORKER_COMMAND)


def committed(tmp_path: Path) -> Path:
    """A data dir whose one snapshot holds many_cities()."""
    data = tmp_path / "data"
    snapshot = data / "snapshots" / "2023-03-01"
    snapshot.mkdir(parents=True)
    indicators = many_cities()
    write_csv(snapshot / "indicators.csv", indicators, columns_of("indicators"))
    write_csv(snapshot / "reports.csv", reports_for(indicators), columns_of("reports"))
    return data


@pytest.mark.parametrize("how", sorted(FAILING))
def test_a_failed_worker_is_an_error_and_the_rebuild_stays_pending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed_clock: None, how: str
) -> None:
    data = committed(tmp_path)
    store = DataStore(data)
    rebuild_current(store)  # with the page worker (sites of 1 point or more here, below)
    good = _site_files(data)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the jobs wait for the worker
    monkeypatch.setattr(site_pages, "WORKER_COMMAND", [sys.executable, "-c", FAILING[how]])
    monkeypatch.setattr(site_pages, "WORKER_TIMEOUT", 2.0)
    store.mark_rebuild_pending()  # as a commit leaves it
    with pytest.raises(SitePagesError) as failed:
        rebuild_current(store)
    message = str(failed.value)
    assert "page worker" in message and "pages" in message
    assert EXPECTED[how] in message
    assert (data / REBUILD_PENDING).exists()  # the next run rebuilds
    assert list(scratch.iterdir()) == []  # the jobs it did not read are gone
    # nothing lost: every page is there (the ones it was to write, from the last rebuild), and a
    # rebuild with a working worker gives the same site
    assert set(_site_files(data)) == set(good)
    monkeypatch.setattr(site_pages, "WORKER_COMMAND", WORKING)
    assert rebuild_current(store)["site"]["pages"] == 9
    assert _site_files(data) == good and not (data / REBUILD_PENDING).exists()


@pytest.fixture(autouse=True)
def _worker_for_small_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    # the hand-made sites here are far below the size that starts a worker on its own
    monkeypatch.setattr(flows.site, "PAGE_WORKER_MIN_POINTS", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_split_gives_each_side_its_share_of_the_weight() -> None:
    weights = [50, 40, 30, 20, 10, 10, 5, 5, 1, 1]
    remote = split_pages(weights, 0.6)
    there = sum(w for w, r in zip(weights, remote, strict=True) if r)
    assert 0.5 <= there / sum(weights) <= 0.7 and any(remote) and not all(remote)
    assert split_pages(weights, 0.6) == remote
    assert not any(split_pages(weights, 0.0)) and all(split_pages(weights, 1.0))
    assert split_pages([], 0.6) == []


def test_a_pickled_figure_shows_what_the_figure_looks_up(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tables(data, many_cities())
    indicators = pd.read_csv(data / "indicators.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    reports = pd.read_csv(data / "reports.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    progress = pd.read_csv(data / "progress.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    lookup = Lookup(indicators, reports)
    cities = city_views(series_views(progress, lookup), reports, lookup)
    fields = ("date", "value", "conflict", "flags", "text", "evidence", "before", "mention", "after", "source", "url")
    seen_others = 0
    for c in cities:
        copy = pickle.loads(pickle.dumps(c))
        for s, t in zip(c.series, copy.series, strict=True):
            for f, g in zip(s.points, t.points, strict=True):
                assert [getattr(g, k) for k in fields] == [getattr(f, k) for k in fields]
                assert g.others == f.others
                seen_others += bool(f.others)
            assert (t.previous is None) == (s.previous is None)
            assert t.previous is None or t.previous is t.points[t.points.index(t.previous)]  # the same object
    assert seen_others  # some figures have other sources
