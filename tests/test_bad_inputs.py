"""The bad-input corpus through the real flow: every case gets a clear report row (or rejected row), raw bytes
are kept, nothing is fetched, stored data stays valid and the good documents of the same run land."""

from __future__ import annotations

import hashlib
import http.server
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest

from flows.csvio import read_csv
from flows.ingest import process_refs, validate_tables
from flows.local_source import collect_local
from flows.sources import SourceConfigError, parse_sources
from flows.store import DataStore
from parsers.report import MAX_DOCUMENT_BYTES, process_document
from tests.bad_inputs import GOOD, build
from validations.audit import audit

pytestmark = pytest.mark.flow
DAY = "2026-03-02"


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared by the server's handler instances on purpose

    def do_GET(self) -> None:
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY x "FETCHED">')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tripwire() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that records any request (there must be none)."""
    Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def run_flow(data_dir: Path):
    from flows.ingest import ingest

    state = ingest(data_dir=str(data_dir), return_state=True)
    return state, state.result(raise_on_failure=False)


def by_file(reports: pd.DataFrame) -> dict[str, dict]:
    return {
        unquote(Path(urlparse(u).path).name): r for u, r in zip(reports["url"], reports.to_dict("records"), strict=True)
    }


def test_bad_input_corpus(prefect_harness, sample_data_dir: Path, today, tripwire: str, monkeypatch) -> None:
    today(DAY)
    # the good reports are stored first, and read in an earlier second than the copies below: which
    # copy of a story is the original falls back to fetched_at (seconds), and both runs can fit in one
    with monkeypatch.context() as earlier:
        earlier.setattr("flows.local_source.now_iso", lambda: "2026-03-02T08:00:00+08:00")
        first, _ = run_flow(sample_data_dir)
    assert first.is_completed()
    before = read_csv(sample_data_dir / "indicators.csv")
    cases = build(sample_data_dir / "inbox", tripwire)
    assert len(cases) >= 30
    state, summary = run_flow(sample_data_dir)
    assert state.is_completed(), state.message
    assert Recorder.hits == []  # no DTD, entity, image, stylesheet or script was fetched

    reports = read_csv(sample_data_dir / "reports.csv")
    rows = by_file(reports)
    assert len(rows) == len(reports)  # the symlink loop listed nothing twice
    rejected = read_csv(sample_data_dir / "snapshots" / DAY / "rejected.csv")
    as_root = os.geteuid() == 0
    for case in cases:
        row = rows.get(case.file)
        assert row is not None, f"{case.name}: no report row"
        if case.root_exempt and as_root:
            continue  # root reads a mode-000 file; test_unreadable_file_is_reported covers it as another user
        assert row["status"] in case.status, f"{case.name}: {row['status']} ({row['reason']})"
        assert case.reason in row["reason"], f"{case.name}: reason {row['reason']!r}"
        if row["status"] != "ok":
            assert row["reason"], f"{case.name}: no reason"
        if case.raw_kept:
            raw = sample_data_dir / row["raw_path"]
            source_bytes = (sample_data_dir / "inbox" / case.file).read_bytes()
            assert raw.read_bytes() == source_bytes and raw.stem == hashlib.sha256(source_bytes).hexdigest()
        else:
            assert row["raw_path"] == ""
        if case.rejected_check:
            mine = rejected[rejected["report_id"] == row["report_id"]]
            assert mine["checks"].str.contains(case.rejected_check).any(), f"{case.name}: {mine['checks'].tolist()}"
            assert mine["row_json"].str.len().gt(2).all()

    # the good documents landed: every earlier figure is still live, the good new ones too
    after = read_csv(sample_data_dir / "indicators.csv")
    assert set(before["indicator_row_id"]) <= set(after["indicator_row_id"])
    assert rows["truncated.html"]["n_indicators"] != "0" and rows["entities.html"]["city"] == "无锡市"
    for name in ("stocks.txt", "football.txt"):  # numbers of other subjects: kept, but filed as `other`
        theirs = after[after["report_id"] == rows[name]["report_id"]]
        assert len(theirs) >= 2 and set(theirs["indicator"]) == {"other"}
    evidence = "".join(after["evidence"])
    assert "FETCHED" not in evidence and "root:" not in evidence and "lollol" not in evidence  # nothing expanded
    # copies share one raw file, land as reports of their own, and are marked duplicates of the stored one
    original = rows["huaian-2022-06-15.txt"]
    for name in ("copy-a.txt", "copy-b.txt", "huaian-again.txt"):
        assert rows[name]["raw_path"] == original["raw_path"] and rows[name]["duplicate_of"] == original["report_id"]
    assert summary["duplicates"] == 3 and isinstance(summary["flags"]["total"], int)
    # formulas are neutralised on disk and restored on reading
    title = rows["formula.html"]["title"]
    assert title.startswith("=cmd")
    raw_csv = (sample_data_dir / "reports.csv").read_bytes().decode("utf-8-sig")
    assert "'=cmd" in raw_csv and "\n=cmd" not in raw_csv and ",=cmd" not in raw_csv
    # everything stored passes every check
    result = audit(sample_data_dir)
    assert result.problems == 0, [p for s in result.sections for p in s.problems]


