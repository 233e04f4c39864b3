"""Runs the extraction core a given number of passes over synthetic reports, for instruction counts.

CPU time on a shared machine swings with the other jobs; the instructions a pass executes do not. Run
this under callgrind with one pass and with two: the difference of the two totals is one steady-state
pass (start-up, imports, report generation and the warm-up cancel out). Reads nothing; prints nothing
but the figure count.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python -m benchmarks.core_passes --n 100 --passes 1
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python -m benchmarks.core_passes --n 100 --passes 2
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from benchmarks.bench_extract import prepare, run_core
from benchmarks.build import force_pure
from benchmarks.synth import generate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="run the extraction core N passes (for callgrind)")
    p.add_argument("--n", type=int, default=100, help="reports (default 100)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--passes", type=int, default=1)
    p.add_argument("--pure", action="store_true", help="import the core's .py sources even where it is compiled")
    args = p.parse_args(argv)
    if args.pure:
        force_pure()
    inputs = [prepare(report) for report in generate(args.seed, args.n)]
    run_core(inputs[:20], defaultdict(float))  # warm-up: lazily built automata, caches, first imports
    figures = 0
    for _ in range(args.passes):
        figures = run_core(inputs, defaultdict(float))
    print(f"{figures} figures per pass")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
