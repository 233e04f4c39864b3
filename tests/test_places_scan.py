"""parsers.places' scan and _find against the readings they replaced (kept here as the reference): the
surfaces' automaton over str and a set of codes per mention, on synthetic reports and random strings of place
names, their parts and the characters that decide (cut suffixes, blocking tails, characters beyond the BMP, a
match straddling two characters' UTF-16 bytes)."""

from __future__ import annotations

import itertools
import random
from functools import cache

import ahocorasick_rs
import pytest

from benchmarks.bench_extract import prepare
from benchmarks.synth import generate
from parsers import places
from parsers.model import Place
from parsers.normalize import normalize_text
from parsers.places import _FULL, PlaceHit


@cache
def _str_matcher() -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(
        list(places._index().matcher_surfaces), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )


def _old_raw_scan(text: str) -> list[tuple[int, int, str]]:
    idx = places._index()
    surfaces, names = idx.surfaces, idx.matcher_surfaces
    out: list[tuple[int, int, str]] = []
    offset = 0
    matches = _str_matcher().find_matches_as_indexes(text)
    k = 0
    while k < len(matches):
        pattern, i, end = matches[k]
        k += 1
        surface = names[pattern]
        entry = surfaces[surface]
        i, end = i + offset, end + offset
        if not entry:
            continue
        nxt = text[end : end + 1]
        if nxt and all(kind == _FULL for _, kind in entry):
            last = surface[-1]
            if (last == "区" and nxt in "域县") or (last == "市" and nxt == "场") or (last == "县" and nxt in "域级"):
                surface = surface[:-1]
                end -= 1
                offset, matches, k = end, _str_matcher().find_matches_as_indexes(text[end:]), 0
                if not surfaces.get(surface):
                    continue
        out.append((i, end, surface))
    return out


def _old_find(text: str, lenient: bool = False) -> list[PlaceHit]:
    idx = places._index()
    raws = _old_raw_scan(text)
    if not raws:
        return []
    by_code = idx.places
    full_present = {
        code
        for _, _, surface in raws
        if surface not in idx.weak_full
        for code, kind in idx.surfaces[surface]
        if kind == _FULL
    }
    accepted: list[list[Place]] = []
    prev_end = -1
    prev_codes: set[str] = set()
    for start, end, surface in raws:
        before = prev_codes if start == prev_end else set()
        blocked_tail: bool | None = None
        keep: list[Place] = []
        for code, kind in idx.surfaces[surface]:
            p = by_code[code]
            after_parent = bool(before & places._parents(p))
            if kind == _FULL:
                ok = surface not in idx.weak_full or after_parent
            else:
                if blocked_tail is None:
                    blocked_tail = places._short_tail_blocked(text, end)
                if blocked_tail:
                    ok = False
                elif surface in idx.stop_short:
                    ok = after_parent or (p.level in ("province", "prefecture") and (code in full_present or lenient))
                elif places._is_major(p) or lenient:
                    ok = True
                else:
                    ok = after_parent or code in full_present
            if ok:
                keep.append(p)
        keep = places._drop_homonym_counties(keep)
        accepted.append(keep)
        prev_end = end
        prev_codes = {p.code for p in keep}
    sure = {cands[0].code for cands in accepted if len(cands) == 1}
    sure_cities = {by_code[c].city_code for c in sure if by_code[c].city_code} | sure
    sure_provinces = {c[:2] for c in sure}

    def context(p: Place) -> int:
        return (
            4 * (p.code in sure)
            + 2 * (p.city_code in sure_cities and p.city_code != p.code)
            + (p.code[:2] in sure_provinces)
        )

    hits: list[PlaceHit] = []
    for (start, end, surface), cands in zip(raws, accepted, strict=True):
        if not cands:
            continue
        if len(cands) == 1:
            chosen: Place | None = cands[0]
        else:
            best = max(context(p) for p in cands)
            chosen = places._choose_by_rank([p for p in cands if context(p) == best])
        if chosen is not None:
            hits.append(PlaceHit(place=chosen, start=start, end=end, surface=surface))
    return hits


def _raw(text: str) -> list[tuple[int, int, str]]:
    return [(i, end, info.surface) for i, end, info in places._raw_scan(text, places._index())]


