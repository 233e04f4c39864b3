"""The quantity scanner's per-character tests by code-point table (segments.char_table) against the slice-and-set
readings they replaced: every table against its set on every character of the Basic Multilingual Plane, and the
exclusion, qualifier, decrease, gap and unit readings against copies of their former code on random strings of
the grammar's own words, at every position."""

from __future__ import annotations

import random

import pytest

from parsers import quantities as q
from parsers.segments import BMP, SPACE_TABLE, char_table


def test_char_table_rejects_what_it_cannot_hold() -> None:
    assert char_table("人")[ord("人")] == 1 and char_table("人")[ord("个")] == 0
    for bad in ("\U00020000", "人次", ""):
        with pytest.raises(ValueError):
            char_table([bad])


def _at(table: bytes, text: str, i: int) -> bool:
    """text[i:i + 1] in the set `table` was made from, as the scanner reads it (with its bounds and BMP guards)."""
    if not 0 <= i < len(text):
        return False
    o = ord(text[i])
    return o < BMP and table[o] == 1


def test_every_table_is_its_set() -> None:
    """On every code point (and astral characters, which no table holds), table == membership in the set."""
    g = q.grammar()
    sets = {
        "follow_table": g.follow_first,
        "unit_table": g.unit_first,
        "suffix_table": g.suffix_first,
        "prefix_table": g.prefix_last,
        "scale_table": g.scale_first,
        "range_table": g.range_first,
        "ordinal_table": g.ordinal_last,
        "name_table": frozenset(w for w in g.name_prefixes if len(w) == 1),
        "furniture_table": g.furniture_last,
        "decrease_table": g.decrease_last,
        "blocked_table": frozenset(w[0] for words in g.not_before.values() for w in words),
    }
    for name, chars in sets.items():
        table = getattr(g, name)
        assert len(table) == BMP and sum(table) == len(chars) > 0, name
        for o in range(BMP):
            assert (table[o] == 1) == (chr(o) in chars), (name, hex(o))
        assert not _at(table, "\U00020000", 0)
    assert sum(SPACE_TABLE) == sum(1 for o in range(BMP) if chr(o).isspace())


# The readings as they were before the tables (slices looked up in the sets): the reference.


def _ref_excluded_head(text: str, num: q._Number, unit_end: int, g: q.Grammar) -> bool | None:
    """The first four exclusion rules of _excluded as written before; None when none of them decides."""
    start = num.start
    before = text[max(0, start - 3) : start].rstrip(" ")
    if before[-1:] in g.ordinal_last and before.endswith(g.ordinal_prefixes):
        return True
    if (
        num.is_chinese
        and before[-1:] in g.name_prefixes
        and not before.endswith(("全省", "全市", "全县", "全区", "全国"))
    ):
        return True
    head = text[max(0, start - 8) : start].rstrip(" :")
    if head[-1:] in g.furniture_last and head.endswith(g.furniture_before) and ":" in text[max(0, start - 3) : start]:
        return True
    if text[max(0, start - 1) : start] == "+" or text[unit_end : unit_end + 1] == "+":
        return True
    return None


def _ref_reduplicated(text: str, num: q._Number, unit_end: int) -> bool:
    span = text[num.start : unit_end]
    return bool(
        unit_end < len(text) and span and text[unit_end - 1] == text[unit_end : unit_end + 1] and num.is_chinese
    )


def _ref_decreasing(text: str, start: int, g: q.Grammar) -> bool:
    window = text[max(0, start - 8) : start].rstrip()
    return window[-1:] in g.decrease_last and window.endswith(g.decrease_endings)


def _ref_prefix_qualifier(text: str, start: int, g: q.Grammar, scale_only: bool) -> tuple[str | None, int]:
    if text[start - 1 : start] not in g.prefix_last or not text.endswith(g.prefix_q_words, 0, start):
        return None, start
    for word in g.prefix_q_words:
        if text.endswith(word, 0, start):
            if word in q.SCALE_ONLY_PREFIXES and not scale_only:
                continue
            return g.prefix_q[word], start - len(word)
    return None, start


def _ref_suffix_qualifier(text: str, end: int, g: q.Grammar) -> tuple[str | None, int]:
    if text[end : end + 1] not in g.suffix_first:
        return None, end
    for word in g.suffix_q:
        if text.startswith(word, end):
            if word == "多" and text.startswith("多元", end):
                continue
            return g.suffix_q[word], end + len(word)
    return None, end


