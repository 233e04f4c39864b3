"""Splits tables into valid rows and rejected rows (with every failed check) using the pandera schemas.

Reads and writes nothing: frames in, frames out. `validate_batch` is what a run applies to the
reports and figures it produced before they are committed.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from validations.rules import text
from validations.schemas import TABLE_SCHEMAS, columns_of, validation_context

ID_COLUMN = {"reports": "report_id", "indicators": "indicator_row_id"}
MAX_PASSES = 4  # re-validation after dropping rows; whole-table checks converge in one or two
MAX_DETAILS = 2000
REPORT_REJECTED = "report_rejected"


@dataclass(frozen=True)
class Failure:
    check: str  # column:check for column checks, the check name for row checks
    detail: str


def _check_name(raw: object) -> str:
    """isin(['a', 'b']) -> isin; str_matches('^…') -> str_matches; custom names stay."""
    return re.sub(r"\(.*\)$", "", str(raw), flags=re.S)


def _short(value: object) -> str:
    out = repr(value)
    return out if len(out) <= 80 else out[:77] + "..."


def _failures(cases: pd.DataFrame, schema: pa.DataFrameSchema) -> tuple[dict[int, list[Failure]], list[Failure]]:
    """Failure cases -> failures per row position, and failures of the table as a whole."""
    errors = {c.name: c.error for c in schema.checks}
    for col in schema.columns.values():
        errors.update({c.name: c.error for c in col.checks if c.error})
    # pandera names a failed custom check by its error text: map it back to the check's name
    names = {error: name for name, error in errors.items() if error}
    rows: dict[int, list[Failure]] = defaultdict(list)
    table: list[Failure] = []
    for case in cases.itertuples(index=False):
        name = names.get(str(case.check)) or _check_name(case.check)
        if case.schema_context == "DataFrameSchema" and name in errors:
            failure = Failure(name, f"{name}: {errors[name]}")
        elif case.schema_context == "DataFrameSchema":
            failure = Failure(name, f"{name}: {_short(case.failure_case)}")
        else:
            label = f"{case.column}:{name}"
            note = f" ({errors[name]})" if name in errors else ""
            failure = Failure(label, f"{case.column}={_short(case.failure_case)}{note}")
        idx = case.index
        if idx is None or (isinstance(idx, float) and pd.isna(idx)):
            table.append(failure)
        else:
            rows[int(idx)].append(failure)
    return rows, table


def _row_json(row: pd.Series) -> str:
    def plain(v: object) -> object:
        if isinstance(v, float) and v != v:  # NaN
            return None
        return None if v is None or v is pd.NA else v

    return json.dumps({k: plain(v) for k, v in row.items()}, ensure_ascii=False, default=str)


def rejected_rows(df: pd.DataFrame, failures: dict[int, list[Failure]], table: str, snapshot_date: str) -> pd.DataFrame:
    id_col = ID_COLUMN.get(table)
    records = []
    for i, fails in sorted(failures.items()):
        unique: dict[str, Failure] = {}
        for f in fails:
            unique.setdefault(f.detail, f)
        records.append(
            {
                "snapshot_date": snapshot_date,
                "table": table,
                "row_id": str(df.at[i, id_col]) if id_col and id_col in df.columns else str(i),
                "report_id": str(df.at[i, "report_id"]) if "report_id" in df.columns else "",
                "checks": ";".join(sorted({f.check for f in fails})),
                "details": "; ".join(unique)[:MAX_DETAILS],
                "row_json": _row_json(df.loc[i]),
            }
        )
    return pd.DataFrame(records, columns=columns_of("rejected"))


def split_valid(df: pd.DataFrame, table: str, snapshot_date: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate lazily; return (valid rows coerced to the schema, rejected rows for rejected.csv).

    Failure cases are mapped back to row positions here (pandera's drop_invalid_rows cannot drop
    rows for whole-table checks such as uniqueness). A failure of the table as a whole (a missing
    or extra column) fails every row. Checks run in the current validation_context.
    """
    schema = TABLE_SCHEMAS[table].to_schema()
    df = df.reset_index(drop=True)
    if df.empty:
        return pd.DataFrame(columns=columns_of(table)), empty_rejected()
    failures: dict[int, list[Failure]] = defaultdict(list)
    df = _numbers_cellwise(df, schema, failures)
    remaining = df
    valid = pd.DataFrame(columns=columns_of(table))
    for _ in range(MAX_PASSES):
        try:
            valid = schema.validate(remaining, lazy=True)
            break
        except pa.errors.SchemaErrors as err:
            rows, whole = _failures(err.failure_cases, schema)
        if whole or not rows:
            for i in remaining.index:
                failures[i].extend(whole or [Failure("schema", "the table does not match its schema")])
            remaining = remaining.iloc[0:0]
            break
        for i, fails in rows.items():
            failures[i].extend(fails)
        remaining = remaining.drop(index=[i for i in rows if i in remaining.index])
        if remaining.empty:
            break
    else:  # never converged: keep nothing unchecked
        for i in remaining.index:
            failures[i].append(Failure("schema", "validation did not converge"))
        remaining = remaining.iloc[0:0]
    if remaining.empty:
        valid = pd.DataFrame(columns=columns_of(table))
    valid = valid.drop(index=[i for i in failures if i in valid.index])  # cells that were not numbers
    return valid.reset_index(drop=True), rejected_rows(df, failures, table, snapshot_date)


