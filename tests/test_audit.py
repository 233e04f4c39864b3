"""`changai validate` (validations/audit.py) on a real data dir: clean passes; each kind of damage or drift is
found and named, with a non-zero exit; datapackage.json is generated from the schemas and cannot drift."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from flows.csvio import read_csv, write_csv
from flows.store import REBUILD_PENDING
from tests.conftest import ROOT, SAMPLE_INBOX
from tests.crash_driver import run_once
from validations import schemas
from validations.audit import audit
from validations.datapackage import TYPE_MAP, UnmappedTypeError, _field, build_datapackage, table_schema
from validations.schemas import TABLE_SCHEMAS, columns_of, primary_key

DAYS = ("2026-03-02", "2026-03-03")


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir of two days: the sample inbox, then one report changed (rows retracted and added)."""
    root = tmp_path_factory.mktemp("stored")
    inbox, data = root / "inbox", root / "data"
    shutil.copytree(SAMPLE_INBOX, inbox)
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("CHANGAI_TODAY", DAYS[0])
        run_once(inbox, data)
        changed = inbox / "zibo-2022-06-28.htm"
        changed.write_text(changed.read_text(encoding="utf-8").replace("2300家", "2400家"), encoding="utf-8")
        mp.setenv("CHANGAI_TODAY", DAYS[1])
        run_once(inbox, data)
    finally:
        mp.undo()
    return data


@pytest.fixture
def data(stored: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(stored, copy)
    return copy


def problems(data_dir: Path) -> list[str]:
    return [p for s in audit(data_dir).sections for p in s.problems]


def test_clean_data_dir_passes(stored: Path) -> None:
    assert problems(stored) == []
    retracted = read_csv(stored / "snapshots" / DAYS[1] / "retracted.csv")
    assert len(retracted) >= 1  # the history really exercises retraction


def edit(path: Path, table: str, change) -> None:
    df = read_csv(path, columns_of(table))
    write_csv(path, change(df), columns_of(table))


def test_damage_is_found(data: Path) -> None:
    day1, day2 = (data / "snapshots" / d for d in DAYS)
    ind = read_csv(data / "indicators.csv")
    # 1. a current table edited by hand
    edit(data / "indicators.csv", "indicators", lambda d: d.assign(value=d["value"].where(d.index != 0, "1")))
    # 2. a figure added on day 2 although it was live since day 1
    first = read_csv(day1 / "indicators.csv", columns_of("indicators")).iloc[[0]]
    edit(day2 / "indicators.csv", "indicators", lambda d: pd.concat([d, first], ignore_index=True))
    # 3. a retraction of a row that never existed
    ghost = {"indicator_row_id": "9" * 16, "report_id": ind.iloc[0]["report_id"], "snapshot_date": DAYS[1]}
    edit(day2 / "retracted.csv", "retracted", lambda d: pd.concat([d, pd.DataFrame([ghost | {"reason": "x"}])]))
    # 4. a progress point whose report is not in reports.csv
    edit(data / "progress.csv", "progress", lambda d: d.assign(report_id=d["report_id"].where(d.index != 0, "8" * 16)))
    found = "\n".join(problems(data))
    assert "indicators.csv differs from what the snapshots define" in found
    assert "that were already live" in found
    assert "were not live before" in found
    assert "progress.report_id not found" in found


def test_torn_and_invalid_files_are_found(data: Path) -> None:
    path = data / "indicators.csv"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])  # what a non-atomic writer would leave after a crash
    report = data / "snapshots" / DAYS[0] / "reports.csv"
    edit(report, "reports", lambda d: d.assign(city_code=d["city_code"].where(d.index != 0, "999999")))
    found = "\n".join(problems(data))
    assert "indicators.csv" in found and "city_code:city_code_known" in found


def test_interrupted_run_and_stale_package_are_found(data: Path) -> None:
    (data / REBUILD_PENDING).write_text("x", encoding="utf-8")
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"][1]["schema"]["fields"].pop()
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    found = "\n".join(problems(data))
    assert "current tables not yet rebuilt" in found and "'resources' differs" in found


def test_schema_change_without_regeneration_is_drift(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a schema whose description changed after datapackage.json was written
    original = schemas.IndicatorSchema.to_schema

    def edited():
        schema = original()
        return schema.update_column("label", description="something else")

    monkeypatch.setattr(schemas.IndicatorSchema, "to_schema", edited)
    assert any("'resources' differs" in p for p in problems(data))


def test_empty_dir_is_a_problem(tmp_path: Path) -> None:
    assert problems(tmp_path) == [f"nothing stored in {tmp_path}: run `changai run` first"]


def test_cli_exit_codes(stored: Path, data: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "flows.cli", "validate", "--data-dir", str(stored)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and "0 problem(s), all checks passed" in ok.stdout
    (data / "flags.csv").unlink()
    cmd = [sys.executable, "-m", "flows.cli", "validate", "--data-dir", str(data)]
    bad = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and "flags.csv" in bad.stdout and "PROBLEM" in bad.stdout


def test_datapackage_is_generated_from_the_schemas(stored: Path) -> None:
    package = json.loads((stored / "datapackage.json").read_text(encoding="utf-8"))
    assert package == build_datapackage(stored, list(DAYS))  # written by the generator, nothing by hand
    for resource in package["resources"]:
        table = resource["name"]
        fields = resource["schema"]["fields"]
        header = list(pd.read_csv(stored / resource["path"], nrows=0, encoding="utf-8-sig").columns)
        assert [f["name"] for f in fields] == columns_of(table) == header
        assert all(f["description"] for f in fields), table
        assert resource["schema"].get("primaryKey", []) == primary_key(table)
    indicator = {f["name"]: f for f in package["resources"][1]["schema"]["fields"]}
    from parsers.classify import taxonomy

    assert indicator["indicator"]["constraints"]["enum"] == sorted(taxonomy().indicators)
    assert indicator["value"]["type"] == "number" and indicator["char_start"]["constraints"]["minimum"] == 0
    row_checks = {c["name"] for c in package["resources"][1]["schema"]["x-row-checks"]}
    assert {"mention_in_evidence", "negative_only_for_stated_decrease", "percent_within_bounds"} <= row_checks
    assert [d for d, _ in ((s["date"], s) for s in package["snapshots"])] == list(DAYS)


def test_every_schema_column_has_a_description_and_a_type() -> None:
    for table in TABLE_SCHEMAS:
        for field in table_schema(table)["fields"]:
            assert field["description"] and field["type"] in set(TYPE_MAP.values()), (table, field)
    import pandera.pandas as pa

    with pytest.raises(UnmappedTypeError):
        _field("when", pa.Column("datetime64[ns]"))
