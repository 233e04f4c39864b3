"""pandera schemas of every table changai writes; every check is declared here, next to its columns.

Reference data (taxonomy, units, divisions, bounds) comes from validations/rules.py. Checks that
need more than the row use the ValidationContext: the snapshot day (`as_of`) and the report ids
the indicator rows must belong to. Writes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from validations import rules
from validations.dtypes import Text
from validations.rules import (  # noqa: F401
    CANONICAL_UNITS,
    CODE_RE,
    DATE_RE,
    QUALIFIERS,
    REPORT_STATUSES,
    indicator_ids,
    per_distinct,
    per_row,
    text,
)

TZ_NAME = "Asia/Shanghai"
# month-only dates (YYYY-MM) are valid points of a series
DAY_OR_MONTH_RE = rules.DATE_OR_MONTH_RE


@dataclass(frozen=True)
class ValidationContext:
    """What a check needs beyond the table: the day being validated and the reports table's ids."""

    as_of: str | None = None  # snapshot day (YYYY-MM-DD); default: today in Asia/Shanghai
    report_ids: frozenset[str] | None = None  # ids of reports.csv; None: the foreign-key check is not run


_CONTEXT: ContextVar[ValidationContext] = ContextVar("changai_validation", default=ValidationContext())  # noqa: B039


@contextmanager
def validation_context(as_of: str | None = None, report_ids: set[str] | None = None) -> Iterator[None]:
    token = _CONTEXT.set(ValidationContext(as_of, frozenset(report_ids) if report_ids is not None else None))
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def as_of() -> str:
    day = _CONTEXT.get().as_of
    if day:
        return day
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(TZ_NAME)).date().isoformat()


def Field(*, str_matches: str, **field: Any) -> Any:
    """pa.Field(str_matches=pattern, **field): pandera's str_matches check, the same name, error text and
    statistics (datapackage.py exports the pattern), its regex tried once per distinct cell
    (rules.matches_cells): ids, dates, codes and versions repeat over a batch's 8 300 figures, and pandas
    matched them cell by cell (~20 ms a batch). Appended after the field's other built-in checks, where
    pa.Field puts str_matches (only str_startswith would come after it), so failures are listed in the
    same order."""
    if "str_startswith" in field:  # pa.Field puts it after str_matches
        raise TypeError("a field with str_startswith: declare it with pa.Field")
    info = pa.Field(**field)
    info.checks.append(
        pa.Check(
            functools.partial(rules.matches_cells, pattern=str_matches),
            name="str_matches",
            error=f"str_matches('{str_matches}')",
            statistics={"pattern": str_matches},
            ignore_na=field.get("ignore_na", True),
            raise_warning=field.get("raise_warning", False),
            n_failure_cases=field.get("n_failure_cases"),
        )
    )
    return info


def _in_window(day: str, latest: str) -> bool:
    """Empty, or a date (a month: any day of it) between 2017-01-01 and `latest`."""
    bounds = rules.date_bounds(day)
    return day == "" or (bounds is not None and bounds[1] >= rules.EARLIEST_PUBLISH_DATE and bounds[0] <= latest)


