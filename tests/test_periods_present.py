"""period_of with the marker words a sentence holds (KeywordHits.marker_words) against the same questions read
by the lists' patterns (the mask alone, or nothing known), on random sentences of marker words and fillers."""

from __future__ import annotations

import random

from parsers import periods
from parsers.keyword_hits import KeywordHits
from parsers.segments import Span

_FILLER = [
    "工会",
    "职工",
    "培训",
    "技能",
    ",",
    "、",
    " ",
    "5",
    "2023",
    "19",
    "20",
    "年",
    "了",
    "化",
    "到",
    "的",
    "其中",
    "在",
]


def _lists() -> list[periods.Words]:
    mk = periods.markers()
    return [getattr(mk, name) for name in mk.__dataclass_fields__ if isinstance(getattr(mk, name), periods.Words)]


def _sentences(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    words = sorted(periods.markers().bits_by_word)
    out = []
    for _ in range(count):
        # few marker words per sentence, as in reports: most lists then hold one word of it, the fast path
        share = rng.choice((0.1, 0.2, 0.4))
        pieces = [rng.choice(words) if rng.random() < share else rng.choice(_FILLER) for _ in range(rng.randint(1, 25))]
        out.append("".join(pieces))
    return out


def test_marker_words_are_the_sentences_words_by_list() -> None:
    for text in _sentences(21, 300):
        hits = KeywordHits(text)
        present = hits.marker_words(0, len(text))
        held = hits.words(0, len(text))
        for words in _lists():
            assert sorted(present[words.index]) == sorted(w for w in words.words if w in held), text
            assert bool(present[words.index]) == bool(hits.marker_lists(0, len(text)) & words.bit)


def test_the_questions_answer_as_the_patterns_do() -> None:
    """_has, _last_match_end, _changes and _annual_framing with the sentence's words equal their readings by the
    lists' patterns (ALL_LISTS, no words), for parts of the sentence given by offsets."""
    mk = periods.markers()
    single = 0
    for text in _sentences(22, 1500):
        hits = KeywordHits(text)
        mask, present = hits.marker_lists(0, len(text)), hits.marker_words(0, len(text))
        rng = random.Random(text)
        for _ in range(6):
            a = rng.randint(0, len(text))
            b = rng.randint(a, len(text))
            for words in _lists():
                single += len(present[words.index]) == 1
                args = (words, periods.ALL_LISTS, text, a, b)
                assert periods._has(words, mask, text, a, b, present) == periods._has(*args), (text, a, b)
                assert periods._last_match_end(words, mask, text, a, b, present) == periods._last_match_end(*args)
                expected = periods._changes(mk, periods.ALL_LISTS, text, a, b, words)
                assert periods._changes(mk, mask, text, a, b, words, present) == expected, (text, a, b, words.words)
            expected = periods._annual_framing(mk, periods.ALL_LISTS, text, a, b)
            assert periods._annual_framing(mk, mask, text, a, b, present) == expected, (text, a, b)
    assert single > 5000


def test_period_of_with_the_words_is_period_of_without() -> None:
    kinds = set()
    for text in _sentences(23, 1500):
        hits = KeywordHits(text)
        mask, present = hits.marker_lists(0, len(text)), hits.marker_words(0, len(text))
        rng = random.Random(text)
        sentence = Span(0, len(text))
        for _ in range(4):
            start = rng.randint(0, len(text))
            end = min(len(text), start + rng.randint(0, 3))
            clause = Span(rng.randint(0, start), rng.randint(end, len(text)))
            item = Span(rng.randint(clause.start, start), rng.randint(end, clause.end))
            ctx = periods.PeriodContext(start, end, item, clause, sentence)
            for unit, default, previous in (("人", "", None), ("%", "", "annual"), ("家", "stock", "change")):
                expected = periods.period_of(text, ctx, unit, default, previous, max(0, start - 5))
                got = periods.period_of(text, ctx, unit, default, previous, max(0, start - 5), mask, present)
                assert got == expected, (text, start, end, unit)
                kinds.add(expected)
    assert kinds == {"cumulative", "annual", "change", "stock", "unknown"}


def test_the_year_topic_search_starts_late_enough() -> None:
    """_annual_framing starts year_topic's search a few characters before the first 19xx年/20xx年 of the part:
    the same answer as year_topic.finditer over the whole part."""
    mk = periods.markers()
    rng = random.Random(24)
    pieces = [
        "2022",
        "1998年",
        "2023年",
        "年度",
        "在",
        "其中",
        "年",
        "第",
        "以来",
        ",",
        "。",
        " ",
        "】",
        "的",
        "职工",
        "20",
        "9",
    ]
    framed = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        part = text[a:b]
        expected = False
        for m in mk.year_topic.finditer(part):
            if not ("在" in m.group(0) and "的" in part[m.end() : m.end() + 14].split(",")[0]):
                expected = True
                break
        assert periods._annual_framing(mk, 0, text, a, b) == expected, (text, a, b)  # (no annual word: mask 0)
        framed += expected
    assert framed > 400
