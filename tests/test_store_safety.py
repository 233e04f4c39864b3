"""The store's safety machinery on real files and processes: lock, crash recovery, raw paths, CSV edge cells."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from flows.csvio import read_csv, write_csv
from flows.store import LOCK_INFO, REBUILD_PENDING, DataStore, StoreBusyError, UnsafePathError
from tests.conftest import ROOT
from tests.test_store import commit, ind_row, live_ids

HOLD_LOCK = """
import sys, time
from flows.store import DataStore
held = DataStore(sys.argv[1]).acquire()
print("held", flush=True)
time.sleep(120)
"""


def hold_lock(data_dir: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(data_dir)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_writer_waits_with_a_message_then_gives_up_clearly(tmp_path: Path, capsys) -> None:
    holder = hold_lock(tmp_path)
    try:
        info = json.loads((tmp_path / LOCK_INFO).read_text(encoding="utf-8"))
        assert info["pid"] == holder.pid
        with pytest.raises(StoreBusyError, match=r"still writing .* after 1 s \(pid \d+"):
            DataStore(tmp_path).acquire(timeout=1)
        err = capsys.readouterr().err
        assert "being written by another changai run" in err and f"pid {holder.pid}" in err
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_killed_run_is_free_at_once(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / LOCK_INFO).exists()  # the killed run's note is still there...
    held = DataStore(tmp_path).acquire(timeout=0)  # ...but the OS released its flock
    held.release()
    assert not (tmp_path / LOCK_INFO).exists()


def day_files(store: DataStore, day: str) -> dict[str, pd.DataFrame]:
    return store.read_snapshot(day)


def test_committed_ready_folder_is_read_and_rolled_forward(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    commit(store, "2026-01-01", {"r1": [ind_row("a", "r1", 1)]})
    snaps = tmp_path / "snapshots"
    # a same-day re-run killed after its commit point, one file already moved into place
    new = {"r1": [ind_row("a", "r1", 1)], "r2": [ind_row("b", "r2", 2)]}
    shutil_copy = (snaps / "2026-01-01").rename(snaps / "saved")
    commit(store, "2026-01-01", new)
    (snaps / "2026-01-01").rename(snaps / ".2026-01-01.ready")
    shutil_copy.rename(snaps / "2026-01-01")
    os.replace(snaps / ".2026-01-01.ready" / "reports.csv", snaps / "2026-01-01" / "reports.csv")
    assert store.snapshot_dates() == ["2026-01-01"]
    assert live_ids(store) == {"a", "b"}  # readers see the committed state before any recovery
    assert "snapshot 2026-01-01 committed but not moved into place" in store.interrupted_state()
    store.recover()
    assert sorted(p.name for p in snaps.iterdir()) == ["2026-01-01"]
    assert live_ids(store) == {"a", "b"}
    assert store.interrupted_state() == []


def test_new_day_ready_folder_counts_as_committed(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    commit(store, "2026-01-01", {"r1": [ind_row("a", "r1", 1)]})
    (tmp_path / "snapshots" / "2026-01-01").rename(tmp_path / "snapshots" / ".2026-01-01.ready")
    assert store.snapshot_dates() == ["2026-01-01"] and live_ids(store) == {"a"}
    store.recover()
    assert (tmp_path / "snapshots" / "2026-01-01" / "indicators.csv").exists()


def test_unfinished_snapshot_and_temp_files_are_removed(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    commit(store, "2026-01-01", {"r1": [ind_row("a", "r1", 1)]})
    (tmp_path / REBUILD_PENDING).unlink()
    half = tmp_path / "snapshots" / ".2026-01-02.tmp-999-0"
    half.mkdir()
    (half / "reports.csv").write_text("report_id\n", encoding="utf-8")
    leftovers = [
        tmp_path / ".indicators.csv.k3j2.tmp",
        tmp_path / "snapshots" / "2026-01-01" / ".reports.csv.x.tmp",
        tmp_path / "raw" / "inbox" / f".{'0' * 64}.txt.y.tmp",
    ]
    for f in leftovers:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(b"half")
    assert len(store.interrupted_state()) == 4
    store.recover()
    assert not half.exists() and not any(f.exists() for f in leftovers)
    assert store.snapshot_dates() == ["2026-01-01"] and store.interrupted_state() == []


def test_pending_marker_rebuilds_current_tables_on_recovery(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    commit(store, "2026-01-01", {"r1": [ind_row("a", "r1", 1)]})
    assert (tmp_path / REBUILD_PENDING).exists()  # committed, current tables not yet written
    assert not (tmp_path / "indicators.csv").exists()
    assert "rebuilt the current tables" in store.recover()
    assert read_csv(tmp_path / "indicators.csv")["indicator_row_id"].tolist() == ["a"]
    assert not (tmp_path / REBUILD_PENDING).exists() and (tmp_path / "datapackage.json").exists()


def test_raw_files_are_named_by_content_only(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    ref = store.put_raw("inbox", b"abc", ".HTML", {"file_name": "../../etc/passwd"})
    assert ref.rel_path == f"raw/inbox/{ref.sha256}.html"
    assert store.put_raw("inbox", b"abc", "./../x", {}).rel_path.endswith(".bin")
    assert store.put_raw("inbox", b"abc", ".中文", {}).rel_path.endswith(".bin")
    for bad in ("../up", "a/b", ".hidden", ""):
        with pytest.raises(ValueError, match="not a safe folder name"):
            store.put_raw(bad, b"x", ".txt", {})
    for bad in ("../../etc/passwd", "/etc/passwd", "raw/inbox/../../x.txt", "raw/inbox/abc.txt"):
        with pytest.raises(UnsafePathError):
            store.raw_bytes(bad)
    assert store.raw_bytes(ref.rel_path) == b"abc"


def test_a_truncated_raw_file_is_rewritten(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    ref = store.put_raw("inbox", b"complete document", ".txt", {})
    (tmp_path / ref.rel_path).write_bytes(b"compl")  # e.g. restored from a bad backup
    store.put_raw("inbox", b"complete document", ".txt", {})
    assert store.raw_bytes(ref.rel_path) == b"complete document"


def test_awkward_cells_round_trip(tmp_path: Path) -> None:
    cells = ["c\rd", "e\nf", "a\x00b", '引号"逗号,', "'", "''x", "-", "-5人", "+1", "@", "\tx", "-60", "-1.5e3"]
    path = tmp_path / "t.csv"
    write_csv(path, pd.DataFrame({"t": cells}), ["t"])
    assert read_csv(path)["t"].tolist() == cells
    plain = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")["t"].tolist()
    assert len(plain) == len(cells)  # a stray \r no longer splits a row
    assert plain[-2:] == ["-60", "-1.5e3"]  # numbers stay numbers for pandas and Excel
    assert all(p.startswith("'") for p in plain[6:11])  # - -5人 +1 @ \tx cannot start a formula


def test_commit_protects_reports_rejected_now(tmp_path: Path) -> None:
    store = DataStore(tmp_path)
    commit(store, "2026-01-01", {"r1": [ind_row("a", "r1", 1)]})
    from validations.schemas import columns_of

    rep = pd.DataFrame([dict.fromkeys(columns_of("reports"), "") | {"report_id": "r1", "status": "rejected"}])
    store.commit("2026-01-02", {"r1"}, rep, pd.DataFrame(columns=columns_of("indicators")), pd.DataFrame())
    assert live_ids(store) == {"a"}  # a re-read that failed never withdraws stored figures
    store.commit(
        "2026-01-03",
        {"r1"},
        pd.DataFrame(columns=columns_of("reports")),
        pd.DataFrame(columns=columns_of("indicators")),
        pd.DataFrame(),
    )
    assert live_ids(store) == {"a"}  # nor does one whose report row did not land at all
