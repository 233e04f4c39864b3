"""A run's figures staged on disk batch by batch: the same snapshots and tables as holding them all, and
nothing left behind (flows/staging.py, flows/run_rows.py, DataStore.commit with staged rows)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from flows.csvchunks import csv_text
from flows.csvio import read_csv
from flows.staging import STAGE_PREFIX, StagedRows, dated
from flows.store import SNAPSHOT_TABLES, DataStore
from tests.bad_inputs import build
from tests.conftest import SAMPLE_INBOX, assert_same_current_tables, fresh_data_dir, run_ingest
from tests.test_store import ind_row, rep_row
from validations.schemas import columns_of


def _commit(
    store: DataStore, day: str, reports: dict[str, list[dict]], staged_parts: int | None, text: bool = False
) -> None:
    """Commit `reports` as one frame, or (staged_parts = n) staged in parts of n rows, with their CSV text
    written out beforehand (`text`, as a parse worker's validate_part does) or not."""
    rows = pd.DataFrame([r for rs in reports.values() for r in rs], columns=columns_of("indicators"))
    rep = pd.DataFrame([rep_row(r) for r in reports], columns=columns_of("reports"))
    rej = pd.DataFrame(columns=columns_of("rejected"))
    if staged_parts is None:
        store.commit(day, set(reports), rep, rows, rej)
        return
    with StagedRows(store.root) as staged:
        for start in range(0, len(rows), staged_parts):
            part = rows.iloc[start : start + staged_parts]
            staged.append(part, csv_text(dated(part, day), columns_of("indicators")) if text else None)
        store.commit(day, set(reports), rep, staged, rej)


def _snapshot_bytes(store: DataStore) -> dict[str, bytes]:
    return {
        f"{day}/{t}": (store.snapshots_dir / day / f"{t}.csv").read_bytes()
        for day in store.snapshot_dates()
        for t in SNAPSHOT_TABLES
    }


def test_staged_commit_writes_the_bytes_of_a_whole_frame_commit(tmp_path: Path, monkeypatch) -> None:
    # tiny chunks: the day's earlier rows are copied in parts too (a same-day re-run)
    monkeypatch.setattr("flows.store.SNAPSHOT_CHUNK_ROWS", 2)
    runs = [
        ("2026-01-01", {"r1": [ind_row(f"a{i}", "r1", i) for i in range(5)], "r2": [ind_row("b", "r2", 7)]}),
        ("2026-01-01", {"r2": [ind_row("b", "r2", 7), ind_row("c", "r2", 8.5)]}),  # same day: r2 re-read
        ("2026-01-02", {"r1": [ind_row("a0", "r1", 0), ind_row("d", "r1", 1e-7)], "r3": []}),  # a1..a4 withdrawn
        ("2026-01-02", {"r4": [ind_row(f"e{i}", "r4", -i) for i in range(7)]}),
    ]
    whole, staged = DataStore(tmp_path / "whole"), DataStore(tmp_path / "staged")
    written = DataStore(tmp_path / "written")  # parts with their text: copied where every row is new
    for day, reports in runs:
        _commit(whole, day, reports, None)
        _commit(staged, day, reports, 3)
        _commit(written, day, reports, 3, text=True)
    assert _snapshot_bytes(staged) == _snapshot_bytes(whole) == _snapshot_bytes(written)
    retracted = read_csv(staged.snapshots_dir / "2026-01-02" / "retracted.csv")
    assert sorted(retracted["indicator_row_id"]) == ["a1", "a2", "a3", "a4"]
    assert not list(staged.root.glob(f"{STAGE_PREFIX}*"))  # the context manager removed the parts


def test_staged_rows_keep_ids_and_order(tmp_path: Path) -> None:
    rows = pd.DataFrame([ind_row(f"x{i}", "r1", i) for i in range(7)], columns=columns_of("indicators"))
    with StagedRows(tmp_path) as staged:
        for start in (0, 3, 6):
            staged.append(rows.iloc[start : start + 3])
        staged.append(rows.iloc[0:0])  # an empty batch adds no part
        assert (staged.rows, staged.ids) == (7, {f"x{i}" for i in range(7)})
        assert [len(p) for p in staged.parts()] == [3, 3, 1]
        pd.testing.assert_frame_equal(staged.frame(), rows)
        folder = staged.folder
        assert folder.parent == tmp_path and folder.name.startswith(STAGE_PREFIX)
    assert not folder.exists()
    dry = StagedRows()  # a dry run stages outside the data dir
    assert not dry.folder.is_relative_to(tmp_path)
    dry.remove()


def test_a_killed_runs_scratch_folder_is_reported_and_removed(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    staged = StagedRows(tmp_path)
    staged.append(pd.DataFrame([ind_row("a", "r1", 1)], columns=columns_of("indicators")))
    # the process dies here: nothing removes the folder but the next run's recovery
    assert any("scratch folder" in s for s in store.interrupted_state())
    with store.acquire():
        pass
    assert not staged.folder.exists()
    assert store.interrupted_state() == []


@pytest.mark.flow
def test_batch_wise_validation_and_staging_give_the_tables_of_one_batch(
    prefect_harness, tmp_path: Path, today, monkeypatch
) -> None:
    """The sample inbox and the bad-input corpus (rows failing checks, rejected documents, a mirror
    of another report) in batches of 3 documents give the snapshot and tables of a single batch."""
    today("2026-03-02")
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE_INBOX, inbox)
    build(inbox)
    one = fresh_data_dir(tmp_path, "one")
    summary_one = run_ingest(one, inbox)
    monkeypatch.setattr("flows.batches.BATCH_SIZE", 3)
    many = fresh_data_dir(tmp_path, "many")
    summary_many = run_ingest(many, inbox)
    keys = ("reports_read", "reports_ok", "reports_rejected", "indicators_extracted", "duplicates", "rows_rejected")
    assert {k: summary_many[k] for k in keys} == {k: summary_one[k] for k in keys}
    assert summary_one["reports_read"] > 3 * 10 and summary_one["rows_rejected"] > 0 and summary_one["duplicates"] > 0
    assert summary_many["report"] == summary_one["report"]
    assert_same_current_tables(one, many)
    for table in SNAPSHOT_TABLES:
        a = read_csv(one / "snapshots" / "2026-03-02" / f"{table}.csv").drop(
            columns=["fetched_at", "row_json"], errors="ignore"
        )
        b = read_csv(many / "snapshots" / "2026-03-02" / f"{table}.csv").drop(
            columns=["fetched_at", "row_json"], errors="ignore"
        )
        pd.testing.assert_frame_equal(a, b, obj=table)
    assert not list(many.glob(f"{STAGE_PREFIX}*"))
