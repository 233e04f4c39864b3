"""The static report site: reads the current tables, writes comparison.csv, coverage.csv and data/site/ (HTML, SVG)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from flows.compare import build_comparison, build_coverage, prepare_progress, write_tables
from flows.csvio import atomic_write_bytes
from flows.display import PALETTE, PERIOD_NAMES, format_change, format_pct, indicator_name, indicator_order
from flows.fs import sync_files
from flows.gcfreeze import freeze_more, gc_frozen, gc_paused
from flows.site_data import (
    FIGURE_COLUMNS,
    CityView,
    Figure,
    Lookup,
    SeriesView,
    city_views,
    freshness,
    rank_series,
    series_views,
)
from flows.site_input import read_site_input
from flows.site_pages import TEMPLATES, PageWorker, environment, split_pages, write_page

SITE_DIR = "site"
SITE_INDICATOR_COLUMNS = ["indicator_row_id", "city", "province", *FIGURE_COLUMNS]
CHART_DIR = "charts"
MANIFEST = "manifest.json"
# the city pages of a site of this many points or more are shared with a second process (flows/site_pages.py):
# below, its start (~0.2 s of the other core) is more than the pages cost
PAGE_WORKER_MIN_POINTS = 20_000
# of the city pages' points, the worker's part: the run's process also writes the index page (~0.8 s at
# 10 000 reports) and pickles the worker's pages (~6 µs a point, ~21 µs to render it here, ~27 µs there)
PAGE_WORKER_SHARE = 0.6
MAX_PANELS = 9  # small multiples per city: three rows of three stay readable on a laptop screen
STRIP_PANELS = 3  # the index shows each city's top three series in one row
MAX_CITY_CARDS = 12  # the index details this many cities; every city has its page and a row in the list
MAX_CITIES_PER_CHART = 10
KPIS_ON_INDEX = 4
KPIS_ON_CITY = 8
HEADLINES_IN_ARTIFACT = 15
TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class CompareRow:
    city: CityView | None
    city_name: str
    district: str
    label: str
    period_name: str
    figure: Figure | None
    change: str
    pct: str
    base_date: str
    conflict: str


@dataclass
class IndicatorSection:
    indicator: str
    name: str
    full_name: str
    units: str
    rows: list[CompareRow]
    chart: dict | None = None  # {"src": file, "svg": markup} of its cross-city chart


@dataclass
class SiteResult:
    index: str
    pages: int
    charts: int
    charts_drawn: int
    comparison: int
    coverage: int
    headlines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def as_of_date(data_dir: Path) -> str:
    """Freshness is measured at the latest snapshot (so the page is the same whenever it is rebuilt)."""
    snaps = data_dir / "snapshots"
    days = (
        sorted(p.name for p in snaps.iterdir() if p.is_dir() and not p.name.startswith(".")) if snaps.exists() else []
    )
    return days[-1] if days else datetime.now(TZ).date().isoformat()


def _comparison_sections(
    comparison: pd.DataFrame, series: dict[tuple, SeriesView], cities: dict[str, CityView]
) -> list[IndicatorSection]:
    sections = []
    primary = comparison[comparison["primary"].astype(bool)]
    for indicator, group in primary.groupby("indicator", sort=False):
        rows = []
        for r in group.itertuples():
            s = series.get((r.city, r.indicator, r.label or "", r.unit, r.period))
            rows.append(
                CompareRow(
                    city=cities.get(r.city),
                    city_name=r.city,
                    district=r.district if isinstance(r.district, str) else "",
                    label=(r.label or "") if isinstance(r.label, str) else "",
                    period_name=PERIOD_NAMES.get(r.period, r.period),
                    figure=s.latest if s else None,
                    change=format_change(r.change_12m, r.unit),
                    pct=format_pct(r.change_12m_pct),
                    base_date=r.base_date if isinstance(r.base_date, str) else "",
                    conflict=r.conflict if isinstance(r.conflict, str) else "",
                )
            )
        sections.append(
            IndicatorSection(
                indicator=indicator,
                name=indicator_name(indicator),
                full_name=group.iloc[0]["indicator_name"],
                units="、".join(dict.fromkeys(group["unit"])),
                rows=rows,
            )
        )
    order = indicator_order()
    return sorted(sections, key=lambda s: order.get(s.indicator, 999))


def _city_chart(city: CityView, folder: Path, manifest: dict[str, str], panels: int, suffix: str = ""):
    """Small multiples of the city's top series: the full set for its page, a strip of three for the index."""
    from flows.charts import ChartSeries, Panel, small_multiples

    chosen = [
        Panel(
            s.title, s.unit, [ChartSeries(s.label or s.name, s.unit, [(f.date, f.value) for f in s.points], city.color)]
        )
        for s in rank_series(city.series)[:panels]
    ]
    title = f"{city.city} 主要指标走势"
    return small_multiples(folder / f"{city.slug}{suffix}.svg", title, chosen, manifest)


