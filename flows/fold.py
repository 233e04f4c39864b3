"""The live indicator rows, streamed: reads data/snapshots/<date>/ (through DataStore), writes indicators.csv.

Same rows, order and bytes as flows.store.fold_snapshots followed by write_csv, without holding the
table: a first pass reads only the id columns (newest day first) to decide which row of which file
is live; a second copies those rows chunk by chunk into the output and keeps only the columns the
derived tables need. The whole table (24 columns of 370 000 rows) held at once was ~300 MB.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from flows.csvchunks import chunk_writer, read_chunks
from flows.store import DataStore
from validations.schemas import columns_of

ID = "indicator_row_id"
Slimmer = Callable[[pd.Series], pd.Series]


@dataclass
class Folded:
    reports: pd.DataFrame  # the latest row of every report (all columns)
    indicators: pd.DataFrame  # the live rows, only the columns asked for
    rows: int  # live rows written


def _day_chunks(store: DataStore, day: str, usecols: list[str] | None = None) -> Iterator[pd.DataFrame]:
    fh = store.open_snapshot(day, "indicators")
    if fh is None:
        return
    with fh:
        yield from read_chunks(fh, columns_of("indicators"), usecols)


def live_masks(store: DataStore, days: list[str]) -> list[np.ndarray]:
    """Per day, which rows of its indicators.csv are live. A row is live unless a later day retracts
    its id (a day's retractions apply to the days before it) or a later live row has the same id
    (the last copy wins). Walking the days newest first, both are sets of ids seen so far."""
    retracted_later: set[str] = set()
    live_later: set[str] = set()
    masks: list[np.ndarray] = [np.zeros(0, dtype=bool)] * len(days)
    for k in range(len(days) - 1, -1, -1):
        parts = [c[ID] for c in _day_chunks(store, days[k], [ID])]
        ids = pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype=object)
        keep = ~ids.isin(retracted_later) & ~ids.duplicated(keep="last") & ~ids.isin(live_later)
        live_later.update(ids[keep])
        masks[k] = keep.to_numpy(dtype=bool)
        retracted_later.update(store.read_snapshot_table(days[k], "retracted")[ID])
    return masks


def fold_to_file(store: DataStore, path: Path, keep: list[str], slim: dict[str, Slimmer] | None = None) -> Folded:
    """Write the live indicator rows to `path` (atomically) and return them with only `keep`.

    `slim`: column -> function applied to that column of each chunk before it is kept (blanking
    long text a step does not read keeps memory flat)."""
    days = store.snapshot_dates()
    masks = live_masks(store, days)
    kept: list[pd.DataFrame] = []
    with chunk_writer(path, columns_of("indicators")) as out:
        for day, mask in zip(days, masks, strict=True):
            if not mask.any():
                continue
            start = 0
            for chunk in _day_chunks(store, day):
                live = chunk[mask[start : start + len(chunk)]]
                start += len(chunk)
                if live.empty:
                    continue
                out.write(live)
                part = live[keep].copy()
                for col, fn in (slim or {}).items():
                    part[col] = fn(part[col])
                kept.append(part)
            if start != len(mask):  # the file changed between the passes (the lock should prevent it)
                raise RuntimeError(f"snapshots/{day}/indicators.csv changed while it was folded")
    indicators = (pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=keep)).reset_index(drop=True)
    return Folded(store.latest_reports(), indicators, out.rows)
