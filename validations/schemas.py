"""pandera schemas of every table changai writes; checks are declared here, next to the columns."""

from __future__ import annotations

import math
from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from parsers.classify import taxonomy
from parsers.periods import PERIODS

QUALIFIERS = ["exact", "approx", "at_least", "at_most", "range"]
REPORT_STATUSES = ["ok", "no_indicators", "rejected"]
CANONICAL_UNITS = [
    "人",
    "人次",
    "元",
    "个",
    "家",
    "所",
    "项",
    "件",
    "场",
    "次",
    "篇",
    "期",
    "批",
    "支",
    "户",
    "份",
    "座",
    "条",
    "平方米",
    "%",
]
DATE_RE = r"^(\d{4}-\d{2}-\d{2})?$"
CODE_RE = r"^(\d{6})?$"
DAY_OR_MONTH_RE = r"^\d{4}-\d{2}(-\d{2})?$"  # reports dated by month only give YYYY-MM points


@cache
def indicator_ids() -> list[str]:
    return list(taxonomy().indicators)


class ReportSchema(pa.DataFrameModel):
    """reports.csv: one row per report (latest state), and per snapshot the reports ingested that day."""

    report_id: Series[str] = pa.Field(
        str_matches=r"^[0-9a-f]{16}$", unique=True, description="stable id of the report: hash of source and URL"
    )
    source: Series[str] = pa.Field(str_length={"min_value": 1}, description="source id from sources.toml")
    url: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="URL of the page, or file URI of an inbox file"
    )
    title: Series[str] = pa.Field(nullable=True, description="headline")
    city: Series[str] = pa.Field(nullable=True, description="prefecture-level city (official name)")
    city_code: Series[str] = pa.Field(
        str_matches=CODE_RE, nullable=True, description="6-digit administrative code of the city"
    )
    province: Series[str] = pa.Field(nullable=True, description="province of the city")
    district: Series[str] = pa.Field(nullable=True, description="county-level district when the report is about one")
    publish_date: Series[str] = pa.Field(
        str_matches=DATE_RE, nullable=True, description="publish date (Asia/Shanghai), empty when none was found"
    )
    fetched_at: Series[str] = pa.Field(description="when the document was fetched or read (ISO 8601)")
    content_sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="sha256 of the raw bytes")
    parser: Series[str] = pa.Field(description="parser id used")
    n_indicators: Series[int] = pa.Field(ge=0, description="indicator rows extracted from this report")
    raw_path: Series[str] = pa.Field(description="raw document path relative to the data dir")
    status: Series[str] = pa.Field(isin=REPORT_STATUSES, description="ok | no_indicators | rejected")
    reason: Series[str] = pa.Field(
        nullable=True, description="why the status is not ok, and notes (missing date, city)"
    )
    extractor_version: Series[str] = pa.Field(description="version of the extractor that produced the rows")

    class Config:
        coerce = True
        strict = True
        ordered = True


class IndicatorSchema(pa.DataFrameModel):
    """indicators.csv: one row per figure, traceable to its sentence."""

    indicator_row_id: Series[str] = pa.Field(
        str_matches=r"^[0-9a-f]{16}$", unique=True, description="stable id of the figure"
    )
    report_id: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{16}$", description="report the figure comes from")
    source: Series[str] = pa.Field(description="source id")
    url: Series[str] = pa.Field(description="URL or file URI of the report")
    city: Series[str] = pa.Field(nullable=True, description="prefecture-level city")
    city_code: Series[str] = pa.Field(str_matches=CODE_RE, nullable=True, description="6-digit administrative code")
    province: Series[str] = pa.Field(nullable=True, description="province")
    district: Series[str] = pa.Field(nullable=True, description="county-level district when the report is about one")
    publish_date: Series[str] = pa.Field(str_matches=DATE_RE, nullable=True, description="publish date of the report")
    indicator: Series[str] = pa.Field(description="taxonomy id (parsers/data/taxonomy.toml)")
    indicator_name: Series[str] = pa.Field(description="Chinese name of the indicator")
    category: Series[str] = pa.Field(description="indicator category")
    label: Series[str] = pa.Field(nullable=True, description="short phrase the figure counts (全国劳模, 省劳模)")
    value: Series[float] = pa.Field(description="value in base units (万/亿 applied), negative for a stated decrease")
    value_high: Series[float] = pa.Field(nullable=True, description="upper end of a range")
    unit: Series[str] = pa.Field(isin=CANONICAL_UNITS, description="canonical unit")
    qualifier: Series[str] = pa.Field(isin=QUALIFIERS, description="exact | approx | at_least | at_most | range")
    period: Series[str] = pa.Field(isin=list(PERIODS), description="cumulative | annual | change | stock | unknown")
    mention: Series[str] = pa.Field(str_length={"min_value": 1}, description="exact text of the figure")
    evidence: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="sentence containing the figure (simplified)"
    )
    char_start: Series[int] = pa.Field(ge=0, description="offset of the mention in the report's normalised text")
    char_end: Series[int] = pa.Field(ge=1, description="end offset of the mention")
    snapshot_date: Series[str] = pa.Field(
        str_matches=r"^\d{4}-\d{2}-\d{2}$", description="snapshot in which the row appeared"
    )
    extractor_version: Series[str] = pa.Field(description="extractor version")

    @pa.check("indicator", name="indicator_in_taxonomy")
    def indicator_in_taxonomy(cls, s: Series[str]) -> Series[bool]:
        return s.isin(indicator_ids())

    @pa.check("value", name="value_finite")
    def value_finite(cls, s: Series[float]) -> Series[bool]:
        return s.map(lambda v: isinstance(v, float) and math.isfinite(v))

    @pa.dataframe_check(name="unit_allowed_for_indicator")
    def unit_allowed_for_indicator(cls, df: pd.DataFrame) -> Series[bool]:
        tax = taxonomy()
        return pd.Series(
            [
                ind == "other" or (ind in tax.indicators and unit in tax.units_of(ind))
                for ind, unit in zip(df["indicator"], df["unit"], strict=True)
            ],
            index=df.index,
        )

    @pa.dataframe_check(name="mention_in_evidence")
    def mention_in_evidence(cls, df: pd.DataFrame) -> Series[bool]:
        return pd.Series([str(m) in str(e) for m, e in zip(df["mention"], df["evidence"], strict=True)], index=df.index)

    @pa.dataframe_check(name="offsets_ordered")
    def offsets_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["char_end"] > df["char_start"]

    @pa.dataframe_check(name="range_high_above_low")
    def range_high_above_low(cls, df: pd.DataFrame) -> Series[bool]:
        high = df["value_high"]
        return high.isna() | (high.abs() > df["value"].abs())

    class Config:
        coerce = True
        strict = True
        ordered = True


