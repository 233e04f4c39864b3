"""The ingest flow run for real (Prefect test harness) over temporary data dirs; asserts on the files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from flows.csvio import read_csv

pytestmark = pytest.mark.flow

CONTRACT_INDICATOR_COLUMNS = [
    "indicator_row_id",
    "report_id",
    "source",
    "url",
    "city",
    "city_code",
    "province",
    "district",
    "publish_date",
    "indicator",
    "indicator_name",
    "category",
    "label",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "period",
    "mention",
    "evidence",
    "char_start",
    "char_end",
    "snapshot_date",
    "extractor_version",
]
CONTRACT_REPORT_COLUMNS = [
    "report_id",
    "source",
    "url",
    "title",
    "city",
    "city_code",
    "province",
    "district",
    "publish_date",
    "fetched_at",
    "content_sha256",
    "parser",
    "n_indicators",
    "raw_path",
    "status",
    "reason",
]
CONTRACT_PROGRESS_COLUMNS = [
    "city",
    "city_code",
    "indicator",
    "label",
    "unit",
    "period",
    "publish_date",
    "value",
    "previous_value",
    "previous_date",
    "change",
    "change_pct",
    "report_id",
    "flags",  # added at the end: cross-table / cross-time flags of the point (issue 5)
]


def run(data_dir: Path, **params):
    from flows.ingest import ingest

    state = ingest(data_dir=str(data_dir), return_state=True, **params)
    return state, state.result(raise_on_failure=False)


def test_first_run_writes_every_table(prefect_harness, sample_data_dir: Path, today) -> None:
    today("2026-03-02")
    state, summary = run(sample_data_dir)
    assert state.is_completed(), state.message
    d = sample_data_dir
    for name in ("reports.csv", "indicators.csv", "progress.csv", "datapackage.json"):
        assert (d / name).exists(), name
    snap = d / "snapshots" / "2026-03-02"
    assert sorted(p.name for p in snap.iterdir()) == ["indicators.csv", "rejected.csv", "reports.csv", "retracted.csv"]
    reports = read_csv(d / "reports.csv")
    indicators = read_csv(d / "indicators.csv")
    progress = read_csv(d / "progress.csv")
    assert list(reports.columns)[: len(CONTRACT_REPORT_COLUMNS)] == CONTRACT_REPORT_COLUMNS
    assert list(indicators.columns) == CONTRACT_INDICATOR_COLUMNS
    assert list(progress.columns)[: len(CONTRACT_PROGRESS_COLUMNS)] == CONTRACT_PROGRESS_COLUMNS
    assert len(reports) == len(list((d / "inbox").iterdir())) == summary["reports_read"]
    assert set(reports["status"]) == {"ok"}
    assert {"淮安市", "淄博市", "秦皇岛市", "泰州市"} <= set(reports["city"])
    assert len(indicators) == summary["indicators_extracted"] > 100
    # raw bytes are kept, content-addressed
    for r in reports.itertuples():
        assert (d / r.raw_path).exists()
        assert Path(r.raw_path).stem == r.content_sha256
    # every figure is traceable: mention inside its sentence, offsets inside the report text
    assert all(m in e for m, e in zip(indicators["mention"], indicators["evidence"], strict=True))
    # two reports of one city on different dates give a change over time on the first run
    changed = progress[progress["previous_value"] != ""]
    assert len(changed) >= 5
    huaian = changed[(changed["city"] == "淮安市") & (changed["indicator"] == "training_person_times")]
    assert huaian[["previous_value", "value"]].astype(float).values.tolist() == [[126000.0, 183000.0]]
    package = json.loads((d / "datapackage.json").read_text(encoding="utf-8"))
    assert package["snapshots"][0]["date"] == "2026-03-02"
    assert package["snapshots"][0]["files"]["indicators"]["rows"] == len(indicators)


def test_same_day_rerun_is_idempotent(prefect_harness, sample_data_dir: Path, today) -> None:
    today("2026-03-02")
    run(sample_data_dir)
    first = {p.name: p.read_bytes() for p in (sample_data_dir / "snapshots" / "2026-03-02").iterdir()}
    current = read_csv(sample_data_dir / "indicators.csv")
    _, summary = run(sample_data_dir)
    assert summary["reports_read"] == 0 and summary["indicators_added"] == 0
    _, summary = run(sample_data_dir, reprocess=True)  # re-parse everything the same day
    assert summary["reports_read"] == len(read_csv(sample_data_dir / "reports.csv"))
    again = read_csv(sample_data_dir / "indicators.csv")
    assert len(again) == len(current) and not again["indicator_row_id"].duplicated().any()
    snap = sample_data_dir / "snapshots" / "2026-03-02"
    assert (
        read_csv(snap / "indicators.csv")["indicator_row_id"].tolist()
        == pd.read_csv(pd.io.common.BytesIO(first["indicators.csv"]), dtype=str, encoding="utf-8-sig")[
            "indicator_row_id"
        ].tolist()
    )


def test_removed_report_keeps_rows_and_changed_report_retracts(prefect_harness, sample_data_dir: Path, today) -> None:
    today("2026-03-02")
    run(sample_data_dir)
    before = read_csv(sample_data_dir / "indicators.csv")
    inbox = sample_data_dir / "inbox"
    removed = inbox / "qinhuangdao-2022-07-21.txt"
    removed.unlink()
    changed = inbox / "zibo-2022-06-28.htm"
    changed.write_text(changed.read_text(encoding="utf-8").replace("2300家", "2400家"), encoding="utf-8")
    today("2026-03-03")
    state, _ = run(sample_data_dir)
    assert state.is_completed()
    after = read_csv(sample_data_dir / "indicators.csv")
    qhd = before[before["city"] == "秦皇岛市"]
    assert len(qhd) > 0 and set(qhd["indicator_row_id"]) <= set(after["indicator_row_id"])
    snap = sample_data_dir / "snapshots" / "2026-03-03"
    retracted = read_csv(snap / "retracted.csv")
    added = read_csv(snap / "indicators.csv")
    assert "2400" in set(added["value"].str.replace(".0", "", regex=False))
    zibo_ids = set(before[before["url"].str.endswith("zibo-2022-06-28.htm")]["indicator_row_id"])
    assert set(retracted["indicator_row_id"]) and set(retracted["indicator_row_id"]) <= zibo_ids
    assert not set(retracted["indicator_row_id"]) & set(after["indicator_row_id"])
    assert (sample_data_dir / "snapshots" / "2026-03-02" / "indicators.csv").exists()  # earlier day untouched


def test_dry_run_writes_nothing(prefect_harness, sample_data_dir: Path, today) -> None:
    today("2026-03-02")
    state, summary = run(sample_data_dir, dry_run=True)
    assert state.is_completed()
    assert summary["indicators_extracted"] > 100
    assert sorted(p.name for p in sample_data_dir.iterdir()) == ["inbox", "sources.toml"]


def test_bad_documents_are_reported_and_the_rest_lands(prefect_harness, sample_data_dir: Path, today) -> None:
    today("2026-03-02")
    inbox = sample_data_dir / "inbox"
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (inbox / "gbk.txt").write_bytes("无锡市总工会今年新建工会组织120家,发展会员8000人。".encode("gbk"))
    state, _ = run(sample_data_dir)
    assert state.is_completed()
    reports = read_csv(sample_data_dir / "reports.csv")
    by_name = {Path(u).name: r for u, r in zip(reports["url"], reports.to_dict("records"), strict=True)}
    assert by_name["empty.txt"]["status"] == "rejected" and "empty" in by_name["empty.txt"]["reason"]
    assert by_name["image.html"]["status"] == "rejected" and "binary" in by_name["image.html"]["reason"]
    assert (sample_data_dir / by_name["image.html"]["raw_path"]).exists()  # raw bytes kept
    assert by_name["gbk.txt"]["status"] == "ok" and by_name["gbk.txt"]["city"] == "无锡市"
    assert sum(r["status"] == "ok" for r in by_name.values()) == len(by_name) - 2


def test_missing_inbox_fails_that_source_clearly(prefect_harness, data_dir: Path, today) -> None:
    today("2026-03-02")
    shutil.rmtree(data_dir / "inbox")
    state, _ = run(data_dir)
    assert state.is_failed()
    assert "inbox folder not found" in state.message
