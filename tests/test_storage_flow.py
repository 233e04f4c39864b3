"""The ingest flow for real (Prefect test harness) with raw/ and snapshots/ in fsspec's in-memory object store
(memory://) and in another folder: the same current tables, retractions and validation as on disk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.csvio import read_csv
from flows.fs import open_storage
from flows.store import UPLOAD_STAGE
from tests.conftest import SAMPLE_INBOX, assert_same_current_tables, fresh_data_dir, run_ingest

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("clean_memory_fs")]
URL = "memory://changai-flow/archive"


def run(data_dir: Path, inbox: Path, **params) -> dict:
    return run_ingest(data_dir, inbox, **params)


def test_object_storage_gives_the_same_tables_as_disk(
    prefect_harness, tmp_path: Path, today, capsys: pytest.CaptureFixture
) -> None:
    inbox = tmp_path / "inbox"  # one inbox for both: report ids come from the files' URLs
    shutil.copytree(SAMPLE_INBOX, inbox)
    disk, remote, elsewhere = (
        fresh_data_dir(tmp_path, "disk"),
        fresh_data_dir(tmp_path, "remote"),
        fresh_data_dir(tmp_path, "elsewhere"),
    )
    archive = tmp_path / "archive"
    today("2026-03-02")
    run(disk, inbox)
    summary = run(remote, inbox, storage=URL)
    run(elsewhere, inbox, storage=str(archive))
    assert summary["snapshot_path"] == f"{URL}/snapshots/2026-03-02"
    assert summary["reports_read"] == 8 and summary["indicators_extracted"] > 100
    assert_same_current_tables(disk, remote)
    assert_same_current_tables(disk, elsewhere)
    # raw documents and snapshots are in the object store only; the data dir remembers where
    assert not (remote / "raw").exists() and not (remote / "snapshots").exists()
    assert json.loads((remote / "storage.json").read_text(encoding="utf-8")) == {"storage": URL}
    assert list((remote / UPLOAD_STAGE).iterdir()) == []
    store = open_storage(URL)
    for r in read_csv(remote / "reports.csv").itertuples():
        assert store.read_bytes(r.raw_path) == (disk / r.raw_path).read_bytes()
    for name in ("reports.csv", "indicators.csv", "retracted.csv", "rejected.csv"):
        rel = f"snapshots/2026-03-02/{name}"
        if name != "reports.csv":  # reports.csv holds fetched_at, the time each file was read
            assert store.read_bytes(rel) == (disk / rel).read_bytes() == (archive / rel).read_bytes()
    package = json.loads((remote / "datapackage.json").read_text(encoding="utf-8"))
    files = package["snapshots"][0]["files"]
    assert files["indicators"]["path"] == f"{URL}/snapshots/2026-03-02/indicators.csv"
    assert files["indicators"]["rows"] == len(read_csv(disk / "indicators.csv"))

    # a second run the same day, not told the storage, finds every document known
    again = run(remote, inbox)
    assert again["reports_read"] == 0 and again["indicators_added"] == 0

    # the next day one report changed: its old rows are retracted in the object store as on disk
    changed = inbox / "zibo-2022-06-28.htm"
    changed.write_text(changed.read_text(encoding="utf-8").replace("2300家", "2400家"), encoding="utf-8")
    today("2026-03-03")
    on_disk = run(disk, inbox)
    later = run(remote, inbox)
    assert later["reports_read"] == on_disk["reports_read"] == 1
    assert later["indicators_retracted"] == on_disk["indicators_retracted"] >= 1
    assert_same_current_tables(disk, remote)
    rel = "snapshots/2026-03-03/retracted.csv"
    assert store.read_bytes(rel) == (disk / rel).read_bytes()
    assert not (remote / "snapshots").exists()

    # changai validate reads the snapshots from the object store (in this process: memory:// is per process)
    from flows.cli import main

    capsys.readouterr()
    assert main(["validate", "--data-dir", str(remote)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "snapshots/2026-03-03" in out and "0 problem(s), all checks passed" in out
    # a damaged snapshot in the object store is noticed
    store.write_bytes("snapshots/2026-03-03/retracted.csv", b"\xef\xbb\xbfnot,the,columns\r\n")
    assert main(["validate", "--data-dir", str(remote)]) == 1
    assert "retracted.csv columns" in capsys.readouterr().out
    # asking for another storage than the data dir's is refused before anything runs
    assert main(["validate", "--data-dir", str(remote), "--storage", "memory://other"]) == 2
    assert "keeps its raw documents and snapshots in memory://changai-flow/archive" in capsys.readouterr().err
