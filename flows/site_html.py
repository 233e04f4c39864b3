"""The site's most repeated pieces of HTML (a figure, its evidence, a city table's rows, a headline card) written
in Python; reads and writes nothing.

They are template globals (flows/site.py): templates/macros.html `evidence` calls evidence_block,
`series_table` calls series_rows, `kpi` calls kpi_card, and every page calls figure(). As Jinja macros
they cost ~60 µs an item (an attribute look-up and an escape call per field through Jinja's runtime),
and a 10 000-report site holds ~250 000 items and ~80 000 figures: ~40 % of the page rendering. The
markup is what the macros produced (trim_blocks: a block tag's own line break is dropped);
tests/test_site_html.py compares the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape


def evidence_items(figures: Iterable[Any]) -> Markup:
    """<div class="ev-item"> of each figure (a flows.site_data.Figure): its date, value, sentence
    with the figure marked, its source and the other sources, and its conflict and flag notes."""
    parts: list[str] = []
    for f in figures:
        source = f.source
        parts.append(
            '<div class="ev-item">\n<p class="ev-head"><span class="ev-date">'
            f"{_esc(f.date)}</span> <strong>{_esc(f.text)}</strong></p>\n"
            f"<blockquote>{_esc(f.before)}<mark>{_esc(f.mention)}</mark>{_esc(f.after)}</blockquote>\n"
            f'<p class="ev-src">来源：{_link(source.url, source.title)}（{_esc(source.source)}）'
        )
        for o in f.others:
            parts.append(f"；另见 {_link(o.url, o.title)}（{_esc(o.source)}，{_esc(o.date)}）")
        parts.append("</p>\n")
        if f.conflict:
            parts.append(
                f'<p class="ev-warn">同日报道数值不一致：{_esc(f.conflict)}。表中取多数报道给出的数值，未作平均。</p>'
            )
        if f.flags:
            parts.append(f'<p class="ev-warn">校验提示：{_esc(f.flags)}</p>')
        parts.append("</div>\n")
    return Markup("".join(parts))


def evidence_block(figures: Iterable[Any], summary: str = "原文") -> Markup:
    """The evidence of one or more figures, opened on demand: a <details> with evidence_items."""
    return Markup(f'<details class="ev"><summary>{_esc(summary)}</summary>\n{evidence_items(figures)}</details>')


def figure(f: Any) -> Markup:
    """A figure's value linked to its report with the sentence as the tooltip, and its badges
    (conflicting values, validation flags, other sources); a dash for none."""
    if f is None:
        return Markup('<span class="none">—</span>')
    evidence, value = _esc(f.evidence), _esc(f.text)
    if f.url:
        parts = [f'<span class="fig"><a href="{_esc(f.url)}" title="{evidence}">{value}</a>']
    else:
        parts = [f'<span class="fig"><span title="{evidence}">{value}</span>']
    if f.conflict:
        parts.append(f'<span class="badge warn" title="同日报道数值不一致：{_esc(f.conflict)}">数值不一致</span>')
    if f.flags:
        parts.append(f'<span class="badge flag" title="{_esc(f.flags)}">需核对</span>')
    if f.others:
        n = len(f.others)
        parts.append(f'<span class="badge" title="另有 {n} 篇报道给出同一数字">{n + 1} 个来源</span>')
    parts.append("</span>")
    return Markup("".join(parts))


def series_rows(items: Iterable[Any]) -> Markup:
    """The <tr> of each series (a flows.site_data.SeriesView) of one category of a city's table: name,
    label, period, latest and previous figure, change, and the evidence of every point, newest first.
    The first row of each indicator carries its anchor (what `loop.changed` gave in the macro)."""
    parts: list[str] = []
    last_indicator: object = _NOTHING
    for s in items:
        latest, previous, n_points = s.latest, s.previous, len(s.points)
        opening = f'<tr id="{_esc(s.anchor)}">' if s.indicator != last_indicator else "<tr>"
        last_indicator = s.indicator
        if previous:
            before = f'{figure(previous)}<br><span class="sub">{_esc(previous.date)}</span>'
        elif s.period == "annual" and n_points > 1:
            before = '<span class="none" title="没有上一年度的年度数据">—</span>'
        else:
            before = '<span class="none">—</span>'
        change = _esc(s.change)
        if s.pct:
            change += f'<br><span class="sub">{_esc(s.pct)}</span>'
        if s.compared_with == "previous_year":
            change += '<br><span class="sub">较上年</span>'
        parts.append(
            f"{opening}\n<td>{_esc(s.name)}</td>\n<td>{_esc(s.label)}</td>\n"
            f'<td><span class="period p-{_esc(s.period)}">{_esc(s.period_name)}</span></td>\n'
            f'<td class="num">{figure(latest)}</td>\n<td class="date">{_esc(latest.date)}</td>\n'
            f'<td class="num">{before}</td>\n<td class="num chg {_esc(s.direction)}">{change}</td>\n'
            f"<td>{evidence_block(reversed(s.points), f'原文（{n_points}）')}</td>\n</tr>\n"
        )
    return Markup("".join(parts))


def kpi_card(s: Any) -> Markup:
    """A headline card of a series (a flows.site_data.SeriesView): its latest figure, the change from the
    point it is compared with (or that it is the first), its period and date, and the evidence of every point."""
    name, label = s.name, s.label
    head = _esc(name) + (f'<span class="kpi-label"> · {_esc(label)}</span>' if label and label != name else "")
    if s.has_change:
        arrow = _ARROWS.get(s.direction, "■")
        pct = f"（{_esc(s.pct)}）" if s.pct else ""
        since = "较上年 " if s.compared_with == "previous_year" else "较 "
        change = f'{arrow} {_esc(s.change)}{pct}<span class="kpi-since">{since}{_esc(s.previous.date)}</span>\n'
    else:
        change = '<span class="kpi-since">首个数据点</span>'
    latest = s.latest
    return Markup(
        f'<div class="kpi">\n<p class="kpi-name">{head}</p>\n<p class="kpi-value">{figure(latest)}</p>\n'
        f'<p class="kpi-change {_esc(s.direction)}">\n{change}</p>\n'
        f'<p class="kpi-meta">{_esc(s.period_name)} · {_esc(latest.date)}</p>\n'
        f"{evidence_block(reversed(s.points))}\n</div>"
    )


_ARROWS = {"up": "▲", "down": "▼"}  # any other direction (flat): ■
_NOTHING = object()  # no indicator yet: the first row always gets its anchor


def _link(url: object, title: object) -> str:
    return f'<a href="{_esc(url)}">{_esc(title)}</a>' if url else _esc(title)


def _esc(value: object) -> str:
    """markupsafe.escape(value) as text; a str with nothing to escape (most sentences) is returned as is
    (escape() builds a Markup for each of ~3 million fields)."""
    if type(value) is str and not ("&" in value or "<" in value or ">" in value or "'" in value or '"' in value):
        return value
    return str(escape(value))
