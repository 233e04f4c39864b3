"""Start-up cost of changai against Prefect's own floor, each in a fresh process, repeated and alternating.

Measures `python -c 'import prefect'`, a bare `@flow` run with the embedded server (heartbeat off, as
`changai run` does), `changai run` over an empty inbox in a fresh data dir, `changai run` again on that
data dir, and `changai --help`; prints medians, the ratio changai run / bare flow, and the import
times that make up the difference. All runs share one warm Prefect home (its SQLite database exists).
Writes only under --workdir (default: a temporary folder).

    python -m benchmarks.bench_startup [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.procs import bench_env, changai_cmd, measure

ROOT = Path(__file__).resolve().parents[1]
BARE_FLOW = """
import os
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
from prefect import flow
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

@flow
def bare() -> int:
    return 1

if __name__ == "__main__":
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        assert bare() == 1
"""
IMPORTS = {
    "prefect": "import prefect",
    "flows.cli (what `changai --help` loads)": "import flows.cli",
    "flows.ingest (the flow and what it imports)": "import flows.ingest",
}


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="start-up cost of changai vs a bare Prefect flow")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = p.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="changai-bench-startup-"))
    work.mkdir(parents=True, exist_ok=True)
    env = bench_env(work / "prefect-home", CHANGAI_PROGRESS="0")
    empty = work / "empty-inbox"
    empty.mkdir(exist_ok=True)
    (work / "bare_flow.py").write_text(BARE_FLOW, encoding="utf-8")
    data = work / "data"

    def run(cmd: list[str]) -> float:
        m = measure(cmd, env=env, cwd=work)
        assert m.returncode == 0, f"{cmd}: {m.stdout[-1000:]}{m.stderr[-2000:]}"
        return m.wall

    def changai_run(fresh: bool) -> float:
        if fresh:
            shutil.rmtree(data, ignore_errors=True)
            data.mkdir()
            shutil.copy(ROOT / "data" / "sources.toml", data / "sources.toml")
        return run([*changai_cmd(), "run", "--inbox", str(empty), "--data-dir", str(data)])

    cases: dict[str, Callable[[], float]] = {
        "python -c 'import prefect'": lambda: run([sys.executable, "-c", "import prefect"]),
        "bare @flow, embedded server": lambda: run([sys.executable, str(work / "bare_flow.py")]),
        "changai run, empty inbox, new data dir": lambda: changai_run(fresh=True),
        "changai run, empty inbox, same data dir": lambda: changai_run(fresh=False),
        "changai --help": lambda: run([*changai_cmd(), "--help"]),
    }
    for case in cases.values():  # warm-up: creates the Prefect database, fills the OS file cache
        case()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):
        for name, case in cases.items():
            times[name].append(case())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.repeat} runs each, alternating, warm Prefect home; load average {load:.1f} on {os.cpu_count()} cores")
    for name, values in times.items():
        print(f"  {name:<42} {summary(values)}")
    bare = statistics.median(times["bare @flow, embedded server"])
    fresh = statistics.median(times["changai run, empty inbox, new data dir"])
    again = statistics.median(times["changai run, empty inbox, same data dir"])
    print(f"ratio changai run / bare flow: {fresh / bare:.2f} (new data dir), {again / bare:.2f} (same data dir)")
    print("import times in a fresh process (median of 3, including the interpreter's own start):")
    for label, code in IMPORTS.items():
        values = [measure([sys.executable, "-c", code], env=env, cwd=ROOT).wall for _ in range(3)]
        print(f"  {label:<45} {statistics.median(values):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
