"""The data directory: raw documents, dated snapshots (append-only across days), current tables, the lock.

Reads and writes data/raw/, data/snapshots/<date>/, data/{reports,indicators,progress,flags}.csv,
data/datapackage.json and the lock files data/.changai.lock*. Current tables are always re-derived
from the snapshots. Crash safety (every step leaves each file old or new, and the next run
finishes or undoes what a killed one left):

1. raw/<source>/<sha256>.<ext> are written atomically and never rewritten (fsynced in one batch by
   commit(), before the snapshot that refers to them); an extra raw file is harmless.
2. commit() first writes the marker .changai.rebuild-pending, then the day's new snapshot into
   snapshots/.<day>.tmp-<pid>-<n>/ (complete and fsynced), renames it to snapshots/.<day>.ready/
   (the commit point), then moves its files into snapshots/<day>/ and removes it.
3. rebuild (flows/current.py) rewrites the current tables one by one, then removes the marker.

recover() (run under the lock before every write run) deletes temp folders and files, finishes
the move of a .ready folder, and rebuilds the current tables when the marker is still there.
Readers take a .ready folder's files over the day folder's, so they see the committed state.

raw/ and snapshots/ may live in object storage instead (DataStore(data_dir, storage="s3://bucket/x"),
flows/fs.py; the data dir remembers it in storage.json, flows/storage_binding.py). The current
tables, datapackage.json, the lock, temp files and the marker stay in the data dir, and so does
the commit protocol: the snapshot is assembled in data/.changai-upload/ (temp folder, then .ready,
the commit point), and applying it uploads its files one by one, reports.csv last; recover()
uploads a .ready folder again, so a killed upload is finished by the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import count
from pathlib import Path, PurePosixPath
from typing import IO

import pandas as pd
from filelock import FileLock, Timeout

from flows.csvchunks import CHUNK_ROWS, chunk_writer, read_chunks
from flows.csvio import (
    TEMP_SUFFIX,
    atomic_write_bytes,
    fsync_dir,
    read_csv,
    read_csv_from,
)
from flows.failpoints import failpoint
from flows.fs import LocalStorage, Storage, open_storage
from flows.staging import STAGE_PREFIX, StagedRows, as_parts, dated
from flows.storage_binding import bind_storage, resolve_storage
from validations.rules import RAW_PATH_RE, SOURCE_ID_RE
from validations.schemas import columns_of

SNAPSHOT_TABLES = ("reports", "indicators", "retracted", "rejected")
# object storage has no folder rename: reports.csv, what later runs read to skip known documents, is
# uploaded last, so a run killed before it has its documents read again (and the next run re-uploads)
UPLOAD_ORDER = ("indicators", "retracted", "rejected", "reports")
UPLOAD_STAGE = ".changai-upload"  # local folder a snapshot for object storage is assembled in
SNAPSHOT_CHUNK_ROWS = CHUNK_ROWS  # rows of a snapshot table read at a time (the commit, the fold)
LOCK_NAME = ".changai.lock"
LOCK_INFO = ".changai.lock.json"  # who holds the lock (the lock file itself is truncated by waiters)
REBUILD_PENDING = ".changai.rebuild-pending"
READY = ".ready"
TMP_DIR_TAG = ".tmp-"
LOCK_TIMEOUT_ENV = "CHANGAI_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 600.0
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SUFFIX_RE = re.compile(r"^\.[a-z0-9]{1,7}$")
_tmp_counter = count()


class StoreBusyError(RuntimeError):
    """Another run holds the data directory's lock."""


class UnsafePathError(OSError):
    """A stored path (from a table a user may edit) that does not point into raw/."""


@dataclass(frozen=True)
class RawRef:
    source: str
    sha256: str
    rel_path: str  # relative to the data dir


def raw_ref(source: str, content: bytes, suffix: str) -> RawRef:
    """Where DataStore.put_raw keeps `content`: raw/<source>/<sha256><suffix>, the suffix as given
    when it is a plain one (.html, .pdf), else .bin."""
    if not re.fullmatch(SOURCE_ID_RE, source):
        raise ValueError(f"source id {source!r} is not a safe folder name (letters, digits, _ . -)")
    digest = sha256_hex(content)
    suffix = suffix.lower() if SUFFIX_RE.match(suffix.lower()) else ".bin"
    return RawRef(source, digest, f"raw/{source}/{digest}{suffix}")


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


def lock_timeout() -> float:
    """Seconds a run waits for another one to finish (CHANGAI_LOCK_TIMEOUT, default 600)."""
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _tell(message: str) -> None:
    # straight to stderr: inside a flow with log_prints, print() becomes an INFO log line that the
    # CLI's WARNING log level hides, and a waiting user must see why nothing happens
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


