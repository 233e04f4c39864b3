"""The data directory: raw documents, dated snapshots (append-only across days) and current tables.

Reads and writes data/raw/, data/snapshots/<date>/, data/{reports,indicators,progress}.csv and
data/datapackage.json. Current tables are always re-derived from the snapshots.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from flows.csvio import atomic_write_bytes, read_csv, write_csv
from validations.schemas import columns_of

SNAPSHOT_TABLES = ("reports", "indicators", "retracted", "rejected")
LOCK_NAME = ".changai.lock"


class StoreBusyError(RuntimeError):
    """Another run holds the data directory's lock."""


@dataclass(frozen=True)
class RawRef:
    source: str
    sha256: str
    rel_path: str  # relative to the data dir


@dataclass
class CommitResult:
    snapshot_date: str
    snapshot_path: str
    reports: int
    added: int
    retracted: int
    rejected: int


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DataStore:
    def __init__(self, data_dir: Path | str) -> None:
        self.root = Path(data_dir)
        self.raw_dir = self.root / "raw"
        self.snapshots_dir = self.root / "snapshots"

    # -- locking ---------------------------------------------------------------------------
    def lock(self, timeout: float = 600) -> FileLock:
        """Exclusive lock on the data dir. A lock left by a killed process is released by the OS
        (flock), so a stale lock never blocks the next run."""
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.root / LOCK_NAME), timeout=timeout)

    def acquire(self, timeout: float = 600) -> FileLock:
        lock = self.lock(timeout)
        try:
            lock.acquire()
        except Timeout as exc:
            raise StoreBusyError(f"another changai run is writing {self.root} (waited {timeout:.0f} s)") from exc
        self.recover()
        return lock

    # -- raw documents ---------------------------------------------------------------------
    def put_raw(self, source: str, content: bytes, suffix: str, meta: dict) -> RawRef:
        """Store bytes content-addressed under raw/<source>/<sha256><suffix>; never rewritten."""
        digest = sha256_hex(content)
        suffix = suffix if suffix.startswith(".") and len(suffix) <= 8 and suffix[1:].isalnum() else ".bin"
        folder = self.raw_dir / source
        path = folder / f"{digest}{suffix}"
        if not path.exists():
            atomic_write_bytes(path, content)
        meta_path = folder / f"{digest}.json"
        if not meta_path.exists():
            atomic_write_bytes(meta_path, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
        return RawRef(source, digest, path.relative_to(self.root).as_posix())

    def raw_bytes(self, rel_path: str) -> bytes:
        return (self.root / rel_path).read_bytes()

    def raw_meta(self, rel_path: str) -> dict:
        meta_path = (self.root / rel_path).with_suffix(".json")
        return json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}

    # -- snapshots ---------------------------------------------------------------------------
    def snapshot_dates(self) -> list[str]:
        if not self.snapshots_dir.exists():
            return []
        return sorted(p.name for p in self.snapshots_dir.iterdir() if p.is_dir() and not p.name.startswith("."))

    def read_snapshot(self, day: str) -> dict[str, pd.DataFrame]:
        folder = self.snapshots_dir / day
        return {t: read_csv(folder / f"{t}.csv", columns_of(t)) for t in SNAPSHOT_TABLES}

    def recover(self) -> None:
        """Finish or undo a snapshot swap that a killed run left half done."""
        if not self.snapshots_dir.exists():
            return
        for p in self.snapshots_dir.iterdir():
            if p.name.startswith(".") and ".tmp-" in p.name:
                shutil.rmtree(p, ignore_errors=True)
        for p in self.snapshots_dir.iterdir():
            if p.name.startswith(".") and ".old-" in p.name:
                day = p.name[1:].split(".old-")[0]
                target = self.snapshots_dir / day
                if target.exists():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    os.replace(p, target)

    def _write_snapshot(self, day: str, tables: dict[str, pd.DataFrame]) -> Path:
        self.snapshots_dir.mkdir(parents=True, exist_ok=True)
        tag = f"{os.getpid()}"
        tmp = self.snapshots_dir / f".{day}.tmp-{tag}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name, df in tables.items():
            write_csv(tmp / f"{name}.csv", df, columns_of(name))
        target = self.snapshots_dir / day
        old = self.snapshots_dir / f".{day}.old-{tag}"
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
        return target

    def state_before(self, day: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(live indicator rows, latest report rows) from every snapshot strictly before `day`."""
        return fold_snapshots([self.read_snapshot(d) for d in self.snapshot_dates() if d < day])

    def current_state(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return fold_snapshots([self.read_snapshot(d) for d in self.snapshot_dates()])

    def commit(
        self,
        day: str,
        processed_ids: set[str],
        reports: pd.DataFrame,
        indicators: pd.DataFrame,
        rejected: pd.DataFrame,
        protect_ids: set[str] | None = None,
    ) -> CommitResult:
        """Merge one run into the snapshot of `day` (replacing that day's entries for the reports
        processed now, keeping the others) so a same-day re-run never duplicates a row.

        `protect_ids`: reports whose new parse failed; their stored rows are kept, not retracted.
        """
        protect_ids = protect_ids or set()
        base_ind, _ = self.state_before(day)
        prev = (
            self.read_snapshot(day)
            if (self.snapshots_dir / day).exists()
            else {t: pd.DataFrame(columns=columns_of(t)) for t in SNAPSHOT_TABLES}
        )
        retract_scope = processed_ids - protect_ids
        base_of_processed = base_ind[base_ind["report_id"].isin(retract_scope)]
        new_ids = set(indicators["indicator_row_id"])
        base_ids = set(base_ind["indicator_row_id"])
        added = indicators[~indicators["indicator_row_id"].isin(base_ids)]
        gone = base_of_processed[~base_of_processed["indicator_row_id"].isin(new_ids)]
        retracted = pd.DataFrame(
            {
                "indicator_row_id": gone["indicator_row_id"],
                "report_id": gone["report_id"],
                "snapshot_date": day,
                "reason": "re-parse of the report no longer yields this row (document or extractor changed)",
            },
            columns=columns_of("retracted"),
        )

        def keep_others(df: pd.DataFrame, column: str = "report_id") -> pd.DataFrame:
            return df[~df[column].isin(processed_ids)] if not df.empty else df

        tables = {
            "reports": pd.concat([keep_others(prev["reports"]), reports], ignore_index=True),
            "indicators": pd.concat([keep_others(prev["indicators"]), added], ignore_index=True),
            "retracted": pd.concat([keep_others(prev["retracted"]), retracted], ignore_index=True),
            "rejected": pd.concat([keep_others(prev["rejected"]), rejected], ignore_index=True),
        }
        tables["indicators"] = tables["indicators"].assign(
            snapshot_date=lambda d: d["snapshot_date"].where(d["snapshot_date"].astype(str) != "", day)
        )
        path = self._write_snapshot(day, tables)
        return CommitResult(
            day, path.relative_to(self.root).as_posix(), len(reports), len(added), len(retracted), len(rejected)
        )

    # -- current tables ----------------------------------------------------------------------
    def write_current(self, reports: pd.DataFrame, indicators: pd.DataFrame, progress: pd.DataFrame) -> None:
        write_csv(self.root / "reports.csv", reports, columns_of("reports"))
        write_csv(self.root / "indicators.csv", indicators, columns_of("indicators"))
        write_csv(self.root / "progress.csv", progress, columns_of("progress"))


def fold_snapshots(snapshots: list[dict[str, pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply snapshots in date order: rows appear, retracted rows disappear, reports keep their latest row."""
    ind_cols, rep_cols = columns_of("indicators"), columns_of("reports")
    live = pd.DataFrame(columns=ind_cols)
    reports = pd.DataFrame(columns=rep_cols)
    frames: list[pd.DataFrame] = []
    report_frames: list[pd.DataFrame] = []
    for snap in snapshots:
        retracted = set(snap["retracted"]["indicator_row_id"])
        if retracted:
            frames = [f[~f["indicator_row_id"].isin(retracted)] for f in frames]
        if not snap["indicators"].empty:
            frames.append(snap["indicators"])
        if not snap["reports"].empty:
            report_frames.append(snap["reports"])
    if frames:
        live = pd.concat(frames, ignore_index=True).drop_duplicates("indicator_row_id", keep="last")
    if report_frames:
        reports = pd.concat(report_frames, ignore_index=True).drop_duplicates("report_id", keep="last")
    return live.reset_index(drop=True), reports.reset_index(drop=True)
