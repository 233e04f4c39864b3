"""Snapshot store semantics without Prefect: append-only days, same-day merge, retraction, folding."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flows.csvio import atomic_write_bytes, read_csv, write_csv
from flows.store import DataStore, fold_snapshots
from validations.schemas import columns_of


def ind_row(row_id: str, report_id: str, value: float, day: str = "") -> dict:
    row = dict.fromkeys(columns_of("indicators"), "")
    row.update(indicator_row_id=row_id, report_id=report_id, value=value, snapshot_date=day, mention=f"{value}人")
    return row


def rep_row(report_id: str) -> dict:
    row = dict.fromkeys(columns_of("reports"), "")
    row.update(report_id=report_id, status="ok")
    return row


def commit(store: DataStore, day: str, reports: dict[str, list[dict]], protect: set[str] | None = None):
    ind = pd.DataFrame([r for rows in reports.values() for r in rows], columns=columns_of("indicators"))
    rep = pd.DataFrame([rep_row(r) for r in reports], columns=columns_of("reports"))
    rej = pd.DataFrame(columns=columns_of("rejected"))
    return store.commit(day, set(reports), rep, ind, rej, protect)


def live_ids(store: DataStore) -> set[str]:
    ind, _ = store.current_state()
    return set(ind["indicator_row_id"])


def test_rows_appear_once_and_changes_retract(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    commit(store, "2026-01-01", {"r1": [ind_row("a", "r1", 1), ind_row("b", "r1", 2)], "r2": [ind_row("c", "r2", 3)]})
    assert live_ids(store) == {"a", "b", "c"}
    # next day r1 re-parsed with one row changed: b withdrawn, d added; r2 untouched
    result = commit(store, "2026-01-02", {"r1": [ind_row("a", "r1", 1), ind_row("d", "r1", 4)]})
    assert (result.added, result.retracted) == (1, 1)
    assert live_ids(store) == {"a", "c", "d"}
    day2 = store.read_snapshot("2026-01-02")
    assert set(day2["retracted"]["indicator_row_id"]) == {"b"}
    assert set(day2["indicators"]["indicator_row_id"]) == {"d"}


def test_same_day_commits_merge_per_report(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    commit(store, "2026-01-01", {"r1": [ind_row("a", "r1", 1)], "r2": [ind_row("b", "r2", 2)]})
    # a second run the same day that only saw r2 (another source or a partial inbox)
    commit(store, "2026-01-01", {"r2": [ind_row("b", "r2", 2)]})
    commit(store, "2026-01-01", {"r2": [ind_row("b", "r2", 2)]})
    snap = store.read_snapshot("2026-01-01")
    assert sorted(snap["indicators"]["indicator_row_id"]) == ["a", "b"]
    assert sorted(snap["reports"]["report_id"]) == ["r1", "r2"]


def test_failed_reparse_does_not_retract(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    commit(store, "2026-01-01", {"r1": [ind_row("a", "r1", 1)]})
    commit(store, "2026-01-02", {"r1": []}, protect={"r1"})
    assert live_ids(store) == {"a"}


def test_fold_is_order_sensitive_for_readd(tmp_path: Path) -> None:
    cols = {t: columns_of(t) for t in ("reports", "indicators", "retracted", "rejected")}
    empty = {t: pd.DataFrame(columns=c) for t, c in cols.items()}
    day1 = dict(empty, indicators=pd.DataFrame([ind_row("a", "r1", 1)], columns=cols["indicators"]))
    day2 = dict(
        empty,
        retracted=pd.DataFrame(
            [{"indicator_row_id": "a", "report_id": "r1", "snapshot_date": "d", "reason": "x"}],
            columns=cols["retracted"],
        ),
    )
    live, _ = fold_snapshots([day1, day2])
    assert live.empty
    live, _ = fold_snapshots([day1, day2, day1])
    assert list(live["indicator_row_id"]) == ["a"]


def test_csv_is_excel_safe_and_round_trips(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {"text": ['=HYPERLINK("x")', "+86 电话", "-负数", "@x", "'quoted", "普通"], "n": [1, -2, 3, 4, 5, 6]}
    )
    path = tmp_path / "t.csv"
    write_csv(path, df, ["text", "n"])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel / WPS
    assert b"'=HYPERLINK" in raw and b"\r\n'+86" in raw and b",-2\r\n" in raw
    cells = [c for line in raw.split(b"\r\n") for c in line.split(b",")]
    assert not any(c[:1] in b"=+@" or c[:2] in (b'"=', b'"+', b'"-', b'"@') for c in cells if c)
    assert all(not c.startswith(b"-") or c[1:].replace(b".", b"").isdigit() for c in cells)
    back = read_csv(path)
    assert back["text"].tolist() == df["text"].tolist()
    assert pd.read_csv(path, encoding="utf-8-sig").columns.tolist() == ["text", "n"]


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "a" / "f.bin", b"1")
    atomic_write_bytes(tmp_path / "a" / "f.bin", b"2")
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["f.bin"]
    assert (tmp_path / "a" / "f.bin").read_bytes() == b"2"