class ReportSchema(pa.DataFrameModel):
    """reports.csv: one row per report (latest state), and per snapshot the reports ingested that day."""

    report_id: Series[Text] = Field(
        str_matches=rules.ID_RE, unique=True, description="stable id of the report: hash of source and URL"
    )
    source: Series[Text] = Field(str_matches=rules.SOURCE_ID_RE, description="source id from sources.toml")
    url: Series[Text] = pa.Field(
        str_length={"min_value": 1}, description="URL of the page, or file URI of an inbox file"
    )
    title: Series[Text] = pa.Field(nullable=True, description="headline")
    city: Series[Text] = pa.Field(nullable=True, description="prefecture-level city (official name)")
    city_code: Series[Text] = Field(
        str_matches=rules.CODE_RE, nullable=True, description="6-digit administrative code of the city"
    )
    province: Series[Text] = pa.Field(nullable=True, description="province of the city")
    district: Series[Text] = pa.Field(nullable=True, description="county-level district when the report is about one")
    publish_date: Series[Text] = Field(
        str_matches=rules.DATE_OR_EMPTY_RE,
        nullable=True,
        description="publish date (Asia/Shanghai; YYYY-MM when the document only names its month), "
        "empty when none was found",
    )
    fetched_at: Series[Text] = pa.Field(description="when the document was fetched or read (ISO 8601)")
    content_sha256: Series[Text] = Field(
        str_matches=rules.SHA256_RE, nullable=True, description="sha256 of the raw bytes (empty when unreadable)"
    )
    parser: Series[Text] = pa.Field(str_length={"min_value": 1}, description="parser id used")
    n_indicators: Series[int] = pa.Field(ge=0, description="valid indicator rows extracted from this report")
    raw_path: Series[Text] = pa.Field(
        nullable=True, description="raw document path relative to the data dir: raw/<source>/<sha256>.<ext>"
    )
    status: Series[Text] = pa.Field(isin=list(rules.REPORT_STATUSES), description="ok | no_indicators | rejected")
    reason: Series[Text] = pa.Field(
        nullable=True, description="why the status is not ok, and notes (missing date, city, rejected figures)"
    )
    extractor_version: Series[Text] = Field(
        str_matches=rules.VERSION_RE, description="version of the extractor that produced the rows"
    )
    fingerprint: Series[Text] = Field(
        str_matches=r"^([0-9a-f]{16})?$",
        nullable=True,
        description="64-bit SimHash of the normalised text (16 hex digits; empty for very short texts)",
    )
    duplicate_of: Series[Text] = Field(
        str_matches=r"^([0-9a-f]{16})?$",
        nullable=True,
        description="report_id of the canonical report when this one repeats the same story "
        "(a mirror or repost); its figures stay in indicators.csv but are left out of progress.csv",
    )

    @pa.check("url", name="url_scheme_allowed", error="URL scheme is not http, https or file")
    def url_scheme_allowed(cls, s: Series[str]) -> Series[bool]:
        return per_distinct(rules.url_scheme_allowed, s)

    @pa.check("city_code", name="city_code_known", error="not a city code of the administrative-division data")
    def city_code_known(cls, s: Series[str]) -> Series[bool]:
        return per_distinct(rules.city_code_known, s)

    @pa.check("publish_date", name="publish_date_real", error="not a calendar date (or month)")
    def publish_date_real(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda d: d == "" or rules.date_bounds(d) is not None).astype(bool)

    @pa.check("fetched_at", name="fetched_at_iso", error="not an ISO 8601 timestamp")
    def fetched_at_iso(cls, s: Series[str]) -> Series[bool]:
        return per_distinct(rules.iso_datetime, s)

    @pa.dataframe_check(
        name="place_matches_code", ignore_na=False, error="city and province are not those of city_code"
    )
    def place_matches_code(cls, df: pd.DataFrame) -> Series[bool]:
        return per_distinct(
            lambda c, p, k: rules.place_matches_code(text(c), text(p), text(k)),
            df["city"],
            df["province"],
            df["city_code"],
        )

    @pa.dataframe_check(
        name="publish_date_in_window",
        ignore_na=False,
        error="publish date before 2017 (the reform began then) or after the snapshot day; "
        "a report rejected for it keeps the date it was read with",
    )
    def publish_date_in_window(cls, df: pd.DataFrame) -> Series[bool]:
        latest = as_of()
        return per_row(
            lambda d, status: status == "rejected" or _in_window(text(d), latest), df["publish_date"], df["status"]
        )

    @pa.dataframe_check(
        name="hash_unless_unread", ignore_na=False, error="a report that was read must have content_sha256"
    )
    def hash_unless_unread(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["status"] == "rejected") | (df["content_sha256"].map(text) != "")

    @pa.dataframe_check(
        name="raw_path_content_addressed",
        ignore_na=False,
        error="raw_path is not raw/<source>/<content_sha256>.<ext>",
    )
    def raw_path_content_addressed(cls, df: pd.DataFrame) -> Series[bool]:
        return per_row(
            lambda p, s, h: rules.raw_path_matches(text(p), text(s), text(h)),
            df["raw_path"],
            df["source"],
            df["content_sha256"],
        )

    @pa.dataframe_check(name="reason_when_not_ok", ignore_na=False, error="status is not ok but no reason is given")
    def reason_when_not_ok(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["status"] == "ok") | (df["reason"].map(text).str.strip() != "")

    @pa.dataframe_check(
        name="count_matches_status",
        ignore_na=False,
        error="status ok needs n_indicators > 0; no_indicators and rejected need 0",
    )
    def count_matches_status(cls, df: pd.DataFrame) -> Series[bool]:
        n = pd.to_numeric(df["n_indicators"], errors="coerce")
        return ((df["status"] == "ok") & (n > 0)) | ((df["status"] != "ok") & (n == 0))

    class Config:
        coerce = True
        strict = True
        ordered = True


