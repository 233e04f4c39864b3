"""Period of a figure (cumulative/annual/change/stock/unknown) from parsers/data/periods.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parsers.segments import Span

PERIODS_PATH = Path(__file__).parent / "data" / "periods.toml"
PERIODS = ("cumulative", "annual", "change", "stock", "unknown")
# A clause with a verb of its own does not inherit the previous figure's period.
SHORT_ITEM_CHARS = 4


@dataclass(frozen=True)
class PeriodMarkers:
    annual_clause: re.Pattern[str]
    annual_sentence: re.Pattern[str]
    year_topic: re.Pattern[str]
    cumulative_attached: re.Pattern[str]
    cumulative_sentence: re.Pattern[str]
    change_attached: re.Pattern[str]
    change_after: re.Pattern[str]
    stock_attached: re.Pattern[str]
    stock_sentence: re.Pattern[str]
    stock_after: re.Pattern[str]
    stock_da_units: frozenset[str]
    unknown_percent: re.Pattern[str]


def _alt(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@cache
def markers() -> PeriodMarkers:
    d = tomllib.loads(PERIODS_PATH.read_text(encoding="utf-8"))
    return PeriodMarkers(
        annual_clause=_alt(d["annual_clause"]),
        annual_sentence=_alt(d["annual_sentence"]),
        year_topic=re.compile(d["year_topic"]),
        cumulative_attached=_alt(d["cumulative_attached"]),
        cumulative_sentence=_alt(d["cumulative_sentence"]),
        change_attached=_alt(d["change_attached"]),
        change_after=re.compile("(?:" + "|".join(map(re.escape, d["change_after"])) + ")(?=[,;。、]|$)"),
        stock_attached=_alt(d["stock_attached"]),
        stock_sentence=_alt(d["stock_sentence"]),
        stock_after=_alt(d["stock_after"]),
        stock_da_units=frozenset(d["stock_da_units"]),
        unknown_percent=_alt(d["unknown_percent"]),
    )


@dataclass(frozen=True)
class PeriodContext:
    """Offsets around one figure, taken from parsers.segments.SpanIndex."""

    start: int
    end: int
    item: Span
    clause: Span
    sentence: Span


def _last_match_end(pattern: re.Pattern[str], text: str) -> int:
    end = -1
    for m in pattern.finditer(text):
        end = m.end()
    return end


def period_of(text: str, ctx: PeriodContext, unit: str, default_period: str, previous: str | None) -> str:
    """Markers attached to the figure first, then the sentence's framing (see periods.toml)."""
    mk = markers()
    clause_left = text[ctx.clause.start : ctx.start]
    item_left = text[ctx.item.start : ctx.start]
    item_right = text[ctx.end : ctx.item.end]
    sentence_left = text[ctx.sentence.start : ctx.start]
    clause_right = text[ctx.end : ctx.clause.end]
    if mk.cumulative_attached.search(clause_left):
        return "cumulative"
    if unit == "%" and mk.unknown_percent.search(clause_left):
        return "unknown"
    if mk.annual_clause.search(clause_left) or mk.annual_clause.search(item_right[:4]):
        return "annual"
    annual_at = max(_last_match_end(mk.annual_sentence, sentence_left), _last_match_end(mk.year_topic, sentence_left))
    if annual_at >= 0:
        return "annual"
    if mk.change_attached.search(item_left) or mk.change_after.search(clause_right):
        return "change"
    if mk.change_attached.search(clause_left) and not item_left.strip():
        return "change"
    if mk.stock_attached.search(clause_left) or default_period == "stock" or mk.stock_after.search(clause_right):
        return "stock"
    if unit in mk.stock_da_units and re.search(r"达(?:到)?\s*(?:近|约|超过|逾)?$", clause_left):
        return "stock"
    if default_period:
        return default_period
    if (
        previous not in (None, "unknown")
        and unit != "%"
        and len(clause_left.strip()) <= SHORT_ITEM_CHARS
        and clause_left == item_left
    ):
        return previous  # 新增高技能人才2097人,技师以上215人: a verbless clause continues the last one
    cumulative_at = _last_match_end(mk.cumulative_sentence, sentence_left)
    stock_at = _last_match_end(mk.stock_sentence, sentence_left)
    if cumulative_at >= 0 or stock_at >= 0:
        return "cumulative" if cumulative_at >= stock_at else "stock"
    if unit == "%":
        return "stock"
    if previous and len(item_left.strip()) <= SHORT_ITEM_CHARS and previous != "unknown":
        return previous
    return "unknown"