def _numbers_cellwise(df: pd.DataFrame, schema: pa.DataFrameSchema, failures: dict) -> pd.DataFrame:
    """Convert numeric columns cell by cell: one bad cell must fail its row, not the column's dtype
    (which pandera would then fail for every row). The bad cell becomes missing, and is named."""
    out = df.copy()
    for name, col in schema.columns.items():
        kind = str(col.dtype)
        if name not in out.columns or kind not in ("float64", "int64"):
            continue
        raw = out[name]
        numbers = pd.to_numeric(raw, errors="coerce")
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            # already numbers (rows made by the parsers): no cell can fail to convert, and the
            # text form of every cell, ~20 ms a batch, is not needed to tell
            bad = pd.Series(False, index=raw.index)
        else:
            given = raw.notna() & (raw.astype(str).str.strip() != "")
            bad = given & numbers.isna() & (raw.astype(str).str.strip().str.lower() != "nan")
        if kind == "int64":
            bad |= numbers.notna() & ((numbers % 1) != 0)
        for i in out.index[bad]:
            failures[i].append(Failure(f"{name}:coerce_dtype", f"{name}={_short(raw[i])} (not a {kind[:-2]} number)"))
        out[name] = numbers.where(~bad)
    return out


def empty_rejected() -> pd.DataFrame:
    return pd.DataFrame(columns=columns_of("rejected"))


def _demote(rows: pd.DataFrame, rejected: pd.DataFrame) -> pd.DataFrame:
    """A report row that failed validation still lands, as status rejected with the checks as its reason,
    so every document read has a report row; its figures are not kept (see validate_batch)."""
    checks = dict(zip(rejected["row_id"], rejected["details"], strict=True))
    out = rows.copy()
    out["reason"] = [
        f"failed validation: {checks.get(rid, '')[:300]} (row as read in rejected.csv)" for rid in out["report_id"]
    ]
    out["status"] = "rejected"
    out["n_indicators"] = 0
    return out


