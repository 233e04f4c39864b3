"""Period of a figure (cumulative/annual/change/stock/unknown) from parsers/data/periods.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, NamedTuple

from parsers.segments import Span

PERIODS_PATH: Final = Path(__file__).parent / "data" / "periods.toml"
PERIODS: Final = ("cumulative", "annual", "change", "stock", "unknown")


ALL_LISTS: Final = -1  # a mask of every marker list: nothing known about the sentence, every question is searched


class Words:
    """A list of marker words: `pattern` matches any of them (longest first), where positions matter;
    _has tells whether any occurs. period_of asks a dozen such questions per figure and most find
    nothing: for a few words, substring tests answer without the start-up cost of a regex search."""

    __slots__ = ("bit", "few", "index", "pattern", "self_overlapping", "words")

    def __init__(self, words: list[str], index: int) -> None:
        self.words = tuple(words)
        self.index = index  # this list's place among the marker lists (KeywordHits.marker_words)
        self.bit = 1 << index  # this list's bit in a mask of marker lists (KeywordHits.marker_lists)
        self.pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        self.few = len(self.words) <= FEW_WORDS
        # words that can overlap themselves (a proper prefix that is also a suffix): their matches are not all
        # their occurrences, so _occurrences leaves them to the pattern (none in periods.toml today)
        self.self_overlapping = frozenset(w for w in self.words if any(w[:k] == w[-k:] for k in range(1, len(w))))


# Up to this many words, substring tests cost less than one regex search (measured: a test ~175 machine
# instructions on a clause, a search ~1 000 to start and more per character)
FEW_WORDS: Final = 4


@dataclass(frozen=True)
class PeriodMarkers:
    annual_clause: Words
    annual_sentence: Words
    annual_not_after: tuple[str, ...]
    year_topic: re.Pattern[str]
    month_span: re.Pattern[str]
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
    bits_by_word: dict[str, int]  # every word of the lists above -> the bits of the lists that hold it
    lists: int  # how many Words lists there are (their indices run from 0)


@cache
def markers() -> PeriodMarkers:
    d = tomllib.loads(PERIODS_PATH.read_text(encoding="utf-8"))
    made: list[Words] = []

    def _alt(words: list[str]) -> Words:
        made.append(Words(words, len(made)))
        return made[-1]

    return PeriodMarkers(
        annual_clause=_alt(d["annual_clause"]),
        annual_sentence=_alt(d["annual_sentence"]),
        annual_not_after=tuple(d["annual_not_after"]),
        year_topic=re.compile(d["year_topic"]),
        month_span=re.compile(d["month_span"]),
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
        bits_by_word=_bits_by_word(made),  # (after every _alt above)
        lists=len(made),
    )


def _bits_by_word(lists: list[Words]) -> dict[str, int]:
    bits: dict[str, int] = {}
    for words in lists:
        for word in words.words:
            bits[word] = bits.get(word, 0) | words.bit
    return bits


def _has(words: Words, lists: int, text: str, a: int, b: int, present: Present | None = None) -> bool:
    """Whether a word of `words` occurs in text[a:b], for [a, b) inside a sentence holding words of the
    marker lists in `lists`.

    period_of asks ~9 such questions per figure (~300 per report) and ~90 % find nothing: a list with no
    word in the sentence has none in its parts, which the bit mask tells without a search (the words come
    from KeywordHits' one Aho-Corasick pass per sentence, whose automaton holds every marker word). The rest
    are searched between offsets (a plain alternation of words matches there as in the slice), or by a
    substring test per word for a few words.

    `present`: the words of each list that the sentence holds (KeywordHits.marker_words, from the same pass).
    A match in text[a:b] is one of them, so a substring test per word present (most often one) answers the
    question for the price of a regex search's start.

    Tried first and dropped: an index of every marker occurrence in the text, from one Aho-Corasick pass
    over the whole report, answering each question in two look-ups; the pass cost ~250 000 instructions
    (~110 matches), more than the questions it saved.
    """
    if not lists & words.bit:
        return False  # (most questions)
    if present is not None:
        for word in present[words.index]:
            if text.find(word, a, b) != -1:
                return True
        return False
    if not words.few:
        return words.pattern.search(text, a, b) is not None
    for word in words.words:
        if text.find(word, a, b) != -1:
            return True
    return False


# Per marker list (Words.index), the words of it that a sentence holds (KeywordHits.marker_words). Where a list
# has one word in the sentence that cannot overlap itself, the list's matches in a part of the sentence are
# that word's occurrences, found by str.find (the helpers below test that in line: a call costs in Python)
Present = list[tuple[str, ...]]


class PeriodContext(NamedTuple):
    """Offsets around one figure, taken from parsers.segments.SpanIndex (a tuple: one is made per figure)."""

    start: int
    end: int
    item: Span
    clause: Span
    sentence: Span


# 3人入选…: the words right after a figure (blanks aside) that select it into a category, not a stock
SELECTION_AFTER: Final = ("入选", "获评", "当选", "被评为", "被命名为", "荣获", "获得")


def _last_match_end(words: Words, lists: int, text: str, a: int, b: int, present: Present | None = None) -> int:
    """The end of the last match of words.pattern in text[a:b], relative to a, or -1."""
    if not lists & words.bit:
        return -1
    held = present[words.index] if present is not None else None
    if held is not None and len(held) == 1 and held[0] not in words.self_overlapping:
        # the one word of the list in the sentence: the pattern's matches are its occurrences, the last ends last
        i = text.rfind(held[0], a, b)
        return i + len(held[0]) - a if i != -1 else -1
    end = -1
    for m in words.pattern.finditer(text[a:b]) if _has(words, lists, text, a, b, present) else ():
        end = m.end()
    return end


def _first_year(text: str, a: int, b: int) -> int:
    """The offset of the first 年 in text[a:b] with 19 or 20 four characters before it (19xx年, 20xx年), which
    every match of year_topic holds, or -1. year_topic starts with an alternation (^, a mark, 其中), so its
    search tries every position it is given; most slices with a 年 name no year (今年, 全年, 多年)."""
    i = text.find("年", a + 4, b)
    while i != -1:
        # text.startswith(("19", "20"), i - 4), by two characters read in place (i - 4 >= a >= 0): the call
        # with a tuple cost ~1 500 instructions compiled, each read ~25
        first = text[i - 4]
        if (first == "2" and text[i - 3] == "0") or (first == "1" and text[i - 3] == "9"):
            return i
        i = text.find("年", i + 1, b)
    return -1


def _may_name_year(text: str, a: int, b: int) -> bool:
    """Whether text[a:b] holds 19xx年 or 20xx年 (_first_year)."""
    return _first_year(text, a, b) >= 0


def _frames_year(mk: PeriodMarkers, framing: str, i: int, j: int) -> bool:
    """Whether the annual word at framing[i:j] frames the reported year: not 全年化 (year-round), not after
    截至/到 (a cut-off or a target), not the start of a span (去年11月专项行动开展以来: cumulative)."""
    if framing[j : j + 1] == "化" or framing[max(0, i - 2) : i].endswith(mk.annual_not_after):
        return False
    return "以来" not in framing[j : j + 20].split(",", 1)[0]


def _annual_framing(mk: PeriodMarkers, lists: int, text: str, a: int, b: int, present: Present | None = None) -> bool:
    """An annual framing in text[a:b] (the clause or the sentence before the figure)."""
    annual = _has(mk.annual_sentence, lists, text, a, b, present)
    year_at = _first_year(text, a, b)
    if not annual and year_at < 0:
        # (most) 1—6月,…: a span of months from January frames that year
        return text.find("月", a, b) != -1 and mk.month_span.search(text, a, b) is not None
    framing = text[a:b]
    if annual:
        held = present[mk.annual_sentence.index] if present is not None else None
        if held is not None and len(held) == 1 and held[0] not in mk.annual_sentence.self_overlapping:
            word = held[0]  # the list's one word in the sentence: its occurrences are the pattern's matches
            i = framing.find(word)
            while i != -1:
                j = i + len(word)
                if _frames_year(mk, framing, i, j):
                    return True
                i = framing.find(word, j)
        else:
            for m in mk.annual_sentence.pattern.finditer(framing):
                if _frames_year(mk, framing, m.start(), m.end()):
                    return True
    # every match of year_topic holds a 19xx年/20xx年 and starts at most YEAR_TOPIC_LEAD characters before its
    # digits: none starts before the first such year's lead, so the search starts there (its ^ still stands
    # only at the framing's start), not at every position of the framing
    for m in mk.year_topic.finditer(framing, max(0, year_at - 4 - YEAR_TOPIC_LEAD - a)) if year_at >= 0 else ():
        tail = framing[m.end() : m.end() + 14]
        # 在2022年实施的…行动中: a year inside a relative clause frames nothing
        if "在" in m.group(0) and "的" in tail.split(",")[0]:
            continue
        return True
    return False


def _changes(
    mk: PeriodMarkers, lists: int, text: str, a: int, b: int, words: Words, present: Present | None = None
) -> bool:
    """A change word in text[a:b] that states a change (新增, 比上届增加), not a level (提高到) or a modifier
    (新建的)."""
    if not lists & words.bit:
        return False
    held = present[words.index] if present is not None else None
    if held is not None and len(held) == 1 and held[0] not in words.self_overlapping:
        word = held[0]  # the list's one word in the sentence: its occurrences are the pattern's matches
        i = text.find(word, a, b)
        while i != -1:
            j = i + len(word)
            if not text[j : min(j + 1, b)].startswith(mk.change_not_before):
                return True
            i = text.find(word, j, b)
        return False
    if not _has(words, lists, text, a, b, present):
        return False
    part = text[a:b]
    return any(not part[m.end() : m.end() + 1].startswith(mk.change_not_before) for m in words.pattern.finditer(part))


# How far before its 19xx/20xx a match of year_topic can start: a mark or 其中, then 在
YEAR_TOPIC_LEAD: Final = 3

# a cut-off date: with no verb in the figure's clause, what it frames is a level, not a running total
CUT_OFF_WORDS: Final = ("截至", "截止")


def period_of(
    text: str,
    ctx: PeriodContext,
    unit: str,
    default_period: str,
    previous: str | None,
    previous_end: int = -1,
    lists: int = ALL_LISTS,
    present: Present | None = None,
) -> str:
    """Markers attached to the figure first, then the sentence's framing (see periods.toml).

    `lists`: the marker lists with a word in ctx.sentence (KeywordHits.marker_lists, found once per
    sentence), which settles most marker questions without a search. The questions are about parts of the
    sentence given by offsets: the clause before the figure [clause.start, start), the item before it, the
    clause after it [end, clause.end), the sentence before it. `present`: the words of each list that
    ctx.sentence holds (KeywordHits.marker_words), which answer the rest by substring tests.
    """
    mk = markers()
    start, end = ctx.start, ctx.end
    clause_start, clause_end, item_start = ctx.clause.start, ctx.clause.end, ctx.item.start
    if _has(mk.cumulative_attached, lists, text, clause_start, start, present):
        return "cumulative"
    if unit == "%" and _has(mk.unknown_percent, lists, text, clause_start, start, present):
        return "unknown"
    if unit == "%" and text.find("百分点", start, end) != -1:
        return "change"  # 提高了1.6个百分点: a difference of two shares
    item_left_blank = not text[item_start:start].strip()
    if (
        _changes(mk, lists, text, item_start, start, mk.change_attached, present)
        or (
            _has(mk.change_after_words, lists, text, end, clause_end, present)
            and mk.change_after.search(text[end:clause_end])
        )
        or (item_left_blank and _changes(mk, lists, text, clause_start, start, mk.change_attached, present))
    ):
        return "change"
    if _has(mk.annual_clause, lists, text, clause_start, start, present) or _annual_framing(
        mk, lists, text, clause_start, start, present
    ):
        return "annual"  # 全年共有12万人次…: the year of the figure's own clause
    selected = text[end : ctx.item.end].lstrip().startswith(SELECTION_AFTER)  # (lstrip drops what \s matches)
    stock_start = clause_start if not _has(mk.verbs, lists, text, item_start, start, present) else item_start
    if not selected and (
        _has(mk.stock_attached, lists, text, stock_start, start, present)
        or _has(mk.stock_after, lists, text, end, clause_end, present)
    ):
        return "stock"
    if previous not in (None, "unknown"):
        clause_left = text[clause_start:start]
        if "其中" in clause_left or "含" in clause_left:
            return previous  # 其中高技能人才47.3万人: a part keeps the period of its total
    if _annual_framing(mk, lists, text, ctx.sentence.start, start, present) or text.startswith(
        mk.annual_clause.words, ctx.sentence.start
    ):  # (annual_clause did not match the clause; 每年春节前,…为两千多名困难职工: it opens the sentence)
        return "annual"
    if _has(mk.cumulative_after_annual, lists, text, clause_start, start, present):
        return "cumulative"
    if _changes(mk, lists, text, item_start, start, mk.change_weak, present) or (
        item_left_blank and _changes(mk, lists, text, clause_start, start, mk.change_weak, present)
    ):
        return "change"
    if default_period:
        return default_period
    # 新增高技能人才2097人,技师以上215人: a verbless item continues the last figure (not across ;)
    same_part = previous_end >= 0 and ";" not in text[previous_end:start]
    if (
        previous not in (None, "unknown")
        and unit != "%"
        and same_part
        and not _has(mk.verbs, lists, text, item_start, start, present)
    ):
        return previous
    cumulative_at = _last_match_end(mk.cumulative_sentence, lists, text, ctx.sentence.start, start, present)
    stock_at = _last_match_end(mk.stock_sentence, lists, text, ctx.sentence.start, start, present)
    if cumulative_at >= 0 or stock_at >= 0:
        if cumulative_at < stock_at:
            return "stock"
        if text.endswith(CUT_OFF_WORDS, 0, ctx.sentence.start + cumulative_at) and not _has(
            mk.verbs, lists, text, clause_start, start, present
        ):
            return "stock"  # 截至11月底,全区产业工人约9.6万人: a level at a date (截至…累计培训 is cumulative)
        return "cumulative"
    if unit == "%":
        return "stock"
    return "unknown"
