"""Whole `changai run` over N synthetic local reports: wall time, peak memory, and a no-op re-run.

Generates the reports (benchmarks.synth) into --workdir once, then for each size runs
`changai run --inbox ... --data-dir <fresh>` in a fresh process under /usr/bin/time -v, then the
same run again (nothing new: the incremental no-op). Also measures the extraction core over the
same reports in this process and `changai run` over an empty inbox (the fixed start-up), and
prints wall / (core + start-up). Writes only under --workdir.

    python -m benchmarks.bench_run --n 10000 --sizes 2500,5000 [--task-runner threads|processes|dask]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.procs import Measured, bench_env, changai_cmd, measure
from benchmarks.synth import write_reports

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-03-02"


def ensure_reports(work: Path, n: int, seed: int) -> Path:
    folder = work / f"inbox-{n}-seed{seed}"
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_reports(folder, n, seed)
        marker.write_text("ok", encoding="utf-8")
    return folder


def fresh_data_dir(work: Path, name: str) -> Path:
    d = work / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "sources.toml", d / "sources.toml")
    return d


def staged_batches(data: Path) -> int:
    """Parse batches the run has validated and staged so far (flows/staging.py part files in the data dir)."""
    return sum(1 for _ in data.glob(".changai-stage-*/part-*.pkl"))


def run(work: Path, inbox: Path, data: Path, runner: list[str]) -> Measured:
    env = bench_env(work / "prefect-home", CHANGAI_TODAY=DAY)
    cmd = [*changai_cmd(), "run", "--inbox", str(inbox), "--data-dir", str(data), *runner]
    m = measure(cmd, env=env, cwd=work, probe=lambda: staged_batches(data))
    if m.returncode != 0:
        raise SystemExit(f"changai run failed ({m.returncode}):\n{m.stdout}\n{m.stderr[-3000:]}")
    return m


def memory_by_batch(m: Measured) -> str:
    """The run process's RSS as parse batches are staged, then its peak after the last one (commit, rebuild)."""
    after: dict[int, int] = {}
    for _, rss, batches in m.trace:
        if batches:
            after[batches] = max(after.get(batches, 0), rss)
    if not after:
        return "no staged batches seen"
    last = max(after)
    picks = sorted({1, last // 4, last // 2, 3 * last // 4, last} - {0})
    staged_at = next(t for t, _, b in m.trace if b == last)
    later = max((rss for t, rss, _ in m.trace if t > staged_at), default=0)
    parse = ", ".join(f"{b}: {after[b] / 1024:.0f}" for b in picks if b in after)
    return f"RSS MB after batch {parse} (of {last}); after parsing (commit, rebuild): peak {later / 1024:.0f} MB"


def summary_line(m: Measured, keys: tuple[str, ...] = ("reports read", "indicators written")) -> str:
    return "; ".join(line.strip() for line in m.stdout.splitlines() if line.strip().startswith(keys))


def core_seconds(inbox: Path, n: int) -> tuple[float, int]:
    """The extraction core (benchmarks.bench_extract) over the same files, in this process."""
    from benchmarks.bench_extract import prepare, run_core
    from benchmarks.synth import Report

    files = sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith("."))[:n]
    inputs = [prepare(Report(p.name, p.read_bytes(), "", "", "", False)) for p in files]
    run_core(inputs[:20], defaultdict(float))
    stages: dict[str, float] = defaultdict(float)
    figures = run_core(inputs, stages)
    return sum(stages.values()), figures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="whole changai run over N local reports (prints figures)")
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--sizes", default="", help="smaller sizes to run first, e.g. 2500,5000 (memory vs N)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, default=Path("/tmp/changai-bench"))
    p.add_argument(
        "--task-runner", choices=("auto", "threads", "processes", "dask"), default="auto", help="default: auto"
    )
    p.add_argument("--no-core", action="store_true", help="skip the in-process extraction core measurement")
    args = p.parse_args(argv)
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    runner = ["--task-runner", args.task_runner]
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | {args.n})

    t0 = time.perf_counter()
    full = ensure_reports(work, args.n, args.seed)
    print(f"reports: {args.n} in {full} ({time.perf_counter() - t0:.0f} s to generate or find)")
    empty = work / "empty-inbox"
    empty.mkdir(exist_ok=True)
    startup = run(work, empty, fresh_data_dir(work, "data-empty"), runner)
    startup = run(work, empty, fresh_data_dir(work, "data-empty"), runner)  # warm database and caches
    print(f"start-up (changai run, empty inbox, {args.task_runner}): {startup.wall:.1f} s")

    results = {}
    for n in sizes:
        inbox = full
        if n != args.n:
            inbox = work / f"inbox-first-{n}"
            if not (inbox / ".complete").exists():
                shutil.rmtree(inbox, ignore_errors=True)
                inbox.mkdir()
                for f in sorted(x for x in full.iterdir() if not x.name.startswith("."))[:n]:
                    shutil.copy(f, inbox / f.name)
                (inbox / ".complete").write_text("ok", encoding="utf-8")
        data = fresh_data_dir(work, f"data-{n}")
        first = run(work, inbox, data, runner)
        again = run(work, inbox, data, runner)
        results[n] = (first, again)
        print(
            f"N={n:>6}: run {first.wall:6.1f} s, peak RSS {first.max_rss_mb:5.0f} MB "
            f"(process tree {first.tree_rss_mb:5.0f} MB) | no-op re-run {again.wall:5.1f} s, "
            f"{again.max_rss_mb:4.0f} MB | {summary_line(first)}"
        )
        print(f"          {memory_by_batch(first)}")
    if not args.no_core:
        core, _ = core_seconds(full, args.n)
        first = results[args.n][0]
        budget = 3 * core + startup.wall
        print(f"extraction core, same {args.n} reports, one process: {core:.1f} s ({args.n / core:.0f} reports/s)")
        print(
            f"whole run {first.wall:.1f} s = start-up {startup.wall:.1f} s + {(first.wall - startup.wall) / core:.2f}"
            f" x core; target: at most 3 x core + start-up = {budget:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
