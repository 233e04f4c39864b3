"""Sentence, clause and list-item spans of normalised text (offsets, no copies)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache

SENTENCE_END = "。!?！？"
CLAUSE_SEPARATORS = ",;:，；："
ITEM_SEPARATORS = "、"
# A line that ends without terminal punctuation and is long continues on the next line
# (PDF text and e-paper columns wrap mid-sentence: "…市总工会筹集\n\n疫情防控专项资金500万元").
SOFT_WRAP_MIN_CHARS = 40
_BREAK_RE = re.compile(r"\n+")
_CLOSING_MARKS = '”’")】」』'
# Where a sentence can end: a terminal mark with the closing marks after it, or a run of line breaks.
_BOUNDARY_RE = re.compile(f"[{SENTENCE_END}][{re.escape(_CLOSING_MARKS)}]*|\n+")


@cache
def _separator_re(separators: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(separators)}]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def wrap_width(text: str) -> int:
    """Shortest line length that counts as a hard-wrapped line in this document.

    PDF text and e-paper columns break every line at about the same width, mid-sentence
    (…会同产改协调\n小组各成员单位…); when most long lines end without punctuation, lines of
    at least 60% of the typical width are taken to continue on the next line.
    """
    long_lines = [line for line in text.split("\n") if len(line.strip()) >= 12]
    lengths = [len(line) for line in long_lines]
    if len(lengths) < 6:
        return SOFT_WRAP_MIN_CHARS
    open_ended = sum(1 for line in long_lines if line.rstrip()[-1] not in SENTENCE_END)
    if open_ended < 0.5 * len(lengths):
        return SOFT_WRAP_MIN_CHARS
    lengths.sort()
    typical = lengths[len(lengths) // 2]
    return max(10, min(SOFT_WRAP_MIN_CHARS, int(typical * 0.6)))


def sentence_spans(text: str) -> list[Span]:
    """Sentences end at 。!? and at line breaks, except where a line wraps."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=4)
def _sentence_spans(text: str) -> tuple[Span, ...]:
    """sentence_spans, kept for the last few texts: process_document checks the longest sentence,
    extracts and places figures over the same text (a str keeps its hash, so a hit costs little)."""
    min_wrap = wrap_width(text)
    spans: list[Span] = []
    start = 0
    n = len(text)
    for m in _BOUNDARY_RE.finditer(text):  # the characters between matches only move on
        i = m.start()
        if text[i] != "\n":
            spans.append(Span(start, m.end()))
            start = m.end()
            continue
        line_start = text.rfind("\n", 0, i) + 1
        line = text[line_start:i]
        nxt = text[m.end() : m.end() + 1]
        wraps = (
            len(line) >= min_wrap
            and line[-1:] not in SENTENCE_END + ":;"
            and bool(nxt)
            and ("\u4e00" <= nxt <= "\u9fff" or nxt.isdigit())
        )
        if not wraps:
            if text[start:i].strip():
                spans.append(Span(start, i))
            start = m.end()
    if text[start:].strip():
        spans.append(Span(start, n))
    return tuple(spans)


def _split(text: str, span: Span, separators: str) -> list[Span]:
    out: list[Span] = []
    start = span.start
    for m in _separator_re(separators).finditer(text, span.start, span.end):
        out.append(Span(start, m.start()))
        start = m.start() + 1
    out.append(Span(start, span.end))
    return out


class SpanIndex:
    """Finds the sentence, clause and item around an offset in O(log n)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = _sentence_spans(text)
        self._starts = [s.start for s in self.sentences]
        self._clauses: dict[int, list[Span]] = {}
        self._items: dict[Span, list[Span]] = {}

    def sentence_at(self, pos: int) -> Span:
        i = bisect_right(self._starts, pos) - 1
        if i < 0:
            return Span(0, 0)
        s = self.sentences[i]
        return s if pos < s.end or s.end == len(self.text) else Span(pos, pos)

    def clauses(self, sentence: Span) -> list[Span]:
        key = sentence.start
        if key not in self._clauses:
            self._clauses[key] = _split(self.text, sentence, CLAUSE_SEPARATORS)
        return self._clauses[key]

    def clause_at(self, pos: int) -> Span:
        for c in self.clauses(self.sentence_at(pos)):
            if c.start <= pos <= c.end:
                return c
        return Span(pos, pos)

    def item_at(self, pos: int) -> Span:
        return self._item_in(self.clause_at(pos), pos)

    def _item_in(self, clause: Span, pos: int) -> Span:
        items = self._items.get(clause)
        if items is None:
            items = self._items[clause] = _split(self.text, clause, ITEM_SEPARATORS)
        for it in items:
            if it.start <= pos <= it.end:
                return it
        return clause

    def locate(self, pos: int) -> tuple[Span, Span, Span]:
        """(sentence_at(pos), clause_at(pos), item_at(pos)), each found once."""
        sentence = self.sentence_at(pos)
        for clause in self.clauses(sentence):
            if clause.start <= pos <= clause.end:
                break
        else:
            clause = Span(pos, pos)
        return sentence, clause, self._item_in(clause, pos)
