"""Atomic, Excel-safe CSV and file writes, and the matching reads (UTF-8 with BOM, CRLF rows)."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import IO

import pandas as pd

from flows.atomic import (  # noqa: F401 (re-exported: callers import them from here)
    TEMP_SUFFIX,
    atomic_file,
    atomic_write_bytes,
    fsync_dir,
    fsync_file,
    temp_name_prefix,
)
from flows.csvrows import rows_text

ENCODING = "utf-8-sig"  # the BOM makes Excel and WPS show Chinese correctly; pandas strips it
# CRLF (RFC 4180): with it the CSV writer also quotes a bare \r inside a cell; with "\n" alone a
# stray \r from a document split the row in two on reading.
LINE_END = "\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
RISKY_FIRST = (*FORMULA_STARTS, ESCAPE)
# A plain signed number is data to a spreadsheet, not a formula: -60 or -1.5e3 stay as written
# so that pandas reads numeric columns unchanged ("+1" is still escaped: Excel evaluates it).
PLAIN_NUMBER_RE = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def neutralise_cell(value: object) -> object:
    """'=1+1' -> "'=1+1" so spreadsheets never run a formula; a leading ' is escaped too (round-trip)."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] == ESCAPE or (value[0] in FORMULA_STARTS and not PLAIN_NUMBER_RE.fullmatch(value)):
        return ESCAPE + value
    return value


def restore_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(ESCAPE):
        return value[1:]
    return value


@functools.cache
def _line_start(firsts: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("\n[" + re.escape("".join(firsts)) + "]")


def any_cell_starts(values: pd.Series, firsts: tuple[str, ...], block: int = 20_000) -> bool:
    """Whether a cell may start with one of the characters `firsts`: a join and a few substring searches
    per block of cells instead of a Python call per cell (~1 s a million cells). Never a false "no": a
    cell starting with c puts "\n" + c in the joined text; an inner line starting with c, or a cell that
    is not text, only answers "maybe" (the caller then checks cell by cell)."""
    cells = values.tolist()
    for at in range(0, len(cells), block):
        try:
            joined = "\n" + "\n".join(cells[at : at + block])
        except TypeError:  # NaN or another non-text cell
            return True
        if _line_start(firsts).search(joined):
            return True
    return False


def _escaped(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    # no .copy(): reindex gives a new frame and, with pandas' copy-on-write, changing its columns
    # leaves `df` alone (a deep copy doubled the memory of writing a 300 000-row table)
    out = df.reindex(columns=columns)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            # only cells starting with a formula character or the escape can change (a per-cell map
            # over every cell cost seconds on 300 000-row tables)
            if not any_cell_starts(out[col], RISKY_FIRST):
                continue
            try:
                risky = out[col].str[:1].isin(RISKY_FIRST)
            except AttributeError:  # an object column holding no text at all
                continue
            if risky.any():
                out.loc[risky, col] = out.loc[risky, col].map(neutralise_cell)
    return out


def csv_bytes(df: pd.DataFrame, columns: list[str]) -> bytes:
    """The exact bytes write_csv stores for `df` (columns in this order)."""
    buf = io.StringIO()
    _escaped(df, columns).to_csv(buf, index=False, lineterminator=LINE_END)
    return buf.getvalue().encode(ENCODING)


WRITE_BLOCK_ROWS = 20_000  # rows joined as text at a time: the text of a block, not of the table, is held


def write_csv(path: Path, df: pd.DataFrame, columns: list[str]) -> None:
    """csv_bytes(df, columns) written atomically, streamed to the file rather than built in memory:
    a 300 000-row table is ~150 MB of text.

    The rows are joined by flows/csvrows.py (the characters of to_csv, ~2.3 x quicker: progress.csv's
    188 000 rows 2.4 -> 1.0 s CPU), a block at a time; a block holding cells of another kind than
    text or numbers goes through to_csv."""
    out = _escaped(df, columns)
    with atomic_file(path, "w", encoding=ENCODING, newline="") as f:
        out.iloc[:0].to_csv(f, index=False, lineterminator=LINE_END)  # the header line
        for at in range(0, len(out), WRITE_BLOCK_ROWS):
            f.write(body_text(out.iloc[at : at + WRITE_BLOCK_ROWS]))


def body_text(escaped: pd.DataFrame) -> str:
    """The CSV rows of a frame _escaped gave, without the header line: joined by flows/csvrows.py, or by
    to_csv when the frame holds cells of another kind than text or numbers."""
    text = rows_text(escaped, LINE_END)
    return text if text is not None else escaped.to_csv(index=False, header=False, lineterminator=LINE_END)


def read_csv(path: Path, columns: list[str] | None = None, usecols: list[str] | None = None) -> pd.DataFrame:
    """Read a table written by write_csv: every cell as text ("" for empty), escapes undone.
    `usecols`: read only these columns (missing ones come back empty), in this order."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=usecols or columns or [])
    return read_csv_from(path, columns, usecols)


def read_csv_from(
    source: Path | IO[bytes], columns: list[str] | None = None, usecols: list[str] | None = None
) -> pd.DataFrame:
    """read_csv of a path or an open binary file (a snapshot in object storage)."""
    wanted = set(usecols) if usecols is not None else None
    df = pd.read_csv(
        source,
        dtype=str,
        keep_default_na=False,
        encoding=ENCODING,
        usecols=(lambda c: c in wanted) if wanted is not None else None,
    )
    return as_read(df, columns, usecols)


def as_read(df: pd.DataFrame, columns: list[str] | None, usecols: list[str] | None) -> pd.DataFrame:
    """Cells as read_csv returns them: escapes undone, the columns asked for (missing ones empty)."""
    for col in df.columns:
        if not any_cell_starts(df[col], (ESCAPE,)):  # most columns: no cell to look at one by one
            continue
        escaped = df[col].str.startswith(ESCAPE)
        if escaped.any():
            df.loc[escaped, col] = df.loc[escaped, col].str[1:]
    if usecols is not None:
        return df.reindex(columns=usecols, fill_value="")
    if columns is not None:
        df = df.reindex(columns=columns, fill_value="")
    return df
