"""Storage backends (flows/fs.py), the data dir's storage binding, and DataStore on object storage.

Every Storage test runs on a temporary folder and on fsspec's in-memory filesystem (memory://,
a real fsspec filesystem, process-global: cleared around each test).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from flows.csvio import csv_bytes
from flows.fs import FsspecStorage, LocalStorage, Storage, check_location, open_storage, sync_files
from flows.storage_binding import BINDING, StorageMismatchError, resolve_storage
from flows.store import UPLOAD_STAGE, DataStore
from validations.datapackage import digest_and_rows
from validations.schemas import columns_of

MEMORY_URL = "memory://changai-test/archive"
pytestmark = pytest.mark.usefixtures("clean_memory_fs")


@pytest.fixture(params=["folder", "memory"])
def storage(request, tmp_path: Path) -> Storage:
    return open_storage(tmp_path / "store" if request.param == "folder" else MEMORY_URL)


def test_open_storage_picks_the_backend(tmp_path: Path) -> None:
    assert isinstance(open_storage(tmp_path), LocalStorage)
    assert isinstance(open_storage(f"file://{tmp_path}"), LocalStorage)
    assert open_storage(f"file://{tmp_path}").root == tmp_path
    memory = open_storage(MEMORY_URL + "/")
    assert isinstance(memory, FsspecStorage) and memory.url("raw/a.txt") == f"{MEMORY_URL}/raw/a.txt"


def test_write_read_size_and_missing(storage: Storage) -> None:
    assert storage.size("raw/s/a.txt") is None and not storage.exists("raw/s/a.txt")
    with pytest.raises(FileNotFoundError):
        storage.read_bytes("raw/s/a.txt")
    with pytest.raises(FileNotFoundError):
        storage.open_read("raw/s/a.txt")
    assert storage.write_bytes("raw/s/a.txt", "报告".encode())
    assert storage.read_bytes("raw/s/a.txt") == "报告".encode()
    assert storage.size("raw/s/a.txt") == 6 and storage.exists("raw/s/a.txt")
    with storage.open_read("raw/s/a.txt") as fh:
        assert fh.read() == "报告".encode()
    assert storage.size("raw/s") is None  # a folder is not a file


def test_write_once_keeps_the_stored_file(storage: Storage) -> None:
    assert storage.write_bytes("raw/s/k.bin", b"first", once=True)
    assert not storage.write_bytes("raw/s/k.bin", b"other", once=True)  # same size: kept
    assert storage.read_bytes("raw/s/k.bin") == b"first"
    # a truncated copy (different size) is replaced, as put_raw did before
    assert storage.write_bytes("raw/s/k.bin", b"longer bytes", once=True)
    assert storage.read_bytes("raw/s/k.bin") == b"longer bytes"


def test_replace_is_whole_and_leaves_no_temp_files(storage: Storage) -> None:
    storage.write_bytes("snapshots/2026-03-02/reports.csv", b"old")
    storage.write_bytes("snapshots/2026-03-02/reports.csv", b"new and longer")
    assert storage.read_bytes("snapshots/2026-03-02/reports.csv") == b"new and longer"
    assert storage.list_dir("snapshots/2026-03-02") == [("reports.csv", False)]


def test_a_failed_local_write_keeps_the_old_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.write_bytes("raw/s/a.txt", b"old")
    with pytest.raises(TypeError):  # the write fails half way (after the temp file was created)
        storage.write_bytes("raw/s/a.txt", 12345)  # type: ignore[arg-type]
    assert storage.read_bytes("raw/s/a.txt") == b"old"
    assert [p.name for p in (tmp_path / "raw" / "s").iterdir()] == ["a.txt"]


def test_listing_and_remove(storage: Storage) -> None:
    assert storage.list_dir("snapshots") == []
    for rel in ("snapshots/2026-03-02/reports.csv", "snapshots/2026-03-03/reports.csv", "snapshots/notes.txt"):
        storage.write_bytes(rel, b"x")
    assert storage.list_dir("snapshots") == [("2026-03-02", True), ("2026-03-03", True), ("notes.txt", False)]
    assert ("snapshots", True) in storage.list_dir()
    storage.remove("snapshots/notes.txt")
    storage.remove("snapshots/notes.txt")  # missing: no error
    assert storage.list_dir("snapshots") == [("2026-03-02", True), ("2026-03-03", True)]


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "raw/../../x", "", "raw\\x", "c:/x"])
def test_paths_stay_inside_the_base(storage: Storage, rel: str) -> None:
    with pytest.raises(ValueError, match="not a relative storage path"):
        storage.write_bytes(rel, b"x")
    with pytest.raises(ValueError, match="not a relative storage path"):
        storage.read_bytes(rel)


def test_unknown_or_uninstalled_protocols_are_named() -> None:
    assert check_location(MEMORY_URL) == MEMORY_URL
    assert check_location("/srv/archive") == "/srv/archive"
    with pytest.raises(ValueError, match="no fsspec filesystem for nosuchfs://"):
        check_location("nosuchfs://bucket/x")
    pytest.importorskip("fsspec")
    try:
        import s3fs  # noqa: F401
    except ImportError:
        with pytest.raises(ValueError, match="s3:// needs an extra package"):
            check_location("s3://bucket/prefix")


def test_sync_files_flushes_without_error(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    storage.write_bytes("raw/s/a.txt", b"a", durable=False)
    storage.sync(["raw/s/a.txt"])
    sync_files(tmp_path, [tmp_path / "raw" / "s" / "a.txt", tmp_path / "raw" / "s" / "gone.txt"])
    assert storage.read_bytes("raw/s/a.txt") == b"a"


# -- the data dir's binding ---------------------------------------------------------------------


def test_a_data_dir_remembers_its_storage(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert resolve_storage(data) is None
    assert resolve_storage(data, MEMORY_URL + "/") == MEMORY_URL
    store = DataStore(data, MEMORY_URL)
    store.acquire().release()  # a write run binds the data dir
    assert json.loads((data / BINDING).read_text(encoding="utf-8")) == {"storage": MEMORY_URL}
    assert DataStore(data).storage == MEMORY_URL  # later commands need not be told
    with pytest.raises(StorageMismatchError, match="memory://changai-test/archive, not memory://elsewhere"):
        DataStore(data, "memory://elsewhere")
    with pytest.raises(StorageMismatchError):
        resolve_storage(data, str(data))  # the data dir itself is another storage now


def test_a_data_dir_with_local_history_refuses_object_storage(tmp_path: Path) -> None:
    data = tmp_path / "data"
    DataStore(data).put_raw("inbox", b"report", ".txt", {})
    with pytest.raises(StorageMismatchError, match="the data dir itself"):
        resolve_storage(data, MEMORY_URL)
    assert resolve_storage(data, str(data)) is None and resolve_storage(data, f"file://{data}") is None


# -- DataStore on object storage ----------------------------------------------------------------


def _tables(day: str) -> dict[str, pd.DataFrame]:
    reports = pd.DataFrame([{"report_id": "r1", "status": "ok", "raw_path": ""}], columns=columns_of("reports"))
    indicators = pd.DataFrame(
        [{"indicator_row_id": "i1", "report_id": "r1", "evidence": "第一句\r\n第二句", "snapshot_date": day}],
        columns=columns_of("indicators"),
    )
    return {"reports": reports, "indicators": indicators}


def test_raw_and_snapshots_go_to_object_storage(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = DataStore(data, MEMORY_URL)
    ref = store.put_raw("inbox", "淮安报告".encode(), ".TXT", {"url": "file:///x.txt"})
    assert ref.rel_path == f"raw/inbox/{ref.sha256}.txt"
    assert store.raw_bytes(ref.rel_path) == "淮安报告".encode()
    assert store.raw_meta(ref.rel_path) == {"url": "file:///x.txt"}
    t = _tables("2026-03-02")
    empty = pd.DataFrame(columns=columns_of("rejected"))
    result = store.commit("2026-03-02", {"r1"}, t["reports"], t["indicators"], empty)
    assert store.location(result.snapshot_path) == f"{MEMORY_URL}/snapshots/2026-03-02"
    memory = open_storage(MEMORY_URL)
    assert [n for n, _ in memory.list_dir("snapshots/2026-03-02")] == [
        "indicators.csv",
        "rejected.csv",
        "reports.csv",
        "retracted.csv",
    ]
    # nothing of raw/ or snapshots/ in the data dir; the commit's staging folder is gone
    assert not (data / "raw").exists() and not (data / "snapshots").exists()
    assert list((data / UPLOAD_STAGE).iterdir()) == []
    assert store.snapshot_dates() == ["2026-03-02"]
    snap = store.read_snapshot("2026-03-02")
    assert snap["indicators"]["evidence"].tolist() == ["第一句\r\n第二句"]
    live, reports = store.current_state()
    assert live["indicator_row_id"].tolist() == ["i1"] and reports["report_id"].tolist() == ["r1"]
    assert store.snapshot_file("2026-03-02", "reports") is None  # not on local disk
    with store.open_snapshot("2026-03-02", "reports") as fh:
        assert fh.read() == csv_bytes(t["reports"], columns_of("reports"))


def test_reports_csv_is_uploaded_last_and_a_killed_upload_is_finished(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = DataStore(data, MEMORY_URL)
    uploads: list[str] = []
    put = store.files._put

    def failing_put(rel: str, body: bytes, durable: bool) -> None:
        uploads.append(rel.rsplit("/", 1)[-1])
        if rel.endswith("rejected.csv"):
            raise ConnectionError("connection reset")  # the upload dies after the commit point
        put(rel, body, durable)

    store.files._put = failing_put  # type: ignore[method-assign]
    t = _tables("2026-03-02")
    with pytest.raises(ConnectionError):
        store.commit("2026-03-02", {"r1"}, t["reports"], t["indicators"], pd.DataFrame(columns=columns_of("rejected")))
    assert uploads == ["indicators.csv", "retracted.csv", "rejected.csv"]  # reports.csv not yet
    memory = open_storage(MEMORY_URL)
    assert not memory.exists("snapshots/2026-03-02/reports.csv")
    # the committed snapshot waits in the local staging folder; readers already take it from there
    after = DataStore(data, MEMORY_URL)
    assert after.interrupted_state()[0] == "snapshot 2026-03-02 committed but not moved into place"
    assert after.read_snapshot("2026-03-02")["reports"]["report_id"].tolist() == ["r1"]
    done = after.recover()
    assert "finished snapshot 2026-03-02" in done and after.interrupted_state() == []
    assert memory.read_bytes("snapshots/2026-03-02/reports.csv") == csv_bytes(t["reports"], columns_of("reports"))
    assert after.read_snapshot("2026-03-02")["indicators"]["indicator_row_id"].tolist() == ["i1"]
    # a same-day re-commit replaces the day's four files, reports.csv last
    uploads.clear()
    store.files._put = lambda rel, body, durable: (uploads.append(rel.rsplit("/", 1)[-1]), put(rel, body, durable))  # type: ignore[method-assign]
    store.commit("2026-03-02", {"r1"}, t["reports"], t["indicators"], pd.DataFrame(columns=columns_of("rejected")))
    assert uploads == ["indicators.csv", "retracted.csv", "rejected.csv", "reports.csv"]


def test_local_storage_elsewhere_keeps_the_local_protocol(tmp_path: Path) -> None:
    data, archive = tmp_path / "data", tmp_path / "archive"
    store = DataStore(data, str(archive))
    ref = store.put_raw("inbox", b"report", ".txt", {})
    assert (archive / ref.rel_path).read_bytes() == b"report"
    t = _tables("2026-03-02")
    result = store.commit(
        "2026-03-02", {"r1"}, t["reports"], t["indicators"], pd.DataFrame(columns=columns_of("rejected"))
    )
    assert store.location(result.snapshot_path) == str(archive.resolve() / "snapshots" / "2026-03-02")
    assert (archive / "snapshots" / "2026-03-02" / "reports.csv").exists()
    assert (
        store.snapshot_file("2026-03-02", "reports") == archive.resolve() / "snapshots" / "2026-03-02" / "reports.csv"
    )
    assert not (data / "snapshots").exists() and not (data / UPLOAD_STAGE).exists()


# -- datapackage row counts ----------------------------------------------------------------------


def test_rows_are_csv_records_not_lines() -> None:
    df = pd.DataFrame({"a": ["x", "两行\n的句子", "=1+1", ""], "b": ["1", "2", "3", ""]})
    body = csv_bytes(df, ["a", "b"])
    digest, rows = digest_and_rows(io.BytesIO(body))
    assert rows == 4 == len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) - 1
    assert body.count(b"\n") == 6  # a line count would say 5 rows
    import hashlib

    assert digest == hashlib.sha256(body).hexdigest()
    assert digest_and_rows(io.BytesIO(b""))[1] == 0
    big = csv_bytes(pd.DataFrame({"a": ["长" * 1000] * 3000}), ["a"])  # several MiB: streamed in chunks
    assert digest_and_rows(io.BytesIO(big)) == (hashlib.sha256(big).hexdigest(), 3000)


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_row_count_agrees_with_csv_reader_on_tricky_cells(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """Cells with quotes, line breaks (\\n, \\r\\n), commas and nothing, written by the table writer, and
    blank lines and a missing last line break, read in chunks that cut lines, quotes and \\r\\n anywhere."""
    import hashlib
    import random

    import validations.datapackage

    monkeypatch.setattr(validations.datapackage, "CHUNK", chunk)
    rng = random.Random(8)
    pieces = ["", "甲", '"', '""', "\n", "\r\n", ",", "长句子", " ", "=1+1", "'"]
    for _ in range(40):
        n = rng.randrange(0, 30)
        cells = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 5))) for _ in range(2 * n)]
        body = csv_bytes(pd.DataFrame({"a": cells[:n], "b": cells[n:]}), ["a", "b"])
        for variant in (body, body.rstrip(b"\n"), body.replace(b"\n", b"\n\n", 1), body + b"\r\n"):
            rows = sum(1 for r in csv.reader(io.StringIO(variant.decode("utf-8-sig"), newline="")) if r) - 1
            assert digest_and_rows(io.BytesIO(variant)) == (hashlib.sha256(variant).hexdigest(), max(0, rows))


# -- the option, checked before a run starts -------------------------------------------------------


def test_storage_parameter_is_checked_before_the_flow_runs(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from flows.cli import main
    from flows.params import InvalidParameters, check_params

    assert check_params(storage=MEMORY_URL).storage == MEMORY_URL
    with pytest.raises(InvalidParameters, match="storage: no fsspec filesystem for nosuchfs://"):
        check_params(storage="nosuchfs://bucket")
    data = tmp_path / "data"
    DataStore(data).put_raw("inbox", b"report", ".txt", {})
    (data / "sources.toml").write_text(
        (Path(__file__).parents[1] / "data" / "sources.toml").read_text("utf-8"), "utf-8"
    )
    assert main(["run", "--data-dir", str(data), "--storage", MEMORY_URL]) == 2
    assert "keeps its raw documents and snapshots in the data dir itself" in capsys.readouterr().err
    assert main(["run", "--data-dir", str(data), "--storage", "nosuchfs://bucket"]) == 2
    assert "no fsspec filesystem for nosuchfs://" in capsys.readouterr().err
