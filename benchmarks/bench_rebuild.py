"""Rebuilding the current tables from the snapshots, at 100 000+ indicator rows: seconds and peak memory.

For each size, writes a data dir of synthetic snapshots (--days days; every day adds rows,
retracts ~2% of the live ones and re-adds some of those) and times, in a fresh process, the
rebuild every committing run does (flows.current.rebuild_current). Linear means rows/s stays
flat as rows grow. Writes only under --workdir.

    python -m benchmarks.bench_rebuild --rows 100000,200000,400000 [--steps]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.synth import cities

INDICATORS = ["training_person_times", "new_union_orgs", "model_workers", "training_funds", "craftsmen", "other"]
SENTENCE = "截至目前,全市累计完成各类职业技能培训18.3万人次,职业技能提升行动资金已发放2.4亿元。"
UNITS = {"training_funds": "元", "new_union_orgs": "家", "training_person_times": "人次"}


def synth_rows(rng: np.random.Generator, n: int, day: str, start: int) -> pd.DataFrame:
    """Indicator rows shaped like real ones (ids, 30-odd rows per report, sentences of 60-200 chars)."""
    from validations.schemas import columns_of

    names = [c.name for c in cities()]
    ids = np.arange(start, start + n)
    report = ids // 33
    indicator = rng.choice(INDICATORS, n)
    df = pd.DataFrame(
        {
            "indicator_row_id": [f"{i:016x}" for i in ids],
            "report_id": [f"{r:016x}" for r in report],
            "source": "inbox",
            "url": [f"file:///archive/{r:06d}.html" for r in report],
            "city": np.array(names)[report % len(names)],
            "city_code": [f"{110000 + r % 300:06d}" for r in report],
            "province": "江苏省",
            "publish_date": [f"20{18 + r % 8}-{1 + r % 12:02d}-{1 + r % 28:02d}" for r in report],
            "indicator": indicator,
            "label": rng.choice(["全国劳模", "省劳模", "职业技能培训", "工会组织"], n),
            "value": np.round(rng.lognormal(7, 2, n), 1),
            "unit": [UNITS.get(i, "人") for i in indicator],
            "qualifier": "exact",
            "period": rng.choice(["cumulative", "annual", "change", "stock"], n),
            "mention": "18.3万人次",
            "evidence": [
                "截至目前,全市累计完成各类职业技能培训18.3万人次,职业技能提升行动资金已发放2.4亿元。" * (1 + i % 3)
                for i in range(n)
            ],
            "char_start": rng.integers(0, 5000, n),
            "snapshot_date": day,
            "extractor_version": "2.0.0",
        }
    )
    return df.reindex(columns=columns_of("indicators"), fill_value="")


def build(data: Path, rows: int, days: int) -> None:
    """Snapshots of `days` days holding `rows` indicator rows in all."""
    from flows.csvio import write_csv
    from validations.schemas import columns_of

    rng = np.random.default_rng(rows)
    per_day = rows // days
    live: list[str] = []
    for k in range(days):
        day = f"2026-01-{k + 1:02d}"
        folder = data / "snapshots" / day
        folder.mkdir(parents=True)
        new = synth_rows(rng, per_day, day, k * per_day)
        gone = rng.choice(live, size=len(live) // 50, replace=False).tolist() if live else []
        if gone:  # some retracted rows come back the same day (a re-parse that gives them again)
            back = new.iloc[: len(gone) // 4].copy()
            back["indicator_row_id"] = gone[: len(back)]
            new = pd.concat([new, back], ignore_index=True)
        retracted = pd.DataFrame(
            {"indicator_row_id": gone, "report_id": "", "snapshot_date": day, "reason": "re-parse"},
            columns=columns_of("retracted"),
        )
        reports = new.drop_duplicates("report_id")[["report_id", "source", "url", "city", "publish_date"]].assign(
            status="ok", n_indicators=33
        )
        write_csv(folder / "indicators.csv", new, columns_of("indicators"))
        write_csv(folder / "retracted.csv", retracted, columns_of("retracted"))
        write_csv(folder / "reports.csv", reports, columns_of("reports"))
        write_csv(folder / "rejected.csv", pd.DataFrame(), columns_of("rejected"))
        gone_set = set(gone)
        live = [i for i in live if i not in gone_set] + new["indicator_row_id"].tolist()


STEPS = ("fold_to_file", "compute_flags", "build_progress", "write_csv", "build_site", "write_datapackage")


def _vm(field: str) -> int:
    """VmRSS / VmHWM of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0


def _watch_steps(steps: list[dict]) -> None:
    """Wrap the steps rebuild_current calls: CPU seconds and peak RSS of each (the peak is reset
    between steps through /proc/self/clear_refs, so each step's own peak shows)."""
    import functools

    import flows.current as current

    def reset_peak() -> None:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")

    for name in STEPS:
        original = getattr(current, name)

        @functools.wraps(original)
        def timed(*args, _original=original, _name=name, **kwargs):
            reset_peak()
            start = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                steps.append({"step": _name, "cpu": time.process_time() - start, "peak_mb": _vm("VmHWM")})
                reset_peak()

        setattr(current, name, timed)


def child(data: Path, steps: bool = False) -> None:
    """Time one rebuild (flows.current.rebuild_current: duplicates, progress, flags, comparison and
    coverage, the site, datapackage.json) in this fresh process and print a JSON line."""
    from flows.current import rebuild_current
    from flows.store import DataStore

    watched: list[dict] = []
    if steps:
        _watch_steps(watched)
    store = DataStore(data)
    t0 = time.perf_counter()
    counts = rebuild_current(store)
    secs = time.perf_counter() - t0
    # with --steps the kernel's peak was reset between steps: the highest step's peak is the run's
    peak = max(s["peak_mb"] for s in watched) if watched else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime
    rows = {k: v for k, v in counts.items() if k != "site"}
    print(json.dumps({"seconds": secs, "cpu": cpu, "peak_mb": peak, "steps": watched, **rows}))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="rebuild of the current tables vs indicator rows (prints figures)")
    p.add_argument("--rows", default="100000,200000,400000")
    p.add_argument("--days", type=int, default=10)
    p.add_argument("--workdir", type=Path, default=Path("/tmp/changai-bench-rebuild"))
    p.add_argument("--steps", action="store_true", help="also print CPU seconds and peak RSS of each step (Linux)")
    p.add_argument("--child", metavar="DATA_DIR", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(Path(args.child), args.steps)
        return 0
    print(
        f"{'rows in snapshots':>18} {'live rows':>10} {'progress':>9} {'seconds':>8} {'CPU s':>6} {'rows/s':>8} "
        f"{'peak RSS':>9}"
    )
    for rows in [int(r) for r in args.rows.split(",")]:
        data = args.workdir / f"rows-{rows}"
        if not (data / ".complete").exists():
            import shutil

            shutil.rmtree(data, ignore_errors=True)
            build(data, rows, args.days)
            (data / ".complete").write_text("ok", encoding="utf-8")
        command = [sys.executable, "-m", "benchmarks.bench_rebuild", "--child", str(data)]
        out = subprocess.run(
            command + (["--steps"] if args.steps else []),
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{rows:>18} {r['indicators']:>10} {r['progress']:>9} {r['seconds']:8.1f} {r['cpu']:6.1f} "
            f"{rows / r['seconds']:8.0f} {r['peak_mb']:7.0f} MB"
        )
        for s in r["steps"]:  # write_csv: reports, progress, flags (indicators.csv is written by the fold)
            print(f"{'':>18}   {s['step']:<20} CPU {s['cpu']:5.1f} s  peak {s['peak_mb']:5.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
