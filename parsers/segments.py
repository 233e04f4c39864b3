"""Sentence, clause and list-item spans of normalised text (offsets, no copies)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from typing import Final, NamedTuple

SENTENCE_END: Final = "。!?！？"
CLAUSE_SEPARATORS: Final = ",;:，；："
ITEM_SEPARATORS: Final = "、"
# A line that ends without terminal punctuation and is long continues on the next line
# (PDF text and e-paper columns wrap mid-sentence: "…市总工会筹集\n\n疫情防控专项资金500万元").
SOFT_WRAP_MIN_CHARS: Final = 40
_CLOSING_MARKS: Final = '”’")】」』'  # after a terminal mark, still in its sentence


class Span(NamedTuple):
    """[start, end) of the text. A tuple: made, hashed and compared in C, per figure and per clause."""

    start: int
    end: int


# Span(a, b) calls the Python __new__ that NamedTuple writes; _new(Span, (a, b)) makes the same tuple in C
# (1.6x faster in CPython, and compiled code would call back into the interpreter for the former)
_new: Final = tuple.__new__


BMP: Final = 0x10000  # code points below it: a char_table has a byte for each


def char_table(chars: Iterable[str]) -> bytes:
    """A byte per code point of the Basic Multilingual Plane, 1 at each of `chars` (BMP characters), 0 elsewhere.

    `o < BMP and table[o]` with `o = ord(text[i])` answers `text[i:i + 1] in frozenset(chars)`: compiled, an
    index into a str read as its code point and an index into bytes take ~50 instructions, where the slice (a
    new str for a Han character), its hash and the set look-up take ~550; in the interpreter about the same.
    """
    table = bytearray(BMP)
    for ch in chars:
        if len(ch) != 1 or ord(ch) >= BMP:
            raise ValueError(f"not a character of the Basic Multilingual Plane: {ch!r}")
        table[ord(ch)] = 1
    return bytes(table)


# str.isspace's characters (no character beyond the BMP is whitespace; tests/test_char_tables.py checks the list)
SPACE_TABLE: Final = char_table(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


def wrap_width(text: str) -> int:
    """Shortest line length that counts as a hard-wrapped line in this document.

    PDF text and e-paper columns break every line at about the same width, mid-sentence
    (…会同产改协调\n小组各成员单位…); when most long lines end without punctuation, lines of
    at least 60% of the typical width are taken to continue on the next line.
    """
    return wrap_width_of_lines(text.split("\n"))


def wrap_width_of_lines(lines: list[str]) -> int:
    """wrap_width of the text these lines make."""
    lengths: list[int] = []  # of the long lines (12 characters or more, blanks aside)
    open_ended = 0
    for line in lines:
        if len(line) < 12:
            continue  # (shorter still without its blanks)
        stripped = line.strip()
        if len(stripped) >= 12:
            lengths.append(len(line))
            if stripped[-1] not in SENTENCE_END:
                open_ended += 1
    if len(lengths) < 6 or open_ended < 0.5 * len(lengths):
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
    extracts and places figures over the same text (a str keeps its hash, so a hit costs little).

    A sentence ends after a terminal mark (。!?！？) and the closing marks right after it, or at a run of
    line breaks unless the line before it wraps. The boundaries are found by str.find per character (each
    scan runs at memchr speed in C) and walked in order: a regex for them ([。!?！？\n] followed by the
    closing marks or the rest of the line breaks) tested every character against its class and made a
    match object per boundary, ~3x the instructions.
    """
    n = len(text)
    marks = char_offsets(text, SENTENCE_END)
    breaks = char_offsets(text, "\n")
    spans: list[Span] = []
    start = 0
    done = 0  # what the boundaries so far took in (a run of line breaks, the closing marks after a mark)
    min_wrap = -1  # wrap_width(text), computed when a line's length is between its bounds (10 and 40)
    k, nk = 0, len(marks)
    b, nb = 0, len(breaks)
    previous_break = -1  # the line break before the current one
    while k < nk or b < nb:
        if b >= nb or (k < nk and marks[k] < breaks[b]):
            i = marks[k]
            k += 1
            if i < done:
                continue
            end = i + 1
            while end < n and text[end] in _CLOSING_MARKS:
                end += 1
            spans.append(_new(Span, (start, end)))
            start = done = end
            continue
        i = breaks[b]
        b += 1
        line_start = previous_break + 1
        previous_break = i
        if i < done:
            continue
        end = i + 1  # the run of line breaks
        while b < nb and breaks[b] == end:
            previous_break = end
            end += 1
            b += 1
        done = end
        width = i - line_start  # the line before the run
        wraps = False
        if width >= 10 and text[i - 1] not in _NO_WRAP_AFTER and end < n:
            nxt = text[end]
            if "\u4e00" <= nxt <= "\u9fff" or nxt.isdigit():
                if width < SOFT_WRAP_MIN_CHARS and min_wrap < 0:
                    min_wrap = wrap_width(text)
                wraps = width >= SOFT_WRAP_MIN_CHARS or width >= min_wrap
        if not wraps:
            if i > start and (not text[start].isspace() or text[start:i].strip()):
                spans.append(_new(Span, (start, i)))
            start = end
    if start < n and (not text[start].isspace() or text[start:].strip()):
        spans.append(_new(Span, (start, n)))
    return tuple(spans)


