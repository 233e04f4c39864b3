"""A run's validated figures spilled to disk batch by batch, so a large run holds one batch of rows at a time.

Writes part files (pickled frames: written and read back by the same run, never kept) into a scratch
folder: data/.changai-stage-<pid>-<n>/ for a run that writes (DataStore.recover() removes what a
killed run left), the system's temp folder for a dry run (which writes nothing to the data dir).
Reads them back in order for the commit (flows/store.py streams them into the snapshot). A part may come
with its rows already written out as the snapshot's CSV text (flows/run_rows.py validate_part, in the
parse worker): the commit then copies that text instead of formatting the rows on the run's one thread.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pandas as pd

from flows.csvchunks import CsvText
from validations.schemas import columns_of

STAGE_PREFIX = ".changai-stage-"
_counter = count()


class StagedRows:
    """Indicator rows of one run: appended per batch, read back part by part; ids kept in memory
    (a 16-character id per figure, ~80 bytes, where a whole row costs ~1 KB)."""

    def __init__(self, folder: Path | None = None) -> None:
        if folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="changai-stage-"))
        else:
            self.folder = folder / f"{STAGE_PREFIX}{os.getpid()}-{next(_counter)}"
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
        self._parts: list[Path] = []
        self.ids: set[str] = set()
        self.rows = 0

    def append(self, rows: pd.DataFrame, text: CsvText | None = None) -> None:
        """`text`: the rows dated and written out as the snapshot's CSV body (csv_text), kept beside them."""
        if rows.empty:
            return
        path = self.folder / f"part-{len(self._parts):05d}.pkl"
        rows.to_pickle(path)
        if text is not None:
            path.with_suffix(".csv").write_text(text.text, encoding="utf-8", newline="")
        self._parts.append(path)
        self.ids.update(rows["indicator_row_id"])
        self.rows += len(rows)

    @property
    def empty(self) -> bool:
        return self.rows == 0

    def parts(self) -> Iterator[pd.DataFrame]:
        """The staged frames in the order they were appended."""
        for path in self._parts:
            yield pd.read_pickle(path)

    def parts_with_text(self) -> Iterator[tuple[pd.DataFrame, CsvText | None]]:
        """Each staged frame with its CSV text, if it was staged with one."""
        for path, frame in zip(self._parts, self.parts(), strict=True):
            text = path.with_suffix(".csv")
            if not text.exists():
                yield frame, None
                continue
            with text.open(encoding="utf-8", newline="") as fh:  # newline="": its \r\n stay as written
                yield frame, CsvText(fh.read(), len(frame))

    def frame(self) -> pd.DataFrame:
        """Every staged row in one frame (a dry run's flag preview; small runs)."""
        from flows.store import stack_frames

        return stack_frames(list(self.parts()), "indicators")

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> StagedRows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def as_parts(
    indicators: pd.DataFrame | StagedRows,
) -> tuple[set[str], Iterator[tuple[pd.DataFrame, CsvText | None]]]:
    """(every indicator id, the rows part by part with their CSV text if any) of a frame or staged rows:
    what commit() reads."""
    if isinstance(indicators, StagedRows):
        return indicators.ids, indicators.parts_with_text()
    frame = indicators if not indicators.empty else pd.DataFrame(columns=columns_of("indicators"))
    return set(frame["indicator_row_id"]), iter([(frame, None)])


def dated(rows: pd.DataFrame, day: str) -> pd.DataFrame:
    """Rows with an empty snapshot_date get `day` (the snapshot that first holds them)."""
    if rows.empty:
        return rows
    return rows.assign(snapshot_date=rows["snapshot_date"].where(rows["snapshot_date"].astype(str) != "", day))