class IndicatorSchema(pa.DataFrameModel):
    """indicators.csv: one row per figure, traceable to its sentence."""

    indicator_row_id: Series[Text] = Field(str_matches=rules.ID_RE, unique=True, description="stable id of the figure")
    report_id: Series[Text] = Field(str_matches=rules.ID_RE, description="report the figure comes from")
    source: Series[Text] = Field(str_matches=rules.SOURCE_ID_RE, description="source id")
    url: Series[Text] = pa.Field(str_length={"min_value": 1}, description="URL or file URI of the report")
    city: Series[Text] = pa.Field(nullable=True, description="prefecture-level city")
    city_code: Series[Text] = Field(str_matches=rules.CODE_RE, nullable=True, description="6-digit administrative code")
    province: Series[Text] = pa.Field(nullable=True, description="province")
    district: Series[Text] = pa.Field(nullable=True, description="county-level district when the report is about one")
    publish_date: Series[Text] = Field(
        str_matches=rules.DATE_OR_EMPTY_RE, nullable=True, description="publish date of the report"
    )
    indicator: Series[Text] = pa.Field(
        isin=rules.indicator_ids(), description="taxonomy id (parsers/data/taxonomy.toml)"
    )
    indicator_name: Series[Text] = pa.Field(description="Chinese name of the indicator")
    category: Series[Text] = pa.Field(description="indicator category")
    label: Series[Text] = pa.Field(nullable=True, description="short phrase the figure counts (全国劳模, 省劳模)")
    value: Series[float] = pa.Field(description="value in base units (万/亿 applied), negative for a stated decrease")
    value_high: Series[float] = pa.Field(nullable=True, description="upper end of a range")
    unit: Series[Text] = pa.Field(isin=rules.canonical_units(), description="canonical unit")
    qualifier: Series[Text] = pa.Field(
        isin=list(rules.QUALIFIERS), description="exact | approx | at_least | at_most | range"
    )
    period: Series[Text] = pa.Field(isin=rules.periods(), description="cumulative | annual | change | stock | unknown")
    mention: Series[Text] = pa.Field(str_length={"min_value": 1}, description="exact text of the figure")
    evidence: Series[Text] = pa.Field(
        str_length={"min_value": 1}, description="sentence containing the figure (simplified)"
    )
    char_start: Series[int] = pa.Field(ge=0, description="offset of the mention in the report's normalised text")
    char_end: Series[int] = pa.Field(ge=1, description="end offset of the mention")
    snapshot_date: Series[Text] = Field(str_matches=rules.DATE_RE, description="snapshot in which the row appeared")
    extractor_version: Series[Text] = Field(str_matches=rules.VERSION_RE, description="extractor version")

    @pa.check("report_id", name="report_id_in_reports", error="the report is not in reports.csv")
    def report_id_in_reports(cls, s: Series[str]) -> Series[bool]:
        known = _CONTEXT.get().report_ids
        return s.isin(known) if known is not None else pd.Series(True, index=s.index)

    @pa.check("url", name="url_scheme_allowed", error="URL scheme is not http, https or file")
    def url_scheme_allowed(cls, s: Series[str]) -> Series[bool]:
        return per_distinct(rules.url_scheme_allowed, s)

    @pa.check("city_code", name="city_code_known", error="not a city code of the administrative-division data")
    def city_code_known(cls, s: Series[str]) -> Series[bool]:
        return per_distinct(rules.city_code_known, s)

    @pa.check("snapshot_date", name="snapshot_date_real", error="not a calendar date")
    def snapshot_date_real(cls, s: Series[str]) -> Series[bool]:
        return per_distinct(rules.real_date, s)

    @pa.check("value", name="value_finite", error="value is not a finite number")
    def value_finite(cls, s: Series[float]) -> Series[bool]:
        return rules.finite_cells(s)

    @pa.check("value_high", name="value_high_finite", error="value_high is not a finite number")
    def value_high_finite(cls, s: Series[float]) -> Series[bool]:
        return rules.finite_cells(s)

    @pa.dataframe_check(
        name="place_matches_code", ignore_na=False, error="city and province are not those of city_code"
    )
    def place_matches_code(cls, df: pd.DataFrame) -> Series[bool]:
        return per_distinct(
            lambda c, p, k: rules.place_matches_code(text(c), text(p), text(k)),
            df["city"],
            df["province"],
            df["city_code"],
        )

    @pa.dataframe_check(
        name="publish_date_in_window",
        ignore_na=False,
        error="publish date is not a calendar date between 2017-01-01 and the row's snapshot day",
    )
    def publish_date_in_window(cls, df: pd.DataFrame) -> Series[bool]:
        return per_distinct(lambda d, s: _in_window(text(d), text(s)), df["publish_date"], df["snapshot_date"])

    @pa.dataframe_check(
        name="name_matches_taxonomy",
        ignore_na=False,
        error="indicator_name or category differ from the taxonomy's for this indicator",
    )
    def name_matches_taxonomy(cls, df: pd.DataFrame) -> Series[bool]:
        return per_distinct(
            lambda i, n, c: rules.taxonomy_name_and_category(i) == (text(n), text(c)),
            df["indicator"],
            df["indicator_name"],
            df["category"],
        )

    @pa.dataframe_check(
        name="unit_allowed_for_indicator",
        ignore_na=False,
        error="the taxonomy does not count this indicator in this unit",
    )
    def unit_allowed_for_indicator(cls, df: pd.DataFrame) -> Series[bool]:
        return per_distinct(rules.unit_allowed, df["indicator"], df["unit"])

    @pa.dataframe_check(
        name="value_plausible",
        ignore_na=False,
        error="|value| above the plausible maximum for its unit (people < 1.5e9, 元 < 1e14, counts < 1e9)",
    )
    def value_plausible(cls, df: pd.DataFrame) -> Series[bool]:
        values = rules.floats(df["value"])
        if values is None:
            return per_row(
                lambda v, u: not rules.finite(v) or abs(v) <= rules.max_abs_value(u), df["value"], df["unit"]
            )
        limits = np.array([rules.max_abs_value(u) for u in df["unit"].tolist()], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            return pd.Series(~np.isfinite(values) | (np.abs(values) <= limits), index=df.index, dtype=bool)

    @pa.dataframe_check(
        name="negative_only_for_stated_decrease",
        ignore_na=False,
        error="a negative value without a decrease word (下降, 减少, …) before the figure in its sentence",
    )
    def negative_only_for_stated_decrease(cls, df: pd.DataFrame) -> Series[bool]:
        value, high = rules.floats(df["value"]), rules.floats(df["value_high"])
        if value is not None and high is not None:  # the sentence is read only for a negative figure
            with np.errstate(invalid="ignore"):
                negative = (value < 0) | (np.isfinite(high) & (high < 0))
            return rules.per_row_where(
                negative, lambda m, e: rules.states_decrease(text(m), text(e)), df["mention"], df["evidence"]
            )
        return per_row(
            lambda v, h, m, e: not (v < 0 or (rules.finite(h) and h < 0)) or rules.states_decrease(text(m), text(e)),
            df["value"],
            df["value_high"],
            df["mention"],
            df["evidence"],
        )

    @pa.dataframe_check(
        name="percent_within_bounds",
        ignore_na=False,
        error="a % value outside -100..1000, or a share/rate outside 0..100",
    )
    def percent_within_bounds(cls, df: pd.DataFrame) -> Series[bool]:
        def ok(indicator: str, unit: str, v: float, h: float) -> bool:
            if unit != "%":
                return True
            low, high = rules.percent_bounds(indicator)
            return all(low <= x <= high for x in (v, h) if rules.finite(x))

        percent = (df["unit"] == "%").to_numpy(dtype=bool)
        return rules.per_row_where(percent, ok, df["indicator"], df["unit"], df["value"], df["value_high"])

    @pa.dataframe_check(
        name="range_has_high", ignore_na=False, error="qualifier range needs value_high, and only a range has one"
    )
    def range_has_high(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["qualifier"] == "range") == df["value_high"].notna()

    @pa.dataframe_check(
        name="range_high_above_low",
        ignore_na=False,
        error="value_high must exceed value (in magnitude, with the same sign, for a stated decrease)",
    )
    def range_high_above_low(cls, df: pd.DataFrame) -> Series[bool]:
        high, low = df["value_high"], df["value"]
        same_sign = (high >= 0) == (low >= 0)
        return high.isna() | (same_sign & (high.abs() > low.abs()))

    @pa.dataframe_check(
        name="mention_in_evidence", ignore_na=False, error="the mention is not inside its evidence sentence"
    )
    def mention_in_evidence(cls, df: pd.DataFrame) -> Series[bool]:
        # text(m) in text(e) row by row, the cells as text by rules.texts (at once for text columns)
        mentions, sentences = rules.texts(df["mention"]).tolist(), rules.texts(df["evidence"]).tolist()
        return pd.Series([m in e for m, e in zip(mentions, sentences, strict=True)], index=df.index, dtype=bool)

    @pa.dataframe_check(
        name="offsets_span_mention",
        ignore_na=False,
        error="char_end - char_start is not the length of the mention",
    )
    def offsets_span_mention(cls, df: pd.DataFrame) -> Series[bool]:
        start = pd.to_numeric(df["char_start"], errors="coerce")
        end = pd.to_numeric(df["char_end"], errors="coerce")
        lengths = [len(m) for m in rules.texts(df["mention"]).tolist()]  # len(text(m)) of each mention
        return (end - start) == pd.Series(lengths, index=df.index, dtype=np.int64)

    class Config:
        coerce = True
        strict = True
        ordered = True


class ProgressSchema(pa.DataFrameModel):
    """progress.csv: per city x indicator series over publish dates, with the change from the previous figure."""

    city: Series[Text] = pa.Field(str_length={"min_value": 1}, description="prefecture-level city")
    city_code: Series[Text] = Field(str_matches=rules.CODE_RE, nullable=True, description="6-digit code")
    indicator: Series[Text] = pa.Field(
        isin=rules.series_indicator_ids(), description="taxonomy id (figures filed as other form no series)"
    )
    label: Series[Text] = pa.Field(nullable=True, description="label of the series")
    unit: Series[Text] = pa.Field(isin=rules.canonical_units(), description="canonical unit")
    period: Series[Text] = pa.Field(isin=rules.periods(), description="period kind of the series")
    publish_date: Series[Text] = Field(
        str_matches=rules.DATE_OR_MONTH_RE, description="date of this point (YYYY-MM: a month-only date)"
    )
    value: Series[float] = pa.Field(description="value at this point")
    previous_value: Series[float] = pa.Field(nullable=True, description="value at the previous point")
    previous_date: Series[Text] = Field(
        str_matches=rules.DATE_OR_EMPTY_RE, nullable=True, description="date of the previous point"
    )
    change: Series[float] = pa.Field(nullable=True, description="value - previous_value")
    change_pct: Series[float] = pa.Field(
        nullable=True, description="change in percent of |previous_value| (a deeper decrease is negative)"
    )
    report_id: Series[Text] = Field(str_matches=rules.ID_RE, description="report the point comes from")
    flags: Series[Text] = pa.Field(
        nullable=True,
        description="cross-table / cross-time flags on the figures behind this point (; separated; see flags.csv)",
    )

    district: Series[Text] = pa.Field(
        nullable=True,
        description="county-level district the series is about (its label then starts with 区名·); empty: city-wide",
    )
    sources: Series[Text] = pa.Field(
        str_length={"min_value": 1},
        description="every source stating this point, '; ' separated (duplicates across sources are one point)",
    )
    n_reports: Series[int] = pa.Field(ge=1, description="number of reports stating this point")
    report_ids: Series[Text] = pa.Field(
        str_length={"min_value": 16}, description="every report stating this point, '; ' separated, report_id first"
    )
    indicator_row_id: Series[Text] = Field(
        str_matches=r"^[0-9a-f]{16}$", description="the figure of this point in indicators.csv (evidence, URL)"
    )
    conflict: Series[Text] = pa.Field(
        nullable=True,
        description="reports of this date disagree: every value stated, '; ' separated; value is the one most "
        "reports state (first in reading order on a tie), never an average",
    )
    compared_with: Series[Text] = pa.Field(
        isin=["previous_figure", "previous_year", ""],
        nullable=True,
        description="previous_figure (levels and other periods) | previous_year (annual figures: the latest "
        "figure of the previous calendar year) | empty when there is no such point",
    )

    @pa.check("city_code", name="city_code_known", error="not a city code of the administrative-division data")
    def city_code_known(cls, s: Series[str]) -> Series[bool]:
        return per_distinct(rules.city_code_known, s)

    @pa.check("publish_date", name="publish_date_real", error="not a calendar date (or month)")
    def publish_date_real(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda d: rules.date_bounds(d) is not None).astype(bool)

    @pa.check("value", name="value_finite", error="value is not a finite number")
    def value_finite(cls, s: Series[float]) -> Series[bool]:
        return rules.finite_cells(s)

    @pa.check("flags", name="flags_known", error="an unknown flag name")
    def flags_known(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda f: all(x in rules.FLAGS for x in text(f).split(";") if x)).astype(bool)

    @pa.dataframe_check(name="city_matches_code", ignore_na=False, error="city is not the city of city_code")
    def city_matches_code(cls, df: pd.DataFrame) -> Series[bool]:
        from parsers.places import city_of_code

        def ok(city: str, code: str) -> bool:
            place = city_of_code(code) if code else None
            return not code or (place is not None and place.city == city)

        return per_row(lambda c, k: ok(text(c), text(k)), df["city"], df["city_code"])

    @pa.dataframe_check(
        name="unit_allowed_for_indicator",
        ignore_na=False,
        error="the taxonomy does not count this indicator in this unit",
    )
    def unit_allowed_for_indicator(cls, df: pd.DataFrame) -> Series[bool]:
        return per_distinct(rules.unit_allowed, df["indicator"], df["unit"])

    @pa.dataframe_check(
        name="previous_point_earlier",
        ignore_na=False,
        error="previous_value and previous_date go together, and the previous date is earlier",
    )
    def previous_point_earlier(cls, df: pd.DataFrame) -> Series[bool]:
        def ok(prev_value: float, prev_date: str, day: str) -> bool:
            if not rules.finite(prev_value):
                return prev_date == ""
            return rules.date_bounds(prev_date) is not None and prev_date < day

        return per_row(
            lambda v, d, p: ok(v, text(d), text(p)), df["previous_value"], df["previous_date"], df["publish_date"]
        )

    @pa.dataframe_check(
        name="change_is_difference",
        ignore_na=False,
        error="change is not value - previous_value, or change_pct not change / |previous_value| in %",
    )
    def change_is_difference(cls, df: pd.DataFrame) -> Series[bool]:
        def close(a: float, b: float) -> bool:
            return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))

        def ok(v: float, prev: float, change: float, pct: float) -> bool:
            if not rules.finite(prev):
                return not rules.finite(change) and not rules.finite(pct)
            if not (rules.finite(change) and close(change, v - prev)):
                return False
            if prev == 0:
                return not rules.finite(pct)
            # (flows/progress.py divides by |previous_value|: -35% then -60% is a change of -71.43 %)
            return rules.finite(pct) and abs(pct - change / abs(prev) * 100) <= 0.005 + 1e-9 * abs(pct)

        return per_row(ok, df["value"], df["previous_value"], df["change"], df["change_pct"])

    class Config:
        coerce = True
        strict = True
        ordered = True
        unique = ["city", "city_code", "indicator", "label", "unit", "period", "publish_date"]  # noqa: RUF012


