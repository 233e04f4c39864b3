"""SVG charts for the report page, written as text to .svg files: a city's key series, one indicator across cities."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flows.csvio import atomic_write_bytes
from flows.display import PALETTE, format_number
from flows.progress import parse_day

STYLE_VERSION = "4"  # bump to redraw every chart after a change of look (4: SVG instead of matplotlib PNG)
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e3e7ec"
ZERO = "#b8c2cc"
CARD = "#f5f7fa"
# The browser draws the text: Chinese needs a CJK font, found by name on Linux, Windows and macOS.
FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
# Small multiples: panels three to a row, each a fixed box in SVG user units (px at 100 %).
COLS, PANEL_W, PANEL_H, GAP, MARGIN, HEADER = 3, 320, 236, 24, 16, 46
WIDE_W, WIDE_PLOT_H, BAR_ROW = 900, 250, 30  # cross-city charts
# XML 1.0 cannot carry these at all, even escaped: a stray control character in a label is dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CLOSING = set("）)」』】，。、；：！？,.;:!?%")


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
    drawn: bool  # False: the file on disk already showed exactly this data
    svg: str = ""  # the <svg> element, also what the file holds (for inlining into a page)


def esc(text: object) -> str:
    """Text for XML character data and double-quoted attributes."""
    text = _NOT_XML.sub("", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def text_width(text: str, size: float) -> float:
    """Estimated advance of text in the CJK font stack: ideographs are square, Latin digits about half."""
    em = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.3 if ch in " .,:;|!·()" else 0.6 for ch in text)
    return em * size


def wrap(text: str, size: float, width: float, max_lines: int = 2) -> list[str]:
    """Lines of at most width (a Latin word or number is never split; closing punctuation stays on its line)."""
    lines, line = [], ""
    for token in re.findall(r"[A-Za-z0-9.,%+\-]+|\s+|.", text):
        if line.strip() and not token.isspace() and token not in _CLOSING and text_width(line + token, size) > width:
            lines.append(line.rstrip())
            line = ""
        line += "" if (not line and token.isspace()) else token
    lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def _n(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def _text(x: float, y: float, text: str, size: float, fill: str = INK, anchor: str = "start", bold=False) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill}" text-anchor="{anchor}"{weight}>'
        f"{esc(text)}</text>"
    )


def _label(x: float, y: float, text: str, size: float, fill: str, anchor: str = "middle") -> str:
    """A value label with a white halo, readable where it crosses a line or a grid line."""
    halo = '<text stroke="#fff" stroke-width="3.5" stroke-linejoin="round" paint-order="stroke"'
    return '<g class="last">' + _text(x, y, text, size, fill, anchor, bold=True).replace("<text", halo, 1) + "</g>"


def _line(x1: float, y1: float, x2: float, y2: float, color: str = GRID, width: float = 1) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{color}" stroke-width="{width}"/>'


def _value(value: float, unit: str) -> str:
    return format_number(value, unit) + unit


def nice_ticks(lo: float, hi: float, steps: int = 5, integers: bool = False) -> list[float]:
    """Round tick values covering [lo, hi]: about steps intervals of 1, 2, 2.5 or 5 times a power of ten."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if integers:
        step = max(1.0, float(round(step)))  # a count of 0.25 people would be nonsense
    start, stop = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, 10) + 0.0 for i in range(start, stop + 1)]


def date_ticks(lo: date, hi: date, max_ticks: int) -> list[tuple[date, str]]:
    """Month ticks (2022-03; every 1, 2, 3 or 6 months) while they fit, else year ticks (2021; every 1, 2, 5… years)."""
    months = []
    y, m = lo.year, lo.month
    while date(y, m, 1) <= hi:
        if date(y, m, 1) >= lo:
            months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    for step in (1, 2, 3, 6):
        picked = [d for d in months if (d.month - 1) % step == 0]
        if len(picked) <= max_ticks:
            return [(d, f"{d.year}-{d.month:02d}") for d in picked]
    years = [d.year for d in months if d.month == 1]
    for step in (1, 2, 5, 10, 20, 50):
        picked_years = [y for y in years if y % step == 0]
        if len(picked_years) <= max_ticks:
            break
    return [(date(y, 1, 1), str(y)) for y in picked_years]


