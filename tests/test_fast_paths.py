"""The extraction core's str tests and per-sentence masks against the regex readings they stand in for, on
random strings made of the words that decide them: period marker questions (parsers.periods), the scope word
before a label, a level alone, the selection words after a figure (parsers.classify)."""

from __future__ import annotations

import random
import re

from parsers import classify, periods
from parsers.keyword_hits import KeywordHits
from parsers.segments import Span

_FILLER = ["工会", "职工", "培训", "技能", ",", "。", ";", " ", "\n", "5", "2023", "19", "20", "年", "了", "化", "到"]


def _marker_words() -> list[str]:
    return sorted(periods.markers().bits_by_word)


def _random_text(rng: random.Random, words: list[str], length: int) -> str:
    return "".join(rng.choice(words) if rng.random() < 0.35 else rng.choice(_FILLER) for _ in range(length))


def test_marker_questions_by_mask_and_offsets_are_searches_of_the_slice() -> None:
    """_has(words, mask, text, a, b) == any word of the list in text[a:b] wherever the mask is the
    sentence's (the lists with a word among KeywordHits' words of it), and for the mask that knows
    nothing (ALL_LISTS)."""
    mk = periods.markers()
    lists = [v for v in vars(type(mk)).get("__dataclass_fields__", {}) if isinstance(getattr(mk, v), periods.Words)]
    assert len(lists) >= 13  # every Words of PeriodMarkers
    rng = random.Random(5)
    words = _marker_words()
    found = 0
    for _ in range(400):
        text = _random_text(rng, words, rng.randint(1, 30))
        hits = KeywordHits(text)
        held = hits.words(0, len(text))
        mask = 0
        for name in lists:
            if any(w in held for w in getattr(mk, name).words):
                mask |= getattr(mk, name).bit
        assert hits.marker_lists(0, len(text)) == mask  # (what extraction passes, found with the literal keywords)
        for _ in range(10):
            a = rng.randint(0, len(text))
            b = rng.randint(a, len(text))
            for name in lists:
                marker_list = getattr(mk, name)
                expected = any(w in text[a:b] for w in marker_list.words)
                assert periods._has(marker_list, mask, text, a, b) == expected, (name, text, a, b)
                assert periods._has(marker_list, periods.ALL_LISTS, text, a, b) == expected
                found += expected
    assert found > 1000


def test_every_marker_word_is_in_the_keyword_automaton() -> None:
    """A sentence's words (KeywordHits.words) hold each marker word it contains: the mask is never short."""
    for word in _marker_words():
        text = f"职工{word}。"
        assert word in KeywordHits(text).words(0, len(text)), word


def test_a_year_topic_match_needs_a_year_before_its_nian() -> None:
    """_may_name_year is True wherever year_topic finds a match in the slice (it only saves searches)."""
    mk = periods.markers()
    rng = random.Random(6)
    pieces = ["2022", "1998", "2023年度", "在", "其中", "年", "20", "19", "9", "0", ",", "。", " ", "今年", "第"]
    matched = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        if mk.year_topic.search(text[a:b]):
            matched += 1
            assert periods._may_name_year(text, a, b), (text, a, b)
    assert matched > 500


def test_scope_suffix_is_the_scope_regex() -> None:
    tax = classify.taxonomy()
    scope_re = re.compile("(" + "|".join(map(re.escape, tax.scope_words)) + ")$")
    rng = random.Random(7)
    pieces = [*tax.scope_words, "全", "技术工人", "劳模", "\n", " ", "省级", "级"]
    for _ in range(20000):
        left = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))
        m = scope_re.search(left)
        assert classify._scope_suffix(left, tax.scope_by_last) == ((m.start(), m.group(1)) if m else None), left


def test_level_alone_and_selection_words_are_their_regexes() -> None:
    scope_only_re = re.compile(
        r"^(?:全国|国家级|省部级|省级|自治区级|市级|州级|盟级|地级|县级|区级|旗级|县区级|镇级|乡镇级|企业级|校级)(?:以上|以下)?$"
    )
    selection_re = re.compile(r"\s*(?:入选|获评|当选|被评为|被命名为|荣获|获得|获)")
    period_selection_re = re.compile(r"\s*(?:入选|获评|当选|被评为|被命名为|荣获|获得)")
    rng = random.Random(8)
    pieces = ["其中", "市级", "省", "以上", "以下", "全国", "获", "评", "入选", " ", "\u3000", "\n", "职工", "级"]
    for _ in range(20000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
        stripped = s.strip()
        assert classify._scope_only(stripped) == bool(scope_only_re.match(re.sub(r"^其中", "", stripped))), s
        assert s.lstrip().startswith(classify.SELECTION_AFTER) == bool(selection_re.match(s)), s
        assert s.lstrip().startswith(periods.SELECTION_AFTER) == bool(period_selection_re.match(s)), s


def test_a_window_without_an_opening_mark_is_no_short_quote() -> None:
    """_inside_short_quote with the text's opening marks (_Openers, asked in order and back) answers as the
    regex search alone, on random texts of quote marks, stops and words."""
    from parsers import quantities

    g = quantities.grammar()
    rng = random.Random(10)
    pieces = [*quantities.QUOTE_PAIRS, *quantities.QUOTE_PAIRS.values(), "。", ";", "\n", "劳模", "5人", "工匠" * 6]
    inside = 0
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        openers = quantities._Openers(text)
        positions = sorted(rng.randint(0, len(text)) for _ in range(5)) + [rng.randint(0, len(text)) for _ in range(3)]
        for start in positions:
            end = min(len(text), start + rng.randint(0, 3))
            expected = quantities._inside_short_quote(text, start, end, g)
            assert quantities._inside_short_quote(text, start, end, g, openers) == expected, (text, start, end)
            inside += expected
    assert inside > 500


def test_char_offsets_and_han_count_are_their_regex_readings() -> None:
    from parsers.segments import char_offsets

    rng = random.Random(11)
    pieces = [",", ";", ":", "，", "、", "。", "\n", "职工", "a", "5", "工"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        for chars in (",;:，；：", "、", "。!?！？", "\n"):
            assert char_offsets(text, chars) == [m.start() for m in re.finditer(f"[{re.escape(chars)}]", text)]
        left = text[: rng.randint(0, len(text))]
        ctx = classify.Context(text, left, "", "", 0, 0, Span(0, 0), Span(0, 0))
        rest = classify.MARKERS_ONLY_RE.sub("", left.strip())
        expected = not classify._subject_has(rest) and len(re.sub(r"[^\u4e00-\u9fff]", "", rest)) >= 2
        assert ctx._own_noun() == expected, left
