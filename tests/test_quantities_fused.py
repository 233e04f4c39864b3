"""The fused candidate regex of parsers.quantities against the step-by-step reading it stands in for:
the same number tokens, and for a plain figure the same number and unit, on random strings of the grammar's
own characters (numerals, qualifiers, scales, units, gaps, words that block a unit)."""

from __future__ import annotations

import random
import re

from parsers import quantities as q
from parsers.numerals import CN_NUMERAL_CHARS

ALPHABET = [
    *"0123456789,.+-/_aX ",
    *"一二两三四五六七八九十百千万亿零〇几余多来",
    *"人个元家%成次场所化庭体名位—至\n。年",
    *("多元化", "多元", "人次", "百分点", "个百分点", "平方米", "家庭", "人才", "  ", "\n "),
]


def _strings(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 10))) for _ in range(count)]


def _fields(num: q._Number | None) -> tuple | None:
    if num is None:
        return None
    return (num.start, num.end, repr(num.value), num.qualifier, num.has_scale, num.is_chinese, num.text, num.value_high)


def test_candidates_are_the_tokens_that_something_can_follow() -> None:
    """candidate_re finds, from any position, the number tokens NUMBER_RE finds there that are followed by a
    character that can make a figure, one search instead of one per token (no 百分之 here: such texts
    read every token)."""
    g = q.grammar()
    rng = random.Random(1)
    for text in _strings(2, 20000):
        pos = rng.randint(0, 2)
        step_by_step, fused = [], []
        p = pos
        while (m := q.NUMBER_RE.search(text, p)) is not None:
            p = m.end()
            if text[p : p + 1] in g.follow_first:
                step_by_step.append(m.span(1))
        p = pos
        while (m := g.candidate_re.search(text, p)) is not None:
            fused.append(m.span(1))
            p = m.end(1)
        assert fused == step_by_step, text


def test_a_plain_figure_reads_as_step_by_step() -> None:
    """Where the fused match reads a figure (_read_plain), _read_number and _read_unit read the same."""
    g = q.grammar()
    plain = 0
    for text in _strings(3, 30000):
        for m in g.candidate_re.finditer(text):
            if m.lastgroup != "unit":
                continue
            read = q._read_plain(text, m.groups(), m.end(1), g)
            if read is None:
                continue
            plain += 1
            assert (read[0].start, read[0].end, read[1][1]) == (m.start(), m.start("unit"), m.end()), text
            num = q._read_number(text, m.group(1), m.start(1), g)
            unit = q._read_unit(text, num.end, g) if num is not None else None
            assert (_fields(read[0]), read[1]) == (_fields(num), unit), text
    assert plain > 5000  # the fast path is taken (a grammar change that stops it would show here)


def test_the_first_class_of_a_number_is_a_superset_of_digits_and_numerals() -> None:
    """_NUMBER's first class is written without \\d (a per-character category call in sre): it holds every
    character \\d matches, and the numbers found are those of the class with \\d, on strings with digits of
    other scripts too (Arabic-Indic, full-width, mathematical, superscript)."""
    first = re.compile(q._NUMBER[: q._NUMBER.index("]") + 1])
    digit = re.compile(r"\d")
    for code in range(0x110000):
        ch = chr(code)
        if digit.match(ch):
            assert first.fullmatch(ch), hex(code)
    with_d = re.compile(q._NUMBER.replace(q._NUMBER[: q._NUMBER.index("]") + 1], rf"[\d{CN_NUMERAL_CHARS}]", 1))
    assert with_d.pattern != q._NUMBER
    alphabet = [*ALPHABET, "٣", "٤٥", "０", "１２", "𝟙", "¹", "²", "Ⅷ", "ꘓ", "߂", "x٣"]
    rng = random.Random(4)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10)))
        expected = [m.span() for m in with_d.finditer(text)]
        assert [m.span() for m in re.finditer(q._NUMBER, text)] == expected, text