class FlagSchema(pa.DataFrameModel):
    """flags.csv: figures flagged by a cross-table or cross-time check (kept, but worth a look)."""

    indicator_row_id: Series[Text] = Field(str_matches=rules.ID_RE, description="the flagged figure")
    report_id: Series[Text] = Field(str_matches=rules.ID_RE, description="its report")
    city: Series[Text] = pa.Field(nullable=True, description="prefecture-level city")
    city_code: Series[Text] = Field(str_matches=rules.CODE_RE, nullable=True, description="6-digit code")
    indicator: Series[Text] = pa.Field(isin=rules.indicator_ids(), description="taxonomy id")
    label: Series[Text] = pa.Field(nullable=True, description="label of the figure")
    unit: Series[Text] = pa.Field(isin=rules.canonical_units(), description="canonical unit")
    period: Series[Text] = pa.Field(isin=rules.periods(), description="period kind")
    publish_date: Series[Text] = Field(
        str_matches=rules.DATE_OR_EMPTY_RE, nullable=True, description="publish date of the report"
    )
    value: Series[float] = pa.Field(description="value of the flagged figure")
    flag: Series[Text] = pa.Field(isin=list(rules.FLAGS), description="which check flagged it (README lists them)")
    detail: Series[Text] = pa.Field(str_length={"min_value": 1}, description="what was found, with the other figure")

    class Config:
        coerce = True
        strict = True
        ordered = True
        unique = ["indicator_row_id", "flag"]  # noqa: RUF012