@cache
def _words() -> list[str]:
    """Surfaces of every kind (full, short, stop words, weak, blockers, ambiguous), their parts, and the
    characters around them that decide."""
    idx = places._index()
    rng = random.Random(5)
    names = sorted(idx.surfaces)
    picked = rng.sample(names, 400)
    picked += sorted(idx.stop_short | idx.weak_full)
    picked += [s for s in names if len(idx.surfaces[s]) > 1][:80]  # ambiguous: 鼓楼区, 朝阳区
    picked += [s for s in names if not idx.surfaces[s]]  # blockers (长治久安)
    picked += ["江苏省", "泰州市", "姜堰区", "淮安区", "淮安", "泰州", "南京", "北京", "长沙", "长沙县", "吉林"]
    parts = [s[:k] for s in picked[:200] for k in range(1, len(s))]
    tails = [*"域县场级路街巷区市省", "大道", "大学", "大学生", "路径", "街道", "银行", "公园", "，", "。", "\n"]
    return picked + parts + tails + ["的", "和", "在", " ", "1", "a", "\U00020000"]


def _random_text(rng: random.Random, words: list[str]) -> str:
    return "".join(rng.choice(words) for _ in range(rng.randint(0, 24)))


def test_raw_scan_is_the_str_scan_on_random_text() -> None:
    rng = random.Random(21)
    words = _words()
    cut = 0
    for _ in range(4000):
        text = _random_text(rng, words)
        old = _old_raw_scan(text)
        assert _raw(text) == old, text
        cut += any(end < len(text) and text[end] in "域县场级" and s[-1] not in "区市县" for _, end, s in old)
    assert cut > 20  # (the cut-back branch ran)


def test_find_is_the_former_find_on_random_text() -> None:
    rng = random.Random(22)
    words = _words()
    ambiguous = adjacent = 0
    for _ in range(4000):
        text = _random_text(rng, words)
        for lenient in (False, True):
            old = _old_find(text, lenient)
            assert places._find(text, lenient) == old, (text, lenient)
        raws = _old_raw_scan(text)
        adjacent += any(a[1] == b[0] for a, b in itertools.pairwise(raws))
        ambiguous += any(len(places._index().surfaces[s]) > 1 for _, _, s in raws)
    assert adjacent > 500 and ambiguous > 500


@pytest.fixture(scope="module")
def synthetic_texts() -> list[str]:
    out = []
    for report in generate(3, 60):
        doc = prepare(report)
        out.append(f"{normalize_text(doc.raw_title)}\n{normalize_text(doc.raw_text)}")
    return out


def test_find_is_the_former_find_on_synthetic_reports(synthetic_texts: list[str]) -> None:
    found = 0
    for text in synthetic_texts:
        old = _old_find(text)
        assert places._find(text) == old
        found += len(old)
    assert found > 500


def test_text_beyond_the_bmp_is_read_by_the_str_automaton() -> None:
    text = "\U00020000江苏省泰州市姜堰区𠀀淮安区域和南京"
    assert _raw(text) == _old_raw_scan(text)
    assert [h.surface for h in places._find(text)] == ["江苏省", "泰州市", "姜堰区", "淮安", "南京"]


def test_a_match_across_two_characters_bytes_sends_the_text_to_the_str_automaton() -> None:
    # 淮安 is EE 6D 89 5B in UTF-16-LE; \uee00 \u896d [ are 00 EE 6D 89 5B 00: 淮安 one byte in, which a byte
    # scan taking it would report as 淮安 at 0-2
    pattern = places._index().matcher_surfaces.index("淮安")
    data = "\uee00\u896d[南京".encode("utf-16-le")
    assert places._index().matcher.find_matches_as_indexes(data)[0] == (pattern, 1, 5)
    for text in ("\uee00\u896d[南京", "\uee00\u896d[", "南京\uee00\u896d["):
        assert _raw(text) == _old_raw_scan(text), text
    assert _raw("\uee00\u896d[南京") == [(3, 5, "南京")]


def _old_lead_end(text: str) -> int:
    pos = 0
    for line in text.splitlines(keepends=True):
        pos += len(line)
        if len(line.strip()) >= 30 or pos >= places._LEAD_MAX:
            break
    return min(pos, places._LEAD_MAX)


def test_lead_end_is_the_former_reading() -> None:
    rng = random.Random(23)
    breaks = ["\n", "\r\n", "\r", "\u2028", "\x0c"]
    ends = set()
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(0, 80)):
            parts.append("字" * rng.choice([0, 1, 5, 20, 28, 29, 29, 30, 31]) + " " * rng.randint(0, 2))
            parts.append(rng.choice(breaks))
        text = "".join(parts)
        if rng.random() < 0.3:  # a line break across the cut
            text = text[: places._LEAD_MAX - 1] + "\r\n" + text[places._LEAD_MAX - 1 :]
        assert places._lead_end(text) == _old_lead_end(text), text
        ends.add(places._lead_end(text))
    assert places._LEAD_MAX in ends and len(ends) > 100
