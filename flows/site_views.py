"""What a page of the report site shows, without pandas: cities, series, figures and their sources.

Reads and writes nothing. Split from flows/site_data.py (which builds these from the tables) so that the
page worker (flows/site_pages.py) unpickles them without importing pandas (~55 MB a process).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flows.display import CATEGORY_NAMES, PERIOD_RANK, format_value, indicator_order

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
    `lookup` is a flows.site_data.Lookup (figures.position/row, source, others, looked_up).
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
        lookup: Any,
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
        self._fill(lookup.figures.row(self._row), lookup.source(self._report_id), lookup.others(self))
        lookup.looked_up.append(self)

    def _fill(self, row: tuple[str, ...], source: Source | None, others: list[Source]) -> None:
        """The looked-up fields from the indicator row's cells (FIGURE_COLUMNS), the report's source and
        the other reports' sources."""
        qualifier, high, evidence, mention, source_name, url = row
        self.text = format_value(self.value, self._unit, qualifier, _float(high) if high else math.nan)
        self.evidence = evidence
        self.before, self.mention, self.after = _split_evidence(evidence, mention)
        url = safe_url(url)
        source = source or Source(source_name, "", url, "")
        self.source = source
        self.url = url or source.url
        self.others = others

    def __reduce__(self) -> tuple:
        # pickled for the page worker (flows/site_pages.py): what _look_up reads travels with the point
        # (its row's cells and its sources), not the lookup of every figure; the worker fills it at once
        lookup = self._lookup
        row = lookup.figures.row(self._row)
        mine = (self.date, self.value, self._unit, self.conflict, self.flags)
        return (_shipped_figure, (*mine, row, lookup.source(self._report_id), lookup.others(self)))

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


def _shipped_figure(
    date: str,
    value: float,
    unit: str,
    conflict: str,
    flags: str,
    row: tuple[str, ...],
    source: Source | None,
    others: list[Source],
) -> Figure:
    """A Figure unpickled in the page worker: its fields filled, no lookup behind it (never released)."""
    f = Figure.__new__(Figure)
    f.date, f.value, f._unit, f.conflict, f.flags = date, value, unit, conflict, flags
    f._lookup = f._row = f._report_id = f._report_ids = None
    f._fill(row, source, others)
    return f