def _ref_skip_gap(text: str, pos: int) -> int:
    if text[pos : pos + 1] not in q._GAP_CHARS:
        return pos
    m = q.GAP_RE.match(text, pos)
    return m.end() if m else pos


def _ref_read_unit(text: str, pos: int, g: q.Grammar) -> tuple[str, int] | None:
    at = _ref_skip_gap(text, pos)
    if text[at : at + 1] not in g.unit_first:
        return None
    m = g.unit_re.match(text, at)
    if not m:
        return None
    surface, end = m.group(0), m.end()
    blocked = g.not_before.get(surface)
    if (
        blocked is not None
        and text.startswith(blocked, end, end + 2)
        and not text.startswith(g.unit_despite.get(surface, ()), end)
    ):
        return None
    return g.units[surface], end


def _words() -> list[str]:
    """The grammar's words the rules look for, their characters, and filler (blanks, colons, +, astral)."""
    g = q.grammar()
    words = [
        *g.ordinal_prefixes,
        *g.name_prefixes,
        *g.furniture_before,
        *g.decrease_endings,
        *g.prefix_q_words,
        *g.suffix_q,
        *g.units,
        *(w for ws in g.not_before.values() for w in ws),
        *(w for ws in g.unit_despite.values() for w in ws),
        *("全省", "全市", "全国", "一", "二", "十", "个", "场", "5", "12", "3.5"),
        *(" ", "  ", ":", " :", "+", "\n", "\t", "\u3000", "\xa0", "\U00020000", "。", "的", "工会"),
    ]
    return [*words, *{ch for w in words for ch in w}]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    words = _words()
    return ["".join(rng.choice(words) for _ in range(rng.randint(0, 8))) for _ in range(count)]


def test_per_character_rules_read_as_before() -> None:
    """_excluded's first rules and its reduplication test, _decreasing, the prefix and suffix qualifiers, the
    gap and the unit give the former readings at every position of random strings of the grammar's words."""
    g = q.grammar()
    rng = random.Random(7)
    decided = decreasing = prefixed = suffixed = units = 0
    for text in _texts(8, 6000):
        n = len(text)
        for start in range(n + 1):
            for unit_end in {start, min(n, start + 1), min(n, start + rng.randint(1, 3))}:
                for is_chinese in (False, True):
                    num = q._Number(start, unit_end, 7.0, None, False, is_chinese, "七")
                    expected = _ref_excluded_head(text, num, unit_end, g)
                    if expected is not None:  # (then _excluded returns True before its later rules)
                        assert q._excluded(text, num, unit_end, g), (text, start, unit_end)
                        decided += 1
                    elif unit_end > start:
                        got = q._excluded(text, num, unit_end, g)
                        if _ref_reduplicated(text, num, unit_end):
                            assert got, (text, start, unit_end)
            assert q._decreasing(text, start, g) == _ref_decreasing(text, start, g), (text, start)
            decreasing += _ref_decreasing(text, start, g)
            for scale_only in (False, True):
                got_prefix = q._prefix_qualifier(text, start, g, scale_only)
                assert got_prefix == _ref_prefix_qualifier(text, start, g, scale_only), (text, start)
                prefixed += got_prefix[0] is not None
            assert q._suffix_qualifier(text, start, g) == _ref_suffix_qualifier(text, start, g), (text, start)
            suffixed += q._suffix_qualifier(text, start, g)[0] is not None
            assert q._skip_gap(text, start) == _ref_skip_gap(text, start), (text, start)
            assert q._read_unit(text, start, g) == _ref_read_unit(text, start, g), (text, start)
            units += q._read_unit(text, start, g) is not None
    # every rule met often enough, in both outcomes, for the comparison to mean something
    assert min(decided, decreasing, prefixed, suffixed, units) > 200, (decided, decreasing, prefixed, suffixed, units)


def test_excluded_is_the_former_rules_where_they_decide_alone() -> None:
    """Where the first rules say no and the figure is Arabic (the later rules then hold only for Chinese
    numerals or slogans with digits), _excluded is the short-quote test alone: the head rules add nothing."""
    g = q.grammar()
    if g.slogan_digits:
        pytest.skip("a slogan holds a digit: the slogan rule applies to Arabic figures too")
    for text in _texts(9, 3000):
        for start in range(len(text)):
            end = min(len(text), start + 2)
            num = q._Number(start, end, 7.0, None, False, False, "7")
            if _ref_excluded_head(text, num, end, g) is None:
                assert q._excluded(text, num, end, g) == q._inside_short_quote(text, start, end, g), (text, start)
