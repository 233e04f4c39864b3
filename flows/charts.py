"""PNG charts for the report page (matplotlib, CJK font): a city's key series, and one indicator across cities."""

from __future__ import annotations

import hashlib
import io
import json
import textwrap
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flows.csvio import atomic_write_bytes
from flows.display import PALETTE, format_number
from flows.fonts import CJKFont, find_cjk_font
from flows.progress import parse_day

STYLE_VERSION = "3"  # bump to redraw every chart after a change of look
DPI = 110
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e3e7ec"


@dataclass
class ChartSeries:
    """One line (or bar) of a chart: (ISO date, value) points in date order."""

    name: str
    unit: str
    points: list[tuple[str, float]]
    color: str = ""


@dataclass
class Panel:
    title: str
    unit: str
    series: list[ChartSeries] = field(default_factory=list)


@dataclass
class ChartResult:
    path: Path
    drawn: bool  # False: the PNG on disk already showed exactly this data
    missing_glyphs: list[str] = field(default_factory=list)


def _digest(kind: str, payload: object, font: CJKFont) -> str:
    blob = json.dumps([STYLE_VERSION, kind, font.family, payload], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _rc(font: CJKFont) -> dict:
    # a family list gives per-glyph fallback: Latin digits from DejaVu, Chinese from the CJK font
    return {
        "font.family": [font.family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "axes.edgecolor": GRID,
        "axes.labelcolor": MUTED,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "axes.titlecolor": INK,
    }


def _to_date(text: str) -> date:
    return parse_day(text)


def _style_axes(ax, unit: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, unit)))
    ax.tick_params(labelsize=8.5, length=0)