def validate_batch(
    reports: pd.DataFrame, indicators: pd.DataFrame, day: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Validate one run's reports and figures; returns (valid reports, valid figures, rejected rows).

    - The same report twice in one batch keeps its last row; the same figure twice, its first.
    - A report row failing a check is written to rejected.csv as read and lands as status
      rejected (reason: the failed checks); a rejected report's stored figures are kept.
    - Figures failing a check, or whose report was rejected, go to rejected.csv with every check.
    - n_indicators counts the figures that landed; a report whose figures were all rejected
      becomes no_indicators, and the reason says how many were rejected.
    """
    reports = reports.drop_duplicates("report_id", keep="last") if not reports.empty else reports
    indicators = _drop_duplicate_rows(indicators, "indicator_row_id") if not indicators.empty else indicators
    with validation_context(as_of=day):
        valid_reports, rejected_reports = split_valid(reports, "reports", day)
        if not rejected_reports.empty:
            failed = reports[reports["report_id"].astype(str).isin(set(rejected_reports["row_id"]))]
            demoted, _ = split_valid(_demote(failed, rejected_reports), "reports", day)
            valid_reports = pd.concat([valid_reports, demoted], ignore_index=True)
            valid_reports = _in_order_read(valid_reports, "report_id", reports["report_id"])
    landed = set(valid_reports["report_id"])
    with validation_context(as_of=day, report_ids=landed):
        valid_ind, rejected_ind = split_valid(indicators, "indicators", day)
    refused = set(valid_reports.loc[valid_reports["status"] == "rejected", "report_id"])
    if refused and not rejected_ind.empty:
        hit = rejected_ind["report_id"].isin(refused)
        rejected_ind.loc[hit, "checks"] = rejected_ind.loc[hit, "checks"] + ";" + REPORT_REJECTED
    if refused and not valid_ind.empty:
        hit = valid_ind["report_id"].isin(refused)
        if hit.any():
            failures = {
                i: [Failure(REPORT_REJECTED, f"{REPORT_REJECTED}: the figure's report was rejected")]
                for i in valid_ind.index[hit]
            }
            rejected_ind = pd.concat(
                [rejected_ind, rejected_rows(valid_ind, failures, "indicators", day)], ignore_index=True
            )
            valid_ind = valid_ind[~hit].reset_index(drop=True)
    valid_reports = _recount(valid_reports, valid_ind, rejected_ind)
    # figures of rejected reports were appended: back in the order read
    rejected_ind = _in_order_read(rejected_ind, "row_id", indicators["indicator_row_id"])
    rejected = pd.concat([rejected_reports, rejected_ind], ignore_index=True)
    return valid_reports, valid_ind, rejected


def _drop_duplicate_rows(rows: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """rows.drop_duplicates(), comparing only the rows whose id repeats: a row the same as an earlier one
    has its id, and comparing every column of 8 300 figures (their sentences) cost ~15 ms a batch."""
    if id_column not in rows.columns:
        return rows.drop_duplicates()
    repeated = rows[id_column].duplicated(keep=False).to_numpy()
    if not repeated.any():
        return rows
    again = np.zeros(len(rows), dtype=bool)
    again[repeated] = rows[repeated].duplicated().to_numpy()
    return rows[~again]


def _in_order_read(rows: pd.DataFrame, id_column: str, read: pd.Series) -> pd.DataFrame:
    """`rows` sorted by where their id first comes in `read` (stable): rows come out in the order they
    were read, so a run validated batch by batch gives the same tables as one validated at once."""
    if len(rows) < 2:
        return rows
    position: dict[str, int] = {}
    for i, row_id in enumerate(read.astype(str)):
        position.setdefault(row_id, i)
    ordered = rows.sort_values(id_column, key=lambda ids: ids.astype(str).map(position), kind="stable")
    return ordered.reset_index(drop=True)


def _recount(reports: pd.DataFrame, valid_ind: pd.DataFrame, rejected_ind: pd.DataFrame) -> pd.DataFrame:
    if reports.empty:
        return reports
    kept = valid_ind.groupby("report_id").size() if not valid_ind.empty else pd.Series(dtype=int)
    lost = rejected_ind.groupby("report_id").size() if not rejected_ind.empty else pd.Series(dtype=int)
    out = reports.copy()
    out["n_indicators"] = out["report_id"].map(kept).fillna(0).astype(int)
    # only reports that were ok and lost figures change (iterating every row cost ~5 ms a batch)
    for i in out.index[(out["status"] == "ok") & out["report_id"].isin(lost.index[lost > 0])]:
        n_lost, n_kept = int(lost[out.at[i, "report_id"]]), out.at[i, "n_indicators"]
        note = f"{n_lost} of {n_lost + n_kept} figures failed validation (see rejected.csv)"
        if n_kept == 0:
            out.at[i, "status"] = "no_indicators"
        out.at[i, "reason"] = "; ".join(r for r in (text(out.at[i, "reason"]), note) if r)
    return out
