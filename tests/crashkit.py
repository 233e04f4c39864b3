"""Helpers for the crash and concurrency tests: the zygote runner, post-kill checks, table comparison."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from flows.csvio import read_csv
from flows.store import SNAPSHOT_TABLES, DataStore
from tests.conftest import ROOT
from tests.docgen import steps, sync_inbox
from validations.audit import audit, typed
from validations.schemas import columns_of, validation_context
from validations.validate import split_valid

TIME_COLUMNS = ("fetched_at",)  # wall-clock time of reading: differs between any two runs
RUN_LOG = "runs.csv"  # the flow's per-run log (flows/run_log.py): the crash driver keeps none


class Zygote:
    """tests/crash_driver.py --zygote: forks one pipeline run per request, reports pid and exit status."""

    def __init__(self) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        env.pop("CHANGAI_FAILPOINT", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_driver", "--zygote"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._line() == "zygote ready"

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"zygote died (exit {self.proc.poll()})")
        return line.strip()

    def start(self, inbox: Path, data_dir: Path, day: str, phases: Path, failpoint: str = "") -> int:
        cmd = {"inbox": str(inbox), "data_dir": str(data_dir), "day": day, "phases": str(phases)}
        if failpoint:
            cmd["failpoint"] = failpoint
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        kind, pid = self._line().split()
        assert kind == "pid"
        return int(pid)

    def wait(self, pid: int) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write("reap\n")
        self.proc.stdin.flush()
        kind, got, status = self._line().split()
        assert kind == "exit" and int(got) == pid
        return int(status)

    def run(self, inbox: Path, data_dir: Path, day: str, phases: Path) -> None:
        status = self.wait(self.start(inbox, data_dir, day, phases))
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"run failed: status {status}"

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def killed_by_sigkill(status: int) -> bool:
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9


def last_phase(phases: Path) -> str:
    lines = phases.read_text(encoding="utf-8").split() if phases.exists() else []
    return lines[-1] if lines else "start"


def assert_every_csv_sound(data_dir: Path) -> int:
    """Every CSV anywhere under data_dir parses; the stored tables pass their schemas. Returns the CSV count."""
    n = 0
    for path in sorted(data_dir.rglob("*.csv")):
        pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")  # raises if torn
        n += 1
    store = DataStore(data_dir)
    for day in store.snapshot_dates():
        for table in SNAPSHOT_TABLES:
            path = store.snapshot_file(day, table)
            assert path is not None, f"snapshot {day} lacks {table}.csv"
            _assert_valid(path, table, day)
    for table in ("reports", "indicators", "progress", "flags"):
        path = data_dir / f"{table}.csv"
        if path.exists():
            _assert_valid(path, table, max(store.snapshot_dates(), default="2026-12-31"))
    store.current_state()  # the logical state folds without error
    return n


def _assert_valid(path: Path, table: str, day: str) -> None:
    df = read_csv(path, columns_of(table))
    assert list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns) == columns_of(table), path
    with validation_context(as_of=day):
        _, rejected = split_valid(typed(df, table), table, day)
    assert rejected.empty, f"{path}: {rejected[['row_id', 'checks']].head().to_dict('records')}"


def _normal_json(text: str) -> str:
    row = {k: v for k, v in json.loads(text).items() if k not in TIME_COLUMNS}
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def table_state(data_dir: Path) -> dict[str, object]:
    """Everything stored, minus wall-clock times: sorted rows per CSV, raw files, snapshot list."""
    out: dict[str, object] = {}
    for path in sorted(data_dir.rglob("*.csv")):
        rel = path.relative_to(data_dir).as_posix()
        if rel == RUN_LOG:
            continue
        df = read_csv(path)
        df = df.drop(columns=[c for c in TIME_COLUMNS if c in df.columns])
        if "row_json" in df.columns:
            df["row_json"] = df["row_json"].map(_normal_json)
        out[rel] = (list(df.columns), sorted(map(tuple, df.astype(str).to_numpy().tolist())))
    raw = data_dir / "raw"
    out["raw"] = (
        sorted((p.relative_to(data_dir).as_posix(), p.stat().st_size) for p in raw.rglob("*") if p.is_file())
        if raw.exists()
        else []
    )
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    out["datapackage"] = (
        [r["schema"] for r in package["resources"]],
        [(s["date"], {t: f["rows"] for t, f in s["files"].items()}) for s in package["snapshots"]],
    )
    return out


def diff_states(a: dict[str, object], b: dict[str, object]) -> list[str]:
    problems = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            problems.append(key)
    return problems


@pytest.fixture(scope="module", name="history")
def history_fixture(tmp_path_factory: pytest.TempPathFactory):
    """The scripted history run without kills: per step its day, layout, duration and final state."""
    root = tmp_path_factory.mktemp("history")
    inbox, ref = root / "inbox", root / "reference"
    zygote = Zygote()
    out = []
    try:
        for i, (day, layout) in enumerate(steps()):
            sync_inbox(inbox, layout)
            started = time.monotonic()
            zygote.run(inbox, ref, day, root / "phases.txt")
            out.append(Step(day, layout, time.monotonic() - started, table_state(ref), root / f"after-{i}"))
            shutil.copytree(ref, out[-1].copy)
    finally:
        zygote.close()
    assert audit(ref).problems == 0
    return inbox, out


@dataclass
class Step:
    day: str
    layout: dict[int, int]
    seconds: float  # how long the unkilled run took
    state: dict  # tables after it (crashkit.table_state)
    copy: Path  # the data dir after it
