"""What the report page shows, from progress, comparison, coverage, indicators and reports: cities, series, figures."""

from __future__ import annotations

import hashlib
import math
from operator import itemgetter

import pandas as pd

from flows.compare import prepare_progress
from flows.display import (
    CATEGORY_NAMES,
    PERIOD_NAMES,
    format_change,
    format_pct,
    indicator_category,
    indicator_name,
    series_title,
)
from flows.groups import group_positions
from flows.progress import LIST_SEPARATOR, SERIES_KEYS
from flows.site_views import (  # noqa: F401 (KEY_INDICATORS, key_rank, rank_series, safe_url: re-exported)
    KEY_INDICATORS,
    CityView,
    Figure,
    SeriesView,
    Source,
    key_rank,
    rank_series,
    safe_url,
)

# Freshness of a city's latest figure for an indicator, in days before the latest snapshot.
FRESHNESS = ((365, "fresh"), (730, "aging"), (1461, "old"))


def city_slug(city: str, code: str) -> str:
    """File name stem of a city's page: its 6-digit code, else a hash of its name."""
    if code and code.isdigit():
        return f"city-{code}"
    return "city-" + hashlib.sha1(city.encode("utf-8")).hexdigest()[:10]


FIGURE_COLUMNS = ("qualifier", "value_high", "evidence", "mention", "source", "url")
FIGURE_DEFAULTS = ("exact", "", "", "", "", "")  # of a figure whose row is not in indicators.csv
# the progress columns a Figure is made of, in its arguments' order
FIGURE_FIELDS = ("publish_date", "value", "unit", "indicator_row_id", "report_id", "report_ids", "conflict", "flags")
# what a series and its figures read of a progress row
SERIES_COLUMNS = [
    "publish_date",
    "value",
    "unit",
    "indicator_row_id",
    "report_id",
    "report_ids",
    "conflict",
    "district",
    "previous_date",
    "change",
    "change_pct",
    "compared_with",
    "flags",
]


class _RowsById:
    """Rows of a table by key, a few text columns as lists: a dict per row of all 24 indicator
    columns cost ~1 GB over 335 000 rows (the peak of a 10 000-report run)."""

    def __init__(self, df: pd.DataFrame, key: str, columns: tuple[str, ...], defaults: tuple[str, ...]) -> None:
        """`defaults`: the value of each of `columns` for a key not there or a column `df` does not have."""
        text = df[[c for c in columns if c in df.columns]].fillna("").astype(str)
        self._position = {k: i for i, k in enumerate(df[key].fillna("").astype(str).tolist())}
        self._columns = [
            text[c].tolist() if c in text.columns else _Constant(default)
            for c, default in zip(columns, defaults, strict=True)
        ]
        self._defaults = defaults

    def position(self, key: str) -> int | None:
        return self._position.get(key)

    def row(self, row: int | None) -> tuple[str, ...]:
        """The row's cells of `columns` (the defaults for a row not there or a column missing)."""
        if row is None:
            return self._defaults
        return tuple(map(itemgetter(row), self._columns))


class _Constant:
    """A column a table does not have: the same value at every row."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __getitem__(self, row: int) -> str:
        return self.value


class Lookup:
    """Rows of indicators.csv and reports.csv by id, for Figure and Source objects."""

    def __init__(self, indicators: pd.DataFrame, reports: pd.DataFrame) -> None:
        self.figures = _RowsById(indicators, "indicator_row_id", FIGURE_COLUMNS, FIGURE_DEFAULTS)
        self.reports = {r["report_id"]: r for r in reports.fillna("").astype(str).to_dict("records")}
        self._sources: dict[str, Source | None] = {}
        self.looked_up: list[Figure] = []  # figures holding looked-up fields (release_figures drops them)

    def source(self, report_id: str) -> Source | None:
        if report_id not in self._sources:  # one per report: pages ask for the same few thousand many times
            r = self.reports.get(report_id)
            made = Source(r["source"], r["title"] or r["url"], safe_url(r["url"]), r["publish_date"]) if r else None
            self._sources[report_id] = made
        return self._sources[report_id]

    def others(self, figure: Figure) -> list[Source]:
        """The sources of the other reports giving the figure's point (its report_ids but its own report)."""
        own = figure._report_id
        ids = figure._report_ids.split(LIST_SEPARATOR)
        return [s for rid in ids if rid and rid != own and (s := self.source(rid)) is not None]

    def release_figures(self) -> None:
        """Drop the fields pages looked up so far (call when a page is written: memory stays one page's)."""
        for f in self.looked_up:
            f.release()
        self.looked_up = []


