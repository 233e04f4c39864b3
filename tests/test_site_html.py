"""flows/site_html.py writes the markup the Jinja macros it replaced wrote: both render the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from flows.site_data import Source
from flows.site_html import evidence_items, figure
from flows.site_pages import environment as _environment

# The macros as they were in templates/macros.html before site_html.py took their place: the reference.
REFERENCE = """\
{% macro figure(f) -%}
{% if f is none %}<span class="none">—</span>{% else -%}
<span class="fig">{% if f.url %}<a href="{{ f.url }}" title="{{ f.evidence }}">{{ f.text }}</a>{% else %}\
<span title="{{ f.evidence }}">{{ f.text }}</span>{% endif %}
{%- if f.conflict %}<span class="badge warn" title="同日报道数值不一致：{{ f.conflict }}">数值不一致</span>{% endif %}
{%- if f.flags %}<span class="badge flag" title="{{ f.flags }}">需核对</span>{% endif %}
{%- if f.others %}<span class="badge" title="另有 {{ f.others|length }} 篇报道给出同一数字">\
{{ f.others|length + 1 }} 个来源</span>{% endif %}</span>
{%- endif %}
{%- endmacro %}
{% macro evidence(figures, summary="原文") -%}
<details class="ev"><summary>{{ summary }}</summary>
{% for f in figures %}
<div class="ev-item">
<p class="ev-head"><span class="ev-date">{{ f.date }}</span> <strong>{{ f.text }}</strong></p>
<blockquote>{{ f.before }}<mark>{{ f.mention }}</mark>{{ f.after }}</blockquote>
<p class="ev-src">来源：{% if f.source.url %}<a href="{{ f.source.url }}">{{ f.source.title }}</a>{% else %}\
{{ f.source.title }}{% endif %}（{{ f.source.source }}）
{%- for o in f.others %}；另见 {% if o.url %}<a href="{{ o.url }}">{{ o.title }}</a>{% else %}{{ o.title }}{% endif %}\
（{{ o.source }}，{{ o.date }}）{% endfor %}</p>
{% if f.conflict %}<p class="ev-warn">同日报道数值不一致：{{ f.conflict }}。\
表中取多数报道给出的数值，未作平均。</p>{% endif %}
{% if f.flags %}<p class="ev-warn">校验提示：{{ f.flags }}</p>{% endif %}
</div>
{% endfor %}
</details>
{%- endmacro %}
"""

# what the current macros.html keeps around the Python part
CURRENT = """\
{% from "macros.html" import evidence %}{{ evidence(figures, summary) }}|{{ figure(one) }}"""


@dataclass
class FakeFigure:
    """The fields of flows.site_data.Figure that the two pieces read."""

    date: str = "2024-05-01"
    text: str = "1.2万人次"
    before: str = "全市累计培训"
    mention: str = "1.2万人次"
    after: str = "。"
    evidence: str = "全市累计培训1.2万人次。"
    url: str | None = "https://example.org/a?x=1&y=2"
    source: Source = field(default_factory=lambda: Source("xinhua", "培训", "https://example.org/a", "2024-05-01"))
    others: list[Source] = field(default_factory=list)
    conflict: str = ""
    flags: str = ""


TRICKY = "<b>\"引号\" & 'apostrophe'</b> > 2"
FIGURES = [
    FakeFigure(),
    FakeFigure(url=None, source=Source("local", "无链接的报道", None, "2024-05-02")),
    FakeFigure(
        text=TRICKY,
        before=TRICKY,
        mention="<mark>",
        after="&amp;",
        evidence=TRICKY,
        url='javascript:"x"',
        conflict="120 / 130",
        flags="cumulative_fell: 较上期下降 <10%>",
        others=[
            Source("a&b", "另一篇 <标题>", "https://example.org/b?q='1'", "2024-05-03"),
            Source("c", "没有链接", None, ""),
        ],
    ),
    FakeFigure(others=[Source("d", "第三篇", "https://example.org/c", "2024-06-01")], flags="需核对"),
]


@pytest.mark.parametrize("one", [*FIGURES, None], ids=lambda f: "none" if f is None else f.text[:6])
def test_python_pieces_write_what_the_macros_wrote(one: FakeFigure | None) -> None:
    env = _environment()
    reference = env.from_string(REFERENCE)
    expected = (
        reference.module.evidence(FIGURES, "原文（4）") + "|" + reference.module.figure(one)  # type: ignore[attr-defined]
    )
    rendered = env.from_string(CURRENT).render(figures=FIGURES, summary="原文（4）", one=one)
    assert rendered == expected
    assert str(figure(one)) == str(reference.module.figure(one))  # type: ignore[attr-defined]


def test_evidence_items_of_nothing_is_empty() -> None:
    assert str(evidence_items([])) == ""
    assert "&lt;b&gt;" in str(evidence_items([FIGURES[2]]))  # escaped, never raw markup


# series_table as it was before series_rows took its rows' place (it called the evidence macro above)
REFERENCE_TABLE = """\
{% macro series_table(groups) -%}
<div class="scroll">
<table class="data series">
<thead><tr><th>指标</th><th>名目</th><th>口径</th><th class="num">最新值</th><th>日期</th><th class="num">上期值</th>\
<th class="num">变化</th><th>原文与来源</th></tr></thead>
{% for category, items in groups %}
<tbody>
<tr class="cat-row"><th colspan="8" scope="rowgroup">{{ category }}</th></tr>
{% for s in items %}
<tr{% if loop.changed(s.indicator) %} id="{{ s.anchor }}"{% endif %}>
<td>{{ s.name }}</td>
<td>{{ s.label }}</td>
<td><span class="period p-{{ s.period }}">{{ s.period_name }}</span></td>
<td class="num">{{ figure(s.latest) }}</td>
<td class="date">{{ s.latest.date }}</td>
<td class="num">{% if s.previous %}{{ figure(s.previous) }}<br><span class="sub">{{ s.previous.date }}</span>\
{% elif s.period == "annual" and s.points|length > 1 %}<span class="none" title="没有上一年度的年度数据">—</span>\
{% else %}<span class="none">—</span>{% endif %}</td>
<td class="num chg {{ s.direction }}">{{ s.change }}{% if s.pct %}<br><span class="sub">{{ s.pct }}</span>{% endif %}\
{% if s.compared_with == "previous_year" %}<br><span class="sub">较上年</span>{% endif %}</td>
<td>{{ evidence(s.points|reverse, "原文（%d）" % s.points|length) }}</td>
</tr>
{% endfor %}
</tbody>
{% endfor %}
</table>
</div>
{%- endmacro %}
"""


@dataclass
class FakeSeries:
    """The fields of flows.site_data.SeriesView that a row of the series table reads."""

    indicator: str
    points: list[FakeFigure]
    previous: FakeFigure | None = None
    name: str = "职业技能培训"
    label: str = ""
    period: str = "cumulative"
    period_name: str = "累计"
    change: str = "+1,000"
    pct: str = ""
    compared_with: str = "previous_figure"
    direction: str = "up"
    anchor: str = "s-training"

    @property
    def latest(self) -> FakeFigure:
        return self.points[-1]

    @property
    def has_change(self) -> bool:
        return self.previous is not None


GROUPS = [
    (
        "技能提升 <队伍>",
        [
            FakeSeries("training", FIGURES[:2], previous=FIGURES[0], pct="+8.3%", anchor="a&1"),
            FakeSeries("training", [FIGURES[2]], label=TRICKY, change="", direction="flat"),  # same indicator
            FakeSeries("union", FIGURES[1:], period="annual", period_name="年度", compared_with="previous_year"),
            FakeSeries("union", [FIGURES[3]], period="annual", name="工会 & 组织", change="-2", direction="down"),
            FakeSeries("union", FIGURES[2:], period="annual", label="两个年度点"),  # no previous year's figure
            FakeSeries("training", FIGURES, previous=FIGURES[2], pct="-1.5%", compared_with="previous_year"),
        ],
    ),
    ("权益", [FakeSeries("wages", [FIGURES[0]], anchor="w")]),  # a new category: anchors start again
    ("空", []),
]


def test_series_rows_write_what_the_series_table_wrote() -> None:
    env = _environment()
    reference = env.from_string(REFERENCE + REFERENCE_TABLE).module.series_table(GROUPS)  # type: ignore[attr-defined]
    current = env.from_string('{% from "macros.html" import series_table %}{{ series_table(groups) }}')
    assert current.render(groups=GROUPS) == str(reference)
    assert 'id="a&amp;1"' in str(reference) and str(reference).count("<tr id=") == 4


# the kpi card as it was in templates/macros.html before kpi_card took its place
REFERENCE_KPI = """\
{% macro kpi(s, city_link="") -%}
<div class="kpi">
<p class="kpi-name">{{ s.name }}{% if s.label and s.label != s.name %}<span class="kpi-label"> · {{ s.label }}</span>\
{% endif %}</p>
<p class="kpi-value">{{ figure(s.latest) }}</p>
<p class="kpi-change {{ s.direction }}">
{% if s.has_change %}{% if s.direction == "up" %}▲{% elif s.direction == "down" %}▼{% else %}■{% endif %} \
{{ s.change }}{% if s.pct %}（{{ s.pct }}）{% endif %}
<span class="kpi-since">{% if s.compared_with == "previous_year" %}较上年 {% else %}较 {% endif %}\
{{ s.previous.date }}</span>
{% else %}<span class="kpi-since">首个数据点</span>{% endif %}
</p>
<p class="kpi-meta">{{ s.period_name }} · {{ s.latest.date }}</p>
{{ evidence(s.points|reverse) }}
</div>
{%- endmacro %}
"""

KPI_SERIES = [
    *(s for _, items in GROUPS for s in items),
    FakeSeries("training", FIGURES[:2], previous=FIGURES[0], direction="flat", change="±0", label="职业技能培训"),
    FakeSeries("training", FIGURES[1:3], previous=FIGURES[1], direction="down", change="-3", name=TRICKY, label=TRICKY),
]


@pytest.mark.parametrize("series", KPI_SERIES, ids=lambda s: f"{s.indicator}-{s.direction}-{s.previous is not None}")
def test_kpi_card_writes_what_the_kpi_macro_wrote(series: FakeSeries) -> None:
    env = _environment()
    reference = env.from_string(REFERENCE + REFERENCE_KPI).module.kpi(series)  # type: ignore[attr-defined]
    current = env.from_string('{% from "macros.html" import kpi %}{{ kpi(s) }}')
    assert current.render(s=series) == str(reference)
