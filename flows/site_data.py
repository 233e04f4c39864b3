"""What the report page shows, from progress, comparison, coverage, indicators and reports: cities, series, figures."""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from operator import itemgetter
from urllib.parse import urlsplit

import pandas as pd

from flows.compare import PERIOD_RANK, prepare_progress
from flows.display import (
    CATEGORY_NAMES,
    PERIOD_NAMES,
    format_change,
    format_pct,
    format_value,
    indicator_category,
    indicator_name,
    indicator_order,
    series_title,
)
from flows.groups import group_positions
from flows.progress import LIST_SEPARATOR, SERIES_KEYS

# Indicators users look for first (the reform's headline numbers); the rest follow in taxonomy order.
KEY_INDICATORS = (
    "training_person_times",
    "trained_people",
    "training_funds",
    "high_skilled_talents",
    "skilled_workers",
    "craftsmen",
    "model_workers",
    "labor_medals",
    "innovation_studios",
    "innovation_results",
    "new_union_orgs",
    "new_union_members",
    "wages_recovered",
    "workers_helped",
    "legal_services",
    "disputes_mediated",
    "pilot_units",
    "policy_measures",
    "relief_funds",
    "mutual_aid_members",
    "workforce",
)
SAFE_SCHEMES = ("http", "https", "file")
# Freshness of a city's latest figure for an indicator, in days before the latest snapshot.
FRESHNESS = ((365, "fresh"), (730, "aging"), (1461, "old"))


@functools.lru_cache(maxsize=1 << 16)  # every figure of a report asks for its URL (~20 per report)
def safe_url(url: str) -> str | None:
    """Only web and file links reach the page (a document could carry a javascript: URL)."""
    url = (url or "").strip()
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_SCHEMES else None


def city_slug(city: str, code: str) -> str:
    """File name stem of a city's page: its 6-digit code, else a hash of its name."""
    if code and code.isdigit():
        return f"city-{code}"
    return "city-" + hashlib.sha1(city.encode("utf-8")).hexdigest()[:10]


def key_rank(indicator: str) -> int:
    if indicator in KEY_INDICATORS:
        return KEY_INDICATORS.index(indicator)
    return len(KEY_INDICATORS) + indicator_order().get(indicator, 999)


@dataclass
class Source:
    source: str
    title: str
    url: str | None
    date: str


class Figure:
    """One point as the page shows it: the value, and the sentence and page it comes from.

    Only the point's own fields are held until a page reads the others (text, evidence and its
    three parts, source, url, others): the first read looks them all up, and release() drops them
    once the page is written. Holding them for every point of every city (the sentence cut in
    three) was ~1.5 KB a point, the peak of the rebuild at 250 000 points.
    """

    __slots__ = (
        "_lookup",
        "_report_id",
        "_report_ids",
        "_row",
        "_unit",
        "after",
        "before",
        "conflict",
        "date",
        "evidence",
        "flags",
        "mention",
        "others",
        "source",
        "text",
        "url",
        "value",
    )
    LOOKED_UP = ("text", "evidence", "before", "mention", "after", "source", "url", "others")

    def __init__(
        self,
        lookup: Lookup,
        date: str,
        value: float,
        unit: str,
        indicator_row_id: str,
        report_id: str,
        report_ids: str,
        conflict: str = "",
        flags: str = "",
    ) -> None:
        self.date = date
        self.value = value
        self.conflict = conflict
        self.flags = flags
        self._lookup = lookup
        self._row = lookup.figures.position(indicator_row_id)
        self._unit = unit
        self._report_id = report_id
        self._report_ids = report_ids

    def __getattr__(self, name: str) -> object:
        # only called for a slot not set yet: look up every field at once, plain slot reads after that
        if name not in Figure.LOOKED_UP:
            raise AttributeError(name)
        self._look_up()
        return object.__getattribute__(self, name)

    def _look_up(self) -> None:
        lookup = self._lookup
        qualifier, high, evidence, mention, source_name, url = lookup.figures.row(self._row)
        self.text = format_value(self.value, self._unit, qualifier, _float(high) if high else math.nan)
        self.evidence = evidence
        self.before, self.mention, self.after = _split_evidence(evidence, mention)
        url = safe_url(url)
        source = lookup.source(self._report_id) or Source(source_name, "", url, "")
        self.source = source
        self.url = url or source.url
        own = self._report_id
        self.others = [
            s
            for rid in self._report_ids.split(LIST_SEPARATOR)
            if rid and rid != own and (s := lookup.source(rid)) is not None
        ]
        lookup.looked_up.append(self)

    def release(self) -> None:
        """Drop the looked-up fields (read again, they are looked up again)."""
        try:  # all set at once by _look_up: one statement, not a try per field (~200 000 figures a site)
            del self.text, self.evidence, self.before, self.mention, self.after, self.source, self.url, self.others
        except AttributeError:
            for name in Figure.LOOKED_UP:
                try:
                    object.__delattr__(self, name)
                except AttributeError:
                    pass


@dataclass
class SeriesView:
    city: str
    district: str
    indicator: str
    name: str
    label: str
    unit: str
    period: str
    period_name: str
    title: str
    category: str
    category_name: str
    points: list[Figure]
    previous: Figure | None
    change: str
    pct: str
    change_value: float
    pct_value: float
    compared_with: str
    anchor: str

    @property
    def latest(self) -> Figure:
        return self.points[-1]

    @property
    def has_change(self) -> bool:
        return self.previous is not None

    @property
    def direction(self) -> str:
        if not self.has_change or self.change_value == 0:
            return "flat"
        return "up" if self.change_value > 0 else "down"


@dataclass
class CityView:
    city: str
    code: str
    province: str
    slug: str
    series: list[SeriesView]
    reports: list[Source]
    districts: list[str]
    n_indicators: int
    latest_date: str
    color: str = ""

    @property
    def headline(self) -> list[SeriesView]:
        return rank_series(self.series)

    @property
    def anchors(self) -> dict[str, str]:
        """indicator -> id of its first row on the city page (city-wide rows come first)."""
        out: dict[str, str] = {}
        for s in sorted(self.series, key=lambda s: bool(s.district)):
            out.setdefault(s.indicator, s.anchor)
        return out

    def by_category(self, district: str = "") -> list[tuple[str, list[SeriesView]]]:
        groups: dict[str, list[SeriesView]] = {}
        for s in self.series:
            if s.district == district:
                groups.setdefault(s.category, []).append(s)
        order = list(CATEGORY_NAMES)
        return [
            (
                CATEGORY_NAMES.get(cat, cat),
                sorted(items, key=lambda s: (indicator_order().get(s.indicator, 999), s.label)),
            )
            for cat, items in sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
        ]


def rank_series(series: list[SeriesView]) -> list[SeriesView]:
    """Series worth showing first: with a change, more points, city-wide, key indicators, levels."""
    return sorted(
        series,
        key=lambda s: (
            not s.has_change,
            -len(s.points),
            bool(s.district),
            key_rank(s.indicator),
            PERIOD_RANK.get(s.period, 9),
            s.label,
        ),
    )


def _split_evidence(evidence: str, mention: str) -> tuple[str, str, str]:
    at = evidence.find(mention) if mention else -1
    if at < 0:
        return evidence, "", ""
    return evidence[:at], mention, evidence[at + len(mention) :]


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


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