def test_file_disappearing_mid_run_gets_a_report_row(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (inbox / name).write_text(GOOD + name, encoding="utf-8")
    store = DataStore(tmp_path / "data")
    refs = []
    for ref in collect_local("inbox", "local", inbox, store):  # listed first, read one by one
        refs.append(ref)
        if len(refs) == 1:
            (inbox / "c.txt").unlink()  # gone after the listing, before its turn
    assert [bool(r.error) for r in refs] == [False, False, True]
    assert "No such file" in refs[2].error
    (store.root / refs[1].raw_path).unlink()  # and a stored raw file lost before parsing
    batch = process_refs(refs, str(store.root), DAY)
    reports, indicators, rejected = validate_tables(pd.DataFrame(batch.reports), pd.DataFrame(batch.indicators), DAY)
    status = dict(zip(reports["url"].map(lambda u: Path(u).name), reports["status"], strict=True))
    assert status == {"a.txt": "ok", "b.txt": "rejected", "c.txt": "rejected"}
    reasons = dict(zip(reports["url"].map(lambda u: Path(u).name), reports["reason"], strict=True))
    assert "raw document unreadable" in reasons["b.txt"] and "cannot read file" in reasons["c.txt"]
    assert rejected.empty and set(indicators["report_id"]) == set(reports.loc[reports["status"] == "ok", "report_id"])


def read_error_as(uid: int | None, folder: Path) -> str:
    """collect_local's error for the only file of `folder`, read as user `uid` (a forked child) or as we are."""
    if uid is None:
        return next(iter(collect_local("inbox", "local", folder, None))).error
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop root, read, report through the pipe, never return into pytest
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.write(w, next(iter(collect_local("inbox", "local", folder, None))).error.encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        out = fh.read().decode()
    os.waitpid(pid, 0)
    return out


def test_unreadable_file_is_reported() -> None:
    """A file without read permission (read by an unprivileged user when the tests run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="changai-perm-"))
    locked = folder / "locked.txt"
    try:
        folder.chmod(0o755)
        locked.write_text(GOOD, encoding="utf-8")
        locked.chmod(0)
        assert read_error_as(65534 if os.geteuid() == 0 else None, folder) == "cannot read file: Permission denied"
    finally:
        locked.chmod(0o644)
        locked.unlink()
        folder.rmdir()


def test_limits_hold_for_any_source() -> None:
    """The byte limit also guards documents that did not come through the inbox (e.g. fetched pages)."""
    big = process_document(b"a" * (MAX_DOCUMENT_BYTES + 1), "https://example.invalid/a.html", "local")
    assert big.status == "rejected" and "document too large" in big.reason


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"list_pages": ["file:///etc/passwd"]}, r"is not an http\(s\) URL"),
        ({"list_pages": ["ftp://example.invalid/list"]}, r"is not an http\(s\) URL"),
        ({"id": "../raw"}, "it names a folder"),
    ],
)
def test_sources_only_fetch_http_and_name_safe_folders(entry: dict, message: str) -> None:
    base = {"id": "site", "kind": "http", "parser": "local", "list_pages": ["https://example.invalid/list"]}
    base["link_pattern"] = r"/article/\d+\.html$"
    parse_sources({"source": [base]})  # the base entry is fine
    with pytest.raises(SourceConfigError, match=message):
        parse_sources({"source": [base | entry]})