class StoreLock:
    """The held lock of a data dir; release() is idempotent."""

    def __init__(self, lock: FileLock, info: Path) -> None:
        self._lock, self._info = lock, info

    def release(self) -> None:
        if self._lock.is_locked:
            self._info.unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> StoreLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class DataStore:
    def __init__(self, data_dir: Path | str, storage: str | None = None) -> None:
        """`storage`: where raw/ and snapshots/ live — a folder or an fsspec URL (s3://bucket/prefix,
        gcs://..., memory://...); default: the one the data dir is bound to, else the data dir itself."""
        self.root = Path(data_dir)
        self.storage = resolve_storage(self.root, storage)
        self.files: Storage = open_storage(self.storage) if self.storage else LocalStorage(self.root)
        local_base = self.files.root if isinstance(self.files, LocalStorage) else self.root
        self.raw_dir = local_base / "raw"  # on object storage: unused (raw/ is in self.files)
        self.snapshots_dir = local_base / "snapshots"
        # where a snapshot is assembled before it is applied: beside the day folders, or a local
        # staging folder for object storage (its temp and .ready folders follow the same protocol)
        self.stage_dir = self.snapshots_dir if self.files.local else self.root / UPLOAD_STAGE

    def location(self, rel: str) -> str:
        """A stored file or folder (relative to the storage) for people: a path or a URL."""
        return str(self.root / rel) if self.storage is None else self.files.url(rel)

    # -- locking ---------------------------------------------------------------------------
    def lock(self, timeout: float | None = None) -> FileLock:
        """Exclusive lock on the data dir (flock: the OS releases it when its process dies,
        so a killed run never leaves a stale lock behind)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.root / LOCK_NAME), timeout=lock_timeout() if timeout is None else timeout)

    def lock_holder(self) -> str:
        """Who holds the lock, as far as its info file says."""
        try:
            info = json.loads((self.root / LOCK_INFO).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "holder unknown"
        return f"pid {info.get('pid')} on {info.get('host')}, since {info.get('since')}: {info.get('command')}"

    def acquire(self, timeout: float | None = None, recover: bool = True) -> StoreLock:
        """Take the lock, waiting (with a message on stderr) while another run holds it; then recover()."""
        timeout = lock_timeout() if timeout is None else timeout
        lock = self.lock(timeout)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            _tell(
                f"changai: {self.root} is being written by another changai run ({self.lock_holder()}); "
                f"waiting up to {timeout:.0f} s for it to finish"
            )
            started = time.monotonic()
            try:
                lock.acquire(timeout=timeout)
            except Timeout as exc:
                raise StoreBusyError(
                    f"another changai run is still writing {self.root} after {timeout:.0f} s "
                    f"({self.lock_holder()}); try again later or raise {LOCK_TIMEOUT_ENV}"
                ) from exc
            _tell(f"changai: lock free after {time.monotonic() - started:.1f} s")
        held = StoreLock(lock, self.root / LOCK_INFO)
        try:
            info = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "since": datetime.now().astimezone().isoformat(timespec="seconds"),
                "command": " ".join(sys.argv)[:300],
            }
            atomic_write_bytes(self.root / LOCK_INFO, json.dumps(info, ensure_ascii=False).encode("utf-8"))
            if recover:
                bind_storage(self.root, self.storage)  # later commands on this data dir use the same storage
                self.recover()
        except BaseException:
            held.release()
            raise
        return held

    # -- crash recovery -----------------------------------------------------------------------
    def interrupted_state(self) -> list[str]:
        """What a killed run left behind (empty when the data dir is quiescent)."""
        found = []
        if self.stage_dir.exists():
            for p in sorted(self.stage_dir.iterdir()):
                if p.name.startswith(".") and p.name.endswith(READY):
                    found.append(f"snapshot {p.name[1 : -len(READY)]} committed but not moved into place")
                elif p.name.startswith(".") and TMP_DIR_TAG in p.name:
                    found.append(f"unfinished snapshot folder {p.name}")
        if (self.root / REBUILD_PENDING).exists():
            found.append("current tables not yet rebuilt after the last commit")
        found += [f"scratch folder {p.name} of an unfinished run" for p in self._stage_folders()]
        found += [f"temp file {p.relative_to(self.root)}" for p in self._temp_files()]
        return found

    def _stage_folders(self) -> list[Path]:
        return sorted(p for p in self.root.glob(f"{STAGE_PREFIX}*") if p.is_dir()) if self.root.exists() else []

    def _temp_files(self) -> list[Path]:
        folders = [self.root]
        for parent in (self.stage_dir, self.raw_dir) if self.files.local else (self.stage_dir,):
            if parent.exists():
                folders += [p for p in parent.iterdir() if p.is_dir()]
        return [f for folder in folders for f in folder.glob(f".*{TEMP_SUFFIX}") if f.is_file()]

    def recover(self) -> list[str]:
        """Finish or undo what a killed run left half done. Call with the lock held."""
        done = []
        if self.stage_dir.exists():
            for p in sorted(self.stage_dir.iterdir()):
                if p.is_dir() and p.name.startswith(".") and TMP_DIR_TAG in p.name:
                    shutil.rmtree(p, ignore_errors=True)
                    done.append(f"removed unfinished {p.name}")
            for p in sorted(self.stage_dir.iterdir()):
                if p.is_dir() and p.name.startswith(".") and p.name.endswith(READY):
                    day = p.name[1 : -len(READY)]
                    self._apply_ready(day)
                    done.append(f"finished snapshot {day}")
        for f in self._temp_files():
            f.unlink(missing_ok=True)
            done.append(f"removed temp file {f.relative_to(self.root)}")
        for folder in self._stage_folders():  # a killed run's staged rows: its snapshot was never written
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"removed scratch folder {folder.name}")
        if (self.root / REBUILD_PENDING).exists():
            from flows.current import rebuild_current  # current.py builds on this module

            rebuild_current(self)
            done.append("rebuilt the current tables")
        return done

    def mark_rebuild_pending(self) -> None:
        atomic_write_bytes(self.root / REBUILD_PENDING, b"current tables are older than the snapshots\n")

    def clear_rebuild_pending(self) -> None:
        marker = self.root / REBUILD_PENDING
        if marker.exists():
            marker.unlink()
            fsync_dir(self.root)

    # -- raw documents ---------------------------------------------------------------------
    def put_raw(self, source: str, content: bytes, suffix: str, meta: dict) -> RawRef:
        """Store bytes content-addressed under raw/<source>/<sha256><suffix>; never rewritten.

        The file name is the content hash: nothing in it comes from the document or its URL.
        Each file appears whole (temp + rename, or one upload); commit() makes local ones durable.
        """
        ref = raw_ref(source, content, suffix)
        self.write_raw(ref, content, meta)
        return ref

    def write_raw(self, ref: RawRef, content: bytes, meta: dict) -> None:
        """put_raw of bytes whose place raw_ref already gave (their hash is not computed again)."""
        self.files.write_bytes(ref.rel_path, content, once=True, durable=False)  # commit() makes it durable
        failpoint("raw-stored")
        meta_rel = f"raw/{ref.source}/{ref.sha256}.json"
        if not self.files.exists(meta_rel):
            meta_bytes = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
            self.files.write_bytes(meta_rel, meta_bytes, durable=False)

    def sync_raw(self, rel_paths: Iterable[str]) -> None:
        """Make raw documents (and their .json) durable before a snapshot refers to them: one
        filesystem sync per commit (flows/fs.py sync_files) instead of two fsyncs per document
        (~3-13 ms each here). Object storage: every upload already is."""
        rels = set()
        for rel in set(rel_paths):
            if rel and RAW_PATH_RE.match(rel):
                rels |= {rel, str(PurePosixPath(rel).with_suffix(".json"))}
        self.files.sync(sorted(rels))

    def _raw_path(self, rel_path: str) -> str:
        if not RAW_PATH_RE.match(rel_path or ""):
            raise UnsafePathError(f"not a raw document path: {rel_path!r}")
        return rel_path

    def raw_bytes(self, rel_path: str) -> bytes:
        return self.files.read_bytes(self._raw_path(rel_path))

    def raw_meta(self, rel_path: str) -> dict:
        meta_rel = str(PurePosixPath(self._raw_path(rel_path)).with_suffix(".json"))
        try:
            return json.loads(self.files.read_bytes(meta_rel).decode("utf-8"))
        except (OSError, ValueError):
            return {}

    # -- snapshots ---------------------------------------------------------------------------
    def _ready(self, day: str) -> Path:
        return self.stage_dir / f".{day}{READY}"

    def snapshot_dates(self) -> list[str]:
        days = set()
        if self.stage_dir.exists():  # committed .ready folders count (readers take their files)
            for p in self.stage_dir.iterdir():
                name = p.name[1 : -len(READY)] if p.name.startswith(".") and p.name.endswith(READY) else ""
                if p.is_dir() and DAY_RE.match(name):
                    days.add(name)
        days |= {name for name, is_dir in self.files.list_dir("snapshots") if is_dir and DAY_RE.match(name)}
        return sorted(days)

    def snapshot_file(self, day: str, table: str) -> Path | None:
        """The committed local file of a snapshot table (a pending .ready copy wins over the day
        folder's); None when there is none on local disk (object storage: use open_snapshot)."""
        for path in (self._ready(day) / f"{table}.csv", self.snapshots_dir / day / f"{table}.csv"):
            if path.exists() and (path.parent != self.snapshots_dir / day or self.files.local):
                return path
        return None

    def open_snapshot(self, day: str, table: str) -> IO[bytes] | None:
        """The committed file of a snapshot table opened for reading (.ready copy first), None when missing."""
        try:
            return (self._ready(day) / f"{table}.csv").open("rb")
        except FileNotFoundError:
            pass
        try:
            return self.files.open_read(f"snapshots/{day}/{table}.csv")
        except FileNotFoundError:
            return None

    def read_snapshot_table(self, day: str, table: str, usecols: list[str] | None = None) -> pd.DataFrame:
        """One committed snapshot table (.ready copy first), or only the columns `usecols`; an empty
        frame when the day has none."""
        ready = self._ready(day) / f"{table}.csv"
        try:
            if ready.exists():
                return read_csv(ready, columns_of(table), usecols)
        except FileNotFoundError:  # moved out of .ready while we looked: the day folder has it
            pass
        try:
            with self.files.open_read(f"snapshots/{day}/{table}.csv") as fh:
                return read_csv_from(fh, columns_of(table), usecols)
        except FileNotFoundError:
            return pd.DataFrame(columns=usecols or columns_of(table))

    def read_snapshot(self, day: str) -> dict[str, pd.DataFrame]:
        return {table: self.read_snapshot_table(day, table) for table in SNAPSHOT_TABLES}

    def _write_snapshot(self, day: str, tables: dict[str, pd.DataFrame | Iterable[pd.DataFrame]]) -> str:
        self.stage_dir.mkdir(parents=True, exist_ok=True)
        if self._ready(day).exists():  # left by a killed run and not recovered: it is older, apply it first
            self._apply_ready(day)
        tmp = self.stage_dir / f".{day}{TMP_DIR_TAG}{os.getpid()}-{next(_tmp_counter)}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name, table in tables.items():
            parts = [table] if isinstance(table, pd.DataFrame) else table  # a large table comes in parts
            with chunk_writer(tmp / f"{name}.csv", columns_of(name)) as writer:
                for part in parts:
                    writer.write(part)
        failpoint("snapshot-written")
        os.replace(tmp, self._ready(day))  # the commit point: the new snapshot is complete and visible
        fsync_dir(self.stage_dir)
        failpoint("snapshot-ready")
        self._apply_ready(day)
        return f"snapshots/{day}"

    def _apply_ready(self, day: str) -> None:
        """Move a committed .ready folder into snapshots/<day>/ (idempotent: resumable after a kill)."""
        if not self.files.local:
            self._upload_ready(day)
            return
        ready, target = self._ready(day), self.snapshots_dir / day
        if not target.exists():
            os.replace(ready, target)  # a new day appears at once
            fsync_dir(self.snapshots_dir)
            return
        for f in sorted(ready.iterdir()):
            os.replace(f, target / f.name)  # each file old or new; readers prefer .ready meanwhile
            failpoint("snapshot-file-moved")
        fsync_dir(target)
        ready.rmdir()
        fsync_dir(self.snapshots_dir)

    def _upload_ready(self, day: str) -> None:
        """Object storage: upload a committed .ready folder's files (one upload each, reports.csv last),
        then drop the folder. A kill before the drop uploads them all again on the next run."""
        ready = self._ready(day)
        present = {f.stem for f in ready.iterdir() if f.suffix == ".csv"}
        for name in [t for t in UPLOAD_ORDER if t in present] + sorted(present - set(UPLOAD_ORDER)):
            self.files.write_bytes(f"snapshots/{day}/{name}.csv", (ready / f"{name}.csv").read_bytes())
            failpoint("snapshot-file-moved")
        shutil.rmtree(ready)
        fsync_dir(self.stage_dir)

    def current_state(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return fold_snapshots([self.read_snapshot(d) for d in self.snapshot_dates()])

    def live_columns(self, columns: list[str], before: str | None = None) -> pd.DataFrame:
        """Some columns of the live indicator rows (of the snapshots before `before`, else of all):
        the fold reads only these and the ids, a fraction of the rows' memory."""
        wanted = list(dict.fromkeys(["indicator_row_id", "report_id", *columns]))
        snapshots = [
            {
                "indicators": self.read_snapshot_table(day, "indicators", usecols=wanted),
                "retracted": self.read_snapshot_table(day, "retracted", usecols=["indicator_row_id"]),
                "reports": pd.DataFrame(columns=["report_id"]),
            }
            for day in self.snapshot_dates()
            if before is None or day < before
        ]
        return fold_snapshots(snapshots)[0].reindex(columns=columns)

    def latest_reports(self) -> pd.DataFrame:
        """The latest row of every report, reading only the snapshots' reports tables (what a run needs
        to skip known documents: a small fraction of the indicator rows)."""
        frames = [self.read_snapshot_table(day, "reports") for day in self.snapshot_dates()]
        return stack_frames(frames, "reports").drop_duplicates("report_id", keep="last").reset_index(drop=True)

    def commit(
        self,
        day: str,
        processed_ids: set[str],
        reports: pd.DataFrame,
        indicators: pd.DataFrame | StagedRows,
        rejected: pd.DataFrame,
        protect_ids: set[str] | None = None,
    ) -> CommitResult:
        """Merge one run into the snapshot of `day` (replacing that day's entries for the reports
        processed now, keeping the others) so a same-day re-run never duplicates a row.

        Protected reports keep their stored rows (nothing is retracted for them): those in
        `protect_ids`, those whose new report row is rejected (unreadable, unparsable or failing
        validation), and processed ones that got no report row at all.

        `indicators` may be staged on disk (flows/staging.py): the day's indicator table is then
        written part by part, and only id columns of the stored figures are read, so a commit of
        any size holds one part of rows at a time.
        """
        landed = set(reports["report_id"]) if not reports.empty else set()
        refused = set(reports.loc[reports["status"] == "rejected", "report_id"]) if not reports.empty else set()
        protect_ids = set(protect_ids or set()) | refused | (set(processed_ids) - landed)
        if not reports.empty:
            self.sync_raw(reports["raw_path"].astype(str))
        self.mark_rebuild_pending()
        failpoint("commit-start")
        new_ids, parts = as_parts(indicators)
        base = self.live_columns(["indicator_row_id", "report_id"], before=day)
        today = day in self.snapshot_dates()
        prev = {
            t: self.read_snapshot_table(day, t) if today else pd.DataFrame(columns=columns_of(t))
            for t in ("reports", "retracted", "rejected")
        }
        retract_scope = set(processed_ids) - protect_ids
        base_of_processed = base[base["report_id"].isin(retract_scope)]
        base_ids = set(base["indicator_row_id"])
        del base
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

        counter = {"added": 0}

        def indicator_parts() -> Iterator[pd.DataFrame]:
            # the day's rows of other reports (a same-day re-run), then this run's rows that are new
            prev_parts = self.snapshot_chunks(day, "indicators") if today else iter(())
            for part in prev_parts:
                yield dated(keep_others(part), day)
            for part, text in parts:
                fresh = ~part["indicator_row_id"].isin(base_ids)
                added = int(fresh.sum())
                counter["added"] += added
                # written out by the parse worker (validate_part): the same bytes, when no row of it is stored yet
                yield text if text is not None and added == len(part) else dated(part[fresh], day)

        tables = {
            "reports": stack_frames([keep_others(prev["reports"]), reports], "reports"),
            "indicators": indicator_parts(),
            "retracted": stack_frames([keep_others(prev["retracted"]), retracted], "retracted"),
            "rejected": stack_frames([keep_others(prev["rejected"]), rejected], "rejected"),
        }
        path = self._write_snapshot(day, tables)
        failpoint("committed")
        return CommitResult(day, path, len(reports), counter["added"], len(retracted), len(rejected))

    def snapshot_chunks(
        self, day: str, table: str, columns: list[str] | None = None, usecols: list[str] | None = None
    ) -> Iterator[pd.DataFrame]:
        """A committed snapshot table (.ready copy first) in frames of at most SNAPSHOT_CHUNK_ROWS rows,
        all its columns or only `usecols`; nothing when the day has no such table."""
        handle = self.open_snapshot(day, table)
        if handle is None:
            return
        with handle:
            yield from read_chunks(handle, columns or columns_of(table), usecols, rows=SNAPSHOT_CHUNK_ROWS)


def stack_frames(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    """The frames one after the other (empty ones skipped: their dtypes would leak into the result);
    an empty frame with the table's columns when all are empty."""
    parts = [f for f in frames if not f.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns_of(table))


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