class ComparisonSchema(pa.DataFrameModel):
    """comparison.csv: every series' latest point and 12-month change, cities side by side per indicator."""

    indicator: Series[Text] = pa.Field(description="taxonomy id")
    indicator_name: Series[Text] = pa.Field(description="Chinese name of the indicator")
    category: Series[Text] = pa.Field(description="indicator category")
    unit: Series[Text] = pa.Field(isin=rules.canonical_units(), description="canonical unit")
    city: Series[Text] = pa.Field(str_length={"min_value": 1}, description="prefecture-level city")
    city_code: Series[Text] = Field(str_matches=CODE_RE, nullable=True, description="6-digit code")
    province: Series[Text] = pa.Field(nullable=True, description="province of the city")
    district: Series[Text] = pa.Field(nullable=True, description="district of a district series; empty: city-wide")
    label: Series[Text] = pa.Field(nullable=True, description="label of the series (as in progress.csv)")
    period: Series[Text] = pa.Field(isin=rules.periods(), description="period kind of the series")
    primary: Series[bool] = pa.Field(
        description="the series that stands for the city in cross-city charts: the indicator's most common unit, "
        "city-wide before district, cumulative > stock > annual > change > unknown, most points, newest"
    )
    n_points: Series[int] = pa.Field(ge=1, description="points in the series")
    first_date: Series[Text] = Field(str_matches=DAY_OR_MONTH_RE, description="date of the first point")
    latest_date: Series[Text] = Field(str_matches=DAY_OR_MONTH_RE, description="date of the latest point")
    latest_value: Series[float] = pa.Field(description="value of the latest point")
    base_date: Series[Text] = pa.Field(
        nullable=True, description="date of the point the 12-month change is taken from (9 to 15 months earlier)"
    )
    base_value: Series[float] = pa.Field(nullable=True, description="value at base_date")
    change_12m: Series[float] = pa.Field(nullable=True, description="latest_value - base_value")
    change_12m_pct: Series[float] = pa.Field(nullable=True, description="change_12m in percent of base_value")
    conflict: Series[Text] = pa.Field(nullable=True, description="values that disagree at the latest point")
    report_id: Series[Text] = pa.Field(description="report of the latest point")
    indicator_row_id: Series[Text] = pa.Field(description="figure of the latest point in indicators.csv")
    url: Series[Text] = pa.Field(nullable=True, description="URL of the latest point's report")

    class Config:
        coerce = True
        strict = True
        ordered = True
        unique = ["indicator", "city", "label", "unit", "period"]  # noqa: RUF012


