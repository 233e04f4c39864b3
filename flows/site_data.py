"""What the report page shows, from progress, comparison, coverage, indicators and reports: cities, series, figures."""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
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
from flows.groups import iter_groups
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

    def __init__(self, lookup: Lookup, point: dict) -> None:
        self.date: str = point["publish_date"]
        self.value: float = point["value"]
        self.conflict: str = point.get("conflict", "")
        self.flags: str = point.get("flags", "")
        self._lookup = lookup
        self._row = lookup.figures.position(point["indicator_row_id"])
        self._unit: str = point["unit"]
        self._report_id: str = point["report_id"]
        self._report_ids: str = point["report_ids"]

    def __getattr__(self, name: str) -> object:
        # only called for a slot not set yet: look up every field at once, plain slot reads after that
        if name not in Figure.LOOKED_UP:
            raise AttributeError(name)
        self._look_up()
        return object.__getattribute__(self, name)

    def _look_up(self) -> None:
        figures = self._lookup.figures
        row = self._row

        def cell(column: str, default: str) -> str:
            return figures.cell(row, column, default)

        self.text = format_value(self.value, self._unit, cell("qualifier", "exact"), _float(cell("value_high", "")))
        self.evidence = cell("evidence", "")
        self.before, self.mention, self.after = _split_evidence(self.evidence, cell("mention", ""))
        url = safe_url(cell("url", ""))
        self.source = self._lookup.source(self._report_id) or Source(cell("source", ""), "", url, "")
        self.url = url or self.source.url
        self.others = [
            s
            for rid in self._report_ids.split(LIST_SEPARATOR)
            if rid and rid != self._report_id and (s := self._lookup.source(rid)) is not None
        ]
        self._lookup.looked_up.append(self)

    def release(self) -> None:
        """Drop the looked-up fields (read again, they are looked up again)."""
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

    def __init__(self, df: pd.DataFrame, key: str, columns: tuple[str, ...]) -> None:
        cols = [c for c in columns if c in df.columns]
        text = df[cols].fillna("").astype(str)
        self._position = {k: i for i, k in enumerate(df[key].fillna("").astype(str).tolist())}
        self._columns = {c: text[c].tolist() for c in cols}

    def position(self, key: str) -> int | None:
        return self._position.get(key)

    def cell(self, row: int | None, column: str, default: str) -> str:
        """The row's cell; `default` for a row not there or a column the table does not have."""
        values = self._columns.get(column)
        return default if row is None or values is None else values[row]


class Lookup:
    """Rows of indicators.csv and reports.csv by id, for Figure and Source objects."""

    def __init__(self, indicators: pd.DataFrame, reports: pd.DataFrame) -> None:
        self.figures = _RowsById(indicators, "indicator_row_id", FIGURE_COLUMNS)
        self.reports = {r["report_id"]: r for r in reports.fillna("").astype(str).to_dict("records")}
        self._sources: dict[str, Source | None] = {}
        self.looked_up: list[Figure] = []  # figures holding looked-up fields (release_figures drops them)

    def source(self, report_id: str) -> Source | None:
        if report_id not in self._sources:  # one per report: pages ask for the same few thousand many times
            r = self.reports.get(report_id)
            made = Source(r["source"], r["title"] or r["url"], safe_url(r["url"]), r["publish_date"]) if r else None
            self._sources[report_id] = made
        return self._sources[report_id]

    def figure(self, point: dict) -> Figure:
        return Figure(self, point)

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
    for (city, indicator, label, unit, period), records in iter_groups(df, SERIES_KEYS, SERIES_COLUMNS):
        records = sorted(records, key=lambda r: r["publish_date"])
        figures = [lookup.figure(r) for r in records]
        last = records[-1]
        previous = None
        if last["previous_date"]:
            previous = next((f for f in reversed(figures[:-1]) if f.date == last["previous_date"]), None)
        category = indicator_category(indicator)
        out.append(
            SeriesView(
                city=city,
                district=last["district"],
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
                change=format_change(last["change"], unit) if previous else "",
                pct=format_pct(last["change_pct"]) if previous else "",
                change_value=last["change"] if previous else math.nan,
                pct_value=last["change_pct"] if previous else math.nan,
                compared_with=last["compared_with"],
                anchor=f"ind-{indicator}" + (f"-{last['district']}" if last["district"] else ""),
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