class ProgressSchema(pa.DataFrameModel):
    """progress.csv: per city x indicator series over publish dates, with the change from the previous figure."""

    city: Series[str] = pa.Field(description="prefecture-level city")
    city_code: Series[str] = pa.Field(str_matches=CODE_RE, nullable=True, description="6-digit code")
    indicator: Series[str] = pa.Field(description="taxonomy id")
    label: Series[str] = pa.Field(nullable=True, description="label of the series")
    unit: Series[str] = pa.Field(isin=CANONICAL_UNITS, description="canonical unit")
    period: Series[str] = pa.Field(isin=list(PERIODS), description="period kind of the series")
    publish_date: Series[str] = pa.Field(
        str_matches=DAY_OR_MONTH_RE, description="date of this point (YYYY-MM: a report dated by month only)"
    )
    value: Series[float] = pa.Field(description="value at this point")
    previous_value: Series[float] = pa.Field(nullable=True, description="value at the previous point")
    previous_date: Series[str] = pa.Field(nullable=True, description="date of the previous point")
    change: Series[float] = pa.Field(nullable=True, description="value - previous_value")
    change_pct: Series[float] = pa.Field(nullable=True, description="change in percent of previous_value")
    report_id: Series[str] = pa.Field(description="report the point comes from")
    district: Series[str] = pa.Field(
        nullable=True,
        description="county-level district the series is about (its label then starts with 区名·); empty: city-wide",
    )
    sources: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="every source stating this point, '; ' separated (duplicates across sources are one point)",
    )
    n_reports: Series[int] = pa.Field(ge=1, description="number of reports stating this point")
    report_ids: Series[str] = pa.Field(
        str_length={"min_value": 16}, description="every report stating this point, '; ' separated, report_id first"
    )
    indicator_row_id: Series[str] = pa.Field(
        str_matches=r"^[0-9a-f]{16}$", description="the figure of this point in indicators.csv (evidence, URL)"
    )
    conflict: Series[str] = pa.Field(
        nullable=True,
        description="reports of this date disagree: every value stated, '; ' separated; value is the one most "
        "reports state (first in reading order on a tie), never an average",
    )
    compared_with: Series[str] = pa.Field(
        isin=["previous_figure", "previous_year"],
        nullable=True,
        description="previous_figure (levels and other periods) | previous_year (annual figures: the latest "
        "figure of the previous calendar year) | empty when there is no such point",
    )

    class Config:
        coerce = True
        strict = True
        ordered = True