class RejectedSchema(pa.DataFrameModel):
    """rejected.csv: rows that failed validation, with every failed check and the row as read."""

    snapshot_date: Series[Text] = Field(str_matches=rules.DATE_RE, description="day of the run")
    table: Series[Text] = pa.Field(isin=["reports", "indicators"], description="table the row was meant for")
    row_id: Series[Text] = pa.Field(str_length={"min_value": 1}, description="indicator_row_id or report_id")
    report_id: Series[Text] = pa.Field(nullable=True, description="report of the row")
    checks: Series[Text] = pa.Field(
        str_length={"min_value": 1}, description="failed checks, ; separated (column:check or table-level check)"
    )
    details: Series[Text] = pa.Field(nullable=True, description="what each failed check found")
    row_json: Series[Text] = pa.Field(description="the row as read, JSON")

    @pa.check("row_json", name="row_json_object", error="row_json is not a JSON object")
    def row_json_object(cls, s: Series[str]) -> Series[bool]:
        return s.map(rules.json_object).astype(bool)

    class Config:
        coerce = True
        strict = True
        ordered = True


class CoverageSchema(pa.DataFrameModel):
    """coverage.csv: per city, each indicator it reports (districts included), how much and how fresh."""

    city: Series[Text] = pa.Field(str_length={"min_value": 1}, description="prefecture-level city")
    city_code: Series[Text] = Field(str_matches=CODE_RE, nullable=True, description="6-digit code")
    province: Series[Text] = pa.Field(nullable=True, description="province of the city")
    indicator: Series[Text] = pa.Field(description="taxonomy id")
    indicator_name: Series[Text] = pa.Field(description="Chinese name of the indicator")
    category: Series[Text] = pa.Field(description="indicator category")
    n_series: Series[int] = pa.Field(ge=1, description="series of this indicator (labels, units, periods)")
    n_points: Series[int] = pa.Field(ge=1, description="points over all its series")
    n_reports: Series[int] = pa.Field(ge=1, description="reports stating them")
    districts: Series[Text] = pa.Field(nullable=True, description="districts with series of their own, '; ' separated")
    first_date: Series[Text] = Field(str_matches=DAY_OR_MONTH_RE, description="earliest point")
    latest_date: Series[Text] = Field(str_matches=DAY_OR_MONTH_RE, description="latest point")
    days_since_latest: Series[int] = pa.Field(description="days from latest_date to as_of")
    as_of: Series[Text] = Field(
        str_matches=r"^\d{4}-\d{2}-\d{2}$", description="date freshness is measured at: the latest snapshot"
    )

    class Config:
        coerce = True
        strict = True
        ordered = True
        unique = ["city", "indicator"]  # noqa: RUF012


