"""Finds quantities (number + scale + qualifier + counting unit) in normalised text.

Reads the grammar from parsers/data/grammar.toml; returns Quantity records with offsets.
This is where a figure is normalised: 18.3万人次 -> 183000 人次, 近億元 -> 1e8 元 approx.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from parsers.numerals import CN_NUMERAL_CHARS, SCALE_WORDS, is_scale_only, parse_arabic, parse_chinese
from parsers.segments import BMP, SPACE_TABLE, char_offsets, char_table, count_below

GRAMMAR_PATH: Final = Path(__file__).parent / "data" / "grammar.toml"


class Quantity:
    """A figure as read from the text. A plain slotted class, not a dataclass: one is made per figure, and
    the compiled build makes it a native class with a C constructor (a dataclass keeps its generated
    Python __init__ there). Nothing changes one after the scan: with_changes copies."""

    __slots__ = (
        "decrease",
        "end",
        "number_start",
        "prefix_qualifier",
        "qualifier",
        "start",
        "surface",
        "unit",
        "value",
        "value_high",
    )

    def __init__(
        self,
        start: int,
        end: int,
        value: float,
        value_high: float | None,
        unit: str,
        qualifier: str,  # exact | approx | at_least | at_most | range
        surface: str,
        number_start: int,  # offset of the first numeral character (after a glued prefix qualifier)
        prefix_qualifier: str | None = None,  # qualifier stated before the number (shared along a list)
        decrease: bool = False,  # a decrease word stood before it (shared along a list)
    ) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.value_high = value_high
        self.unit = unit
        self.qualifier = qualifier
        self.surface = surface
        self.number_start = number_start
        self.prefix_qualifier = prefix_qualifier
        self.decrease = decrease

    def _fields(self) -> tuple[int, int, float, float | None, str, str, str, int, str | None, bool]:
        return (
            self.start,
            self.end,
            self.value,
            self.value_high,
            self.unit,
            self.qualifier,
            self.surface,
            self.number_start,
            self.prefix_qualifier,
            self.decrease,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and self._fields() == other._fields()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(_QUANTITY_FIELDS, self._fields(), strict=True))
        return f"Quantity({shown})"


_QUANTITY_FIELDS: Final = (
    "start",
    "end",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "surface",
    "number_start",
    "prefix_qualifier",
    "decrease",
)


@dataclass(frozen=True)
class Grammar:
    units: dict[str, str]
    unit_re: re.Pattern[str]
    not_before: dict[str, tuple[str, ...]]
    unit_despite: dict[str, tuple[str, ...]]  # words after a unit that start as a not_before word but keep it
    scales: dict[str, int]
    prefix_q: dict[str, str]
    middle_q: dict[str, str]
    suffix_q: dict[str, str]
    decrease: tuple[str, ...]
    range_seps: tuple[str, ...]
    ordinal_prefixes: tuple[str, ...]
    name_prefixes: tuple[str, ...]
    determiners_before_one: tuple[str, ...]
    negations_before_one: tuple[str, ...]
    copulas_before_one: tuple[str, ...]
    speech_after_one: re.Pattern[str]
    idioms_with_one: tuple[str, ...]
    structure_after: tuple[str, ...]
    print_run_before: tuple[str, ...]
    session_after: tuple[str, ...]
    slogans: tuple[str, ...]
    furniture_before: tuple[str, ...]
    max_quoted: int
    # derived once for the scanner's hot loop (one C call instead of a Python loop per number)
    prefix_q_words: tuple[str, ...]  # prefix qualifiers, longest first
    scale_first: frozenset[str]  # first characters of the scale words
    decrease_endings: tuple[str, ...]  # each decrease word, and with 了
    range_first: frozenset[str]  # first characters of the range separators
    follow_first: frozenset[str]  # what may follow a number that reads on: gap, qualifier, scale, unit, range
    slogan_re: re.Pattern[str]  # any slogan
    unit_first: frozenset[str]  # first characters of the units
    suffix_first: frozenset[str]  # first characters of the suffix qualifiers
    prefix_last: frozenset[str]  # last characters of the prefix qualifiers
    slogan_digits: bool  # whether a slogan holds a digit (\d) at all
    candidate_re: re.Pattern[str]  # a number token with something after it that can make it a figure (see _fused)
    # last characters of the words looked for before a number: most texts there end with none of them, and a
    # set look-up answers that for ~100 instructions where endswith(tuple) costs ~100 per word
    ordinal_last: frozenset[str]
    furniture_last: frozenset[str]
    decrease_last: frozenset[str]
    # the same sets as segments.char_table tables, read at the code point of a character of the text instead of
    # a one-character slice looked up in the set (~50 instructions against ~550 compiled)
    follow_table: bytes
    unit_table: bytes
    suffix_table: bytes
    prefix_table: bytes
    scale_table: bytes
    range_table: bytes
    ordinal_table: bytes
    name_table: bytes  # the one-character name prefixes (a longer one never equals before[-1:])
    furniture_table: bytes
    decrease_table: bytes
    blocked_table: bytes  # first characters of the not_before words: most units are followed by none


def _fused(follow: set[str], middle: dict[str, str], scales: dict[str, int], units: dict[str, str]) -> re.Pattern[str]:
    """A number token with something after it that can make a figure, read through its unit where the figure
    is written plainly: number, middle qualifier, scale, middle qualifier, unit, nothing between them.

    Most figures are plain (120余篇, 3.552亿元, 两个): the match object then holds what _read_number and
    _read_unit would read step by step (see _read_plain), in one regex call. Every other candidate (a gap,
    a range, 几, a scale the grammar does not take there) matches the lookahead alone and is read step
    by step. The optional parts are possessive, as the step-by-step reading takes each part where it can
    (5百分点 is 500 before 分点, not 5 percentage points), and 多元 before a Han character is not 多 (多元化).
    """
    not_diverse = "(?!多元[\u4e00-\u9fff])"
    mid = f"(?P<mid>{not_diverse}[{''.join(map(re.escape, middle))}])?+"
    mid2 = f"(?P<mid2>{not_diverse}[{''.join(re.escape(w) for w in middle if w != '来')}])?+"  # 来 only first
    plain = f"{mid}(?P<scale>{_alternation(list(scales))})?+{mid2}(?P<unit>{_alternation(list(units))})"
    return re.compile(f"(?P<n>{_NUMBER})(?:{plain}|(?=[{''.join(map(re.escape, sorted(follow)))}]))")


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _longest_first(mapping: dict) -> dict:
    """Same mapping, keys ordered longest first: the scanner tries 超过 before 超."""
    return {k: mapping[k] for k in sorted(mapping, key=len, reverse=True)}


_GAP_CHARS: Final = frozenset(" \t\u00a0\n")  # what GAP_RE can match


@cache
def grammar() -> Grammar:
    data = tomllib.loads(GRAMMAR_PATH.read_text(encoding="utf-8"))
    units = data["units"]
    q = data["qualifiers"]
    ex = data["exclusions"]
    prefix_q = _longest_first(q["prefix"])
    scales = _longest_first(data["scales"])
    decrease = tuple(data["sign"]["decrease"])
    range_seps = tuple(sorted(data["ranges"]["separators"], key=len, reverse=True))
    follow = {*_GAP_CHARS, *q["middle"], *(w[0] for w in scales), *(u[0] for u in units), *(r[0] for r in range_seps)}
    follow |= {"几", "万", "亿"}
    # one-character sets, each also kept as a segments.char_table table (the *_table fields)
    follow_first = frozenset(follow)
    unit_first = frozenset(u[0] for u in units)
    suffix_first = frozenset(w[0] for w in q["suffix"])
    prefix_last = frozenset(w[-1] for w in prefix_q)
    scale_first = frozenset(w[0] for w in scales)
    range_first = frozenset(r[0] for r in range_seps)
    ordinal_last = frozenset(w[-1] for w in ex["ordinal_prefixes"])
    furniture_last = frozenset(w[-1] for w in ex["furniture_before"])
    decrease_last = frozenset(e[-1] for w in decrease for e in (w, w + "了"))
    return Grammar(
        units=units,
        unit_re=re.compile(_alternation(list(units))),
        not_before={k: tuple(v) for k, v in data["not_before"].items()},
        unit_despite={k: tuple(v) for k, v in data["unit_despite"].items()},
        scales=scales,
        prefix_q=prefix_q,
        middle_q=q["middle"],
        suffix_q=_longest_first(q["suffix"]),
        decrease=decrease,
        range_seps=range_seps,
        ordinal_prefixes=tuple(ex["ordinal_prefixes"]),
        name_prefixes=tuple(ex["name_prefixes"]),
        determiners_before_one=tuple(ex["determiners_before_one"]),
        negations_before_one=tuple(ex["negations_before_one"]),
        copulas_before_one=tuple(ex["copulas_before_one"]),
        speech_after_one=re.compile("|".join(map(re.escape, ex["speech_after_one"]))),
        idioms_with_one=tuple(ex["idioms_with_one"]),
        structure_after=tuple(ex["structure_after"]),
        print_run_before=tuple(ex["print_run_before"]),
        session_after=tuple(ex["session_after"]),
        slogans=tuple(ex["slogans"]),
        furniture_before=tuple(ex["furniture_before"]),
        max_quoted=int(ex["max_quoted_slogan_chars"]),
        prefix_q_words=tuple(prefix_q),
        scale_first=scale_first,
        decrease_endings=tuple(e for w in decrease for e in (w, w + "了")),
        range_first=range_first,
        follow_first=follow_first,
        slogan_re=re.compile(_alternation(ex["slogans"])),
        unit_first=unit_first,
        suffix_first=suffix_first,
        prefix_last=prefix_last,
        slogan_digits=any(ch.isdecimal() for slogan in ex["slogans"] for ch in slogan),
        candidate_re=_fused(follow, q["middle"], scales, units),
        ordinal_last=ordinal_last,
        furniture_last=furniture_last,
        decrease_last=decrease_last,
        follow_table=char_table(follow_first),
        unit_table=char_table(unit_first),
        suffix_table=char_table(suffix_first),
        prefix_table=char_table(prefix_last),
        scale_table=char_table(scale_first),
        range_table=char_table(range_first),
        ordinal_table=char_table(ordinal_last),
        name_table=char_table({w for w in ex["name_prefixes"] if len(w) == 1}),
        furniture_table=char_table(furniture_last),
        decrease_table=char_table(decrease_last),
        blocked_table=char_table({w[0] for words in data["not_before"].values() for w in words}),
    )


# A number token: Arabic with optional thousands groups and decimals, or a run of Chinese
# numeral characters. The look-behind keeps ids like content_202371 and v2.0 out. That is
#   (?<![0-9A-Za-z_.\-/+])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?![0-9+])|[<numerals>]+
# written to start with one character class (its first character, a digit or a numeral, then the rest
# of the Arabic or the Chinese branch, told apart by a look-behind at that character; the look-behind
# for ids moves after the first digit and widens by it): a search then skips to the next candidate in
# C, where the form above made the regex engine try a match at every position (~4x slower).
# The first class is a superset of \d and the numerals, written without \d: where its character is neither,
# both look-behinds fail, so the matches are the same; sre tests a class of characters and ranges with one
# table look-up, while the \d category cost a call per character of the text (~13 % of the search). Every
# decimal digit other than 0-9 lies in _OTHER_DIGITS (tests/test_quantities_fused.py checks each code point).
_OTHER_DIGITS: Final = "\u0660-\u1c59\ua620-\uabf9\uff10-\uff19\U00010000-\U0010ffff"
_NUMBER: Final = (
    rf"[0-9{CN_NUMERAL_CHARS}{_OTHER_DIGITS}]"
    r"(?:(?<=\d)(?<![0-9A-Za-z_.\-/+]\d)(?:\d{0,2}(?:,\d{3})+(?!\d)|\d*)(?:\.\d+)?(?![0-9+])"
    rf"|(?<=[{CN_NUMERAL_CHARS}])[{CN_NUMERAL_CHARS}]*+)"
)
NUMBER_RE: Final = re.compile(f"({_NUMBER})")  # (group 1, as in Grammar.candidate_re)
HIGH_NUMBER_RE: Final = re.compile(rf"(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)?|[{CN_NUMERAL_CHARS}]+")
# Whitespace allowed between a number and its unit: PDF text splits "62563\n人次", "267.4 万人".
GAP_RE: Final = re.compile(r"[ \t\u00a0]{0,2}\n?[ \t\u00a0]{0,2}")
QUOTE_PAIRS: Final = {"“": "”", "《": "》", "「": "」", "『": "』", '"': '"', "〈": "〉"}


class _Number:
    """A number as read, with what follows it glued on (a plain slotted class, as Quantity)."""

    __slots__ = ("end", "has_scale", "is_chinese", "qualifier", "start", "text", "value", "value_high")

    def __init__(
        self,
        start: int,
        end: int,  # after numeral, middle qualifier and scale
        value: float,
        qualifier: str | None,
        has_scale: bool,
        is_chinese: bool,
        text: str,
        value_high: float | None = None,  # 两三百: a range written as consecutive digits
    ) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.qualifier = qualifier
        self.has_scale = has_scale
        self.is_chinese = is_chinese
        self.text = text
        self.value_high = value_high


SCALED_TAIL_RE: Final = re.compile(r"(\d+(?:\.\d+)?)(万|千|百)")
CONSECUTIVE_RE: Final = re.compile(r"^([一二两三四五六七八])([二三四五六七八九])([十百千万]?)$")
_CN_NUMERALS: Final = frozenset(CN_NUMERAL_CHARS)
_DIGIT: Final = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _diverse(text: str, pos: int) -> bool:
    """多元化, 多元主体: 多元 as an adjective, not "more than N yuan" (1万多元,)."""
    nxt = text[pos + 2 : pos + 3]
    return text.startswith("多元", pos) and bool(nxt) and "\u4e00" <= nxt <= "\u9fff"


def _skip_gap(text: str, pos: int) -> int:
    o = ord(text[pos]) if pos < len(text) else 0  # (pos is never negative)
    if o != 32 and o != 9 and o != 0xA0 and o != 10:  # not in _GAP_CHARS: text[pos:pos + 1] not in _GAP_CHARS
        return pos  # no gap (most numbers): GAP_RE would match empty here
    m = GAP_RE.match(text, pos)
    return m.end() if m else pos


def _chinese_value(token: str) -> tuple[int, int | None] | None:
    """(value, high) of a Chinese numeral token, high for two consecutive digits, or None when it is no number."""
    parsed = parse_chinese(token)
    if parsed is not None:
        return parsed, None
    # 两三百人, 三四十家, 七八个: two consecutive digits give a range
    rng = CONSECUTIVE_RE.match(token)
    if not rng or _DIGIT[rng.group(2)] != _DIGIT[rng.group(1)] + 1:
        return None
    scale = SCALE_WORDS.get(rng.group(3), 1) if rng.group(3) else 1
    return _DIGIT[rng.group(1)] * scale, _DIGIT[rng.group(2)] * scale


def _read_number(text: str, token: str, start: int, g: Grammar) -> _Number | None:
    pos = start + len(token)
    is_chinese = token[0] in _CN_NUMERALS  # (a number token starts with a digit or a Chinese numeral)
    qualifier: str | None = None
    has_scale = False
    value_high: int | None = None
    value: int | float  # an int for a Chinese numeral (exact until the end), a float for an Arabic one
    if is_chinese:
        parsed = _chinese_value(token)
        if parsed is None:
            return None
        value, value_high = parsed
        has_scale = any(ch in SCALE_WORDS for ch in token)
        if text.startswith("几", pos) and token[-1] in "十百千万":
            qualifier, pos = "at_least", pos + 1  # 十几家 reads like 十余家
    else:
        value = parse_arabic(token)
    # PDF text splits numbers from what follows: "3.15\n亿元", "120\n余篇", "267.4 万人"
    after_gap = _skip_gap(text, pos)
    # middle qualifier, then scale, then middle qualifier again: 4700余万元, 63万余人, 2万多人
    if after_gap < len(text) and text[after_gap] in g.middle_q and not _diverse(text, after_gap):
        qualifier = g.middle_q[text[after_gap]]
        pos = after_gap = after_gap + 1
        after_gap = _skip_gap(text, pos)
    o = ord(text[after_gap]) if after_gap < len(text) else 0
    if not is_chinese and o < BMP and g.scale_table[o]:  # (text[after_gap:after_gap + 1] in g.scale_first)
        for scale_word in g.scales:
            if text.startswith(scale_word, after_gap):
                value *= g.scales[scale_word]
                pos = after_gap + len(scale_word)
                has_scale = True
                # 1亿2000万元, 3万5千人: a smaller scaled part follows the first
                tail = SCALED_TAIL_RE.match(text[pos : pos + 8])
                if tail and g.scales[tail.group(2)] < g.scales[scale_word]:
                    value += float(tail.group(1)) * g.scales[tail.group(2)]
                    pos += tail.end()
                break
    elif after_gap < len(text) and text[after_gap] in "万亿" and qualifier:
        # 二十余万人: the scale after a middle qualifier still applies
        value *= g.scales[text[after_gap]]
        pos = after_gap + 1
    after_gap = _skip_gap(text, pos)
    if qualifier is None and after_gap < len(text) and text[after_gap] in g.middle_q and text[after_gap] != "来":
        if not _diverse(text, after_gap):
            qualifier = g.middle_q[text[after_gap]]
            pos = after_gap + 1
    high = float(value_high) if value_high is not None else None
    return _Number(start, pos, float(value), qualifier, has_scale, is_chinese, token, high)


def _read_plain(
    text: str, groups: tuple[str | None, ...], token_end: int, g: Grammar
) -> tuple[_Number, tuple[str, int]] | None:
    """The number and unit of a plain figure as Grammar.candidate_re matched it (its groups(), and where the
    number token ends), or None where the grammar reads it otherwise (then _read_number and _read_unit read it
    step by step): what they would return for it.

    The plain parts follow one another with nothing between them, so their offsets are sums of their lengths:
    one groups() call instead of a match-object call per offset and group (~1 000 instructions each).
    """
    token, mid, scale, mid2, surface = groups
    assert token is not None and surface is not None  # (group n always takes part; unit did in a plain match)
    unit_start = token_end + (len(mid) if mid is not None else 0) + (len(scale) if scale is not None else 0)
    if mid2 is not None:
        unit_start += len(mid2)
    end = unit_start + len(surface)
    blocked = g.not_before.get(surface)
    # (a word blocks only where its first character follows: most units are followed by none)
    if blocked is not None and end < len(text):
        o = ord(text[end])
        if o < BMP and g.blocked_table[o] and _blocked(text, end, surface, blocked, g):
            return None  # 10家庭: not a unit
    if mid is not None and mid2 is not None:
        return None  # a middle qualifier is read once: 5余万余人 has no unit after 万
    is_chinese = token[0] in _CN_NUMERALS
    value: int | float
    high: float | None = None
    if is_chinese:
        if scale is not None and (mid is None or scale not in ("万", "亿")):
            return None  # after a Chinese numeral only 余万, 多亿 take a scale
        parsed = _chinese_value(token)
        if parsed is None:
            return None
        value, value_high = parsed
        high = float(value_high) if value_high is not None else None
        has_scale = any(ch in SCALE_WORDS for ch in token)  # (not the scale after the qualifier: as _read_number)
    else:
        value = parse_arabic(token)
        has_scale = scale is not None
    if scale is not None:
        value *= g.scales[scale]
    qualifier = g.middle_q[mid] if mid is not None else g.middle_q[mid2] if mid2 is not None else None
    number = _Number(token_end - len(token), unit_start, float(value), qualifier, has_scale, is_chinese, token, high)
    return number, (g.units[surface], end)


def _read_unit(text: str, pos: int, g: Grammar) -> tuple[str, int] | None:
    at = _skip_gap(text, pos)
    o = ord(text[at]) if at < len(text) else 0
    if o >= BMP or not g.unit_table[o]:  # (text[at:at + 1] not in g.unit_first)
        return None  # no unit starts here (most numbers: years, dates, list numbers)
    m = g.unit_re.match(text, at)
    if not m:
        return None
    surface, end = m.group(0), m.end()
    blocked = g.not_before.get(surface)
    if blocked is not None and _blocked(text, end, surface, blocked, g):
        return None
    return g.units[surface], end


def _blocked(text: str, end: int, surface: str, blocked: tuple[str, ...], g: Grammar) -> bool:
    """Whether what follows a unit at `end` makes its character part of another word (10家庭, 5所有), unless
    it starts a word that keeps the unit (300家中小企业, 5所学校, 30名企业家)."""
    if not text.startswith(blocked, end, end + 2):  # (a not_before word is read within 2 characters, as ever)
        return False
    despite = g.unit_despite.get(surface)
    return despite is None or not text.startswith(despite, end)


# The characters that end the backward look for an opening quote: 。;\n, any opening or closing mark.
_QUOTE_STOP: Final = "。;\n" + "".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values())
_LAST_QUOTE_STOP_RE: Final = re.compile(f"[{re.escape(_QUOTE_STOP)}](?=[^{re.escape(_QUOTE_STOP)}]*\\Z)")


class _Openers:
    """The offsets of the opening quote marks in a text, asked whether one lies in a window before a figure;
    the figures come in order, so the count below the window steps on (segments.count_below)."""

    __slots__ = ("below", "offsets")

    def __init__(self, text: str) -> None:
        self.offsets = char_offsets(text, "".join(QUOTE_PAIRS))
        self.below = 0

    def any_in(self, lo: int, hi: int) -> bool:
        self.below = count_below(self.offsets, lo, self.below)
        return self.below < len(self.offsets) and self.offsets[self.below] < hi


def _inside_short_quote(text: str, start: int, end: int, g: Grammar, openers: _Openers | None = None) -> bool:
    """True when [start, end) lies inside a short quoted span or any 《title》. `openers`: the text's opening
    marks, when the caller has them: without one in the window (most figures) the answer is no search."""
    lo = max(0, start - g.max_quoted)
    if openers is not None and not openers.any_in(lo, start):
        return False  # the nearest stop character, if any, is no opening mark
    # the nearest stop character before the figure, at most max_quoted characters back
    m = _LAST_QUOTE_STOP_RE.search(text, lo, start)
    if m is None:
        return False
    i = m.start()
    ch = text[i]
    if ch in QUOTE_PAIRS:  # an opening mark (" opens here too)
        close = QUOTE_PAIRS[ch]
        j = text.find(close, end, end + 60 if ch == "《" else end + g.max_quoted)
        if j == -1:
            return False
        if ch == "《":
            return True
        return (j - i - 1) <= g.max_quoted
    return False  # 。;\n or a closing mark


def _excluded(text: str, num: _Number, unit_end: int, g: Grammar, openers: _Openers | None = None) -> bool:
    start = num.start
    n = len(text)
    # before = text[max(0, start - 3) : start].rstrip(" "): its last character first, read in place
    lo = max(0, start - 3)
    j = start - 1
    while j >= lo and text[j] == " ":
        j -= 1
    last = ord(text[j]) if j >= lo else 0  # (0: before is empty; no table holds it)
    before = text[lo : j + 1]
    if last < BMP and g.ordinal_table[last] and before.endswith(g.ordinal_prefixes):
        return True
    if (
        num.is_chinese
        and last < BMP
        and g.name_table[last]
        and not before.endswith(("全省", "全市", "全县", "全区", "全国"))
    ):
        return True
    # head = text[max(0, start - 8) : start].rstrip(" :"), likewise
    lo = max(0, start - 8)
    j = start - 1
    while j >= lo and (text[j] == " " or text[j] == ":"):
        j -= 1
    last = ord(text[j]) if j >= lo else 0
    if (
        last < BMP
        and g.furniture_table[last]
        and text[lo : j + 1].endswith(g.furniture_before)
        and ":" in text[max(0, start - 3) : start]
    ):
        return True
    if (start > 0 and text[start - 1] == "+") or (unit_end < n and text[unit_end] == "+"):
        return True
    if before.endswith(g.print_run_before):
        return True  # (共印40份): the print run of a bulletin
    if text.startswith(g.session_after, num.end) and "届" in text[max(0, start - 8) : start]:
        return True  # 十六届人大二次会议: which session, not how many
    if text.startswith(g.structure_after, unit_end) and text[unit_end + 2 : unit_end + 3] in STRUCTURE_END:
        return True  # 主要有三个方面。一是…: how an answer is organised (提出6个方面22项任务 counts its parts)
    # a slogan covers the figure's first character: never an Arabic digit while no slogan holds one
    if num.is_chinese or g.slogan_digits:
        window = text[max(0, start - 4) : min(len(text), unit_end + 4)]
        for slogan in g.slogans if g.slogan_re.search(window) else ():  # most windows hold none
            if slogan in window and text.find(slogan, max(0, start - 4)) <= start < text.find(
                slogan, max(0, start - 4)
            ) + len(slogan):
                return True
    if num.is_chinese and num.value == 1 and not num.has_scale:
        for idiom in g.idioms_with_one:
            if text.startswith(idiom, start):
                return True
        for det in g.determiners_before_one:
            if before.endswith(det):
                return True
        if before.endswith(g.copulas_before_one):
            return True
        clause_end = CLAUSE_END_RE.search(text, unit_end)
        rest = text[unit_end : clause_end.start() if clause_end else min(len(text), unit_end + 30)]
        if g.speech_after_one.search(rest):
            return True  # 一家企业负责人说: an indefinite someone, quoted
        de = rest.find("的")
        if 0 <= de <= MAX_DESCRIBED and not any(ch.isdigit() for ch in rest[:de]):
            return True  # 一家航空维修企业的一名技师, 一个由青年组成的小组, 一个小小的: a description
        unit_text = text[num.end : unit_end]
        if _repeated_after_verb(text, start, unit_end, "一" + unit_text):
            return True  # 成熟一个、命名一个: a rule applied one at a time
        clause_start = max(text.rfind(ch, 0, start) for ch in ",。;!?\n") + 1
        if "在" in text[clause_start:start] and len(rest) <= 14 and (not clause_end or clause_end.group(0) == ","):
            return True  # 在柳东新区一家汽车零部件企业,…: where it happened, not how many
        for neg in g.negations_before_one:
            if text[max(0, start - 6) : start].endswith(neg) or neg in text[max(0, start - 4) : start]:
                return True
    # 一人一档, 一企一策, 一件一件: distributive slogans
    if num.is_chinese and num.value == 1 and not num.has_scale:
        unit_text = text[num.end : unit_end]
        if (
            text[unit_end : unit_end + 1] == "一"
            or text[max(0, start - len(unit_text) - 1) : start] == "一" + unit_text
        ):
            return True
    # reduplication: 一场场, 一个个 (a figure is never empty: text[start:unit_end] is not)
    if num.is_chinese and start < unit_end < n and ord(text[unit_end - 1]) == ord(text[unit_end]):
        return True
    return _inside_short_quote(text, start, unit_end, g, openers)


# 一 + unit + at most this many characters + 的: the figure describes something (一家钾肥企业的船长)
MAX_DESCRIBED = 10


def _repeated_after_verb(text: str, start: int, unit_end: int, one_unit: str) -> bool:
    """Whether the same 一+unit comes again after a separator and a short verb (成熟一个、命名一个), or came so."""
    after = text[unit_end : unit_end + 6]
    i = after.find(one_unit)
    if i > 1 and after[0] in "、,":
        return True
    before = text[max(0, start - 6) : start]
    j = before.rfind(one_unit)
    return j != -1 and j + len(one_unit) < len(before) and before[j + len(one_unit)] in "、,"


# after 方面/层面: the end of the clause that announces how a speech or an answer is organised
STRUCTURE_END: Final = frozenset("。:,;")
# before a bare scale word and its unit: a unit named in a header (单位:万元, 补贴(万元), 人次、万元), not a count
UNIT_LABEL_BEFORE: Final = frozenset("(:、/[|")


def _alone_in_its_cell(text: str, start: int, end: int) -> bool:
    """Blanks or line ends on both sides: a table's 单位 cell (万元 on a line of its own, or between blanks)."""
    return (start == 0 or text[start - 1] in "\n ") and (end >= len(text) or text[end] in "\n ")


