"""flows/site_html.py writes the markup the Jinja macros it replaced wrote: both render the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from flows.site import _environment
from flows.site_data import Source
from flows.site_html import evidence_items, figure

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
