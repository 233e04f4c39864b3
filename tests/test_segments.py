"""parsers.segments against the regex readings its str.find scans stand in for: sentence spans (terminal
marks with their closing marks, runs of line breaks, wrapped lines) and the wrap width, on random texts
made of the characters that decide them, and on a hard-wrapped page."""

from __future__ import annotations

import random
import re

from parsers import segments
from parsers.segments import SENTENCE_END, SOFT_WRAP_MIN_CHARS, Span

# The boundary regex sentence_spans used before its str.find scans, and the loop around it.
_BOUNDARY_RE = re.compile(f"[{SENTENCE_END}\n](?:(?<=\n)\n*|[{re.escape(segments._CLOSING_MARKS)}]*)")


def _reference_wrap_width(text: str) -> int:
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


def _reference_spans(text: str) -> list[Span]:
    min_wrap = _reference_wrap_width(text)
    spans: list[Span] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        i = m.start()
        if text[i] != "\n":
            spans.append(Span(start, m.end()))
            start = m.end()
            continue
        line = text[text.rfind("\n", 0, i) + 1 : i]
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
        spans.append(Span(start, len(text)))
    return spans


# Pieces that decide where sentences end: marks, closing marks, line breaks, blanks, Han text, digits, and
# runs of text long enough to make lines that wrap (or not) at any width between 10 and 40.
_PIECES = [
    *SENTENCE_END,
    *segments._CLOSING_MARKS,
    *("\n", "\n", "\n\n", " ", "\u3000", "\t", ":", ";", ",", "a", "5"),
    *("工会", "职工", "培训", "2023年", "一", "。”", "!\n"),
    *("职" * 9, "工" * 12, "会" * 15, "产业工人队伍建设改革" * 2, "技能" * 17, "x" * 25, "八" * 38),
]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def test_sentence_spans_are_the_regex_reading() -> None:
    wrapped = 0
    for text in _texts(1, 6000):
        spans = segments.sentence_spans(text)
        assert spans == _reference_spans(text), repr(text)
        wrapped += any("\n" in text[s.start : s.end].strip() for s in spans)
    assert wrapped > 500  # texts where a line wraps into the next sentence's line, not only ordinary breaks


def test_wrap_width_is_the_reference_reading() -> None:
    widths = set()
    for text in _texts(2, 3000):
        width = segments.wrap_width(text)
        assert width == _reference_wrap_width(text), repr(text)
        widths.add(width)
    assert len(widths) > 3  # the random texts reach the wrapped readings too, not only the default


def test_a_hard_wrapped_page_reads_as_its_sentences() -> None:
    page = (
        "市总工会会同产改协调小组各成员单位深入推进产业工人队伍建设改\n"
        "革,全年开展职业技能培训12万人次,新增高技能人才2097人,技\n"
        "师以上215人。各级工会筹集疫情防控专项资金500万元,走访慰问一\n"
        "线职工3.2万人次,发放慰问金和慰问品合计1800万元,帮助困难职\n"
        "工解决实际问题460件,建成职工书屋和爱心驿站共计83个,覆盖全\n"
        "市主要产业园区与重点企业。\n"
        "二、主要做法\n"
        "一是强化思想引领。"
    )
    spans = segments.sentence_spans(page)
    assert spans == _reference_spans(page)
    texts = [page[s.start : s.end] for s in spans]
    assert texts[0].startswith("市总工会") and texts[0].endswith("215人。")
    assert "\n" in texts[0]  # the wrapped lines are one sentence
    assert texts[-2:] == ["二、主要做法", "一是强化思想引领。"]


def test_locate_in_any_order_is_the_bisections() -> None:
    """SpanIndex.locate steps on from the last position it was asked about (figures come in order); asked in
    order, backwards or at random it gives sentence_at, clause_at and item_at."""
    rng = random.Random(3)
    pieces = [*_PIECES, ",", ",", "、", "、", ";", "。"]
    asked = 0
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        index = segments.SpanIndex(text)
        positions = sorted(rng.randint(0, len(text)) for _ in range(6))
        positions += [rng.randint(0, len(text)) for _ in range(4)]  # then back and forth
        for pos in positions:
            assert index.locate(pos) == (index.sentence_at(pos), index.clause_at(pos), index.item_at(pos)), (text, pos)
            asked += 1
    assert asked == 15000
