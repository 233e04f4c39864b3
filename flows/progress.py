"""progress.csv from the live indicator rows: one point per series and date, each compared like with like."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from flows.groups import iter_groups
from validations.schemas import columns_of

# A series is (city, indicator, label, unit, period). A district's figures keep the city but get
# the district in front of the label (姜堰区·试点): a district's cumulative figure is not the
# city's, so it forms a series of its own, shown on its city's page.
SERIES_KEYS = ["city", "indicator", "label", "unit", "period"]
POINT_COLUMNS = ["publish_date", "value", "report_id", "source", "city_code", "district", "indicator_row_id"]
DISTRICT_SEPARATOR = "·"
LIST_SEPARATOR = "; "
# The same figure stated again by another report within this many days (a reprint on another
# site, a union post repeating a news article) is the same point, not progress.
DUPLICATE_WINDOW_DAYS = 7
# Levels (cumulative totals, stocks) and figures of uncertain period compare with the previous
# figure of their series; annual figures only with the previous calendar year's figure.
ANNUAL = "annual"
COMPARED_WITH_PREVIOUS_FIGURE = "previous_figure"
COMPARED_WITH_PREVIOUS_YEAR = "previous_year"


DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def parse_day(text: str) -> date:
    """A publish date as a date: YYYY-MM-DD, or YYYY-MM (a report dated by month only) as the 1st."""
    text = str(text)[:10]
    return date.fromisoformat(text if len(text) == 10 else f"{text[:7]}-01")


def series_label(label: object, district: object) -> str:
    """The label of a district figure's series starts with the district: 姜堰区·试点."""
    label = "" if _missing(label) else str(label)
    district = "" if _missing(district) else str(district)
    if not district or label.startswith(district):
        return label
    return f"{district}{DISTRICT_SEPARATOR}{label}" if label else district


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def same_value(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def format_plain(value: float) -> str:
    """14.0 -> '14', 5.72 -> '5.72' (for the conflict column)."""
    return f"{value:.0f}" if same_value(value, round(value)) else f"{value:.6g}"


@dataclass
class Point:
    """One point of a series: the figures (rows of indicators.csv) stating it, in reading order."""

    day: str
    value: float
    figures: list[dict] = field(default_factory=list)
    conflict_values: list[float] = field(default_factory=list)

    @property
    def chosen(self) -> dict:
        return next(f for f in self.figures if same_value(f["value"], self.value))

    def unique(self, column: str, chosen: dict | None = None) -> list[str]:
        """The column's distinct non-empty values, the chosen figure's first (`chosen`: self.chosen, known)."""
        seen: dict[str, None] = {}
        seen[(chosen or self.chosen)[column]] = None
        for f in self.figures:
            seen.setdefault(f[column], None)
        return [s for s in seen if s]


def _distinct_values(figures: list[dict]) -> list[tuple[float, set[str]]]:
    """Distinct values in reading order, each with the reports stating it."""
    out: list[tuple[float, set[str]]] = []
    for f in figures:
        for value, reports in out:
            if same_value(value, f["value"]):
                reports.add(f["report_id"])
                break
        else:
            out.append((f["value"], {f["report_id"]}))
    return out


def series_points(figures: list[dict]) -> list[Point]:
    """Group a series' figures (sorted in reading order) into points.

    Figures of one date form one point. When they disagree the value most reports state is kept
    (ties: the first in reading order) and every value is listed in `conflict` — never averaged.
    A later date within DUPLICATE_WINDOW_DAYS stating exactly the previous point's value joins
    that point (a reprint), keeping the earlier date.
    """
    points: list[Point] = []
    by_day: dict[str, list[dict]] = {}
    for f in figures:
        by_day.setdefault(f["publish_date"], []).append(f)
    for day in sorted(by_day):
        group = by_day[day]
        values = _distinct_values(group)
        if points and len(values) == 1 and same_value(values[0][0], points[-1].value):
            gap = (parse_day(day) - parse_day(points[-1].day)).days
            if gap <= DUPLICATE_WINDOW_DAYS:
                points[-1].figures.extend(group)
                continue
        best = max(range(len(values)), key=lambda i: (len(values[i][1]), -i))
        point = Point(day, values[best][0], list(group))
        if len(values) > 1:
            point.conflict_values = [v for v, _ in values]
        points.append(point)
    return points


def previous_of(points: list[Point], i: int, period: str) -> tuple[Point | None, str | None]:
    """The point points[i] is compared with, and how it was chosen."""
    if period == ANNUAL:
        year = int(points[i].day[:4])
        earlier = [p for p in points[:i] if int(p.day[:4]) == year - 1]
        return (earlier[-1], COMPARED_WITH_PREVIOUS_YEAR) if earlier else (None, None)
    return (points[i - 1], COMPARED_WITH_PREVIOUS_FIGURE) if i > 0 else (None, None)


def group_records(records: list[dict], keys: list[str]) -> list[tuple[tuple, list[dict]]]:
    """Records grouped by the values of keys, groups in key order, records in their given order.

    Plain dicts: pandas' per-group objects cost ~1 ms a group, too slow for thousands of series.
    """
    groups: dict[tuple, list[dict]] = {}
    for r in records:
        groups.setdefault(tuple(r[k] for k in keys), []).append(r)
    return sorted(groups.items(), key=lambda kv: kv[0])


def _eligible(indicators: pd.DataFrame, exclude_reports: set[str] | frozenset[str]) -> pd.DataFrame:
    keep = (
        ~indicators["report_id"].isin(exclude_reports)
        & (indicators["indicator"] != "other")
        & (indicators["city"].fillna("").astype(str) != "")
        & indicators["publish_date"].fillna("").astype(str).str[:10].str.match(DATE_RE)
    )
    # only the columns a point reads: a copy of all 24 columns of 370 000 rows was ~250 MB
    df = indicators.loc[keep, list(dict.fromkeys([*SERIES_KEYS, *POINT_COLUMNS, "char_start"]))].copy()
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df["char_start"] = pd.to_numeric(df["char_start"], errors="coerce").fillna(0)
    df = df.dropna(subset=["value"])
    for col in ("city_code", "district", "label", "source"):
        df[col] = df[col].fillna("").astype(str)
    df["publish_date"] = df["publish_date"].astype(str).str[:10].str.rstrip("-")
    df["label"] = [
        series_label(lab, dis) for lab, dis in zip(df["label"].tolist(), df["district"].tolist(), strict=True)
    ]
    return df.sort_values(["publish_date", "source", "report_id", "char_start"], kind="stable")


def build_progress(indicators: pd.DataFrame, exclude_reports: set[str] | frozenset[str] = frozenset()) -> pd.DataFrame:
    """One row per point of every series, with the point it is compared with and the change.

    Figures filed under `other`, without a city or without a publish date form no series, nor do
    those of `exclude_reports` (reports found to repeat another report's story). A report dated
    by month only (YYYY-MM) gives points dated YYYY-MM, ordered before the days of that month.
    """
    cols = columns_of("progress")
    if indicators.empty:
        return pd.DataFrame(columns=cols)
    df = _eligible(indicators, exclude_reports)
    if df.empty:
        return pd.DataFrame(columns=cols)
    # column by column: a dict per output row held until the end cost ~1 KB a row; each column's append
    # bound once (a dict of lists filled through setdefault was a third of the loop's time). Every column
    # but `flags` (attached later), in the table's order, as each point's values below.
    filled = [c for c in cols if c != "flags"]
    out: dict[str, list] = {c: [] for c in filled}
    appends = [out[c].append for c in filled]
    for (city, indicator, label, unit, period), figures in iter_groups(df, SERIES_KEYS, POINT_COLUMNS):
        points = series_points(figures)
        for i, point in enumerate(points):
            prev, compared_with = previous_of(points, i, str(period))
            chosen = point.chosen
            change = point.value - prev.value if prev else math.nan
            report_ids = point.unique("report_id", chosen)
            values = (
                city,
                next((f["city_code"] for f in point.figures if f["city_code"]), ""),
                indicator,
                label,
                unit,
                period,
                point.day,
                point.value,
                prev.value if prev else math.nan,
                prev.day if prev else None,
                change,
                round(change / abs(prev.value) * 100, 2) if prev and prev.value != 0 else math.nan,
                chosen["report_id"],
                chosen["district"] or None,
                LIST_SEPARATOR.join(point.unique("source", chosen)),
                len(report_ids),
                LIST_SEPARATOR.join(report_ids),
                chosen["indicator_row_id"],
                LIST_SEPARATOR.join(format_plain(v) for v in point.conflict_values) or None,
                compared_with,
            )
            for add, value in zip(appends, values, strict=True):
                add(value)
    if not out["city"]:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(out).reindex(columns=cols)  # `flags` (attached later) comes out empty, as from records
