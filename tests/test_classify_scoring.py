"""classify's typed scoring factors (Taxonomy.factors) and its str.find scoring of literal keywords, against the
taxonomy's [scoring] table and the regex scoring (_score_keyword) on random contexts."""

from __future__ import annotations

import random

from parsers import classify
from parsers.segments import Span

_FIELDS = (
    "item_factor",
    "clause_factor",
    "sentence_factor",
    "predicate_clause_factor",
    "predicate_sentence_factor",
    "selection_sentence_factor",
    "strong",
    "threshold",
    "topic_factor",
)


def test_factors_are_the_scoring_table() -> None:
    tax = classify.taxonomy()
    for name in _FIELDS:
        assert getattr(tax.factors, name) == tax.scoring[name], name


def test_score_word_is_the_regex_scoring_of_the_word() -> None:
    """_score_word (typed factors, no builtin max) scores a literal keyword as _score_keyword reads it by regex."""
    tax = classify.taxonomy()
    plans = [(kw, word) for kw, _, word in classify._plans() if word is not None]
    kinds = {kw.kind for kw, _ in plans}
    assert kinds == {"noun", "predicate"}
    rng = random.Random(31)
    fillers = ["职工", "的", "5", "人", "次", "入选", "其中", "全市", "技能", ",", "、", "有"]
    scored = 0
    for _ in range(3000):
        kw, word = rng.choice(plans)
        others = [w for _, w in rng.sample(plans, 3)]
        pieces = [rng.choice([word, *others, *fillers]) for _ in range(rng.randint(2, 14))]
        text = "".join(pieces)
        start = rng.randint(0, len(text))
        end = min(len(text), start + rng.randint(0, 3))
        item_start, item_end = rng.randint(0, start), rng.randint(end, len(text))
        ctx = classify.context_of(
            text, start, end, Span(item_start, item_end), Span(0, len(text)), Span(0, len(text)), 0, None
        )
        expected = classify._score_keyword(kw, ctx, tax.factors, word)
        assert classify._score_word(kw, word, ctx, tax.factors) == expected, (text, start, end, word)
        scored += expected[0] > 0
    assert scored > 300
