"""The live indicator rows, streamed: reads data/snapshots/<date>/ (through DataStore), writes indicators.csv.

Same rows, order and bytes as flows.store.fold_snapshots followed by write_csv, without holding the
table (its 24 columns of 370 000 rows were ~300 MB). A row is live unless a later day retracts its
id (a day's retractions apply to the days before it) or a later live row has the same id (the last
copy wins), so the days are read newest first, each once, chunk by chunk, with two sets of ids
seen so far; each day's live rows go to a temp file, and the output is those files oldest first.
Only the columns the derived tables need are kept in memory. A day whose rows are all live is
copied as bytes (the usual day: its rows were written in this very format).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from flows.csvchunks import ChunkWriter
from flows.csvio import ENCODING, LINE_END, TEMP_SUFFIX, _escaped, atomic_file, temp_name_prefix
from flows.store import DataStore
from validations.schemas import columns_of

ID = "indicator_row_id"
Slimmer = Callable[[pd.Series], pd.Series]


@dataclass
class Folded:
    reports: pd.DataFrame  # the latest row of every report (all columns)
    indicators: pd.DataFrame  # the live rows, only the columns asked for
    rows: int  # live rows written


def _absent(ids: list[str], *seen: set[str]) -> np.ndarray:
    # a set lookup per id: pandas' isin rebuilds a hash table of the whole set on every call
    return np.fromiter((not any(i in s for s in seen) for i in ids), dtype=bool, count=len(ids))


def _retracted(store: DataStore, day: str) -> list[str]:
    return [i for chunk in store.snapshot_chunks(day, "retracted", usecols=[ID]) for i in chunk[ID].tolist()]


class _DayFold:
    """One day's live rows: written (no header) to a temp file next to the output, kept columns in memory."""

    def __init__(
        self, store: DataStore, day: str, path: Path, columns: list[str], keep: list[str], slim: dict[str, Slimmer]
    ) -> None:
        self.store, self.day, self.columns, self.keep, self.slim = store, day, columns, keep, slim
        fd, name = tempfile.mkstemp(prefix=temp_name_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
        os.close(fd)
        self.part = Path(name)  # a killed rebuild leaves it: recover() removes such temp files
        self.frames: list[pd.DataFrame] = []
        self.rows = 0

    def run(self, retracted_later: set[str], live_later: set[str]) -> list[str]:
        """Copy the day's live rows; returns their ids. The usual day has every row live and each id
        once: its rows are read once (for the kept columns) and its file's bytes copied. A day with a
        dead row is written row by row; one holding an id twice (the last copy wins) is read again
        with that rule."""

        def absent(chunk_ids: list[str], offset: int) -> np.ndarray:
            return _absent(chunk_ids, retracted_later, live_later)

        ids = self._read_all_live(absent)
        if ids is not None and len(set(ids)) == len(ids) and self._copy_file():
            return ids
        ids, live = self._copy(absent)
        if len(set(ids)) == len(ids):
            return [i for i, keep in zip(ids, live, strict=True) if keep]
        final = live & ~pd.Series(ids).duplicated(keep="last").to_numpy()
        ids, live = self._copy(lambda chunk_ids, offset: final[offset : offset + len(chunk_ids)])
        return [i for i, keep in zip(ids, live, strict=True) if keep]

    def _keep(self, live: pd.DataFrame) -> None:
        part = live[self.keep].copy()
        for col, fn in self.slim.items():
            part[col] = fn(part[col])
        self.frames.append(part)

    def _read_all_live(self, decide: Callable[[list[str], int], np.ndarray]) -> list[str] | None:
        """The day's ids, its kept columns in self.frames, when every row is live; None (and nothing
        kept) at the first dead row."""
        self.frames, self.rows = [], 0
        ids: list[str] = []
        # only the ids and the kept columns: when every row is live, the file itself is copied
        wanted = list(dict.fromkeys([ID, *self.keep]))
        for chunk in self.store.snapshot_chunks(self.day, "indicators", self.columns, usecols=wanted):
            chunk_ids = chunk[ID].tolist()
            if not decide(chunk_ids, len(ids)).all():
                self.frames = []
                return None
            ids += chunk_ids
            self._keep(chunk)
        self.rows = len(ids)
        return ids

    def _copy_file(self) -> bool:
        """The snapshot file's rows, byte for byte, when it is in the format written now (same header,
        so the same columns and escaping: write_csv(read_csv(rows)) would give these bytes back)."""
        handle = self.store.open_snapshot(self.day, "indicators")
        if handle is None:
            return not self.rows
        header = _header(self.columns)
        with handle, self.part.open("wb") as out:
            if handle.read(len(header)) != header:
                return False
            shutil.copyfileobj(handle, out, 1 << 20)
        return True

    def _copy(self, decide: Callable[[list[str], int], np.ndarray]) -> tuple[list[str], np.ndarray]:
        self.frames, self.rows = [], 0
        ids: list[str] = []
        masks: list[np.ndarray] = []
        with self.part.open("w", encoding="utf-8", newline="") as fh:
            writer = ChunkWriter(fh, self.columns, header=False)
            for chunk in self.store.snapshot_chunks(self.day, "indicators", self.columns):
                chunk_ids = chunk[ID].tolist()
                mask = decide(chunk_ids, len(ids))
                ids += chunk_ids
                masks.append(mask)
                live = chunk[mask]
                if live.empty:
                    continue
                writer.write(live)
                self._keep(live)
        self.rows = sum(len(f) for f in self.frames)
        return ids, np.concatenate(masks) if masks else np.zeros(0, dtype=bool)


def _header(columns: list[str]) -> bytes:
    buf = io.StringIO()
    _escaped(pd.DataFrame(columns=columns), columns).to_csv(buf, index=False, lineterminator=LINE_END)
    return buf.getvalue().encode(ENCODING)  # with the BOM, as write_csv's file starts


def fold_to_file(store: DataStore, path: Path, keep: list[str], slim: dict[str, Slimmer] | None = None) -> Folded:
    """Write the live indicator rows to `path` (atomically) and return them with only the columns `keep`.

    `slim`: column -> function applied to that column of each chunk before it is kept (blanking
    long text a step does not read keeps memory flat)."""
    columns = columns_of("indicators")
    days = store.snapshot_dates()
    retracted_later: set[str] = set()
    live_later: set[str] = set()
    folds: list[_DayFold] = []
    try:
        for day in reversed(days):
            fold = _DayFold(store, day, path, columns, keep, slim or {})
            folds.append(fold)
            live_later.update(fold.run(retracted_later, live_later))
            retracted_later.update(_retracted(store, day))
        del live_later, retracted_later
        folds.reverse()
        with atomic_file(path, "wb") as out:
            out.write(_header(columns))
            for fold in folds:
                with fold.part.open("rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
                fold.part.unlink()
    finally:
        for fold in folds:
            fold.part.unlink(missing_ok=True)
    frames = [f for fold in folds for f in fold.frames]
    indicators = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=keep)
    return Folded(store.latest_reports(), indicators, sum(fold.rows for fold in folds))
