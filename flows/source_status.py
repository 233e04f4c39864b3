"""`changai sources`: each configured source with its last run, last success and counts, from the data dir alone.

Reads sources.toml, runs.csv (the run log), reports.csv and indicators.csv; no Prefect server needed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

from flows.csvio import read_csv
from flows.run_log import read_runs
from validations.schemas import columns_of


def source_status(data_dir: Path) -> list[dict[str, Any]]:
    """Per configured source: enabled, last run (and its status), last success, reports by status, figures."""
    from flows.sources import load_sources

    data_dir = Path(data_dir)
    runs = read_runs(data_dir)
    reports = _read(data_dir / "reports.csv", columns_of("reports"))
    indicators = _read(data_dir / "indicators.csv", ["source"])
    out = []
    for s in load_sources(data_dir):
        mine = runs[runs["source"] == s.id].sort_values("finished_at")
        ok = mine[mine["status"] == "ok"]
        theirs = reports[reports["source"] == s.id]
        last_run, last_status, last_reason = "", "", ""
        if len(mine):
            last = mine.iloc[-1]
            last_run, last_status, last_reason = last["finished_at"], last["status"], last["reason"]
        elif len(theirs):  # a data dir from before the run log: its reports still say when they were read
            last_run, last_status = theirs["fetched_at"].max(), "ok (from reports.csv)"
        out.append(
            {
                "source": s.id,
                "kind": s.kind,
                "enabled": s.enabled,
                "where": s.folder or ", ".join(s.list_pages),
                "last_run": last_run,
                "last_status": last_status,
                "last_reason": last_reason,
                "last_success": ok["finished_at"].iloc[-1] if len(ok) else ("" if len(mine) else last_run),
                "runs": len(mine),
                "reports": len(theirs),
                "reports_ok": int((theirs["status"] == "ok").sum()),
                "reports_no_indicators": int((theirs["status"] == "no_indicators").sum()),
                "reports_rejected": int((theirs["status"] == "rejected").sum()),
                "figures": int((indicators["source"] == s.id).sum()),
            }
        )
    return out


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    return read_csv(path, columns) if path.exists() else pd.DataFrame(columns=columns)


def _when(iso: str) -> str:
    """'2026-03-02T06:30:12+08:00' -> '2026-03-02 06:30' (all times are Asia/Shanghai)."""
    return iso[:16].replace("T", " ") if iso else "never"


def print_sources(data_dir: Path) -> int:
    from rich.console import Console
    from rich.table import Table

    rows = source_status(data_dir)
    table = Table(title=f"sources in {Path(data_dir) / 'sources.toml'} (times Asia/Shanghai)")
    columns = ("source", "kind", "enabled", "last run", "last success", "reports ok/none/rejected", "figures", "where")
    for col in columns:
        table.add_column(col, justify="right" if col in ("figures",) else "left")
    for r in rows:
        last = _when(r["last_run"]) + (f" {r['last_status']}" if r["last_status"] else "")
        if r["last_reason"]:
            last += f": {r['last_reason']}"
        table.add_row(
            r["source"],
            r["kind"],
            "yes" if r["enabled"] else "no",
            last,
            _when(r["last_success"]),
            f"{r['reports_ok']}/{r['reports_no_indicators']}/{r['reports_rejected']}",
            str(r["figures"]),
            r["where"],
        )
    # piped output gets a wide table instead of Rich's 80 columns (same as `changai progress`)
    Console(width=None if sys.stdout.isatty() else 200).print(table)
    return 0