def _date_axis(ax, days: list[date]) -> None:
    from matplotlib.dates import AutoDateLocator, DateFormatter

    lo, hi = min(days), max(days)
    pad = max(timedelta(days=45), (hi - lo) * 0.12)
    ax.set_xlim(lo - pad, hi + pad)
    locator = AutoDateLocator(minticks=2, maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(DateFormatter("%Y-%m"))


def _draw_card(ax, panel: Panel) -> None:
    """A series with one point so far: the figure itself, large, instead of a lone dot on an axis."""
    s = panel.series[0]
    day, value = s.points[0]
    ax.set_axis_off()
    ax.add_patch(_rounded_box(ax))
    ax.text(
        0.5,
        0.52,
        format_number(value, s.unit) + s.unit,
        ha="center",
        va="center",
        fontsize=20,
        fontweight="bold",
        color=s.color,
        transform=ax.transAxes,
    )
    ax.text(
        0.5, 0.26, f"{day} · 仅一个数据点", ha="center", va="center", fontsize=8.5, color=MUTED, transform=ax.transAxes
    )
    ax.set_title("\n".join(textwrap.wrap(panel.title, 18)), fontsize=10, loc="left", color=INK, pad=6)


def _rounded_box(ax):
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch(
        (0.04, 0.08),
        0.92,
        0.84,
        boxstyle="round,pad=0,rounding_size=0.04",
        transform=ax.transAxes,
        facecolor="#f5f7fa",
        edgecolor=GRID,
        linewidth=0.8,
    )


def _draw_panel(ax, panel: Panel) -> None:
    if len(panel.series) == 1 and len(panel.series[0].points) == 1:
        _draw_card(ax, panel)
        return
    all_days = [_to_date(d) for s in panel.series for d, _ in s.points]
    values = [v for s in panel.series for _, v in s.points]
    for s in panel.series:
        xs = [_to_date(d) for d, _ in s.points]
        ys = [v for _, v in s.points]
        ax.plot(xs, ys, color=s.color, linewidth=2.2, marker="o", markersize=5.5, zorder=3, label=s.name)
        last = s.points[-1]
        ax.annotate(
            format_number(last[1], s.unit) + s.unit,
            (_to_date(last[0]), last[1]),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8.5,
            color=s.color,
            fontweight="bold",
        )
    top = max(values)
    bottom = min(0.0, min(values))
    ax.set_ylim(bottom, top * 1.25 if top > 0 else 1)
    _date_axis(ax, all_days)
    _style_axes(ax, panel.unit)
    ax.set_title("\n".join(textwrap.wrap(panel.title, 18)), fontsize=10, loc="left", color=INK, pad=6)


def _save(fig, path: Path) -> list[str]:
    """PNG bytes written atomically; returns the glyph-missing warnings matplotlib gave while drawing."""
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    atomic_write_bytes(path, buf.getvalue())
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def small_multiples(path: Path, title: str, panels: list[Panel], manifest: dict[str, str]) -> ChartResult:
    """One PNG with a small chart per series (up to 12), three to a row."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    font = find_cjk_font()
    for p in panels:
        for i, s in enumerate(p.series):
            s.color = s.color or PALETTE[i % len(PALETTE)]
    payload = [title, [[p.title, p.unit, [[s.name, s.unit, s.points, s.color] for s in p.series]] for p in panels]]
    digest = _digest("city", payload, font)
    if path.exists() and manifest.get(path.name) == digest:
        return ChartResult(path, drawn=False)
    cols = min(3, max(1, len(panels)))
    rows = -(-len(panels) // cols)
    with rc_context(_rc(font)):
        width, height = 4.1 * cols, 2.85 * rows + 0.55
        fig = Figure(figsize=(width, height))
        # fixed margins in inches (constrained layout costs a third of the drawing time): room for the
        # figure title, each panel's two-line title and the date ticks of the row above
        top, bottom, gap = 0.95, 0.35, 0.9
        axes_height = (height - top - bottom - (rows - 1) * gap) / rows
        fig.subplots_adjust(
            left=0.6 / width,
            right=1 - 0.2 / width,
            top=1 - top / height,
            bottom=bottom / height,
            wspace=0.22,
            hspace=gap / axes_height,
        )
        fig.suptitle(title, fontsize=13, x=0.01, ha="left", color=INK, fontweight="bold")
        axes = fig.subplots(rows, cols, squeeze=False)
        for i, ax in enumerate(axes.flat):
            if i < len(panels):
                _draw_panel(ax, panels[i])
            else:
                ax.set_visible(False)
        missing = _save(fig, path)
    manifest[path.name] = digest
    return ChartResult(path, drawn=True, missing_glyphs=missing)


def cross_city(path: Path, title: str, unit: str, series: list[ChartSeries], manifest: dict[str, str]) -> ChartResult:
    """One indicator across cities: lines over time when some city has two points or more, else bars."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    font = find_cjk_font()
    for i, s in enumerate(series):
        s.color = s.color or PALETTE[i % len(PALETTE)]
    payload = [title, unit, [[s.name, s.unit, s.points, s.color] for s in series]]
    digest = _digest("indicator", payload, font)
    if path.exists() and manifest.get(path.name) == digest:
        return ChartResult(path, drawn=False)
    over_time = any(len(s.points) > 1 for s in series)
    with rc_context(_rc(font)):
        if over_time:
            fig = Figure(figsize=(8.2, 3.9))
            fig.subplots_adjust(left=0.08, right=0.97, top=0.87, bottom=0.1)
            ax = fig.subplots()
            _draw_panel(ax, Panel("", unit, series))
            ax.legend(loc="upper left", fontsize=8.5, frameon=False, ncols=2)
        else:
            ranked = sorted(series, key=lambda s: s.points[-1][1])
            height = 1.1 + 0.42 * len(ranked)
            fig = Figure(figsize=(8.2, height))
            longest = max(len(s.name) for s in ranked)
            fig.subplots_adjust(
                left=min(0.45, 0.12 + 0.016 * longest), right=0.97, top=1 - 0.5 / height, bottom=0.4 / height
            )
            ax = fig.subplots()
            names = [s.name for s in ranked]
            values = [s.points[-1][1] for s in ranked]
            bars = ax.barh(names, values, color=[s.color for s in ranked], height=0.6, zorder=3)
            for bar, s in zip(bars, ranked, strict=True):
                ax.annotate(
                    f"{format_number(s.points[-1][1], unit)}{unit}  ({s.points[-1][0]})",
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    textcoords="offset points",
                    xytext=(4, 0),
                    va="center",
                    fontsize=8.5,
                    color=INK,
                )
            ax.set_xlim(min(0.0, min(values)), max(values) * 1.45 if max(values) > 0 else 1)
            from matplotlib.ticker import FuncFormatter

            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, unit)))
            ax.grid(axis="x", color=GRID, linewidth=0.8)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.tick_params(labelsize=9, length=0)
        ax.set_title(title, fontsize=11.5, loc="left", color=INK, fontweight="bold", pad=8)
        missing = _save(fig, path)
    manifest[path.name] = digest
    return ChartResult(path, drawn=True, missing_glyphs=missing)
