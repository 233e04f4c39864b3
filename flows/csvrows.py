"""A frame's rows as CSV text, the characters pandas' to_csv writes, joined in Python: reads a frame, writes nothing.

pandas formats each cell and hands every row to the csv module, which copies the cells a character at
a time: 8 300 figures (2.5 million characters, mostly Chinese sentences) took ~70 ms of a parse
batch. Here each column is formatted as pandas formats it, only the cells the csv module would quote
are quoted, and rows are joined with str.join (~25 ms with the escaping).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def rows_text(df: pd.DataFrame, line_end: str) -> str | None:
    """df.to_csv(index=False, header=False, lineterminator=line_end), or None when a column holds
    something other than text (missing cells allowed), float64 or int64 (the caller then asks pandas)."""
    # QUOTE_MINIMAL with the csv module's defaults (delimiter ",", quotechar '"', doublequote, no
    # escapechar): a cell is quoted when it holds the delimiter, the quote or a line-end character
    if df.shape[1] < 2 or not len(df):  # a lone empty cell is quoted ('""') by the csv module
        return None
    columns = []
    for _, column in df.items():
        cells = _cells(column)
        if cells is None:
            return None
        columns.append(_quoted(cells))
    return line_end.join([",".join(row) for row in zip(*columns, strict=True)]) + line_end


def _cells(column: pd.Series) -> list[str] | None:
    """The column's cells as to_csv formats them (na_rep ""), or None for a kind not handled here."""
    dtype = column.dtype
    if dtype == np.float64:
        values = column.to_numpy()
        text = values.astype(str)  # pandas' own formatting of a float64 block when no float_format
        text[np.isnan(values)] = ""
        return text.tolist()
    if dtype == np.int64:
        return column.to_numpy().astype(str).tolist()
    if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype):
        missing = column.isna().to_numpy()
        cells = column.to_numpy(dtype=object)
        if missing.any():
            cells = cells.copy()
            cells[missing] = ""
        # an object column may hold numbers, bytes, dates: their text is the csv module's business
        if not isinstance(dtype, pd.StringDtype) and pd.api.types.infer_dtype(cells, skipna=False) != "string":
            return None
        return cells.tolist()
    return None


def _needs_quotes(cell: str) -> bool:
    return "," in cell or '"' in cell or "\r" in cell or "\n" in cell  # four substring scans beat one regex search


def _quoted(cells: list[str]) -> list[str]:
    if not _needs_quotes("".join(cells)):  # most columns (ids, dates, units) never need quotes
        return cells
    return ['"' + c.replace('"', '""') + '"' if _needs_quotes(c) else c for c in cells]