def series_views(progress: pd.DataFrame, lookup: Lookup, prepared: bool = False) -> list[SeriesView]:
    """`prepared`: progress already went through prepare_progress (flags included)."""
    df = progress if prepared else prepare_progress(progress)
    if not prepared and "flags" in progress.columns:  # anomaly flags from the validation work, when present
        df["flags"] = progress["flags"].fillna("").astype(str).values
    out = []
    # the columns as lists and each series as row positions: a dict per row (iter_groups) cost ~0.5 s at 190 000 rows
    column = {c: (df[c].tolist() if c in df.columns else [""] * len(df)) for c in SERIES_COLUMNS}
    day, district, previous_date = column["publish_date"], column["district"], column["previous_date"]
    change, change_pct, compared_with = column["change"], column["change_pct"], column["compared_with"]
    point_fields = list(zip(*(column[c] for c in FIGURE_FIELDS), strict=True))  # Figure's arguments after lookup
    for (city, indicator, label, unit, period), rows in group_positions(df, SERIES_KEYS):
        rows = sorted(rows, key=day.__getitem__)  # stable: same-day points keep their frame order
        figures = [Figure(lookup, *point_fields[i]) for i in rows]
        last = rows[-1]
        previous = None
        if previous_date[last]:
            previous = next((f for f in reversed(figures[:-1]) if f.date == previous_date[last]), None)
        category = indicator_category(indicator)
        out.append(
            SeriesView(
                city=city,
                district=district[last],
                indicator=indicator,
                name=indicator_name(indicator),
                label=label,
                unit=unit,
                period=period,
                period_name=PERIOD_NAMES.get(period, period),
                title=series_title(indicator, label, period),
                category=category,
                category_name=CATEGORY_NAMES.get(category, category),
                points=figures,
                previous=previous,
                change=format_change(change[last], unit) if previous else "",
                pct=format_pct(change_pct[last]) if previous else "",
                change_value=change[last] if previous else math.nan,
                pct_value=change_pct[last] if previous else math.nan,
                compared_with=compared_with[last],
                anchor=f"ind-{indicator}" + (f"-{district[last]}" if district[last] else ""),
            )
        )
    return out


def city_views(series: list[SeriesView], reports: pd.DataFrame, lookup: Lookup) -> list[CityView]:
    by_city: dict[str, list[SeriesView]] = {}
    for s in series:
        by_city.setdefault(s.city, []).append(s)
    reps = reports.fillna("").astype(str)
    cities = []
    for city, items in by_city.items():
        rows = reps[reps["city"] == city].sort_values("publish_date", ascending=False)
        code = next((c for c in rows["city_code"] if c), "")
        province = next((p for p in rows["province"] if p), "")
        sources = [s for rid in rows["report_id"] if (s := lookup.source(rid)) is not None]
        cities.append(
            CityView(
                city=city,
                code=code,
                province=province,
                slug=city_slug(city, code),
                series=items,
                reports=sources,
                districts=sorted({s.district for s in items if s.district}),
                n_indicators=len({s.indicator for s in items}),
                latest_date=max(s.latest.date for s in items),
            )
        )
    return sorted(cities, key=lambda c: (-len(c.series), c.city))


def freshness(days: int) -> str:
    """fresh (a year) | aging (two years) | old (four years) | stale."""
    return next((name for limit, name in FRESHNESS if days <= limit), "stale")
