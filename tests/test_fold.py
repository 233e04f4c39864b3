"""The streamed fold (flows/fold.py) writes exactly the bytes of the in-memory fold (flows.store.fold_snapshots)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from flows.csvio import csv_bytes, write_csv
from flows.fold import fold_to_file
from flows.store import DataStore, fold_snapshots
from validations.schemas import columns_of

KEEP = ["indicator_row_id", "report_id", "value", "evidence"]


def _rows(ids: list[str], day: str, report: str = "r1") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_row_id": ids,
            "report_id": report,
            "city": "泰州市",
            "indicator": "training_person_times",
            "value": [str(10 + i) for i in range(len(ids))],
            "unit": "人次",
            # formula-like cells and a leading quote must come out escaped exactly as write_csv does
            "label": ["=SUM(A1)", "'quoted", "-5", "plain", "+1", "@x"][: len(ids)] + [""] * max(0, len(ids) - 6),
            "evidence": [f"第{i}句,其中含有换行\r\n第二行" if i % 2 else f"句子{i}" for i in range(len(ids))],
            "snapshot_date": day,
        }
    )


def _day(data: Path, day: str, indicators: pd.DataFrame | None, retracted: list[str]) -> None:
    folder = data / "snapshots" / day
    folder.mkdir(parents=True)
    if indicators is not None:  # a day may have no indicators table at all
        write_csv(folder / "indicators.csv", indicators, columns_of("indicators"))
    gone = pd.DataFrame({"indicator_row_id": retracted, "report_id": "r1", "snapshot_date": day, "reason": "re-parse"})
    write_csv(folder / "retracted.csv", gone, columns_of("retracted"))
    reports = pd.DataFrame({"report_id": ["r1", "r2"], "status": "ok", "city": "泰州市", "publish_date": day})
    write_csv(folder / "reports.csv", reports, columns_of("reports"))


def _expected(store: DataStore) -> bytes:
    live, _ = fold_snapshots([store.read_snapshot(d) for d in store.snapshot_dates()])
    return csv_bytes(live, columns_of("indicators"))


@pytest.fixture
def history(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    _day(data, "2026-01-01", _rows(["a", "b", "c", "d", "e", "f"], "2026-01-01"), [])
    # b retracted; c stated again (the later copy wins, at its later place); g new
    _day(data, "2026-01-02", _rows(["c", "g"], "2026-01-02", "r2"), ["b"])
    _day(data, "2026-01-03", None, ["d"])
    # a day holding an id twice (the last copy wins), and bringing back b, retracted before it
    _day(data, "2026-01-04", _rows(["h", "b", "h", "i"], "2026-01-04"), [])
    # a retraction applies to the days before it, not to the same day's rows
    _day(data, "2026-01-05", _rows(["j", "i"], "2026-01-05", "r2"), ["i", "e"])
    return data


def test_streamed_fold_writes_the_bytes_of_the_in_memory_fold(history: Path) -> None:
    store = DataStore(history)
    out = history / "indicators.csv"
    folded = fold_to_file(store, out, KEEP, {"evidence": lambda s: s.where(s.str.contains("其中"), "")})
    assert out.read_bytes() == _expected(store)
    live, reports = fold_snapshots([store.read_snapshot(d) for d in store.snapshot_dates()])
    assert folded.rows == len(live) == len(folded.indicators)
    assert folded.indicators["indicator_row_id"].tolist() == live["indicator_row_id"].tolist()
    assert folded.indicators["value"].tolist() == live["value"].tolist()
    assert list(folded.indicators.columns) == KEEP
    assert all(e == "" or "其中" in e for e in folded.indicators["evidence"])
    assert folded.reports.equals(reports)
    assert not list(history.glob(".*.tmp"))  # the per-day parts are gone


def test_no_snapshots_gives_the_header_alone(tmp_path: Path) -> None:
    store = DataStore(tmp_path / "empty")
    (tmp_path / "empty").mkdir()
    out = tmp_path / "empty" / "indicators.csv"
    folded = fold_to_file(store, out, KEEP)
    assert out.read_bytes() == csv_bytes(pd.DataFrame(), columns_of("indicators"))
    assert folded.rows == 0 and folded.indicators.empty and list(folded.indicators.columns) == KEEP


def test_every_row_retracted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _day(data, "2026-01-01", _rows(["a", "b"], "2026-01-01"), [])
    _day(data, "2026-01-02", _rows([], "2026-01-02"), ["a", "b"])
    store = DataStore(data)
    out = data / "indicators.csv"
    folded = fold_to_file(store, out, KEEP)
    assert out.read_bytes() == _expected(store)
    assert folded.rows == 0


def test_a_day_written_with_older_columns_is_rewritten_in_todays(tmp_path: Path) -> None:
    """A live day is copied as bytes only when its file has today's header: an older snapshot (a column
    added since, columns in another order) is read and written in the current format."""
    data = tmp_path / "data"
    _day(data, "2026-01-01", None, [])
    older = [c for c in columns_of("indicators") if c != "label"][::-1]
    write_csv(data / "snapshots" / "2026-01-01" / "indicators.csv", _rows(["a", "b"], "2026-01-01"), older)
    _day(data, "2026-01-02", _rows(["c"], "2026-01-02"), [])
    store = DataStore(data)
    out = data / "indicators.csv"
    folded = fold_to_file(store, out, KEEP)
    assert out.read_bytes() == _expected(store)
    assert out.read_bytes().decode("utf-8-sig").splitlines()[0].split(",") == columns_of("indicators")
    assert folded.indicators["indicator_row_id"].tolist() == ["a", "b", "c"]
