"""Keyword candidates per sentence (parsers.keyword_hits): the words a pattern needs, read from its regex,
and the candidates against a keyword-by-keyword reading of the taxonomy."""

from __future__ import annotations

import random
import re

import pytest

from benchmarks.synth import generate
from parsers.classify import taxonomy
from parsers.decode import decode_bytes
from parsers.keyword_hits import KeywordHits, _requirements, required_words
from parsers.normalize import normalize_text
from parsers.segments import sentence_spans


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("补贴|补助|奖励", ((("补贴", "补助", "奖励"),), True)),
        ("参赛", ((("参赛",),), True)),
        ("(?:参与|参加)\\S{0,12}(竞赛|大赛)", ((("参与", "参加"), ("竞赛", "大赛")), False)),
        ("取得\\S{0,10}学历", ((("取得",), ("学历",)), False)),
        # an optional character or group is not needed; a lookaround's text is left out
        ("技能?大赛", ((("技",), ("大赛",)), False)),
        ("(省级|市级)?劳模", ((("劳模",),), False)),
        ("入会(?=[,;。、]|$)", ((("入会",),), False)),
        ("[一二三]等奖", ((("等奖",),), False)),
        # what is not read here gives no words rather than wrong ones
        ("工匠|技术.{0,4}能手", ((), False)),
        ("(?i)abc", ((), False)),
        ("\\u5de5匠", ((), False)),
        ("((a|b)c)d", ((), False)),
    ],
)
def test_required_words(source: str, expected: tuple) -> None:
    assert required_words(source) == expected


def _strings(groups: tuple[tuple[str, ...], ...], rng: random.Random) -> list[str]:
    """Short strings of the pattern's own words and some filler, with and without each word."""
    pieces = [word for group in groups for word in group] + list("的和在工会职工,。 1")
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(3000)]


@pytest.mark.parametrize("source", sorted(_requirements()))
def test_a_match_holds_the_words_its_pattern_needs(source: str) -> None:
    """For every presence pattern and gate of the taxonomy: a string the pattern matches holds a word of
    each group, and for a plain alternation a string holding one of its words is a match."""
    groups, exact = _requirements()[source]
    pattern = re.compile(source)
    for text in _strings(groups, random.Random(source)):
        holds = all(any(word in text for word in group) for group in groups)
        matches = pattern.search(text) is not None
        assert holds or not matches, (source, text)
        if exact:
            assert holds == matches, (source, text)


def _reference_candidates(sentence: str) -> list[int]:
    """Keyword by keyword: a literal keyword in the sentence, a pattern keyword whose presence pattern
    matches, and every sentence gate of the keyword matching."""
    tax = taxonomy()
    presence = dict(tax.regex_presence)
    ids = []
    for i, literal in enumerate(tax.keyword_literals):
        if i in presence:
            p = presence[i]
            present = p is None or p.search(sentence) is not None
        else:
            present = literal is not None and literal in sentence
        if present and all(gate.search(sentence) for gate in tax.sentence_gates[i]):
            ids.append(i)
    return ids


def test_candidates_are_the_keywords_a_sentence_can_match() -> None:
    texts = [normalize_text(decode_bytes(r.content).text) for r in generate(3, 40)]
    texts.append(
        normalize_text(
            "组织职工参加全市职业技能大赛,为困难职工发放补助资金120万元,取得高级工证书的职工每人补贴2000元。"
        )
    )
    checked = 0
    for text in texts:
        hits = KeywordHits(text)
        for span in sentence_spans(text):
            assert hits.candidates(span.start, span.end) == _reference_candidates(text[span.start : span.end])
            checked += 1
    assert checked > 500
