"""comparison.csv and coverage.csv on hand-made tables: 12-month change, the series standing for a city, freshness."""

from __future__ import annotations

import math
from pathlib import Path

from flows.compare import build_comparison, build_coverage, write_tables
from flows.csvio import read_csv
from flows.progress import build_progress
from tests.progress_rows import figure, table
from validations.datapackage import build_datapackage
from validations.schemas import ComparisonSchema, CoverageSchema, columns_of


def _tables():
    indicators = table(
        # 淄博: a year apart -> a 12-month change
        figure(360000, "2021-06-20", city="淄博市", city_code="370300", province="山东省", label="培训"),
        figure(430000, "2022-06-28", city="淄博市", city_code="370300", province="山东省", label="培训"),
        # 淮安: six months apart -> no 12-month change; 2020 is too old to be the base
        figure(90000, "2020-06-01", label="职业技能培训"),
        figure(126000, "2022-06-15", label="职业技能培训"),
        figure(183000, "2022-12-13", label="职业技能培训"),
        figure(5000, "2022-12-13", label="职业技能培训", period="annual"),
        # 泰州: only a district series, and one city-wide figure of unknown period in another unit
        figure(5400, "2021-11-26", city="泰州市", city_code="321200", district="姜堰区", label="参训"),
        figure(8000, "2022-12-06", city="泰州市", city_code="321200", district="姜堰区", label="参训"),
        figure(12, "2022-12-06", city="泰州市", city_code="321200", label="培训班", unit="期", period="unknown"),
        figure(
            3, "2020-10-16", city="泰州市", city_code="321200", indicator="model_workers", label="全国劳模", unit="人"
        ),
    )
    return indicators, build_progress(indicators)


def test_comparison_latest_value_and_12_month_change() -> None:
    indicators, progress = _tables()
    comparison = build_comparison(progress, indicators)
    ComparisonSchema.validate(comparison)
    assert list(comparison.columns) == columns_of("comparison")
    rows = {(r.city, r.label, r.period): r for r in comparison.itertuples()}
    zibo = rows[("淄博市", "培训", "cumulative")]
    assert (zibo.latest_value, zibo.latest_date, zibo.base_date, zibo.base_value) == (
        430000,
        "2022-06-28",
        "2021-06-20",
        360000,
    )
    assert zibo.change_12m == 70000 and zibo.change_12m_pct == 19.44
    assert zibo.url == "https://example.org/inbox/2022-06-28.html" and zibo.province == "山东省"
    huaian = rows[("淮安市", "职业技能培训", "cumulative")]
    assert huaian.latest_value == 183000 and huaian.n_points == 3 and huaian.first_date == "2020-06-01"
    assert not isinstance(huaian.base_date, str) and math.isnan(
        huaian.change_12m
    )  # 6 months and 30 months: neither is a year


def test_one_primary_series_per_city_and_indicator() -> None:
    indicators, progress = _tables()
    comparison = build_comparison(progress, indicators)
    primary = comparison[comparison["primary"]]
    assert not primary.duplicated(["indicator", "city"]).any()
    picked = {(r.indicator, r.city): (r.label, r.period, r.unit) for r in primary.itertuples()}
    # levels before annual figures
    assert picked[("training_person_times", "淮安市")] == ("职业技能培训", "cumulative", "人次")
    # the indicator's common unit (人次) wins over a city-wide figure counted in 期; the district series
    # then stands for the city, named as the district's
    assert picked[("training_person_times", "泰州市")] == ("姜堰区·参训", "cumulative", "人次")
    row = primary[(primary["city"] == "泰州市") & (primary["indicator"] == "training_person_times")].iloc[0]
    assert row["district"] == "姜堰区"
    assert set(comparison["indicator"]) == {"training_person_times", "model_workers"}
    # taxonomy order: training before model workers
    assert comparison["indicator"].tolist().index("training_person_times") < comparison["indicator"].tolist().index(
        "model_workers"
    )


def test_coverage_lists_each_citys_indicators_and_freshness() -> None:
    indicators, progress = _tables()
    coverage = build_coverage(progress, indicators, as_of="2023-06-28")
    CoverageSchema.validate(coverage)
    rows = {(r.city, r.indicator): r for r in coverage.itertuples()}
    assert set(rows) == {
        ("淄博市", "training_person_times"),
        ("淮安市", "training_person_times"),
        ("泰州市", "training_person_times"),
        ("泰州市", "model_workers"),
    }
    zibo = rows[("淄博市", "training_person_times")]
    assert (zibo.n_series, zibo.n_points, zibo.n_reports, zibo.days_since_latest) == (1, 2, 2, 365)
    assert (zibo.first_date, zibo.latest_date, zibo.as_of) == ("2021-06-20", "2022-06-28", "2023-06-28")
    tz = rows[("泰州市", "training_person_times")]
    assert tz.n_series == 2 and tz.districts == "姜堰区" and tz.n_reports == 2
    huaian = rows[("淮安市", "training_person_times")]
    assert huaian.n_series == 2 and huaian.n_points == 4
    assert rows[("泰州市", "model_workers")].days_since_latest == 985


def test_tables_are_written_valid_and_described_in_the_datapackage(tmp_path: Path) -> None:
    indicators, progress = _tables()
    write_tables(tmp_path, build_comparison(progress, indicators), build_coverage(progress, indicators, "2023-01-01"))
    comparison, coverage = read_csv(tmp_path / "comparison.csv"), read_csv(tmp_path / "coverage.csv")
    assert list(comparison.columns) == columns_of("comparison") and len(comparison) == 6
    assert list(coverage.columns) == columns_of("coverage") and len(coverage) == 4
    assert set(comparison["primary"]) == {"True", "False"}
    package = build_datapackage(tmp_path, [])
    names = {r["name"]: r for r in package["resources"]}
    assert {"comparison", "coverage"} <= set(names)
    assert names["comparison"]["hash"].startswith("sha256:")


def test_empty_progress_gives_empty_tables() -> None:
    empty = table()
    progress = build_progress(empty)
    assert build_comparison(progress, empty).empty and build_coverage(progress, empty, "2023-01-01").empty


def test_month_only_dates_are_compared_and_aged_from_the_first_of_the_month() -> None:
    indicators = table(figure(100, "2021-06"), figure(130, "2022-06-15"))
    progress = build_progress(indicators)
    comparison = build_comparison(progress, indicators)
    ComparisonSchema.validate(comparison)
    row = comparison.iloc[0]
    assert (row["base_date"], row["change_12m"], row["first_date"]) == ("2021-06", 30, "2021-06")
    coverage = build_coverage(build_progress(table(figure(1, "2023-01"))), indicators, as_of="2023-01-31")
    assert coverage.iloc[0]["days_since_latest"] == 30 and coverage.iloc[0]["latest_date"] == "2023-01"
