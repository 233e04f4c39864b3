"""datapackage.json generated from the pandera schemas (fields, types, descriptions, keys) and snapshots."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from validations.schemas import TABLE_SCHEMAS

PRIMARY_KEYS = {
    "reports": ["report_id"],
    "indicators": ["indicator_row_id"],
    "progress": ["city", "indicator", "label", "unit", "period", "publish_date"],
    "comparison": ["indicator", "city", "label", "unit", "period"],
    "coverage": ["city", "indicator"],
}
FOREIGN_KEYS = {
    "indicators": [{"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}]
}
TYPE_MAP = {"str": "string", "float64": "number", "int64": "integer", "bool": "boolean"}
CURRENT_TABLES = ("reports", "indicators", "progress", "comparison", "coverage")


def table_schema(table: str) -> dict:
    schema = TABLE_SCHEMAS[table].to_schema()
    fields = []
    for name, col in schema.columns.items():
        field = {"name": name, "type": TYPE_MAP.get(str(col.dtype), "string"), "description": col.description or ""}
        constraints = {}
        if not col.nullable:
            constraints["required"] = True
        if col.unique:
            constraints["unique"] = True
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    out: dict = {"fields": fields}
    if table in PRIMARY_KEYS:
        out["primaryKey"] = PRIMARY_KEYS[table]
    if table in FOREIGN_KEYS:
        out["foreignKeys"] = FOREIGN_KEYS[table]
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(path, dtype=str, encoding="utf-8-sig")) if path.exists() else 0


def build_datapackage(data_dir: Path, snapshot_dates: list[str]) -> dict:
    resources = []
    for table in CURRENT_TABLES:
        path = data_dir / f"{table}.csv"
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "format": "csv",
                "encoding": "utf-8-sig",
                "description": (TABLE_SCHEMAS[table].__doc__ or "").strip(),
                "schema": table_schema(table),
                **({"hash": f"sha256:{_sha256(path)}"} if path.exists() else {}),
            }
        )
    snapshots = []
    for day in snapshot_dates:
        folder = data_dir / "snapshots" / day
        files = {}
        for table in ("reports", "indicators", "retracted", "rejected"):
            p = folder / f"{table}.csv"
            if p.exists():
                files[table] = {"path": f"snapshots/{day}/{table}.csv", "rows": _rows(p), "sha256": _sha256(p)}
        snapshots.append({"date": day, "files": files})
    return {
        "name": "changai-indicators",
        "title": "产业工人队伍建设改革 indicators by city",
        "profile": "tabular-data-package",
        "resources": resources,
        "snapshot_schemas": {t: table_schema(t) for t in ("reports", "indicators", "retracted", "rejected")},
        "snapshots": snapshots,
    }


def write_datapackage(data_dir: Path, snapshot_dates: list[str]) -> None:
    from flows.csvio import atomic_write_bytes

    package = build_datapackage(data_dir, snapshot_dates)
    atomic_write_bytes(data_dir / "datapackage.json", json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8"))
