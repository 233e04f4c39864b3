"""Time progress, comparison/coverage and the report site on a synthetic data dir (temp dir; prints figures).

Usage:
    python scripts/bench_site.py [--cities 60] [--reports-per-city 6] [--figures-per-report 40]

Builds indicator rows for N cities (a few with a district), writes the current tables the way a
run does, then times build_progress, build_site on a fresh site (every chart drawn) and again
unchanged (charts reused). Prints one line per step.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.csvio import write_csv
from flows.progress import build_progress
from flows.site import build_site
from parsers.classify import taxonomy
from tests.progress_rows import figure, reports_for
from validations.schemas import columns_of


def synthetic(cities: int, reports: int, per_report: int, seed: int = 7) -> pd.DataFrame:
    rnd = random.Random(seed)
    tax = taxonomy().indicators
    ids = [i for i in tax if i != "other"]
    rows = []
    for c in range(cities):
        city, code = f"测试{c:03d}市", f"{110100 + c * 100:06d}"
        district = "示范区" if c % 5 == 0 else ""
        for r in range(reports):
            day = f"{2019 + r // 2}-{(r % 2) * 6 + 3:02d}-{rnd.randint(1, 28):02d}"
            for k in range(per_report):
                ind = ids[(k + c) % len(ids)]
                unit = sorted(tax[ind].units)[0]
                base = 100 * (k + 1) * (c + 1)
                rows.append(
                    figure(
                        base * (1 + 0.15 * r),
                        day,
                        city=city,
                        city_code=code,
                        district=district if k % 4 == 0 else "",
                        indicator=ind,
                        label=f"名目{k % 3}",
                        unit=unit,
                        period=("cumulative", "annual", "stock", "unknown")[k % 4],
                        source=f"site{r % 3}",
                        report=f"{city}-{r}",
                    )
                )
    return pd.DataFrame(rows, columns=columns_of("indicators"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cities", type=int, default=60)
    ap.add_argument("--reports-per-city", type=int, default=6)
    ap.add_argument("--figures-per-report", type=int, default=40)
    args = ap.parse_args()
    indicators = synthetic(args.cities, args.reports_per_city, args.figures_per_report)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        (data / "snapshots" / "2026-03-02").mkdir(parents=True)
        t = time.perf_counter()
        progress = build_progress(indicators)
        print(f"build_progress: {len(indicators)} figures -> {len(progress)} points in {time.perf_counter() - t:.2f} s")
        write_csv(data / "indicators.csv", indicators, columns_of("indicators"))
        write_csv(data / "reports.csv", reports_for(indicators), columns_of("reports"))
        write_csv(data / "progress.csv", progress, columns_of("progress"))
        for label in ("first build (all charts drawn)", "rebuild, nothing changed"):
            t = time.perf_counter()
            result = build_site(data)
            size = sum(p.stat().st_size for p in (data / "site").rglob("*") if p.is_file())
            print(
                f"build_site {label}: {time.perf_counter() - t:.2f} s, {result['pages']} pages, "
                f"{result['charts']} charts ({result['charts_drawn']} drawn), site {size / 1e6:.1f} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
