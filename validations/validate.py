"""Splits a table into valid rows and rejected rows (with every failed check) using the pandera schemas."""

from __future__ import annotations

import json
from collections import defaultdict

import pandas as pd
import pandera.pandas as pa

from validations.schemas import TABLE_SCHEMAS, columns_of

ID_COLUMN = {"reports": "report_id", "indicators": "indicator_row_id"}


def _row_json(row: pd.Series) -> str:
    return json.dumps({k: (None if pd.isna(v) else v) for k, v in row.items()}, ensure_ascii=False, default=str)


def split_valid(df: pd.DataFrame, table: str, snapshot_date: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate lazily; return (valid rows coerced to the schema, rejected rows for rejected.csv).

    Failure cases are mapped back to row positions ourselves (drop_invalid_rows has gaps:
    it cannot drop rows for whole-table checks such as uniqueness).
    """
    schema = TABLE_SCHEMAS[table].to_schema()
    df = df.reset_index(drop=True)
    if df.empty:
        return pd.DataFrame(columns=columns_of(table)), empty_rejected()
    try:
        return schema.validate(df, lazy=True), empty_rejected()
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    bad_rows: dict[int, list[tuple[str, str]]] = defaultdict(list)
    table_level: list[tuple[str, str]] = []
    for case in cases.itertuples(index=False):
        idx = case.index
        check = str(case.check)
        detail = f"{case.column}={case.failure_case!r}" if case.column else repr(case.failure_case)
        if idx is None or (isinstance(idx, float) and pd.isna(idx)):
            table_level.append((check, detail))
        else:
            bad_rows[int(idx)].append((check, detail))
    if table_level and not bad_rows:
        # column missing / wrong dtype for the whole table: every row fails the same way
        for i in range(len(df)):
            bad_rows[i].extend(table_level)
    id_col = ID_COLUMN.get(table)
    rejected = pd.DataFrame(
        [
            {
                "snapshot_date": snapshot_date,
                "table": table,
                "row_id": str(df.at[i, id_col]) if id_col and id_col in df.columns else str(i),
                "report_id": str(df.at[i, "report_id"]) if "report_id" in df.columns else "",
                "checks": ";".join(sorted({c for c, _ in failures})),
                "details": "; ".join(d for _, d in failures)[:2000],
                "row_json": _row_json(df.loc[i]),
            }
            for i, failures in sorted(bad_rows.items())
        ],
        columns=columns_of("rejected"),
    )
    valid = df.drop(index=list(bad_rows)).reset_index(drop=True)
    if not valid.empty:
        valid = schema.validate(valid, lazy=False)
    return valid, rejected


def empty_rejected() -> pd.DataFrame:
    return pd.DataFrame(columns=columns_of("rejected"))
