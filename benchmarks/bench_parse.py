"""The parse task's work per report: flows.ingest.process_refs over an inbox, CPU time and where it goes.

Reads report files (an --inbox folder, or --n synthetic reports from benchmarks.synth written once
under --workdir), keeps their bytes in a fresh data folder under --workdir as a run does (local
files collected with keep_later: RawKeeper writes raw/ from its thread), and prints the process's
CPU time per report (user + system, all threads) for each pass, best and median.

--parts wraps the per-report steps of process_refs and prints the main thread's CPU time in each
(time.thread_time: the raw-keeping thread's writes are not in them); --rows-out pickles the rows
the last pass produced (fetched_at fixed), to compare two builds' output byte for byte:

    python -m benchmarks.bench_parse --inbox /tmp/pb/inbox --repeat 5 --parts --rows-out /tmp/rows.pkl
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pickle
import shutil
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_run import ensure_reports

DAY = "2026-03-02"
FETCHED_AT = "2026-03-02T00:00:00+08:00"
BATCH = 250  # reports per parse task, as flows.ingest batches them


def _timed(spent: Counter, label: str, fn: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - start

    return wrapper


def instrument(spent: Counter) -> Callable[[], None]:
    """Wrap the steps process_refs calls per report (module attributes, so the calls go through them);
    returns what puts the originals back."""
    import flows.ingest as ingest
    import flows.local_source as local_source
    import flows.rows as rows
    import parsers.report as report

    get_parser, keeper = report.get_parser, local_source.RawKeeper
    originals = [(report, "get_parser", get_parser), (keeper, "read_and_keep", keeper.read_and_keep)]
    report.get_parser = lambda pid: _timed(spent, "source parse (decode, HTML, normalize)", get_parser(pid))
    keeper.read_and_keep = _timed(spent, "raw keeping (read, hash, hand over)", keeper.read_and_keep)
    for module, name, label in (
        (report, "_over_limits", "limits (sentence spans)"),
        (report, "complete_date", "dates"),
        (report, "resolve_report_place", "report place"),
        (report, "extract", "extract"),
        (report, "locate_figures", "figure places"),
        (rows, "simhash", "simhash (at the batch's end)"),
        (ingest, "report_row", "report row"),
        (ingest, "indicator_rows", "indicator rows"),
        (ingest, "process_document", "process_document"),
    ):
        originals.append((module, name, getattr(module, name)))
        setattr(module, name, _timed(spent, label, getattr(module, name)))

    def restore() -> None:
        for owner, name, value in originals:
            setattr(owner, name, value)

    return restore


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inbox", type=Path, help="a folder of report files (default: --n synthetic reports)")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/changai-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parts", action="store_true", help="CPU per step (main thread), best pass")
    ap.add_argument("--rows-out", type=Path, help="pickle the last pass's rows here")
    args = ap.parse_args(argv)

    from flows.ingest import process_refs
    from flows.local_source import collect_local
    from flows.store import DataStore

    inbox = args.inbox or ensure_reports(args.workdir, args.n, args.seed)
    data = args.workdir / f"bench-parse-{os.getpid()}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    refs = [
        dataclasses.replace(ref, fetched_at=FETCHED_AT)
        for ref in collect_local("inbox", "local", inbox, DataStore(data), keep_later=True)
    ]
    spent: Counter = Counter()
    restore = instrument(spent) if args.parts else (lambda: None)
    passes: list[tuple[float, float, Counter]] = []
    try:
        for _ in range(args.repeat):
            shutil.rmtree(data / "raw", ignore_errors=True)
            spent.clear()
            before, wall = os.times(), time.perf_counter()
            parts = [process_refs(refs[i : i + BATCH], str(data), DAY) for i in range(0, len(refs), BATCH)]
            after, wall = os.times(), time.perf_counter() - wall
            cpu = (after.user - before.user + after.system - before.system) / len(refs) * 1000
            user = (after.user - before.user) / len(refs) * 1000
            passes.append((cpu, user, Counter(spent)))
            print(f"pass: CPU {cpu:.2f} ms/report (user {user:.2f}), wall {wall / len(refs) * 1000:.2f} ms", flush=True)
    finally:
        restore()
        shutil.rmtree(data, ignore_errors=True)
    cpus = [p[0] for p in passes]
    best, median = min(cpus), statistics.median(cpus)
    print(f"{len(refs)} reports from {inbox}: CPU per report best {best:.2f} ms, median {median:.2f} ms")
    if args.parts:
        steps = min(passes, key=lambda p: p[0])[2]
        total = steps.pop("process_document", 0.0)
        print(f"main thread, best pass (process_document {total / len(refs) * 1000:.3f} ms/report):")
        for label, seconds in steps.most_common():
            print(f"  {label:40s} {seconds / len(refs) * 1000:.3f} ms")
    if args.rows_out:
        rows = [(p.reports, p.indicators, sorted(p.protect_ids), sorted(p.processed_ids)) for p in parts]
        args.rows_out.write_bytes(pickle.dumps(rows))
        print(f"rows of the last pass in {args.rows_out}")


if __name__ == "__main__":
    main()
