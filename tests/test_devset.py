"""Extraction quality on the project's own annotated dev set (tests/fixtures/devset): 14 reports in
forms the seeds lack (PDF text, a two-column yearbook page, traditional with pinyin, garbled bytes,
plans and targets), annotated independently of the extractor's rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from flows.csvio import write_csv
from flows.rows import DocRef, indicator_rows, report_row
from flows.scoring import score
from parsers.report import process_document
from validations.schemas import columns_of

DEVSET = Path(__file__).parent / "fixtures" / "devset"
# Floors a change must not fall below (measured: see README "Extraction quality").
FLOORS = {
    "precision": 0.95,
    "recall": 0.95,
    "indicator_acc": 0.90,
    "period_acc": 0.88,
    "city_acc": 1.0,
    "date_acc": 1.0,
}


def write_tables(docs: Path, out: Path) -> None:
    """The ingest path without Prefect: parse, extract and write reports.csv / indicators.csv."""
    reports, indicators = [], []
    for f in sorted(docs.iterdir()):
        ref = DocRef("inbox", f.resolve().as_uri(), "local", "2026-01-01T00:00:00+08:00", "0" * 64, "", str(f))
        result = process_document(f.read_bytes(), ref.url, "local", None, date(2026, 11, 21))
        row = report_row(ref, result, len(result.mentions))
        reports.append(row)
        indicators += indicator_rows(row, result, "2026-01-01")
    write_csv(out / "reports.csv", pd.DataFrame(reports), columns_of("reports"))
    write_csv(out / "indicators.csv", pd.DataFrame(indicators), columns_of("indicators"))


def test_devset_is_complete() -> None:
    docs = sorted(p.stem for p in (DEVSET / "docs").iterdir())
    gold = sorted(p.stem for p in (DEVSET / "gold").glob("*.csv") if p.stem != "docs_meta")
    assert docs == gold and len(docs) >= 12


@pytest.fixture(scope="module")
def devset_summary(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("devset")
    write_tables(DEVSET / "docs", out)
    return score(out, DEVSET / "gold")["summary"]


@pytest.mark.parametrize("key", list(FLOORS))
def test_devset_score(devset_summary: dict, key: str) -> None:
    assert devset_summary[key] >= FLOORS[key], devset_summary