class ComparisonSchema(pa.DataFrameModel):
    """comparison.csv: every series' latest point and 12-month change, cities side by side per indicator."""

    indicator: Series[str] = pa.Field(description="taxonomy id")
    indicator_name: Series[str] = pa.Field(description="Chinese name of the indicator")
    category: Series[str] = pa.Field(description="indicator category")
    unit: Series[str] = pa.Field(isin=CANONICAL_UNITS, description="canonical unit")
    city: Series[str] = pa.Field(str_length={"min_value": 1}, description="prefecture-level city")
    city_code: Series[str] = pa.Field(str_matches=CODE_RE, nullable=True, description="6-digit code")
    province: Series[str] = pa.Field(nullable=True, description="province of the city")
    district: Series[str] = pa.Field(nullable=True, description="district of a district series; empty: city-wide")
    label: Series[str] = pa.Field(nullable=True, description="label of the series (as in progress.csv)")
    period: Series[str] = pa.Field(isin=list(PERIODS), description="period kind of the series")
    primary: Series[bool] = pa.Field(
        description="the series that stands for the city in cross-city charts: the indicator's most common unit, "
        "city-wide before district, cumulative > stock > annual > change > unknown, most points, newest"
    )
    n_points: Series[int] = pa.Field(ge=1, description="points in the series")
    first_date: Series[str] = pa.Field(str_matches=DAY_OR_MONTH_RE, description="date of the first point")
    latest_date: Series[str] = pa.Field(str_matches=DAY_OR_MONTH_RE, description="date of the latest point")
    latest_value: Series[float] = pa.Field(description="value of the latest point")
    base_date: Series[str] = pa.Field(
        nullable=True, description="date of the point the 12-month change is taken from (9 to 15 months earlier)"
    )
    base_value: Series[float] = pa.Field(nullable=True, description="value at base_date")
    change_12m: Series[float] = pa.Field(nullable=True, description="latest_value - base_value")
    change_12m_pct: Series[float] = pa.Field(nullable=True, description="change_12m in percent of base_value")
    conflict: Series[str] = pa.Field(nullable=True, description="values that disagree at the latest point")
    report_id: Series[str] = pa.Field(description="report of the latest point")
    indicator_row_id: Series[str] = pa.Field(description="figure of the latest point in indicators.csv")
    url: Series[str] = pa.Field(nullable=True, description="URL of the latest point's report")

    class Config:
        coerce = True
        strict = True
        ordered = True


class CoverageSchema(pa.DataFrameModel):
    """coverage.csv: per city, each indicator it reports (districts included), how much and how fresh."""

    city: Series[str] = pa.Field(str_length={"min_value": 1}, description="prefecture-level city")
    city_code: Series[str] = pa.Field(str_matches=CODE_RE, nullable=True, description="6-digit code")
    province: Series[str] = pa.Field(nullable=True, description="province of the city")
    indicator: Series[str] = pa.Field(description="taxonomy id")
    indicator_name: Series[str] = pa.Field(description="Chinese name of the indicator")
    category: Series[str] = pa.Field(description="indicator category")
    n_series: Series[int] = pa.Field(ge=1, description="series of this indicator (labels, units, periods)")
    n_points: Series[int] = pa.Field(ge=1, description="points over all its series")
    n_reports: Series[int] = pa.Field(ge=1, description="reports stating them")
    districts: Series[str] = pa.Field(nullable=True, description="districts with series of their own, '; ' separated")
    first_date: Series[str] = pa.Field(str_matches=DAY_OR_MONTH_RE, description="earliest point")
    latest_date: Series[str] = pa.Field(str_matches=DAY_OR_MONTH_RE, description="latest point")
    days_since_latest: Series[int] = pa.Field(description="days from latest_date to as_of")
    as_of: Series[str] = pa.Field(
        str_matches=r"^\d{4}-\d{2}-\d{2}$", description="date freshness is measured at: the latest snapshot"
    )

    class Config:
        coerce = True
        strict = True
        ordered = True


class RejectedSchema(pa.DataFrameModel):
    """rejected.csv: rows that failed validation, with every failed check and the row as read."""

    snapshot_date: Series[str] = pa.Field(description="day of the run")
    table: Series[str] = pa.Field(isin=["reports", "indicators"], description="table the row was meant for")
    row_id: Series[str] = pa.Field(description="indicator_row_id or report_id")
    report_id: Series[str] = pa.Field(description="report of the row")
    checks: Series[str] = pa.Field(description="failed checks, ; separated")
    details: Series[str] = pa.Field(description="column=value for each failure")
    row_json: Series[str] = pa.Field(description="the row as read, JSON")

    class Config:
        coerce = True
        strict = True
        ordered = True


class RetractedSchema(pa.DataFrameModel):
    """retracted.csv: indicator rows withdrawn that day (a re-parse changed them)."""

    indicator_row_id: Series[str] = pa.Field(description="withdrawn row")
    report_id: Series[str] = pa.Field(description="its report")
    snapshot_date: Series[str] = pa.Field(description="day of withdrawal")
    reason: Series[str] = pa.Field(description="why it was withdrawn")

    class Config:
        coerce = True
        strict = True
        ordered = True


TABLE_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "reports": ReportSchema,
    "indicators": IndicatorSchema,
    "progress": ProgressSchema,
    "comparison": ComparisonSchema,
    "coverage": CoverageSchema,
    "rejected": RejectedSchema,
    "retracted": RetractedSchema,
}


def columns_of(table: str) -> list[str]:
    return list(TABLE_SCHEMAS[table].to_schema().columns)