def _after_label_mark(text: str, before: int) -> bool:
    """Whether the last non-blank character at or before `before` is one of UNIT_LABEL_BEFORE (| 万元 |)."""
    while before >= 0 and text[before] == " ":
        before -= 1
    return before >= 0 and text[before] in UNIT_LABEL_BEFORE


SCALE_ONLY_PREFIXES: Final = ("上",)  # 上万名, 数千人: only before a bare scale word (技师以上215人 is exact)


def _prefix_qualifier(text: str, start: int, g: Grammar, scale_only: bool) -> tuple[str | None, int]:
    """Qualifier word right before the number (近20个, 超过10万人次, 约有)."""
    o = ord(text[start - 1]) if start > 0 else 0  # (no prefix at the start of the text)
    # (text[start - 1 : start] not in g.prefix_last)
    if o >= BMP or not g.prefix_table[o] or not text.endswith(g.prefix_q_words, 0, start):
        return None, start  # most numbers have none
    for word in g.prefix_q_words:
        if text.endswith(word, 0, start):
            if word in SCALE_ONLY_PREFIXES and not scale_only:
                continue
            return g.prefix_q[word], start - len(word)
    return None, start


def _suffix_qualifier(text: str, end: int, g: Grammar) -> tuple[str | None, int]:
    o = ord(text[end]) if end < len(text) else 0
    if o >= BMP or not g.suffix_table[o]:  # (text[end : end + 1] not in g.suffix_first)
        return None, end  # most figures have none
    for word in g.suffix_q:
        if text.startswith(word, end):
            if word == "多" and text.startswith("多元", end):
                continue
            return g.suffix_q[word], end + len(word)
    return None, end


