"""Period of a figure (cumulative/annual/change/stock/unknown) from parsers/data/periods.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from parsers.segments import Span

PERIODS_PATH = Path(__file__).parent / "data" / "periods.toml"
PERIODS = ("cumulative", "annual", "change", "stock", "unknown")


class Words:
    """A list of marker words: `pattern` matches any of them (longest first), where positions matter;
    `in_text` tells whether any occurs. period_of asks a dozen such questions per figure and most find
    nothing: for a few words, substring tests answer without the start-up cost of a regex search."""

    __slots__ = ("few", "pattern", "words")

    def __init__(self, words: list[str]) -> None:
        self.words = tuple(words)
        self.pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        self.few = len(self.words) <= FEW_WORDS

    def in_text(self, text: str) -> bool:
        if not self.few:
            return self.pattern.search(text) is not None
        for word in self.words:
            if word in text:
                return True
        return False


# Up to this many words, substring tests cost less than one regex search (measured: a test ~175 machine
# instructions on a clause, a search ~1 000 to start and more per character)
FEW_WORDS = 4


@dataclass(frozen=True)
class PeriodMarkers:
    annual_clause: Words
    annual_sentence: Words
    annual_not_after: tuple[str, ...]
    year_topic: re.Pattern[str]
    cumulative_attached: Words
    cumulative_sentence: Words
    change_attached: Words
    change_weak: Words
    change_after: re.Pattern[str]
    change_after_words: Words  # the words of change_after (which adds what must follow them)
    stock_attached: Words
    stock_sentence: Words
    stock_after: Words
    cumulative_after_annual: Words
    change_not_before: tuple[str, ...]
    unknown_percent: Words
    verbs: Words


def _alt(words: list[str]) -> Words:
    return Words(words)


@cache
def markers() -> PeriodMarkers:
    d = tomllib.loads(PERIODS_PATH.read_text(encoding="utf-8"))
    return PeriodMarkers(
        annual_clause=_alt(d["annual_clause"]),
        annual_sentence=_alt(d["annual_sentence"]),
        annual_not_after=tuple(d["annual_not_after"]),
        year_topic=re.compile(d["year_topic"]),
        cumulative_attached=_alt(d["cumulative_attached"]),
        cumulative_sentence=_alt(d["cumulative_sentence"]),
        change_attached=_alt(d["change_attached"]),
        change_weak=_alt(d["change_weak"]),
        change_after=re.compile("(?:" + "|".join(map(re.escape, d["change_after"])) + ")(?=[,;。、]|$)"),
        change_after_words=_alt(d["change_after"]),
        stock_attached=_alt(d["stock_attached"]),
        stock_sentence=_alt(d["stock_sentence"]),
        stock_after=_alt(d["stock_after"]),
        cumulative_after_annual=_alt(d["cumulative_after_annual"]),
        change_not_before=tuple(d["change_not_before"]),
        unknown_percent=_alt(d["unknown_percent"]),
        verbs=_alt(d["verbs"]),
    )


class PeriodContext(NamedTuple):
    """Offsets around one figure, taken from parsers.segments.SpanIndex (a tuple: one is made per figure)."""

    start: int
    end: int
    item: Span
    clause: Span
    sentence: Span


SELECTION_AFTER_RE = re.compile(r"\s*(?:入选|获评|当选|被评为|被命名为|荣获|获得)")


def _last_match_end(words: Words, text: str) -> int:
    end = -1
    for m in words.pattern.finditer(text) if words.in_text(text) else ():
        end = m.end()
    return end


def _annual_framing(mk: PeriodMarkers, sentence_left: str) -> bool:
    for m in mk.annual_sentence.pattern.finditer(sentence_left) if mk.annual_sentence.in_text(sentence_left) else ():
        if sentence_left[m.end() : m.end() + 1] == "化":
            continue  # 全年化 (year-round) is not a reporting year
        if not sentence_left[max(0, m.start() - 2) : m.start()].endswith(mk.annual_not_after):
            return True
    for m in mk.year_topic.finditer(sentence_left) if "年" in sentence_left else ():  # (every year_topic has 年)
        tail = sentence_left[m.end() : m.end() + 14]
        # 在2022年实施的…行动中: a year inside a relative clause frames nothing
        if "在" in m.group(0) and "的" in tail.split(",")[0]:
            continue
        return True
    return False


def _changes(mk: PeriodMarkers, text: str, words: Words | None = None) -> bool:
    """A change word that states a change (新增, 比上届增加), not a level (提高到) or a modifier (新建的)."""
    words = words or mk.change_attached
    if not words.in_text(text):
        return False
    return any(not text[m.end() : m.end() + 1].startswith(mk.change_not_before) for m in words.pattern.finditer(text))


def period_of(
    text: str, ctx: PeriodContext, unit: str, default_period: str, previous: str | None, previous_end: int = -1
) -> str:
    """Markers attached to the figure first, then the sentence's framing (see periods.toml)."""
    mk = markers()
    clause_left = text[ctx.clause.start : ctx.start]
    item_left = text[ctx.item.start : ctx.start]
    item_right = text[ctx.end : ctx.item.end]
    sentence_left = text[ctx.sentence.start : ctx.start]
    clause_right = text[ctx.end : ctx.clause.end]
    if mk.cumulative_attached.in_text(clause_left):
        return "cumulative"
    if unit == "%" and mk.unknown_percent.in_text(clause_left):
        return "unknown"
    if (
        _changes(mk, item_left)
        or (mk.change_after_words.in_text(clause_right) and mk.change_after.search(clause_right))
        or (not item_left.strip() and _changes(mk, clause_left))
    ):
        return "change"
    if mk.annual_clause.in_text(clause_left) or _annual_framing(mk, clause_left):
        return "annual"  # 全年共有12万人次…: the year of the figure's own clause
    selected = bool(SELECTION_AFTER_RE.match(item_right))
    stock_left = clause_left if not mk.verbs.pattern.search(item_left) else item_left
    if not selected and (mk.stock_attached.in_text(stock_left) or mk.stock_after.in_text(clause_right)):
        return "stock"
    if previous not in (None, "unknown") and ("其中" in clause_left or "含" in clause_left):
        return previous  # 其中高技能人才47.3万人: a part keeps the period of its total
    if _annual_framing(mk, sentence_left):  # (annual_clause did not match clause_left above)
        return "annual"
    if mk.cumulative_after_annual.in_text(clause_left):
        return "cumulative"
    if _changes(mk, item_left, mk.change_weak) or (not item_left.strip() and _changes(mk, clause_left, mk.change_weak)):
        return "change"
    if default_period:
        return default_period
    # 新增高技能人才2097人,技师以上215人: a verbless item continues the last figure (not across ;)
    same_part = previous_end >= 0 and ";" not in text[previous_end : ctx.start]
    if previous not in (None, "unknown") and unit != "%" and same_part and not mk.verbs.pattern.search(item_left):
        return previous
    cumulative_at = _last_match_end(mk.cumulative_sentence, sentence_left)
    stock_at = _last_match_end(mk.stock_sentence, sentence_left)
    if cumulative_at >= 0 or stock_at >= 0:
        return "cumulative" if cumulative_at >= stock_at else "stock"
    if unit == "%":
        return "stock"
    return "unknown"