def _indicator_chart(section: IndicatorSection, comparison: pd.DataFrame, series: dict, cities, folder, manifest):
    from flows.charts import ChartSeries, cross_city

    rows = comparison[(comparison["indicator"] == section.indicator) & comparison["primary"].astype(bool)]
    unit = rows.groupby("unit")["city"].nunique().sort_values(ascending=False).index[0]
    rows = rows[rows["unit"] == unit].sort_values(["n_points", "latest_value"], ascending=False)
    picked = []
    for r in rows.head(MAX_CITIES_PER_CHART).itertuples():
        s = series.get((r.city, r.indicator, r.label or "", r.unit, r.period))
        if s is None:
            continue
        name = r.city + (s.district if s.district else "") + f"（{s.period_name}）"
        color = cities[r.city].color if r.city in cities else PALETTE[0]
        picked.append(ChartSeries(name, unit, [(f.date, f.value) for f in s.points], color))
    if len(picked) < 2:
        return None
    title = f"{section.name}：各城市比较（{unit}）"
    return cross_city(folder / f"indicator-{section.indicator}.svg", title, unit, picked, manifest)


def _coverage_matrix(coverage: pd.DataFrame, cities: list[CityView]) -> list[dict]:
    by_key = {(r["city"], r["indicator"]): r for r in coverage.to_dict("records")}
    indicators = sorted(set(coverage["indicator"]), key=lambda i: indicator_order().get(i, 999))
    anchors = [c.anchors for c in cities]  # a sort of the city's series each time it is asked
    matrix = []
    for indicator in indicators:
        cells = []
        for c, anchor in zip(cities, anchors, strict=True):
            r = by_key.get((c.city, indicator))
            if r is None:
                cells.append(None)
                continue
            cells.append(
                {
                    "text": str(r["latest_date"])[:7],
                    "cls": freshness(int(r["days_since_latest"])),
                    "href": f"{c.slug}.html#{anchor.get(indicator, '')}",
                    "title": f"{c.city} · {indicator_name(indicator)}：{r['n_points']} 个数据点，"
                    f"最新 {r['latest_date']}（{r['days_since_latest']} 天前）",
                }
            )
        matrix.append({"indicator": indicator, "name": indicator_name(indicator), "cells": cells})
    return matrix


def headline_lines(cities: list[CityView], limit: int = HEADLINES_IN_ARTIFACT) -> list[str]:
    """Markdown bullets of each city's latest changes (for the run's artifact)."""
    lines = []
    for c in cities:
        for s in [s for s in c.headline if s.has_change][:3]:
            lines.append(
                f"- **{c.city}** {s.title}: {s.previous.text} ({s.previous.date}) → {s.latest.text} "
                f"({s.latest.date}), {s.change}" + (f", {s.pct}" if s.pct else "")
            )
    return lines[:limit]


def _embed(result) -> dict:
    """A chart for the templates: its file (linked) and its SVG markup, inlined so point tooltips work."""
    from markupsafe import Markup

    return {"src": f"{CHART_DIR}/{result.path.name}", "svg": Markup(result.svg)}


def _remove_stale(folder: Path, keep: set[str], pattern: str) -> None:
    for p in folder.glob(pattern):
        if p.name not in keep:
            p.unlink(missing_ok=True)


def build_site(
    data_dir: Path | str,
    as_of: str | None = None,
    progress: pd.DataFrame | None = None,
    page_worker: bool | None = None,
) -> dict:
    """Rebuild comparison.csv, coverage.csv and the report site from the current tables of data_dir.

    `progress`: progress.csv's table as prepare_progress gives it, when the caller has just written it
    (flows/current.py): reading 190 000 rows back costs ~0.8 s. Otherwise progress.csv is read.
    `page_worker`: write a share of the city pages in a second process (flows/site_pages.py; the same
    bytes); None: when the machine has another core and the site PAGE_WORKER_MIN_POINTS points.
    flows.site_pages.SitePagesError when that process fails (what it was handed may be missing)."""
    # the figures and series the pages read stay alive throughout: left out of collections
    with gc_frozen(), PageWorker() as pages:  # no process until started; stopped if this fails
        return _build_site(Path(data_dir), as_of, progress, page_worker, pages)