_NO_WRAP_AFTER: Final = SENTENCE_END + ":;"  # a line that ends with one of these does not continue on the next


def char_offsets(text: str, chars: str) -> list[int]:
    """Sorted offsets of every character of `chars` in `text`.

    str.find per character: each scan runs in C at memchr speed, while a regex character class is
    tested character by character (the separators of a text took ~60 instructions per character).
    (Adding up the lengths of text.split(ch) instead cost 3x more: a new string per part.)
    """
    found: list[int] = []
    kinds = 0
    for ch in chars:
        i = text.find(ch)
        if i != -1:
            kinds += 1
        while i != -1:
            found.append(i)
            i = text.find(ch, i + 1)
    if kinds > 1:
        found.sort()  # (one kind of separator, the usual ",", is found in order)
    return found


def _part_at(separators: list[int], span: Span, pos: int, i: int = -1) -> Span:
    """The part of `span` that holds `pos` when `span` is cut at each separator it contains (the
    separator belongs to neither side); a position on a separator belongs to the part before it.

    `separators` are the separator offsets of the whole text, sorted: two bisections replace
    splitting the span and scanning its parts. `i`: bisect_left(separators, pos) when the caller has it.
    """
    if not span.start <= pos <= span.end:
        return _new(Span, (pos, pos))
    if i < 0:
        i = bisect_left(separators, pos)  # the first separator at or after pos ends the part
    end = separators[i] if i < len(separators) and separators[i] < span.end else span.end
    start = separators[i - 1] + 1 if i and separators[i - 1] >= span.start else span.start
    return _new(Span, (start, end))


def count_below(values: list[int], pos: int, i: int) -> int:
    """bisect_left(values, pos) (how many values are below pos), stepping on from `i`, the count for an
    earlier position: extraction locates a text's figures in order, so a few steps replace a bisection (a
    call into the bisect module from compiled code costs ~1 000 instructions)."""
    if i > len(values) or (i > 0 and values[i - 1] >= pos):
        return bisect_left(values, pos)  # (pos went back)
    n = len(values)
    while i < n and values[i] < pos:
        i += 1
    return i


class SpanIndex:
    """Finds the sentence, clause and item around an offset in O(log n) (in amortised O(1) steps when
    `locate` is asked about positions in increasing order)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = _sentence_spans(text)
        self._starts = [s.start for s in self.sentences]
        self._clause_separators = char_offsets(text, CLAUSE_SEPARATORS)
        self._item_separators = char_offsets(text, ITEM_SEPARATORS)
        # locate's counts for the last position asked: sentence starts at or before it, separators below it
        self._sentence_i = 0
        self._clause_i = 0
        self._item_i = 0

    def sentence_at(self, pos: int) -> Span:
        i = bisect_right(self._starts, pos) - 1
        return self._sentence(i, pos)

    def _sentence(self, i: int, pos: int) -> Span:
        """The sentence of `pos`, the i-th sentence being the last that starts at or before it."""
        if i < 0:
            return _new(Span, (0, 0))
        s = self.sentences[i]
        return s if pos < s.end or s.end == len(self.text) else _new(Span, (pos, pos))

    def clause_at(self, pos: int) -> Span:
        return _part_at(self._clause_separators, self.sentence_at(pos), pos)

    def item_at(self, pos: int) -> Span:
        return _part_at(self._item_separators, self.clause_at(pos), pos)

    def locate(self, pos: int) -> tuple[Span, Span, Span]:
        """(sentence_at(pos), clause_at(pos), item_at(pos)), each found once."""
        # sentences that start at or before pos: those that start below pos + 1
        self._sentence_i = count_below(self._starts, pos + 1, self._sentence_i)
        self._clause_i = count_below(self._clause_separators, pos, self._clause_i)
        self._item_i = count_below(self._item_separators, pos, self._item_i)
        sentence = self._sentence(self._sentence_i - 1, pos)
        clause = _part_at(self._clause_separators, sentence, pos, self._clause_i)
        return sentence, clause, _part_at(self._item_separators, clause, pos, self._item_i)
