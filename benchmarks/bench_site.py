"""Report-site build time: rebuilds data/site of a data dir cold (charts deleted) and warm, prints where the time goes.

Reads the current tables of --data-dir (made by `changai run`); rewrites its site/ folder (derived, rebuildable).

    python -m benchmarks.synth --out /tmp/inbox --n 1000
    CHANGAI_TODAY=2026-03-02 changai run --inbox /tmp/inbox --data-dir /tmp/bench-data
    python -m benchmarks.bench_site --data-dir /tmp/bench-data
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import flows.charts as charts
from flows.site import build_site


def _timed_charts() -> dict[str, float]:
    """Wraps the two chart functions so their calls are counted and timed (drawing and writing)."""
    spent = {"n": 0, "seconds": 0.0}
    for name in ("small_multiples", "cross_city"):
        original = getattr(charts, name)

        def timed(*args, _original=original, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent["seconds"] += time.perf_counter() - start
                spent["n"] += 1

        setattr(charts, name, timed)
    return spent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", type=Path, required=True)
    args = p.parse_args(argv)
    if not (args.data_dir / "progress.csv").exists():
        print(f"{args.data_dir}: no progress.csv (run `changai run --data-dir {args.data_dir}` first)", file=sys.stderr)
        return 1
    spent = _timed_charts()
    shutil.rmtree(args.data_dir / "site" / "charts", ignore_errors=True)
    for kind in ("cold (every chart drawn)", "warm (charts unchanged)"):
        spent.update(n=0, seconds=0.0)
        start = time.perf_counter()
        result = build_site(args.data_dir)
        total = time.perf_counter() - start
        per_chart = 1000 * spent["seconds"] / max(1, spent["n"])
        print(
            f"{kind}: {total:.2f} s for {result['pages']} pages; {result['charts']} charts "
            f"({result['charts_drawn']} drawn) took {spent['seconds']:.2f} s = {per_chart:.1f} ms each"
        )
    site = args.data_dir / "site"
    chart_bytes = sum(f.stat().st_size for f in (site / "charts").glob("*.svg"))
    print(
        f"index.html {(site / 'index.html').stat().st_size / 1e6:.1f} MB; "
        f"charts {chart_bytes / 1e6:.1f} MB in {len(list((site / 'charts').glob('*.svg')))} files"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
