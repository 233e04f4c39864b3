"""Atomic, Excel-safe CSV and file writes, and the matching reads (UTF-8 with BOM)."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pandas as pd

ENCODING = "utf-8-sig"  # the BOM makes Excel and WPS show Chinese correctly; pandas strips it
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, rename: readers see old or new, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def neutralise_cell(value: object) -> object:
    """'=1+1' -> "'=1+1" so spreadsheets never run a formula; a leading ' is escaped too (round-trip)."""
    if isinstance(value, str) and value and (value[0] in FORMULA_STARTS or value[0] == ESCAPE):
        return ESCAPE + value
    return value


def restore_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(ESCAPE):
        return value[1:]
    return value


def write_csv(path: Path, df: pd.DataFrame, columns: list[str]) -> None:
    out = df.reindex(columns=columns).copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    atomic_write_bytes(path, buf.getvalue().encode(ENCODING))


def read_csv(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a table written by write_csv: every cell as text ("" for empty), escapes undone."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=columns or [])
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=ENCODING)
    for col in df.columns:
        df[col] = df[col].map(restore_cell)
    if columns is not None:
        df = df.reindex(columns=columns, fill_value="")
    return df
