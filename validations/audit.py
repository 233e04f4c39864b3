"""`changai validate`: re-checks everything stored in a data dir and lists each problem (read-only).

Reads data/snapshots/<date>/*.csv, the current tables, datapackage.json and the crash-recovery
state; writes nothing. Checks: every CSV parses; every table passes its pandera schema (as of
its snapshot day); cross-table keys; cross-time rules (a retracted row was live, an added row
was not); current tables equal what the snapshots define; datapackage.json equals what the
schemas and files give; no half-finished run. Flags are listed as warnings, not problems.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from flows.csvio import csv_bytes, read_csv, read_csv_from
from flows.store import SNAPSHOT_TABLES, DataStore
from validations.rules import FLAGS
from validations.schemas import TABLE_SCHEMAS, columns_of, validation_context
from validations.validate import split_valid

CURRENT = ("reports", "indicators", "progress", "flags")
NUMERIC = ("float64", "int64")
MAX_LISTED = 10


@dataclass
class Section:
    name: str
    rows: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Audit:
    data_dir: Path
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(len(s.problems) for s in self.sections)

    def section(self, name: str) -> Section:
        s = Section(name)
        self.sections.append(s)
        return s


def typed(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """CSV text -> what the schema coerces: empty numeric cells become missing values."""
    schema = TABLE_SCHEMAS[table].to_schema()
    out = df.copy()
    for name, col in schema.columns.items():
        if name in out.columns and str(col.dtype) in NUMERIC:
            out[name] = out[name].replace("", None)
    return out


def _read(path: Path | str, section: Section, columns: list[str], data: bytes | None = None) -> pd.DataFrame | None:
    """Parse a stored CSV (from `data` when given: a snapshot in object storage)."""
    name = str(path).rsplit("/", 1)[-1]
    try:
        raw = pd.read_csv(
            io.BytesIO(data) if data is not None else path, dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except Exception as exc:  # any parse failure is the finding
        section.problems.append(f"{name} does not parse as CSV: {type(exc).__name__}: {exc}")
        return None
    if list(raw.columns) != columns:
        section.problems.append(f"{name} columns {list(raw.columns)} differ from the schema's {columns}")
    return read_csv_from(io.BytesIO(data), columns) if data is not None else read_csv(Path(path), columns)


def _schema_problems(df: pd.DataFrame, table: str, section: Section, day: str, **context) -> None:
    with validation_context(as_of=day, **context):
        _, rejected = split_valid(typed(df, table), table, day)
    for r in rejected.head(MAX_LISTED).itertuples():
        section.problems.append(f"{table} row {r.row_id}: {r.checks} ({r.details[:200]})")
    if len(rejected) > MAX_LISTED:
        section.problems.append(f"... and {len(rejected) - MAX_LISTED} more invalid {table} rows")


def _today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


def audit(data_dir: Path, storage: str | None = None) -> Audit:
    """`storage`: where raw/ and snapshots/ are (default: the one the data dir is bound to, else itself)."""
    data_dir = Path(data_dir)
    store = DataStore(data_dir, storage)
    result = Audit(data_dir)
    state = result.section("crash recovery state")
    for leftover in store.interrupted_state():
        state.problems.append(f"an interrupted run left: {leftover} (the next `changai run` finishes it)")
    days = store.snapshot_dates()
    if not days and not (data_dir / "reports.csv").exists():
        result.section("data").problems.append(f"nothing stored in {data_dir}: run `changai run` first")
        return result
    _audit_snapshots(store, days, result)
    _audit_current(store, days, result)
    _audit_derived(store, result)
    _audit_datapackage(store, days, result)
    return result


def _audit_snapshots(store: DataStore, days: list[str], result: Audit) -> None:
    live: set[str] = set()
    for day in days:
        section = result.section(f"snapshots/{day}")
        tables: dict[str, pd.DataFrame] = {}
        for table in SNAPSHOT_TABLES:
            fh = store.open_snapshot(day, table)
            if fh is None:
                section.problems.append(f"{table}.csv missing")
                continue
            with fh:
                df = _read(f"{table}.csv", section, columns_of(table), fh.read())
            if df is not None:
                tables[table] = df
        if not all(t in tables for t in SNAPSHOT_TABLES):
            continue
        section.rows = sum(len(t) for t in tables.values())
        reports = tables["reports"]
        _schema_problems(reports, "reports", section, day)
        _schema_problems(tables["indicators"], "indicators", section, day, report_ids=set(reports["report_id"]))
        _schema_problems(tables["retracted"], "retracted", section, day)
        _schema_problems(tables["rejected"], "rejected", section, day)
        retracted = set(tables["retracted"]["indicator_row_id"])
        never_live = sorted(retracted - live)
        if never_live:
            section.problems.append(f"retracted rows that were not live before {day}: {never_live[:MAX_LISTED]}")
        live -= retracted
        added = set(tables["indicators"]["indicator_row_id"])
        again = sorted(added & live)
        if again:
            section.problems.append(f"rows added on {day} that were already live: {again[:MAX_LISTED]}")
        live |= added
        section.notes.append(
            ", ".join(f"{t} {len(tables[t])}" for t in SNAPSHOT_TABLES) + (" — ok" if not section.problems else "")
        )


def _audit_current(store: DataStore, days: list[str], result: Audit) -> None:
    as_of = max([_today(), *days])
    frames: dict[str, pd.DataFrame] = {}
    names = [*CURRENT, *(t for t in TABLE_SCHEMAS if t not in CURRENT and t not in SNAPSHOT_TABLES)]
    for table in names:
        path = store.root / f"{table}.csv"
        if not path.exists():
            if table in CURRENT:
                result.section(f"{table}.csv").problems.append("missing (the next `changai run` rebuilds it)")
            continue
        section = result.section(f"{table}.csv")
        df = _read(path, section, columns_of(table))
        if df is None:
            continue
        frames[table] = df
        section.rows = len(df)
        context = (
            {"report_ids": set(frames["reports"]["report_id"])} if table == "indicators" and "reports" in frames else {}
        )
        _schema_problems(df, table, section, as_of, **context)
    reports, indicators = frames.get("reports"), frames.get("indicators")
    if reports is not None and indicators is not None:
        section = result.section("cross-table keys")
        for table, column, target, key in (
            ("progress", "report_id", reports, "report_id"),
            ("flags", "indicator_row_id", indicators, "indicator_row_id"),
        ):
            if table in frames:
                missing = sorted(set(frames[table][column]) - set(target[key]))
                if missing:
                    section.problems.append(f"{table}.{column} not found: {missing[:MAX_LISTED]}")
        live = indicators.groupby("report_id").size()
        counted = reports[reports["status"] != "rejected"]
        for r in counted.itertuples():
            n = int(live.get(r.report_id, 0))
            if str(n) != str(r.n_indicators):
                section.problems.append(f"report {r.report_id}: n_indicators {r.n_indicators} but {n} live rows")
        if not section.problems:
            section.notes.append("indicators -> reports, progress -> reports, flags -> indicators, n_indicators: ok")
    if "flags" in frames and not frames["flags"].empty:
        counts = frames["flags"]["flag"].value_counts()
        for flag, n in counts.items():
            result.warnings.append(f"{n} figure(s) flagged {flag}: {FLAGS.get(flag, '')}")


def _audit_derived(store: DataStore, result: Audit) -> None:
    from flows.current import derive_current

    section = result.section("current tables = fold of the snapshots")
    try:
        derived = derive_current(store)
    except Exception as exc:  # a snapshot that does not parse was reported above
        section.problems.append(f"cannot re-derive: {type(exc).__name__}: {exc}")
        return
    for table, df in derived.items():
        path = store.root / f"{table}.csv"
        if not path.exists():
            continue
        if path.read_bytes() != csv_bytes(df, columns_of(table)):
            try:
                stored = read_csv(path, columns_of(table))
            except Exception:  # a file that does not parse is reported with its table above
                section.problems.append(f"{table}.csv differs from what the snapshots define (unreadable)")
                continue
            key = "indicator_row_id" if "indicator_row_id" in df.columns else columns_of(table)[0]
            section.problems.append(
                f"{table}.csv differs from what the snapshots define ({len(stored)} rows stored, {len(df)} derived; "
                f"{len(set(df[key]) - set(stored[key]))} keys missing, {len(set(stored[key]) - set(df[key]))} extra)"
            )
    if not section.problems:
        section.notes.append("ok")


def _audit_datapackage(store: DataStore, days: list[str], result: Audit) -> None:
    from validations.datapackage import build_datapackage

    section = result.section("datapackage.json")
    path = store.root / "datapackage.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        section.problems.append(f"cannot read: {exc}")
        return
    expected = build_datapackage(store.root, days, store)
    for key in ("resources", "snapshot_schemas", "snapshots"):
        if stored.get(key) != expected[key]:
            section.problems.append(f"'{key}' differs from the schemas and files (stale or edited)")
    if not section.problems:
        section.notes.append("matches the schemas, the files' hashes and the snapshot list")


def format_audit(result: Audit) -> list[str]:
    lines = [f"changai validate {result.data_dir}"]
    for s in result.sections:
        if s.rows is None and not s.problems and not s.notes:
            continue
        head = f"  {s.name}" + (f": {s.rows} rows" if s.rows is not None else "")
        lines.append(head + (f" — {len(s.problems)} problem(s)" if s.problems else "" if s.notes else " — ok"))
        lines += [f"    PROBLEM {p}" for p in s.problems]
        lines += [f"    {n}" for n in s.notes if not s.problems]
    lines += [f"  warning: {w}" for w in result.warnings]
    lines.append(f"{result.problems} problem(s)" + (" — exit 1" if result.problems else ", all checks passed"))
    return lines
