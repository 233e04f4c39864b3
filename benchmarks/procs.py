"""Run a command and measure it: wall time, peak RSS of its biggest process (as /usr/bin/time -v reports
it) and peak RSS of its whole process tree (sampled from /proc every 0.2 s). Writes nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIME = "/usr/bin/time"


@dataclass
class Measured:
    wall: float  # seconds
    max_rss_mb: float  # biggest single process (flow process, server, a Dask worker)
    tree_rss_mb: float  # peak of the sum over the process tree (flow + Prefect server + workers)
    returncode: int
    stdout: str
    stderr: str
    # (seconds since start, largest process's RSS in kB, probe()) every 0.2 s, when a probe is given
    trace: list[tuple[float, int, Any]] = field(default_factory=list)


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            out += [int(p) for p in text.split()]
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    return sum(_tree_rss(pid))


def _tree_rss(pid: int) -> list[int]:
    """RSS in kB of every process in the tree under `pid` (itself included)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(_rss_kb(p))
        todo += _children(p)
    return out


def measure(
    cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, probe: Callable[[], Any] | None = None
) -> Measured:
    """Run `cmd` under /usr/bin/time -v when it exists (peak RSS of the biggest process); with a `probe`,
    also a trace of the biggest process's RSS next to what probe() returns (e.g. batches done)."""
    use_time = Path(TIME).exists()
    full = [TIME, "-v", *cmd] if use_time else cmd
    peak = [0]
    trace: list[tuple[float, int, Any]] = []
    started = time.perf_counter()
    proc = subprocess.Popen(
        full, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    )
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            sizes = _tree_rss(proc.pid)
            peak[0] = max(peak[0], sum(sizes))
            if probe is not None:
                trace.append((time.perf_counter() - started, max(sizes), probe()))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    max_rss = 0.0
    if use_time:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        max_rss = int(m.group(1)) / 1024 if m else 0.0
        w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err)
        if w:
            parts = [float(x) for x in w.group(1).split(":")]
            wall = sum(v * 60**i for i, v in enumerate(reversed(parts)))
        err = err.split("\tCommand being timed:")[0]
    return Measured(wall, max_rss, peak[0] / 1024, proc.returncode, out, err, trace)


def changai_cmd() -> list[str]:
    """The changai command of this interpreter's environment."""
    exe = shutil.which("changai", path=str(Path(os.sys.executable).parent)) or shutil.which("changai")
    return [exe] if exe else [os.sys.executable, "-m", "flows.cli"]


def bench_env(prefect_home: Path, **extra: str) -> dict[str, str]:
    """The environment every benchmark run gets: its own Prefect home (a warm SQLite database,
    nobody else's locks), no server URL (the embedded server), analytics off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(prefect_home), PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra)
    return env
