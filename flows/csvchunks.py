"""Large CSV tables a chunk at a time, in flows/csvio.py's format: frames of N rows read, frames appended."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd

from flows.csvio import ENCODING, LINE_END, _escaped, as_read, atomic_file, body_text

CHUNK_ROWS = 50_000  # ~20 MB of indicator rows: big enough for pandas' speed, small next to a 400 000-row table


def read_chunks(
    source: Path | IO[bytes],
    columns: list[str] | None = None,
    usecols: list[str] | None = None,
    rows: int | None = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """flows.csvio.read_csv_from in frames of at most `rows` rows (None: one frame), the same cells:
    text, escapes undone."""
    wanted = set(usecols) if usecols is not None else None
    options = dict(
        dtype=str,
        keep_default_na=False,
        encoding=ENCODING,
        usecols=(lambda c: c in wanted) if wanted is not None else None,
    )
    if rows is None:
        yield as_read(pd.read_csv(source, **options), columns, usecols)
        return
    with pd.read_csv(source, chunksize=rows, **options) as reader:
        for df in reader:
            yield as_read(df, columns, usecols)


def read_table(path: Path, columns: list[str] | None = None, usecols: list[str] | None = None) -> pd.DataFrame:
    """flows.csvio.read_csv (an empty frame when the file is missing), with the quicker escape check."""
    if not Path(path).exists():
        return pd.DataFrame(columns=usecols or columns or [])
    return next(read_chunks(path, columns, usecols, rows=None))


@dataclass(frozen=True)
class CsvText:
    """Rows already written out as a table's body (no header line), e.g. by a parse worker: the text
    ChunkWriter.write of their frame appends, and how many rows it holds."""

    text: str
    rows: int


def csv_text(df: pd.DataFrame, columns: list[str]) -> CsvText:
    """The body ChunkWriter.write(df) would append (after the header), as text."""
    if not len(df):
        return CsvText("", 0)
    return CsvText(body_text(_escaped(df, columns)), len(df))


class ChunkWriter:
    """Appends frames to an open CSV file: the bytes of flows.csvio.write_csv of their concatenation."""

    def __init__(self, fh: IO[str], columns: list[str], header: bool = True) -> None:
        """header=False: rows only (a part of a file that gets its header elsewhere)."""
        self.fh, self.columns, self.rows, self._header = fh, columns, 0, header
        self._want_header = header

    def write(self, df: pd.DataFrame | CsvText) -> None:
        if isinstance(df, CsvText):  # written out already (csv_text): after the header, as it is
            if self._header:
                self.write(pd.DataFrame(columns=self.columns))
            self.fh.write(df.text)
            self.rows += df.rows
            return
        if df.empty and not self._header:
            return
        _escaped(df, self.columns).to_csv(self.fh, index=False, header=self._header, lineterminator=LINE_END)
        self._header = False
        self.rows += len(df)

    def close(self) -> None:
        if self._header and self._want_header:  # no frame at all: the header alone, as write_csv of an empty table
            self.write(pd.DataFrame(columns=self.columns))


@contextmanager
def chunk_writer(path: Path, columns: list[str]) -> Iterator[ChunkWriter]:
    """A ChunkWriter on a temp file that replaces `path` when the block ends without error (old or new, never half)."""
    with atomic_file(path, "w", encoding=ENCODING, newline="") as fh:
        writer = ChunkWriter(fh, columns)
        yield writer
        writer.close()
