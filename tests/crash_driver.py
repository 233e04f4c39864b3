"""The ingest flow's steps, in the flow's order, without Prefect: what the crash test kills with SIGKILL.

`python -m tests.crash_driver INBOX DATA_DIR` runs once (CHANGAI_TODAY sets the day). With
`--zygote` it imports everything once, then for each JSON command on stdin forks a child that runs
once and reports `pid N`, then (after a `reap` line) `exit N STATUS`: a kill then lands in the run
itself, not in Python's start-up. The functions are the flow's own (flows/ingest.py, flows/store.py,
flows/current.py); tests/test_concurrency.py checks that this driver and the real `changai run`
produce identical tables.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

from flows.batches import BATCH_SIZE
from flows.current import rebuild_current
from flows.ingest import process_refs, snapshot_day
from flows.local_source import collect_local
from flows.rows import report_id_for
from flows.run_rows import RunRows, validate_part
from flows.staging import StagedRows
from flows.store import DataStore
from parsers.extract import EXTRACTOR_VERSION
from parsers.report import process_document


def run_once(inbox: Path, data_dir: Path, phases=None) -> None:
    """collect -> parse -> validate -> commit -> rebuild, under the lock, as flows.ingest.ingest does."""

    def phase(name: str) -> None:
        if phases is not None:
            phases.write(name + "\n")
            phases.flush()

    day = snapshot_day()
    store = DataStore(data_dir)
    phase("lock")
    lock = store.acquire()
    try:
        _, stored = store.current_state()
        known = {r.report_id: (r.content_sha256, r.parser, r.extractor_version) for r in stored.itertuples()}
        phase("collect")
        refs = []
        for ref in collect_local("inbox", "local", inbox, store):
            previous = known.get(report_id_for(ref.source, ref.url))
            if previous and not ref.error and previous == (ref.sha256, ref.parser, EXTRACTOR_VERSION):
                continue
            refs.append(ref)
        phase("parse")  # each batch validated and its figures staged in the data dir, as the flow does
        rows = RunRows(StagedRows(data_dir))
        for i in range(0, len(refs), BATCH_SIZE):
            rows.add(validate_part(process_refs(refs[i : i + BATCH_SIZE], str(data_dir), day), day))
        phase("commit")
        if rows.processed_ids or not rows.reports.empty:
            store.commit(day, rows.processed_ids, rows.valid_reports, rows.staged, rows.rejected, rows.protect_ids)
        rows.staged.remove()
        phase("rebuild")
        rebuild_current(store)
        phase("done")
    finally:
        lock.release()


def zygote() -> None:
    """Serve runs as forked children of this already-imported, single-threaded process."""
    process_document(b"\xe6\xb7\xae\xe5\xae\x89\xe5\xb8\x82\xe5\x9f\xb9\xe8\xae\xad100\xe4\xba\xba", "x.txt", "local")
    print("zygote ready", flush=True)
    while line := sys.stdin.readline():
        cmd = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.environ["CHANGAI_TODAY"] = cmd["day"]
                if cmd.get("failpoint"):
                    os.environ["CHANGAI_FAILPOINT"] = cmd["failpoint"]
                with open(cmd["phases"], "w", encoding="utf-8") as phases:
                    run_once(Path(cmd["inbox"]), Path(cmd["data_dir"]), phases)
                code = 0
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)
        # reap only when told: until then a finished child stays a zombie, so its pid cannot be
        # reused by another process that a late SIGKILL from the test would hit
        assert sys.stdin.readline().strip() == "reap"
        _, status = os.waitpid(pid, 0)
        print(f"exit {pid} {status}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--zygote"]:
        zygote()
    else:
        os.environ.setdefault("CHANGAI_TODAY", date.today().isoformat())
        run_once(Path(sys.argv[1]), Path(sys.argv[2]), sys.stdout)
