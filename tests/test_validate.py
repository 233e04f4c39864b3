"""Row quarantine: failure cases mapped to rows by us, every failed check listed, report rows demoted not lost,
figures of a rejected report quarantined, counts and reasons kept honest (validations/validate.py)."""

from __future__ import annotations

import json

import pandas as pd

from tests.test_schemas import DAY, RID, good
from validations.schemas import columns_of
from validations.validate import split_valid, validate_batch


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns_of(table))


def test_a_row_failing_several_checks_lists_every_one() -> None:
    bad = good("indicators") | {"unit": "斤", "period": "someday", "mention": "19万人次", "char_end": 16}
    _, rejected = split_valid(frame("indicators", [bad]), "indicators", DAY)
    checks = rejected.iloc[0]["checks"].split(";")
    assert {"unit:isin", "period:isin", "mention_in_evidence", "unit_allowed_for_indicator"} <= set(checks)
    assert "unit='斤'" in rejected.iloc[0]["details"] and "period='someday'" in rejected.iloc[0]["details"]
    assert json.loads(rejected.iloc[0]["row_json"])["unit"] == "斤"  # the row as read


def test_a_table_level_failure_rejects_every_row_clearly() -> None:
    df = frame("indicators", [good("indicators"), good("indicators") | {"indicator_row_id": "1" * 16}])
    valid, rejected = split_valid(df.assign(surprise=1), "indicators", DAY)
    assert valid.empty and len(rejected) == 2
    assert all("column_in_schema" in c for c in rejected["checks"])
    valid, rejected = split_valid(df.drop(columns=["unit"]), "indicators", DAY)
    assert valid.empty and len(rejected) == 2 and "column_in_dataframe" in rejected.iloc[0]["checks"]


def batch(reports: list[dict], indicators: list[dict]):
    return validate_batch(frame("reports", reports), frame("indicators", indicators), DAY)


def figure(n: int, **overrides) -> dict:
    return good("indicators") | {"indicator_row_id": f"{n:016x}"} | overrides


def test_a_report_failing_validation_lands_as_rejected_and_its_figures_are_quarantined() -> None:
    old = good("reports") | {"publish_date": "2015-06-01", "n_indicators": 2}
    figures = [figure(1, publish_date="2015-06-01"), figure(2, publish_date="2015-06-01")]
    reports, indicators, rejected = batch([old], figures)
    assert indicators.empty
    row = reports.iloc[0]
    assert (row["status"], row["n_indicators"]) == ("rejected", 0)
    assert row["reason"].startswith("failed validation: publish_date_in_window")
    as_read = rejected[rejected["table"] == "reports"].iloc[0]
    assert json.loads(as_read["row_json"])["status"] == "ok"  # rejected.csv keeps the row as it was read
    figs = rejected[rejected["table"] == "indicators"]
    assert len(figs) == 2
    assert all({"publish_date_in_window", "report_rejected"} <= set(c.split(";")) for c in figs["checks"])


def test_partly_rejected_figures_are_counted_and_explained() -> None:
    reports, indicators, _ = batch(
        [good("reports") | {"n_indicators": 3}],
        [figure(1), figure(2, value=1e30), figure(3, mention="x")],
    )
    assert list(indicators["indicator_row_id"]) == [f"{1:016x}"]
    row = reports.iloc[0]
    assert (row["status"], row["n_indicators"]) == ("ok", 1)
    assert "2 of 3 figures failed validation" in row["reason"]
    reports, indicators, _ = batch([good("reports") | {"n_indicators": 1}], [figure(2, value=1e30)])
    assert (reports.iloc[0]["status"], reports.iloc[0]["n_indicators"]) == ("no_indicators", 0)
    assert "1 of 1 figures failed validation" in reports.iloc[0]["reason"]


def test_the_same_report_twice_in_one_batch_lands_once() -> None:
    reports, indicators, rejected = batch([good("reports")] * 2, [figure(1), figure(1), figure(2)])
    assert len(reports) == 1 and sorted(indicators["indicator_row_id"]) == [f"{1:016x}", f"{2:016x}"]
    assert rejected.empty and reports.iloc[0]["n_indicators"] == 2
    # the same id with different content is not a duplicate: both are refused
    _, indicators, rejected = batch([good("reports")], [figure(1), figure(1, value=5.0)])
    assert indicators.empty and set(rejected["checks"]) == {"indicator_row_id:field_uniqueness"}


def test_a_report_row_beyond_repair_stays_in_rejected_with_its_figures() -> None:
    broken = good("reports") | {"report_id": "not-an-id"}
    reports, indicators, rejected = batch([broken], [figure(1, report_id="not-an-id")])
    assert reports.empty and indicators.empty
    assert set(rejected["table"]) == {"reports", "indicators"}
    fig = rejected[rejected["table"] == "indicators"].iloc[0]
    assert "report_id:report_id_in_reports" in fig["checks"]


def test_figures_of_a_report_rejected_by_its_parser_are_refused() -> None:
    unreadable = good("reports") | {"status": "rejected", "reason": "cannot decode", "n_indicators": 0}
    reports, indicators, rejected = batch([unreadable], [figure(1)])
    assert reports.iloc[0]["report_id"] == RID and indicators.empty
    assert rejected.iloc[0]["checks"] == "report_rejected"