CLAUSE_END_RE: Final = re.compile(r"[,。;!?\n]")
SIZE_THRESHOLD_RE: Final = re.compile(r"(?:以上|以下)(?:的)?(?:企业|单位|规模|用人单位)")


def _decreasing(text: str, start: int, g: Grammar) -> bool:
    # the window's last character, before rstrip, is text[start - 1]: unless it is a decrease word's last
    # character or whitespace (rstrip's), the window cannot end with a decrease word (most figures)
    o = ord(text[start - 1]) if start > 0 else 0
    if o >= BMP or not (g.decrease_table[o] or SPACE_TABLE[o]):
        return False
    window = text[max(0, start - 8) : start].rstrip()
    return window[-1:] in g.decrease_last and window.endswith(g.decrease_endings)


def _round6(value: float) -> float:
    """round(value, 6), which goes through a decimal string (~1 µs): a whole number, most figures, is already that."""
    return value if value.is_integer() else round(value, 6)


def find_quantities(text: str) -> list[Quantity]:
    """All counted quantities in `text`, in reading order."""
    g = grammar()
    out: list[Quantity] = []
    pos = 0
    n = len(text)
    # Half the number tokens of a report have nothing after them that can make a figure (2023年, 第3届,
    # 统一): candidate_re skips them inside its search, one call per candidate instead of per token. Its
    # Chinese branch is possessive, so a failed token is not cut back to a shorter one that passes (五千年
    # is not 五 before 千). A number after 百分之 is read with nothing after it: such texts take every token.
    number_search = NUMBER_RE.search if "百分之" in text else g.candidate_re.search
    follow_table = g.follow_table
    openers = _Openers(text)
    while pos < n:
        m = number_search(text, pos)
        if m is None:
            break
        # (NUMBER_RE has the token's group only; candidate_re has the plain figure's parts after it)
        groups: tuple[str | None, ...] = m.groups()
        token = groups[0]
        assert token is not None
        pos = m.end(1)  # the number token
        start = pos - len(token)
        o = ord(text[pos]) if pos < n else 0
        # (text[pos : pos + 1] not in follow_first)
        if (o >= BMP or not follow_table[o]) and text[max(0, start - 3) : start] != "百分之":
            continue  # nothing that can make it a figure follows (2023年, 第3届, 5G): _read_number would not
        plain = _read_plain(text, groups, pos, g) if len(groups) == 5 and groups[4] is not None else None
        rng: tuple[float, float, str, int, str | None] | None = None
        unit: tuple[str, int] | None
        if plain is not None:
            num, unit = plain  # (and no 百分之 in the text)
            percent_words = False
        else:
            read = _read_number(text, token, start, g)
            if read is None:
                continue
            num = read
            # a number with neither a unit nor a range after it (a year, a date, a list number) is most
            # numbers and is dropped first; the checks below are pure, so their order changes nothing
            percent_words = text[max(0, num.start - 3) : num.start] == "百分之"
            unit = ("%", num.end) if percent_words else _read_unit(text, num.end, g)
            rng = _read_range(text, num, g) if unit is None else None
            if unit is None and rng is None:
                continue
        scale_only = num.is_chinese and is_scale_only(num.text)
        prefix_q, prefix_start = _prefix_qualifier(text, num.start, g, scale_only)
        before = num.start - 1
        if (num.is_chinese and before >= 0 and (text[before] == "几" or text[before] == "数")) or (
            scale_only and before >= 0 and text[before] == "上" and num.text == "十"
        ):
            continue  # 几十个, 数万名: vague amounts are not figures (职工总数64.8万人 is one)
        if (
            scale_only
            and num.text != "十"
            and not (num.qualifier or prefix_q)
            and not (
                text.startswith("元", num.end)
                and not _after_label_mark(text, before)
                and not _alone_in_its_cell(text, num.start, num.end + 1)
            )
        ):
            # 千家万户, 千场活动: a bare scale word is not a count (千元 is; 培训补贴(万元) names a unit, and so
            # does 万元 alone on its line or between blanks: a table's 单位 cell)
            continue
        value_high = num.value_high
        qualifier = "range" if value_high is not None else num.qualifier
        end = unit[1] if unit else num.end
        if rng is not None:
            value_low, value_high, unit_name, end, _ = rng
            if _excluded(text, num, end, g, openers):
                pos = end
                continue
            value = value_low
            canonical = unit_name
            qualifier = "range"
        elif unit is not None:  # (always: a figure has a unit or a range)
            canonical, end = unit
            if canonical == "%" and text[num.end : end].strip() == "成":
                if num.value >= 10 or num.has_scale:
                    continue
                value = num.value * 10
                if end < len(text) and text[end] in "一二三四五六七八九" and text[end + 1 : end + 2] != "成":
                    value += parse_chinese(text[end]) or 0  # 九成五 = 95%
                    end += 1
            else:
                value = num.value
            if _excluded(text, num, end, g, openers):
                pos = end
                continue
            suffix_q, _ = _suffix_qualifier(text, end, g)
            if qualifier is None:
                qualifier = suffix_q
        if qualifier is None:
            qualifier = prefix_q
        if canonical == "人" and SIZE_THRESHOLD_RE.match(text, end):
            pos = end
            continue  # 职工25人以上企业: a size class, not a count
        # 上万名 / 近億元: the prefix is part of the mention when the numeral is only a scale
        mention_start = prefix_start if scale_only and prefix_q else num.start
        if percent_words:
            mention_start = num.start - 3
        decrease = _decreasing(text, mention_start, g)
        if decrease:
            value = -value
            if value_high is not None:
                value_high = -value_high
        value = _round6(value)  # 1.1亿 is 110000000, not 110000000.00000001
        value_high = _round6(value_high) if value_high is not None else None
        surface = text[mention_start:end]
        qualifier = qualifier or "exact"
        out.append(
            Quantity(
                mention_start, end, value, value_high, canonical, qualifier, surface, num.start, prefix_q, decrease
            )
        )
        pos = end
    return out


