"""Series logic of progress.csv on hand-made indicator tables: periods, duplicates, conflicts, gaps, districts."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from flows.csvio import read_csv, write_csv
from flows.progress import build_progress, series_label
from tests.progress_rows import figure, hex16, table
from validations.schemas import ProgressSchema, columns_of
from validations.validate import split_valid


def points(progress: pd.DataFrame, **where: str) -> list[dict]:
    df = progress
    for col, value in where.items():
        df = df[df[col] == value]
    return df.sort_values("publish_date").to_dict("records")


def nan(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def test_cumulative_points_compare_with_the_previous_figure() -> None:
    progress = build_progress(table(figure(126000, "2022-06-15"), figure(183000, "2022-12-13")))
    first, second = points(progress)
    assert nan(first["previous_value"]) and nan(first["change"]) and nan(first["compared_with"])
    assert second["previous_value"] == 126000 and second["previous_date"] == "2022-06-15"
    assert second["change"] == 57000 and second["change_pct"] == 45.24
    assert second["compared_with"] == "previous_figure"
    ProgressSchema.validate(progress)
    assert list(progress.columns) == columns_of("progress")


def test_a_deeper_decrease_is_a_negative_change_in_percent_and_validates() -> None:
    # 同比下降35%, a year later 同比下降60%: the change is -25 points, -71.43 % of the earlier |-35|
    progress = build_progress(
        table(
            figure(-35, "2021-11-26", indicator="safety_change", label="事故", unit="%", period="annual"),
            figure(-60, "2022-12-06", indicator="safety_change", label="事故", unit="%", period="annual"),
        )
    )
    second = points(progress)[1]
    assert second["change"] == -25 and second["change_pct"] == -71.43
    ProgressSchema.validate(progress)


def test_cumulative_and_annual_figures_are_never_compared_with_each_other() -> None:
    progress = build_progress(
        table(
            figure(100000, "2021-05-01", period="cumulative"),
            figure(30000, "2022-05-01", period="annual"),
            figure(150000, "2023-05-01", period="cumulative"),
        )
    )
    cumulative = points(progress, period="cumulative")
    annual = points(progress, period="annual")
    assert [p["value"] for p in cumulative] == [100000, 150000]
    assert cumulative[1]["previous_value"] == 100000 and cumulative[1]["change"] == 50000
    assert len(annual) == 1 and nan(annual[0]["previous_value"])  # 30000 is not compared with a total


def test_annual_figures_compare_with_the_previous_calendar_year_only() -> None:
    progress = build_progress(
        table(
            figure(50, "2021-03-01", period="annual"),
            figure(60, "2022-06-01", period="annual"),
            figure(65, "2022-12-01", period="annual"),
            figure(80, "2024-01-10", period="annual"),
        )
    )
    p2021, p2022a, p2022b, p2024 = points(progress)
    assert nan(p2021["previous_value"])
    # both 2022 figures compare with 2021's, not the mid-2022 one with the year-end one
    assert (p2022a["previous_value"], p2022a["previous_date"], p2022a["compared_with"]) == (
        50,
        "2021-03-01",
        "previous_year",
    )
    assert (p2022b["previous_value"], p2022b["previous_date"]) == (50, "2021-03-01")
    # 2023 is missing: 2024 has no previous point rather than a two-year comparison
    assert nan(p2024["previous_value"]) and nan(p2024["change"]) and nan(p2024["compared_with"])


def test_a_missing_previous_point_leaves_change_empty_and_valid_in_csv(tmp_path: Path) -> None:
    progress = build_progress(table(figure(7, "2022-06-15", indicator="pilot_units", label="试点", unit="所")))
    (only,) = points(progress)
    assert nan(only["previous_value"]) and nan(only["previous_date"]) and nan(only["change_pct"])
    path = tmp_path / "progress.csv"
    write_csv(path, progress, columns_of("progress"))
    back = read_csv(path)
    assert back.loc[0, "previous_value"] == "" and back.loc[0, "compared_with"] == ""
    valid, rejected = split_valid(back.replace("", None), "progress", "test")  # as `changai validate` reads it
    assert rejected.empty and len(valid) == 1


def test_duplicates_across_sources_collapse_to_one_point_listing_every_source() -> None:
    progress = build_progress(
        table(
            figure(126000, "2022-06-15", source="inbox"),
            figure(126000, "2022-06-15", source="huaian_news"),
            figure(126000, "2022-06-17", source="jszgw"),  # a reprint two days later
            figure(126000, "2022-07-20", source="inbox"),  # a month later: a new point, no change
            figure(183000, "2022-12-13", source="inbox"),
        )
    )
    first, repeat, last = points(progress)
    assert first["publish_date"] == "2022-06-15"
    assert first["sources"] == "huaian_news; inbox; jszgw"
    assert first["n_reports"] == 3
    assert set(first["report_ids"].split("; ")) == {
        hex16("inbox-2022-06-15"),
        hex16("huaian_news-2022-06-15"),
        hex16("jszgw-2022-06-17"),
    }
    assert first["report_ids"].split("; ")[0] == first["report_id"]
    assert nan(first["conflict"])
    assert repeat["publish_date"] == "2022-07-20" and repeat["change"] == 0 and repeat["n_reports"] == 1
    assert last["previous_value"] == 126000 and last["previous_date"] == "2022-07-20"


def test_a_report_repeating_its_own_figure_is_one_point_from_one_report() -> None:
    report = "inbox-one-report"
    progress = build_progress(table(figure(5, "2022-06-15", report=report), figure(5, "2022-06-15", report=report)))
    (only,) = points(progress)
    assert only["n_reports"] == 1 and only["sources"] == "inbox" and nan(only["conflict"])


def test_conflicting_figures_are_flagged_and_the_majority_kept_never_averaged() -> None:
    progress = build_progress(
        table(
            figure(100, "2022-06-15", source="a", indicator="model_workers", label="省劳模", unit="人"),
            figure(120, "2022-06-15", source="b", indicator="model_workers", label="省劳模", unit="人"),
            figure(120, "2022-06-15", source="c", indicator="model_workers", label="省劳模", unit="人"),
            figure(130, "2022-12-15", source="a", indicator="model_workers", label="省劳模", unit="人"),
        )
    )
    first, second = points(progress)
    assert first["value"] == 120  # two reports say 120, one says 100; 110 (the mean) appears nowhere
    assert first["conflict"] == "100; 120"
    assert first["n_reports"] == 3 and first["sources"] == "b; a; c"
    assert first["report_id"] == hex16("b-2022-06-15")
    assert second["previous_value"] == 120 and second["change"] == 10 and nan(second["conflict"])


def test_a_tie_keeps_the_first_figure_in_reading_order() -> None:
    progress = build_progress(
        table(
            figure(14, "2021-06-20", source="inbox", indicator="joint_meeting_departments", label="部门", unit="个"),
            figure(18, "2021-06-20", source="inbox", indicator="joint_meeting_departments", label="部门", unit="个"),
        )
    )
    (only,) = points(progress)
    assert only["value"] == 14 and only["conflict"] == "14; 18"
    assert progress["publish_date"].tolist() == ["2021-06-20"]  # one point: the primary key stays unique


def test_a_district_forms_its_own_series_under_its_city() -> None:
    tz = {"city": "泰州市", "city_code": "321200", "indicator": "high_skilled_talents", "unit": "人"}
    progress = build_progress(
        table(
            figure(5000, "2020-10-16", label="高技能人才", **tz),
            figure(1380, "2021-11-26", label="高技能人才", district="姜堰区", **tz),
            figure(2097, "2022-12-06", label="高技能人才", district="姜堰区", **tz),
            figure(6000, "2022-12-20", label="高技能人才", **tz),
        )
    )
    assert set(progress["city"]) == {"泰州市"}  # rolled into its city
    city = points(progress, label="高技能人才")
    district = points(progress, label="姜堰区·高技能人才")
    assert [p["value"] for p in city] == [5000, 6000]
    assert city[1]["previous_value"] == 5000  # not the district's 2097
    assert all(nan(p["district"]) for p in city)
    assert [p["value"] for p in district] == [1380, 2097]
    assert {p["district"] for p in district} == {"姜堰区"}
    assert nan(district[0]["previous_value"]) and district[1]["previous_value"] == 1380
    key = ["city", "indicator", "label", "unit", "period", "publish_date"]
    assert not progress.duplicated(key).any()


def test_series_label_puts_the_district_in_front_once() -> None:
    assert series_label("试点", "姜堰区") == "姜堰区·试点"
    assert series_label("姜堰区试点企业", "姜堰区") == "姜堰区试点企业"
    assert series_label("", "姜堰区") == "姜堰区"
    assert series_label("试点", "") == "试点"
    assert series_label(None, None) == ""


@pytest.mark.parametrize(
    "change",
    [{"indicator": "other"}, {"city": ""}, {"publish_date": ""}],
    ids=["other", "no-city", "no-date"],
)
def test_figures_that_cannot_form_a_series_are_left_out(change: dict) -> None:
    row = figure(10, "2022-06-15") | change
    assert build_progress(table(row, figure(20, "2022-12-15")))["value"].tolist() == [20]


def test_progress_of_the_sample_shape_is_valid_and_keyed() -> None:
    rows = [
        figure(v, d, source=s) for v, d, s in [(1, "2022-01-01", "a"), (2, "2022-02-01", "b"), (2, "2022-02-01", "a")]
    ]
    progress = build_progress(table(*rows))
    ProgressSchema.validate(progress)
    assert progress["n_reports"].tolist() == [1, 2]


def test_a_report_dated_by_month_only_gives_a_month_point_in_order() -> None:
    progress = build_progress(
        table(figure(100, "2022-06"), figure(120, "2022-06-20", source="b"), figure(150, "2022-12-13"))
    )
    assert progress["publish_date"].tolist() == ["2022-06", "2022-06-20", "2022-12-13"]
    assert progress["previous_date"].tolist()[1:] == ["2022-06", "2022-06-20"]
    ProgressSchema.validate(progress)


def test_reports_repeating_another_story_can_be_left_out() -> None:
    rows = table(figure(100, "2022-06-15"), figure(100, "2022-07-30", source="mirror"), figure(150, "2022-12-13"))
    progress = build_progress(rows, exclude_reports={hex16("mirror-2022-07-30")})
    assert progress["publish_date"].tolist() == ["2022-06-15", "2022-12-13"]
    assert progress["previous_value"].tolist()[1] == 100
