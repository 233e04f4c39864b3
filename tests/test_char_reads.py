"""Characters read in place (by code point, segments.char_table) against the slice and substring readings they
replaced, on random strings of the words that decide them: the year test of parsers.periods, the character pairs
of parsers.columns, a figure counted in 次/场 (parsers.classify), the tail after a short place name
(parsers.places), and the whitespace table."""

from __future__ import annotations

import random

from parsers import classify, columns, periods, places
from parsers.segments import BMP, SPACE_TABLE, Span

_FILLER = [
    *("年", "19", "20", "2023", "1", "9", "0", "今", "全"),
    *(" ", "\n", "。", "次", "场", "人", "\u3000", "\U00020000"),
]


def _random_text(rng: random.Random, words: list[str], length: int) -> str:
    return "".join(rng.choice(words) for _ in range(length))


def test_space_table_is_str_isspace() -> None:
    assert all((SPACE_TABLE[o] == 1) == chr(o).isspace() for o in range(BMP))


def test_may_name_year_is_the_startswith_reading() -> None:
    rng = random.Random(11)
    named = 0
    for _ in range(3000):
        text = _random_text(rng, _FILLER, rng.randint(0, 16))
        for a in range(len(text) + 1):
            for b in (a, min(len(text), a + 5), len(text)):
                expected = False
                i = text.find("年", a + 4, b)
                while i != -1 and not expected:
                    expected = text.startswith(("19", "20"), i - 4)
                    i = text.find("年", i + 1, b)
                assert periods._may_name_year(text, a, b) == expected, (text, a, b)
                named += expected
    assert named > 500


def test_pairs_are_the_pairs_of_the_text() -> None:
    """_Pairs.follows(a, b) == (a + b in text) on every pair asked, but never with a line break second (the
    former reading: no pair within a line ends in one; a line's last character is never one either)."""
    rng = random.Random(12)
    chars = [*"。合肥市人\n工会,年", "\U00020000", "\u3000"]
    found = 0
    for _ in range(1500):
        text = _random_text(rng, chars, rng.randint(1, 30))
        pairs = columns._Pairs(text)
        for a in chars:
            for b in chars:
                expected = b != "\n" and (a + b) in text
                assert pairs.follows(a, b) == expected, (text, a, b)
                assert ((a + b) in pairs) == expected
                found += expected
    assert found > 5000


def test_events_is_the_last_character_of_the_stripped_figure() -> None:
    rng = random.Random(13)
    for _ in range(3000):
        text = _random_text(rng, _FILLER, rng.randint(1, 10))
        for start in range(len(text)):
            for end in range(start + 1, len(text) + 1):
                ctx = classify.Context(text, "", "", "", start, end, Span(0, len(text)), Span(0, len(text)))
                assert ctx.events == (text[start:end].rstrip()[-1:] in ("次", "场")), (text, start, end)


def test_short_tail_blocked_is_the_slice_reading() -> None:
    rng = random.Random(14)
    words = [
        *("路", "街", "巷", "大道", "大街", "大学", "大学生", "公园"),
        *("银行", "路径", "街道", "大", "公", "银", "区", "\n"),
    ]
    blocked = 0
    for _ in range(3000):
        text = _random_text(rng, words, rng.randint(0, 6))
        for end in range(len(text) + 1):
            tail = text[end : end + 3]
            expected = not tail.startswith(places._TAIL_OK) and (
                tail[:1] in places._TAIL_1 or tail[:2] in places._TAIL_2
            )
            assert places._short_tail_blocked(text, end) == expected, (text, end)
            blocked += expected
    assert blocked > 1000