class _Scale:
    def __init__(self, lo: float, hi: float, a: float, b: float) -> None:
        self.lo, self.span, self.a, self.b = lo, (hi - lo) or 1.0, a, b

    def __call__(self, v: float) -> float:
        return self.a + (v - self.lo) / self.span * (self.b - self.a)


def _tooltip(name: str, day: str, value: float, unit: str) -> str:
    return f"{name} · {day}：{_value(value, unit)}" if name else f"{day}：{_value(value, unit)}"


def _lines_plot(out: list[str], box: tuple[float, float, float, float], series: list[ChartSeries], unit: str) -> None:
    """Axes, grid, one line with point markers per series and its last value, inside box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    values = [v for s in series for _, v in s.points]
    days = [parse_day(d) for s in series for d, _ in s.points]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values), integers=all(float(v).is_integer() for v in values))
    labels = [format_number(t, unit) for t in ticks]
    left = x0 + max(text_width(t, 11) for t in labels) + 8
    bottom = y1 - 22
    y = _Scale(ticks[0], ticks[-1], bottom, y0)
    lo, hi = min(days), max(days)
    pad = max(timedelta(days=45), (hi - lo) * 0.08)
    first, last = lo - pad, hi + pad
    x = _Scale(first.toordinal(), last.toordinal(), left, x1)
    for t, label in zip(ticks, labels, strict=True):
        out.append(_line(left, y(t), x1, y(t), ZERO if t == 0 and ticks[0] < 0 else GRID))
        out.append(_text(left - 6, y(t) + 4, label, 11, MUTED, "end"))
    for d, label in date_ticks(first, last, max(2, int((x1 - left) // 72))):
        if not x0 <= x(d.toordinal()) - text_width(label, 11) / 2 <= x1 - text_width(label, 11):
            continue  # a label that would stick out of the panel (into its neighbour) is left out
        out.append(_line(x(d.toordinal()), bottom, x(d.toordinal()), bottom + 4, ZERO))
        out.append(_text(x(d.toordinal()), bottom + 17, label, 11, MUTED, "middle"))
    placed: list[tuple[float, float, float]] = []
    for s in series:
        xy = [(x(parse_day(d).toordinal()), y(v)) for d, v in s.points]
        path = " ".join(f"{_n(a)},{_n(b)}" for a, b in xy)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{s.color}" stroke-width="2.2" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
        for (a, b), (d, v) in zip(xy, s.points, strict=True):
            out.append(
                f'<circle class="pt" cx="{_n(a)}" cy="{_n(b)}" r="4" fill="{s.color}" stroke="#fff" '
                f'stroke-width="1.5"><title>{esc(_tooltip(s.name, d, v, s.unit))}</title></circle>'
            )
        label = _value(s.points[-1][1], s.unit)
        w = text_width(label, 11.5)
        lx = min(max(xy[-1][0], left + w / 2), x1 - w / 2 + 6)
        ly = xy[-1][1] - 9
        # several series can end at the same spot: move a label up until it is clear of those placed
        for _ in range(len(placed)):
            hit = next((p for p in placed if abs(p[0] - lx) < (p[2] + w) / 2 and abs(p[1] - ly) < 15), None)
            if hit is None:
                break
            ly = hit[1] - 15
        placed.append((lx, ly, w))
        out.append(_label(lx, ly, label, 11.5, s.color))


def _card(out: list[str], box: tuple[float, float, float, float], s: ChartSeries) -> None:
    """A series with one point so far: the figure itself, large, instead of a lone dot on an axis."""
    x0, y0, x1, y1 = box
    day, value = s.points[0]
    label = _value(value, s.unit)
    size = min(28.0, (x1 - x0 - 24) / max(1.0, text_width(label, 1)))
    out.append(
        f'<rect x="{_n(x0)}" y="{_n(y0)}" width="{_n(x1 - x0)}" height="{_n(y1 - y0)}" rx="10" fill="{CARD}" '
        f'stroke="{GRID}"><title>{esc(_tooltip(s.name, day, value, s.unit))}</title></rect>'
    )
    mid = (x0 + x1) / 2
    out.append(_label(mid, (y0 + y1) / 2 + 4, label, round(size, 1), s.color))
    out.append(_text(mid, (y0 + y1) / 2 + 30, f"{day} · 仅一个数据点", 12, MUTED, "middle"))


def _svg(width: float, height: float, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
        f'height="{_n(height)}" role="img" font-family="{FONT}">'
        f"<title>{esc(title)}</title><desc>{esc(desc)}</desc>"
        f'<rect width="100%" height="100%" fill="#fff"/>' + "".join(body) + "</svg>\n"
    )


def _summary(series: list[ChartSeries]) -> str:
    return "；".join(f"{s.name} 最新 {_value(v, s.unit)}（{d}）" for s in series if s.points for d, v in s.points[-1:])


def _write(path: Path, kind: str, payload: object, manifest: dict[str, str], draw) -> ChartResult:
    """Draws and writes the chart unless the file on disk already shows this payload (then reads it back)."""
    blob = json.dumps([STYLE_VERSION, kind, payload], ensure_ascii=False, sort_keys=True, default=str)
    digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()
    if path.exists() and manifest.get(path.name) == digest:
        svg = path.read_text(encoding="utf-8", errors="replace")
        if svg.endswith("</svg>\n"):  # else cut short (a power cut before the disk had it): draw it again
            return ChartResult(path, drawn=False, svg=svg)
    svg = draw()
    # no fsync: a chart is redrawn from the tables at any time, and 300 fsyncs would cost more than the drawing
    atomic_write_bytes(path, svg.encode("utf-8"), durable=False)
    manifest[path.name] = digest
    return ChartResult(path, drawn=True, svg=svg)


def small_multiples(path: Path, title: str, panels: list[Panel], manifest: dict[str, str]) -> ChartResult:
    """One SVG with a small chart per series, three to a row."""
    for p in panels:
        for i, s in enumerate(p.series):
            s.color = s.color or PALETTE[i % len(PALETTE)]
    payload = [title, [[p.title, p.unit, [[s.name, s.unit, s.points, s.color] for s in p.series]] for p in panels]]

    def draw() -> str:
        cols = min(COLS, max(1, len(panels)))
        rows = -(-len(panels) // cols)
        width = 2 * MARGIN + cols * PANEL_W + (cols - 1) * GAP
        height = HEADER + rows * PANEL_H + MARGIN
        out = [_text(MARGIN, 30, title, 17, INK, bold=True)]
        for i, p in enumerate(panels):
            x0 = MARGIN + (i % cols) * (PANEL_W + GAP)
            y0 = HEADER + (i // cols) * PANEL_H
            out.append("<g>")
            for j, line in enumerate(wrap(p.title, 13, PANEL_W)):
                out.append(_text(x0, y0 + 14 + 17 * j, line, 13, INK, bold=True))
            box = (x0, y0 + 58, x0 + PANEL_W, y0 + PANEL_H - 12)
            if len(p.series) == 1 and len(p.series[0].points) == 1:
                _card(out, (box[0], box[1] - 14, box[2], box[3] - 4), p.series[0])
            elif any(s.points for s in p.series):
                _lines_plot(out, box, [s for s in p.series if s.points], p.unit)
            out.append("</g>")
        desc = "；".join(f"{p.title}：{_summary(p.series)}" for p in panels)
        return _svg(width, height, title, desc, out)

    return _write(path, "city", payload, manifest, draw)


def _legend(out: list[str], series: list[ChartSeries], x0: float, y0: float, width: float) -> float:
    """Swatch and name per series, wrapped into rows; returns the height used."""
    x, y = x0, y0
    for s in series:
        w = 26 + text_width(s.name, 12.5)
        if x > x0 and x + w > x0 + width:
            x, y = x0, y + 20
        out.append(_line(x, y - 4, x + 18, y - 4, s.color, 2.5))
        out.append(f'<circle cx="{_n(x + 9)}" cy="{_n(y - 4)}" r="3.5" fill="{s.color}"/>')
        out.append(_text(x + 24, y, s.name, 12.5, INK))
        x += w + 16
    return y - y0 + 20


def _bars(out: list[str], series: list[ChartSeries], unit: str, top: float) -> float:
    """Latest value per series as horizontal bars, largest first; returns the bottom of the axis."""
    ranked = sorted(series, key=lambda s: s.points[-1][1], reverse=True)
    if not ranked:
        return top
    values = [s.points[-1][1] for s in ranked]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values), integers=all(float(v).is_integer() for v in values))
    notes = [f"{_value(s.points[-1][1], unit)}（{s.points[-1][0]}）" for s in ranked]
    left = MARGIN + min(340.0, max(text_width(s.name, 12.5) for s in ranked) + 12)
    right = WIDE_W - MARGIN - max(text_width(n, 12) for n in notes) - 10
    x = _Scale(ticks[0], ticks[-1], left, right)
    bottom = top + BAR_ROW * len(ranked)
    for t in ticks:
        out.append(_line(x(t), top, x(t), bottom, ZERO if t == 0 else GRID))
        out.append(_text(x(t), bottom + 16, format_number(t, unit), 11, MUTED, "middle"))
    for i, (s, note) in enumerate(zip(ranked, notes, strict=True)):
        day, value = s.points[-1]
        mid = top + BAR_ROW * i + BAR_ROW / 2
        a, b = sorted((x(0), x(value)))
        out.append(_text(left - 10, mid + 4.5, s.name, 12.5, INK, "end"))
        out.append(
            f'<rect class="bar" x="{_n(a)}" y="{_n(mid - 9)}" width="{_n(max(b - a, 1))}" height="18" rx="2" '
            f'fill="{s.color}"><title>{esc(_tooltip(s.name, day, value, unit))}</title></rect>'
        )
        out.append(f'<g class="last">{_text(max(b, x(0)) + 6, mid + 4.5, note, 12, INK)}</g>')
    return bottom + 22


def cross_city(path: Path, title: str, unit: str, series: list[ChartSeries], manifest: dict[str, str]) -> ChartResult:
    """One indicator across cities: lines over time when some city has two points or more, else bars."""
    used: set[str] = set()
    for i, s in enumerate(series):
        s.color = s.color or PALETTE[i % len(PALETTE)]
        if s.color in used and len(used) < len(PALETTE):
            # cities share the ten palette colours; within one chart two lines must not look alike
            s.color = next(c for c in PALETTE if c not in used)
        used.add(s.color)
    series = [s for s in series if s.points]
    payload = [title, unit, [[s.name, s.unit, s.points, s.color] for s in series]]

    def draw() -> str:
        out = [_text(MARGIN, 28, title, 16, INK, bold=True)]
        if any(len(s.points) > 1 for s in series):
            legend = _legend(out, series, MARGIN, 54, WIDE_W - 2 * MARGIN)
            top = 54 + legend + 8
            _lines_plot(out, (MARGIN, top, WIDE_W - MARGIN, top + WIDE_PLOT_H), series, unit)
            height = top + WIDE_PLOT_H + 10
        else:
            height = _bars(out, series, unit, 48) + 10
        return _svg(WIDE_W, height, title, _summary(series), out)

    return _write(path, "indicator", payload, manifest, draw)