def _build_site(
    data_dir: Path, as_of: str | None, progress: pd.DataFrame | None, page_worker: bool | None, pages: PageWorker
) -> dict:
    as_of = as_of or as_of_date(data_dir)
    # the columns the comparison, coverage and evidence need (all 24 of 300 000+ rows doubled a run's peak
    # memory), of the rows progress shows
    given = read_site_input(data_dir, SITE_INDICATOR_COLUMNS, progress)
    if page_worker is None:
        page_worker = len(given.progress) >= PAGE_WORKER_MIN_POINTS and (os.cpu_count() or 1) > 1
    if page_worker:
        pages.start()  # now: its imports overlap the comparison and the views below
    reports, n_figures = given.reports, given.n_figures
    # typed once for the three steps below (each made its own copy); the text frame is dropped
    progress = prepare_progress(given.progress) if progress is None else progress
    given.progress = progress
    comparison = build_comparison(progress, given.indicators, given.provinces, prepared=True)
    coverage = build_coverage(progress, given.indicators, as_of, given.provinces, prepared=True)
    write_tables(data_dir, comparison, coverage)

    lookup = Lookup(given.indicators, reports)
    del given  # the lookup holds what the pages read of the indicator rows
    with gc_paused():  # ~250 000 figures and series, alive until the last page, and no cycles among them
        views = series_views(progress, lookup, prepared=True)
        cities = city_views(views, reports, lookup)
        by_key = {(s.city, s.indicator, s.label, s.unit, s.period): s for s in views}
    freeze_more()
    for i, c in enumerate(sorted(cities, key=lambda c: (c.code or "999999", c.city))):
        c.color = PALETTE[i % len(PALETTE)]
    by_city = {c.city: c for c in cities}
    sections = _comparison_sections(comparison, by_key, by_city)

    site = data_dir / SITE_DIR
    charts_dir = site / CHART_DIR
    charts_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = charts_dir / MANIFEST
    manifest: dict[str, str] = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    city_charts: dict[str, dict] = {}
    strip_charts: dict[str, dict] = {}
    warnings: list[str] = []
    made: list = []
    for i, c in enumerate(cities):
        result = _city_chart(c, charts_dir, manifest, MAX_PANELS)
        city_charts[c.city] = _embed(result)
        made.append(result)
        if i < MAX_CITY_CARDS:
            strip = _city_chart(c, charts_dir, manifest, STRIP_PANELS, "-strip")
            strip_charts[c.city] = _embed(strip)
            made.append(strip)
    for section in sections:
        result = _indicator_chart(section, comparison, by_key, by_city, charts_dir, manifest)
        if result is not None:
            section.chart = _embed(result)
            made.append(result)
    keep_charts = {r.path.name for r in made}
    manifest = {k: v for k, v in manifest.items() if k in keep_charts}
    atomic_write_bytes(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    for pattern in ("*.svg", "*.png"):  # PNGs: charts of versions before the SVG charts
        _remove_stale(charts_dir, keep_charts, pattern)

    env = environment()
    css = (TEMPLATES / "site.css").read_text(encoding="utf-8")
    generated = datetime.now(TZ).strftime("%Y-%m-%d %H:%M")
    common = {"css": css, "as_of": as_of, "generated": generated, "warnings": warnings}
    multi = [s for s in sections if len(s.rows) > 1]
    single = [s for s in sections if len(s.rows) == 1]
    index_pieces = env.get_template("index.html").generate(
        **common,
        cities=cities,
        cards=cities[:MAX_CITY_CARDS],
        strip_charts=strip_charts,
        multi=multi,
        single=single,
        matrix=_coverage_matrix(coverage, cities),
        n_reports=int((reports["status"] == "ok").sum()) if not reports.empty else 0,
        n_figures=n_figures,
        n_series=len(views),
        n_points=len(progress),
        kpis=KPIS_ON_INDEX,
    )
    index_path = site / "index.html"
    # the worker's pages first: it writes them while this process writes the index and the others
    weights = [sum(len(s.points) for s in c.series) for c in cities]
    remote = split_pages(weights, PAGE_WORKER_SHARE) if pages.started else [False] * len(cities)
    for c, there in zip(cities, remote, strict=True):
        if there:
            context = {**common, "c": c, "chart": city_charts.get(c.city), "kpis": KPIS_ON_CITY}
            pages.submit(site / f"{c.slug}.html", "city.html", context)
    write_page(index_path, index_pieces)
    lookup.release_figures()
    written = {"index.html"}
    city_template = env.get_template("city.html")
    for c, there in zip(cities, remote, strict=True):
        if not there:
            write_page(
                site / f"{c.slug}.html",
                city_template.generate(**common, c=c, chart=city_charts.get(c.city), kpis=KPIS_ON_CITY),
            )
            lookup.release_figures()
        written.add(f"{c.slug}.html")
    if pages.started:
        pages.finish()
    _remove_stale(site, written, "city-*.html")
    sync_files(site, [site / p for p in sorted(written)])
    for path in site.rglob("*"):
        if path.is_file():
            path.chmod(0o644)  # temp files are created 0600; a web server or colleague must read the site
    return SiteResult(
        index=str(index_path.resolve()),
        pages=len(written),
        charts=len(made),
        charts_drawn=sum(r.drawn for r in made),
        comparison=len(comparison),
        coverage=len(coverage),
        headlines=headline_lines(cities),
        warnings=warnings,
    ).as_dict()
