"""Prints parse time per family (golden fixtures) and the fetch cost of a first and a second run of the fixture sites.

Run from the repository root: python benchmarks/bench_sources.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.fetch import SourceFetchError, collect_http  # noqa: E402
from flows.sources import load_sources  # noqa: E402
from flows.store import DataStore  # noqa: E402
from parsers.fingerprint import simhash  # noqa: E402
from parsers.registry import get_parser  # noqa: E402
from tests.httpsite import Sites, sources_toml  # noqa: E402

REPEAT = 20


def bench_parsers() -> None:
    print("parse (ms per page, median of", REPEAT, "runs)")
    for case in sorted((ROOT / "tests/fixtures/parsers").glob("*/*.json")):
        page = next(p for p in case.parent.glob(case.stem + ".*") if p.suffix != ".json")
        content, parse = page.read_bytes(), get_parser(case.parent.name)
        parse(content, "http://bench.example/" + page.name, None)  # warm-up (lazy imports)
        times = []
        for _ in range(REPEAT):
            t = time.perf_counter()
            text = parse(content, "http://bench.example/" + page.name, None).text
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        simhash(text)
        fp_ms = (time.perf_counter() - t) * 1000
        med = sorted(times)[len(times) // 2] * 1000
        print(f"  {case.parent.name:<15} {case.stem:<20} {len(content):>7} B  {med:7.1f} ms  simhash {fp_ms:5.1f} ms")


def bench_fetch() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sites = Sites(Path(tmp))
        try:
            data = Path(tmp) / "data"
            (data / "inbox").mkdir(parents=True)
            (data / "sources.toml").write_text(sources_toml(sites), encoding="utf-8")
            store = DataStore(data)
            http = [s for s in load_sources(data) if s.kind == "http"]
            for label in ("first run", "second run"):
                for site in sites.sites.values():
                    site.clear_log()
                t = time.perf_counter()
                docs = 0
                for source in http:
                    try:
                        docs += sum(1 for _ in collect_http(source, store, {}))
                    except SourceFetchError as exc:
                        print("  source failed:", exc)
                elapsed = time.perf_counter() - t
                statuses = [s for site in sites.sites.values() for _, s in site.log if _ != "/robots.txt"]
                bodies = sum(1 for s in statuses if s == 200)
                print(
                    f"fetch {label}: {docs} documents from {len(http)} sources in {elapsed:.2f} s "
                    f"(delay 0); {len(statuses)} requests, {bodies} with a body, {statuses.count(304)} x 304"
                )
        finally:
            sites.close()


if __name__ == "__main__":
    bench_parsers()
    bench_fetch()