def _read_range(text: str, low: _Number, g: Grammar) -> tuple[float, float, str, int, str | None] | None:
    """1500—4000元, 3至5家, 1万至2万元: low number, separator, high number with unit."""
    pos = low.end
    o = ord(text[pos]) if pos < len(text) else 0
    if o >= BMP or not g.range_table[o]:  # (text[pos : pos + 1] not in g.range_first)
        return None
    # 1500元—4000元 is handled by the caller (unit after the low number); here the low has none
    for sep in g.range_seps:
        if text.startswith(sep, pos):
            m = HIGH_NUMBER_RE.match(text, pos + len(sep))
            if not m:
                return None
            high = _read_number(text, m.group(0), m.start(), g)
            if high is None:
                return None
            unit = _read_unit(text, high.end, g)
            if unit is None:
                return None
            low_value = low.value
            if not low.has_scale and high.has_scale and not high.is_chinese:
                # 3-5万元: the scale of the high number applies to both
                scale = high.value / float(high.text.replace(",", "")) if high.text[0].isdigit() else 1
                low_value *= scale
            if high.value <= low_value:
                return None
            return low_value, high.value, unit[0], unit[1], high.qualifier
    return None


def attach_unit_ranges(quantities: list[Quantity], text: str) -> list[Quantity]:
    """Merge 1500元—4000元 (a unit on both ends) into one range quantity."""
    g = grammar()
    merged: list[Quantity] = []
    i = 0
    while i < len(quantities):
        q = quantities[i]
        if i + 1 < len(quantities):
            nxt = quantities[i + 1]
            between = text[q.end : nxt.start].strip()
            if (
                between in g.range_seps
                and nxt.unit == q.unit
                and nxt.value > q.value
                and q.qualifier == "exact"
                and nxt.qualifier in ("exact", "at_least")
            ):
                surface = text[q.start : nxt.end]
                merged.append(
                    Quantity(
                        q.start,
                        nxt.end,
                        q.value,
                        nxt.value,
                        q.unit,
                        "range",
                        surface,
                        q.number_start,
                        q.prefix_qualifier,
                        q.decrease,
                    )
                )
                i += 2
                continue
        merged.append(q)
        i += 1
    return merged


