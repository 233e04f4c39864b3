"""A run that finds nothing new skips the rebuild only while the current tables still match the snapshots
and the code (flows/freshness.py); anything that could change them brings the rebuild back."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import freshness
from flows.store import REBUILD_PENDING, DataStore
from tests.conftest import run_ingest

pytestmark = pytest.mark.flow


def run(data_dir: Path) -> dict:
    return run_ingest(data_dir)


def current_bytes(data_dir: Path) -> dict[str, bytes]:
    return {name: (data_dir / name).read_bytes() for name in ("reports.csv", "indicators.csv", "progress.csv")}


def test_nothing_new_skips_the_rebuild_until_something_changes(
    sample_data_dir: Path, prefect_harness, today, monkeypatch: pytest.MonkeyPatch
) -> None:
    today("2026-03-02")
    first = run(sample_data_dir)
    assert first["current"]["rebuilt"] is True
    tables = current_bytes(sample_data_dir)
    index_mtime = (sample_data_dir / "site" / "index.html").stat().st_mtime_ns

    again = run(sample_data_dir)
    assert again["reports_read"] == 0
    assert again["current"]["rebuilt"] is False
    # the counts a skipped rebuild reports are the ones the last rebuild wrote
    assert {k: again["current"][k] for k in ("reports", "indicators", "progress")} == {
        k: first["current"][k] for k in ("reports", "indicators", "progress")
    }
    assert current_bytes(sample_data_dir) == tables
    assert (sample_data_dir / "site" / "index.html").stat().st_mtime_ns == index_mtime

    # a deleted current table comes back
    (sample_data_dir / "progress.csv").unlink()
    assert run(sample_data_dir)["current"]["rebuilt"] is True
    assert current_bytes(sample_data_dir) == tables

    # an edited one is restored from the snapshots
    (sample_data_dir / "indicators.csv").write_bytes(tables["indicators.csv"][:-200])
    assert run(sample_data_dir)["current"]["rebuilt"] is True
    assert current_bytes(sample_data_dir) == tables

    # a commit left unfinished (the marker) is always finished: by recovery when the run takes the lock
    stamp = sample_data_dir / freshness.STAMP
    before = stamp.stat().st_mtime_ns
    (sample_data_dir / REBUILD_PENDING).write_text("pending", encoding="utf-8")
    assert freshness.fresh_counts(DataStore(sample_data_dir)) is None
    run(sample_data_dir)
    assert not (sample_data_dir / REBUILD_PENDING).exists()
    assert stamp.stat().st_mtime_ns > before

    # new code that derives the tables differently
    assert run(sample_data_dir)["current"]["rebuilt"] is False
    monkeypatch.setattr(freshness, "code_digest", lambda: "another changai")
    assert run(sample_data_dir)["current"]["rebuilt"] is True


def test_a_changed_snapshot_file_brings_a_rebuild(sample_data_dir: Path, prefect_harness, today) -> None:
    today("2026-03-02")
    run(sample_data_dir)
    snapshot = sample_data_dir / "snapshots" / "2026-03-02" / "retracted.csv"
    snapshot.write_bytes(snapshot.read_bytes() + b"")  # same bytes, new mtime: cannot know, so rebuild
    import os

    st = snapshot.stat()
    os.utime(snapshot, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert run(sample_data_dir)["current"]["rebuilt"] is True
    assert run(sample_data_dir)["current"]["rebuilt"] is False