class RunSchema(pa.DataFrameModel):
    """runs.csv: one row per source per run (not dry runs), appended; `changai sources` reads it."""

    flow_run_id: Series[Text] = pa.Field(nullable=True, description="Prefect flow run id")
    started_at: Series[Text] = pa.Field(description="when the run started (ISO 8601, Asia/Shanghai)")
    finished_at: Series[Text] = pa.Field(description="when its data was committed (ISO 8601, Asia/Shanghai)")
    mode: Series[Text] = pa.Field(isin=["ingest", "reprocess"], description="read the sources, or re-parse raw/")
    source: Series[Text] = pa.Field(str_length={"min_value": 1}, description="source id")
    status: Series[Text] = pa.Field(isin=["ok", "failed"], description="did the source as a whole work")
    reason: Series[Text] = pa.Field(nullable=True, description="why it failed")
    discovered: Series[int] = pa.Field(ge=0, description="documents the source listed")
    fetched: Series[int] = pa.Field(ge=0, description="documents read from the source")
    new_reports: Series[int] = pa.Field(ge=0, description="reports seen for the first time")
    figures: Series[int] = pa.Field(ge=0, description="valid indicator rows extracted")
    new_figures: Series[int] = pa.Field(ge=0, description="indicator rows that were not live before")
    rejected: Series[int] = pa.Field(ge=0, description="documents and rows rejected")

    class Config:
        coerce = True
        strict = True
        ordered = True