LIST_GAP_RE: Final = re.compile(r"^[^,;。:!?\n]{0,14}[、和及与][^,;。:!?\n]{0,6}$")


def _list_gap(gap: str) -> bool:
    """LIST_GAP_RE.match(gap), tried only on a gap it can match: at most 22 characters (14, the list mark,
    6, and a line break that $ may stand before) holding a list mark. Most gaps between figures are longer."""
    return (
        len(gap) <= 22 and ("、" in gap or "和" in gap or "及" in gap or "与" in gap) and bool(LIST_GAP_RE.match(gap))
    )


def distribute_along_lists(quantities: list[Quantity], text: str) -> list[Quantity]:
    """A prefix qualifier or a decrease stated once covers the rest of a 、-list.

    每年约有7000余家企业、2万个车间班组 -> 2万个 is approx; 同比下降60%、71.4% -> both negative.
    """
    out: list[Quantity] = []
    for q in quantities:
        prev = out[-1] if out else None
        if prev is not None and q.number_start == q.start and _list_gap(text[prev.end : q.number_start]):
            if prev.decrease and not q.decrease and q.value > 0:
                high = -q.value_high if q.value_high is not None else None
                q = Quantity(
                    q.start,
                    q.end,
                    -q.value,
                    high,
                    q.unit,
                    q.qualifier,
                    q.surface,
                    q.number_start,
                    q.prefix_qualifier,
                    True,
                )
            if prev.prefix_qualifier and q.prefix_qualifier is None and q.qualifier == "exact":
                shared = prev.prefix_qualifier
                q = Quantity(
                    q.start, q.end, q.value, q.value_high, q.unit, shared, q.surface, q.number_start, shared, q.decrease
                )
        out.append(q)
    return out


def drop_anaphora(quantities: list[Quantity], text: str) -> list[Quantity]:
    """兩批試點…兩批試點的推進: a small Chinese-numeral figure repeated with its noun refers back."""
    out: list[Quantity] = []
    for q in quantities:
        if q.surface[:1] in "一二两三四五六七八九十" and q.value <= 10:
            follow = text[q.end : q.end + 2]
            if any(p.surface == q.surface and text[p.end : p.end + 2] == follow and q.start - p.end < 120 for p in out):
                continue
        out.append(q)
    return out


def scan(text: str) -> list[Quantity]:
    """The entry point used by extraction: find, merge ranges, share list qualifiers."""
    quantities = attach_unit_ranges(find_quantities(text), text)
    return drop_anaphora(distribute_along_lists(quantities, text), text)
