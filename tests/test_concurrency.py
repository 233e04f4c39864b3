"""The real `changai run`: two at once over one data dir, and one killed mid-commit then re-run; both end with
the tables of a single unkilled run (the crash driver's, which this also proves equal to the real flow's)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows.store import DataStore
from tests.conftest import ROOT
from tests.crashkit import (  # noqa: F401 - history_fixture provides the `history` fixture
    assert_every_csv_sound,
    diff_states,
    history_fixture,
    table_state,
)
from tests.docgen import sync_inbox
from validations.audit import audit

pytestmark = [pytest.mark.slow, pytest.mark.flow]
WAITING = "being written by another changai run"


class Run:
    """A `changai run` process whose stderr is collected line by line while it runs."""

    def __init__(self, inbox: Path, data: Path, day: str, **env: str) -> None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
        environ.pop("CHANGAI_FAILPOINT", None)
        environ.update(CHANGAI_TODAY=day, **env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox), "--data-dir", str(data)],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # its own process group: a SIGKILLed run orphans the Prefect server it started
            # (a uvicorn subprocess that lives on); the group lets us stop exactly those processes
            start_new_session=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, into: list[str]) -> None:
        for line in stream:
            into.append(line)

    def finish(self, timeout: float = 600) -> tuple[int, str, str]:
        """Wait for the run, then stop what is left of its process group. Reading to EOF alone would hang
        after a SIGKILL: the orphaned Prefect server keeps the run's stdout and stderr open."""
        try:
            self.proc.wait(timeout=timeout)
        finally:
            self.stop_group()
        for reader in self._readers:
            reader.join(timeout=30)
        return self.proc.returncode, "".join(self.out), "".join(self.err)

    def stop_group(self) -> None:
        """SIGTERM what is left of this run's process group (only ever processes this run started)."""
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def test_two_runs_at_once_end_with_correct_tables(history, tmp_path: Path) -> None:
    inbox, stepped = history
    step = stepped[0]
    sync_inbox(inbox, step.layout)
    data = tmp_path / "data"
    held = DataStore(data).acquire()  # both runs must meet a busy data dir, whatever their start-up times
    runs = [Run(inbox, data, step.day), Run(inbox, data, step.day)]
    try:
        deadline = time.monotonic() + 300
        while not all(any(WAITING in line for line in r.err) for r in runs):
            assert time.monotonic() < deadline, [r.err[-5:] for r in runs]
            assert all(r.proc.poll() is None for r in runs), [r.err[-5:] for r in runs]
            time.sleep(0.2)
    finally:
        held.release()  # now they race for the lock: one writes, the other waits, then finds nothing new
    results = [r.finish() for r in runs]  # finish() also stops anything left in a run's process group
    for code, out, err in results:
        assert code == 0, err[-2000:]
        assert "snapshot:" in out or "reports read: 0" in out
    reads = sorted(int(out.split("reports read: ")[1].split()[0]) for _, out, _ in results)
    assert reads == [0, len(step.layout)]  # the documents were processed exactly once
    assert diff_states(table_state(data), step.state) == []
    assert audit(data).problems == 0


def test_real_run_killed_mid_commit_recovers_and_matches_the_driver(history, tmp_path: Path) -> None:
    """`changai run` killed (SIGKILL, at the commit point) then re-run, and a next-day run: each step's
    tables equal the crash driver's unkilled ones, so the driver runs the flow's code path."""
    inbox, stepped = history
    data = tmp_path / "data"
    first, second = stepped[0], stepped[1]
    sync_inbox(inbox, first.layout)
    code, _, err = Run(inbox, data, first.day, CHANGAI_FAILPOINT="snapshot-ready").finish()
    assert code == -9, err[-2000:]  # died by SIGKILL inside the flow, between commit point and move
    assert assert_every_csv_sound(data) > 0
    assert DataStore(data).interrupted_state()  # something left to finish
    code, out, err = Run(inbox, data, first.day).finish()
    assert code == 0, err[-2000:]
    assert "reports read: 0" in out  # the killed run's commit counted: nothing processed twice
    assert diff_states(table_state(data), first.state) == []
    sync_inbox(inbox, second.layout)
    code, _, err = Run(inbox, data, second.day).finish()
    assert code == 0, err[-2000:]
    assert diff_states(table_state(data), second.state) == []
    assert audit(data).problems == 0


def test_a_run_that_cannot_get_the_lock_says_why(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (tmp_path / "inbox").mkdir()
    held = DataStore(data).acquire()
    try:
        code, _, err = Run(tmp_path / "inbox", data, "2026-03-02", CHANGAI_LOCK_TIMEOUT="1").finish()
    finally:
        held.release()
    assert code != 0
    assert WAITING in err and "still writing" in err and f"pid {os.getpid()}" in err