class RetractedSchema(pa.DataFrameModel):
    """retracted.csv: indicator rows withdrawn that day (a re-parse changed them)."""

    indicator_row_id: Series[Text] = Field(str_matches=rules.ID_RE, unique=True, description="withdrawn row")
    report_id: Series[Text] = Field(str_matches=rules.ID_RE, description="its report")
    snapshot_date: Series[Text] = Field(str_matches=rules.DATE_RE, description="day of withdrawal")
    reason: Series[Text] = pa.Field(str_length={"min_value": 1}, description="why it was withdrawn")

    class Config:
        coerce = True
        strict = True
        ordered = True


TABLE_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "reports": ReportSchema,
    "indicators": IndicatorSchema,
    "progress": ProgressSchema,
    "flags": FlagSchema,
    "comparison": ComparisonSchema,
    "coverage": CoverageSchema,
    "rejected": RejectedSchema,
    "retracted": RetractedSchema,
    "runs": RunSchema,
}
# Cross-table references (checked by report_id_in_reports in a run, and by `changai validate`).
FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {
    "indicators": [("report_id", "reports", "report_id")],
    "progress": [("report_id", "reports", "report_id")],
    "flags": [("indicator_row_id", "indicators", "indicator_row_id")],
}


def columns_of(table: str) -> list[str]:
    return list(_columns(table))


@functools.cache
def _columns(table: str) -> tuple[str, ...]:
    # to_schema() takes ~25 ms; a rebuild asks for the same few tables' columns dozens of times
    return tuple(TABLE_SCHEMAS[table].to_schema().columns)


def primary_key(table: str) -> list[str]:
    """The table-level unique columns of the schema, else its single unique column; [] when none."""
    schema = TABLE_SCHEMAS[table].to_schema()
    if schema.unique:
        return list(schema.unique)
    return [name for name, col in schema.columns.items() if col.unique]
