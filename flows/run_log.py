"""The run log data/runs.csv: one row per source per run (not dry runs); appended by the ingest flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from flows.csvio import read_csv, write_csv
from validations.schemas import TABLE_SCHEMAS, columns_of

RUNS_FILE = "runs.csv"


def append_run(
    data_dir: Path, *, flow_run_id: str, started_at: str, finished_at: str, mode: str, report: dict[str, Any]
) -> None:
    """Add this run's per-source rows to runs.csv (the caller holds the data dir's lock)."""
    cols = columns_of("runs")
    rows = [
        {
            "flow_run_id": flow_run_id,
            "started_at": started_at,
            "finished_at": finished_at,
            "mode": mode,
            "source": s["source"],
            "status": "ok" if s["status"] == "ok" else "failed",
            "reason": s["failures"] if s["status"] != "ok" else "",
            **{k: s[k] for k in ("discovered", "fetched", "new_reports", "figures", "new_figures", "rejected")},
        }
        for s in report["sources"]
    ]
    new = TABLE_SCHEMAS["runs"].validate(pd.DataFrame(rows, columns=cols))
    path = Path(data_dir) / RUNS_FILE
    old = read_csv(path, cols) if path.exists() else pd.DataFrame(columns=cols)
    write_csv(path, pd.concat([old, new.astype(str)], ignore_index=True), cols)


def read_runs(data_dir: Path) -> pd.DataFrame:
    return _read(Path(data_dir) / RUNS_FILE, columns_of("runs"))


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    return read_csv(path, columns) if path.exists() else pd.DataFrame(columns=columns)
