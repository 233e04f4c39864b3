"""Place recognition: reads parsers/data/divisions.csv and place_stopwords.txt, returns Place values."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs

from parsers.model import Place
from parsers.segments import BMP, char_table

DATA_DIR = Path(__file__).parent / "data"
DIVISIONS_CSV = DATA_DIR / "divisions.csv"
STOPWORDS_TXT = DATA_DIR / "place_stopwords.txt"

_FULL = 0  # official full name (淮安市) or alias (恩施州)
_SHORT = 1  # name without its suffix (淮安)

# Rank used to break ties between places sharing a name: province, prefecture, city-like county, county.
_RANK = {"province": 0, "prefecture": 1, "county": 3}

# What may follow a short name and shows it is part of another word (北京路, 南京大学, 江苏银行).
_TAIL_1 = frozenset("路街巷")
_TAIL_2 = frozenset({"大道", "大街", "大学", "公园", "银行"})
_TAIL_OK = ("路径", "街道", "大学生")
# what a blocking tail starts with: after most short names stands none of these
_TAIL_FIRST = char_table({*_TAIL_1, *(w[0] for w in _TAIL_2)})

# Scoring weights for resolve_report_place.
_W_TITLE = 5.0
_W_LEAD = 2.0
_W_BODY = 1.0
_W_HINT = 8.0
_QUALIFIER = 0.25  # a place directly followed by one of its own parts (泰州市|姜堰区) only qualifies it
_LEAD_MAX = 600
_DATELINE = re.compile(r"([^\s，。,：:]{0,16}?)\d{1,2}月\d{1,2}日(?:电|讯)")


class PlaceHit:
    """One place mention: `surface` is text[start:end]. A plain slotted class, not a frozen dataclass: one
    is made per mention, and the compiled build makes it a native class with a C constructor."""

    __slots__ = ("end", "place", "start", "surface")

    def __init__(self, place: Place, start: int, end: int, surface: str) -> None:
        self.place = place
        self.start = start
        self.end = end
        self.surface = surface

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlaceHit) and (self.place, self.start, self.end, self.surface) == (
            other.place,
            other.start,
            other.end,
            other.surface,
        )

    def __hash__(self) -> int:
        return hash((self.place, self.start, self.end, self.surface))

    def __repr__(self) -> str:
        return f"PlaceHit(place={self.place!r}, start={self.start!r}, end={self.end!r}, surface={self.surface!r})"


class _Cand:
    """One place a surface may name (one (code, kind) entry of _Index.surfaces), with what _find asks of it
    made once: its parents' codes, whether its short name alone is a mention, its level."""

    __slots__ = ("city_code", "code", "county", "full", "major", "parents", "place", "upper")

    def __init__(self, place: Place, kind: int) -> None:
        self.place = place
        self.code = place.code
        self.city_code = place.city_code
        self.full = kind == _FULL
        self.parents = frozenset(_parents(place))
        self.major = _is_major(place)
        self.upper = place.level in ("province", "prefecture")
        self.county = place.level == "county"


class _Surface:
    """A surface (a name as written) with its candidate places in _Index.surfaces' order. `cut`: the
    characters after it that give its suffix to the next word (淮安区|域), `cut_to` the surface left then."""

    __slots__ = ("cands", "cut", "cut_to", "full_codes", "stop", "surface", "weak")

    def __init__(self, surface: str, cands: tuple[_Cand, ...], weak: bool, stop: bool) -> None:
        self.surface = surface
        self.cands = cands
        self.weak = weak
        self.stop = stop
        # the codes this surface puts in _find's full_present
        self.full_codes: tuple[str, ...] = () if weak else tuple(c.code for c in cands if c.full)
        self.cut = ""
        self.cut_to: _Surface | None = None


@dataclass(frozen=True)
class _Index:
    places: dict[str, Place]  # code -> Place
    full: dict[str, tuple[str, ...]]  # full name or alias -> codes
    short: dict[str, tuple[str, ...]]  # short name -> codes
    pinyin: dict[str, tuple[str, ...]]  # pinyin of the short name -> codes
    surfaces: dict[str, tuple[tuple[str, int], ...]]  # surface -> ((code, kind), ...); () for a blocker
    # every surface of two or more characters (blockers too), matched leftmost-longest in the text's UTF-16-LE
    # bytes; pattern index -> surface, and what _raw_scan and _find ask of it
    matcher: ahocorasick_rs.BytesAhoCorasick
    matcher_surfaces: tuple[str, ...]
    matcher_infos: tuple[_Surface, ...]
    stop_short: frozenset[str]
    weak_full: frozenset[str]
    city_codes: frozenset[str]


def _read_stopwords(path: Path) -> tuple[set[str], set[str], set[str]]:
    stop, weak, block = set(), set(), set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("="):
            weak.add(line[1:].strip())
        elif line.startswith("!"):
            block.add(line[1:].strip())
        else:
            stop.add(line)
    return stop, weak, block


def _make_place(row: dict[str, str]) -> Place:
    code, name, level = row["code"], row["name"], row["level"]
    district = name if level == "county" and row["city_code"] != code else ""
    return Place(
        name=name,
        code=code,
        level=level,
        province=row["province"],
        city=row["city"],
        city_code=row["city_code"],
        district=district,
    )


COUNTY_SUFFIXES = ("县", "市", "区")


@lru_cache(maxsize=1)
def _index() -> _Index:
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    stop, weak, block = _read_stopwords(STOPWORDS_TXT)
    places: dict[str, Place] = {}
    full: dict[str, list[str]] = defaultdict(list)
    short: dict[str, list[str]] = defaultdict(list)
    pinyin: dict[str, list[str]] = defaultdict(list)
    surfaces: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        place = _make_place(row)
        places[place.code] = place
        full[place.name].append(place.code)
        surfaces[place.name].append((place.code, _FULL))
        if row["short"]:
            short[row["short"]].append(place.code)
            surfaces[row["short"]].append((place.code, _SHORT))
        if row.get("pinyin"):
            pinyin[row["pinyin"]].append(place.code)
    for row in rows:  # 恩施土家族苗族自治州 is usually written 恩施州
        alias = row["short"] + "州"
        if row["name"].endswith("自治州") and row["short"] and alias not in surfaces:
            full[alias].append(row["code"])
            surfaces[alias].append((row["code"], _FULL))
    # A county renamed since the division table (宁乡县 -> 宁乡市 2017, 即墨市 -> 即墨区 2017, 邵东县 -> 邵东市 2019)
    # is written under its new suffix: its short name with 县, 市 or 区 names it, where no other place or word
    # has that name.
    taken = set(surfaces) | stop | weak | block
    for row in rows:
        name, short_name = row["name"], row["short"]
        if row["level"] != "county" or len(short_name) < 2 or name[-1:] not in COUNTY_SUFFIXES:
            continue
        for suffix in COUNTY_SUFFIXES:
            alias = short_name + suffix
            if alias != name and alias not in taken:
                full[alias].append(row["code"])
                surfaces[alias].append((row["code"], _FULL))
    for word in block:
        surfaces.setdefault(word, [])
    matcher_surfaces = tuple(surface for surface in surfaces if len(surface) >= 2)
    infos = {
        surface: _Surface(
            surface, tuple(_Cand(places[code], kind) for code, kind in entry), surface in weak, surface in stop
        )
        for surface, entry in surfaces.items()
    }
    for surface, info in infos.items():
        if info.cands and all(c.full for c in info.cands):
            # 淮安区域 / 合作市场 / 示范县域: the suffix belongs to the next word
            info.cut = {"区": "域县", "市": "场", "县": "域级"}.get(surface[-1], "")
            info.cut_to = infos.get(surface[:-1])
    return _Index(
        places=places,
        full={k: tuple(v) for k, v in full.items()},
        short={k: tuple(v) for k, v in short.items()},
        pinyin={k: tuple(v) for k, v in pinyin.items()},
        surfaces={k: tuple(v) for k, v in surfaces.items()},
        # a DFA: ~40 % faster over a text than the library's default NFA here, for ~10 MB once per process
        matcher=ahocorasick_rs.BytesAhoCorasick(
            [surface.encode("utf-16-le") for surface in matcher_surfaces],
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.DFA,
        ),
        matcher_surfaces=matcher_surfaces,
        matcher_infos=tuple(infos[surface] for surface in matcher_surfaces),
        stop_short=frozenset(stop),
        weak_full=frozenset(weak),
        city_codes=frozenset(p.city_code for p in places.values() if p.city_code),
    )


def all_places() -> list[Place]:
    """Every province, prefecture-level city and county/district in the table, by code."""
    idx = _index()
    return [idx.places[code] for code in sorted(idx.places)]


def city_of_code(code: str) -> Place | None:
    """The city whose city_code is `code` (prefecture, municipality, province-administered county) or None."""
    idx = _index()
    code = (code or "").strip()
    return idx.places.get(code) if code in idx.city_codes else None


# ---------------------------------------------------------------------------------------------- helpers


def _is_major(p: Place) -> bool:
    """Places whose short name alone is a mention: provinces, prefectures, 仙桃/济源-like cities."""
    if p.level in ("province", "prefecture"):
        return True
    return p.code == p.city_code and p.name.endswith(("市", "林区"))


def _rank(p: Place) -> int:
    if p.level == "county" and p.code == p.city_code:
        return 2
    return _RANK.get(p.level, 3)


def _parents(p: Place) -> set[str]:
    out = {p.code[:2] + "0000"}
    if p.city_code:
        out.add(p.city_code)
    out.discard(p.code)
    return out


def _drop_homonym_counties(places: list[Place]) -> list[Place]:
    """长沙 names 长沙市 and 长沙县: a county named after its own city yields to the city."""
    majors = {p.code for p in places if _is_major(p)}
    return [p for p in places if not (p.level == "county" and p.city_code in majors and p.code not in majors)]


def _choose_by_rank(places: list[Place]) -> Place | None:
    if not places:
        return None
    if len(places) == 1:
        return places[0]
    best = min(_rank(p) for p in places)
    top = [p for p in places if _rank(p) == best]
    return top[0] if len(top) == 1 else None


def _raw_scan(text: str, idx: _Index) -> list[tuple[int, int, _Surface]]:
    """Leftmost-longest scan for every surface (blockers are consumed and dropped).

    The automaton finds the leftmost-longest surfaces in one compiled pass; a full name whose suffix
    belongs to the next word is cut back, and the scan then starts again at the character given back.

    It reads the text's UTF-16-LE bytes, two a character when every character is in the Basic Multilingual
    Plane: a byte offset halved is the character offset, where the str automaton encodes the text to UTF-8
    and maps every byte offset back to a character (~45 % of the scan). A match starting at an odd byte
    would straddle two characters; when none does, each step found the same leftmost-longest match as
    over the characters (a match at an even byte is one at that character and back), so a text with one,
    or with a character beyond the BMP (four bytes), is read by the str automaton instead.
    """
    data = text.encode("utf-16-le")
    if len(data) == 2 * len(text):
        out = _scan(text, data, 1, idx.matcher.find_matches_as_indexes, idx)
        if out is not None:
            return out
    out = _scan(text, text, 0, _str_matcher().find_matches_as_indexes, idx)
    assert out is not None  # (only a byte scan gives up)
    return out


@lru_cache(maxsize=1)
def _str_matcher() -> ahocorasick_rs.AhoCorasick:
    """The surfaces' automaton over str, for the texts the UTF-16 one cannot read (built when first needed)."""
    return ahocorasick_rs.AhoCorasick(
        list(_index().matcher_surfaces),
        matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
        implementation=ahocorasick_rs.Implementation.DFA,
    )


def _scan(
    text: str, haystack: str | bytes, shift: int, find: Callable[..., list[tuple[int, int, int]]], idx: _Index
) -> list[tuple[int, int, _Surface]] | None:
    """_raw_scan over `haystack`: the text (shift 0) or its UTF-16-LE bytes (shift 1, None at a match that
    starts inside a character)."""
    infos = idx.matcher_infos
    out: list[tuple[int, int, _Surface]] = []
    offset = 0  # where the current pass over the text began
    matches = find(haystack)
    k = 0
    while k < len(matches):
        pattern, i, end = matches[k]
        k += 1
        if shift and i & 1:
            return None
        info = infos[pattern]
        i, end = (i >> shift) + offset, (end >> shift) + offset
        if not info.cands:  # an ordinary word such as 长治久安
            continue
        if info.cut and end < len(text) and text[end] in info.cut:
            # 淮安区域 / 合作市场 / 示范县域: the suffix belongs to the next word
            end -= 1
            offset, matches, k = end, find(haystack[end << shift :]), 0
            cut_to = info.cut_to
            if cut_to is None or not cut_to.cands:
                continue
            info = cut_to
        out.append((i, end, info))
    return out


def _short_tail_blocked(text: str, end: int) -> bool:
    o = ord(text[end]) if end < len(text) else 0
    if o >= BMP or not _TAIL_FIRST[o]:
        return False  # (tail[:1] in _TAIL_1 or tail[:2] in _TAIL_2 cannot hold)
    tail = text[end : end + 3]
    if tail.startswith(_TAIL_OK):
        return False
    return tail[:1] in _TAIL_1 or tail[:2] in _TAIL_2


def _drop_homonym_cands(cands: list[_Cand]) -> list[_Cand]:
    """_drop_homonym_counties of the candidates' places."""
    majors = {c.code for c in cands if c.major}
    return [c for c in cands if not (c.county and c.city_code in majors and c.code not in majors)]


def _find(text: str, lenient: bool = False) -> list[PlaceHit]:
    idx = _index()
    raws = _raw_scan(text, idx)
    if not raws:
        return []  # most clauses name no place (figure_place asks per figure)
    # the codes named by a full name somewhere in the text: made when a short name first asks
    full_present: set[str] | None = None
    accepted: list[list[_Cand]] = []
    prev_end = -1
    prev_keep: list[_Cand] = []
    ambiguous = False
    for start, end, info in raws:
        # the places kept for the surface just before, when this one follows it directly (泰州市|姜堰区)
        before = prev_keep if start == prev_end else None
        blocked_tail: bool | None = None
        keep: list[_Cand] = []
        for c in info.cands:
            if c.full:
                ok = not info.weak or (before is not None and _follows_parent(before, c))
            else:
                if blocked_tail is None:
                    blocked_tail = _short_tail_blocked(text, end)
                if blocked_tail:
                    ok = False
                elif before is not None and _follows_parent(before, c):
                    ok = True
                elif info.stop:
                    if c.upper and not lenient:
                        if full_present is None:
                            full_present = {code for _, _, named in raws for code in named.full_codes}
                        ok = c.code in full_present
                    else:
                        ok = c.upper
                elif c.major or lenient:
                    ok = True
                else:
                    if full_present is None:
                        full_present = {code for _, _, named in raws for code in named.full_codes}
                    ok = c.code in full_present
            if ok:
                keep.append(c)
        if len(keep) > 1:  # (one candidate or none: nothing to drop)
            keep = _drop_homonym_cands(keep)
            ambiguous = ambiguous or len(keep) > 1
        accepted.append(keep)
        prev_end = end
        prev_keep = keep

    hits: list[PlaceHit] = []
    if not ambiguous:
        for (start, end, info), cands in zip(raws, accepted, strict=True):
            if cands:
                hits.append(PlaceHit(cands[0].place, start, end, info.surface))
        return hits

    # Ambiguous names (鼓楼区, 朝阳区, 吉林) are settled by the unambiguous places around them.
    places = idx.places
    sure = {cands[0].code for cands in accepted if len(cands) == 1}
    sure_cities = {places[c].city_code for c in sure if places[c].city_code} | sure
    sure_provinces = {c[:2] for c in sure}

    def context(p: Place) -> int:
        return (
            4 * (p.code in sure)
            + 2 * (p.city_code in sure_cities and p.city_code != p.code)
            + (p.code[:2] in sure_provinces)
        )

    for (start, end, info), cands in zip(raws, accepted, strict=True):
        if not cands:
            continue
        if len(cands) == 1:
            chosen: Place | None = cands[0].place
        else:
            ps = [c.place for c in cands]
            best = max(context(p) for p in ps)
            chosen = _choose_by_rank([p for p in ps if context(p) == best])
        if chosen is not None:
            hits.append(PlaceHit(chosen, start, end, info.surface))
    return hits


def _follows_parent(before: list[_Cand], c: _Cand) -> bool:
    """Whether a place kept for the surface just before is a parent of c's place (province or city)."""
    for b in before:
        if b.code in c.parents:
            return True
    return False


# ---------------------------------------------------------------------------------------------- public API


def find_places(text: str) -> list[PlaceHit]:
    """All place mentions in `text`, in text order (leftmost-longest matching, no overlaps).

    Full names always count (except the few that are ordinary words, see place_stopwords.txt);
    short names count for provinces and prefecture-level cities; a county's short name counts
    only when the county's full name also appears or it directly follows its own city/province.
    Ambiguous names (鼓楼区, 通州区) are settled by the other places in the text, else dropped.
    """
    if not text:
        return []
    return _find(text)


def _hint_province_prefix(hint: str) -> str:
    hint = hint.strip()
    if hint.isdigit():
        return hint[:2] if len(hint) >= 2 else ""
    idx = _index()
    codes = idx.full.get(hint) or idx.short.get(hint) or ()
    provinces = {c[:2] for c in codes if idx.places[c].level == "province"}
    if not provinces:
        provinces = {c[:2] for c in codes}
    return provinces.pop() if len(provinces) == 1 else ""


def _hint_city_code(hint: str) -> str:
    hint = hint.strip()
    idx = _index()
    if hint.isdigit():
        return hint if hint in idx.city_codes else ""
    codes = idx.full.get(hint) or idx.short.get(hint) or ()
    cands = _drop_homonym_counties([idx.places[c] for c in codes])
    cities = {p.city_code for p in cands if p.city_code}
    return cities.pop() if len(cities) == 1 else ""


def _pick(codes: Iterable[str], province_hint: str, city_hint: str) -> Place | None:
    idx = _index()
    cands = [idx.places[c] for c in codes]
    if province_hint and len(cands) > 1:
        prefix = _hint_province_prefix(province_hint)
        narrowed = [p for p in cands if p.code[:2] == prefix]
        cands = narrowed or cands
    if city_hint and len(cands) > 1:
        city = _hint_city_code(city_hint)
        narrowed = [p for p in cands if city and (p.city_code == city or p.code == city)]
        cands = narrowed or cands
    if len(cands) > 1:
        cands = _drop_homonym_counties(cands)
    return _choose_by_rank(cands)


def lookup(name: str, province_hint: str = "", city_hint: str = "") -> Place | None:
    """The place called `name`: full name (淮安市), short name (淮安), pinyin (huaian) or a chain
    such as 江苏省泰州市姜堰区. Ambiguous names are narrowed by the hints (a province or city name
    or code; a hint that matches no candidate is ignored), then a province beats a prefecture-level
    city which beats a county; None when still ambiguous (鼓楼区, 朝阳区) or unknown.
    """
    idx = _index()
    key = re.sub(r"[\s·/|,，、\-]", "", name or "")
    if not key:
        return None
    codes = idx.full.get(key) or idx.short.get(key)
    if not codes and key.isascii():
        codes = idx.pinyin.get(re.sub(r"[^a-z]", "", key.lower()))
    if codes:
        return _pick(codes, province_hint, city_hint)
    # A chain of names: every character must belong to a place name, each narrowing the next.
    raws = _raw_scan(key, idx)
    if not raws or "".join(key[s:e] for s, e, _ in raws) != key:
        return None
    place: Place | None = None
    prov, city = province_hint, city_hint
    for _, _, info in raws:
        place = _pick([c for c, _ in idx.surfaces[info.surface]], prov, city)
        if place is None:
            return None
        prov = place.code[:2]
        city = place.city_code or city
    return place


def _lead_end(text: str) -> int:
    """End of the first real paragraph (a line of 30+ characters), at most _LEAD_MAX."""
    pos = 0
    # the lines of the first _LEAD_MAX characters only: a line that runs past them ends the lead either way
    for line in text[:_LEAD_MAX].splitlines(keepends=True):
        pos += len(line)
        if len(line.strip()) >= 30 or pos >= _LEAD_MAX:
            break
    return min(pos, _LEAD_MAX)


def _hint_places(hint: str) -> list[Place]:
    idx = _index()
    hint = hint.strip()
    if not hint:
        return []
    if hint.isascii():
        out: list[Place] = []
        for token in re.findall(r"[a-z]+", hint.lower()):
            if len(token) < 4:
                continue
            # Provinces and cities only: county pinyin collides with URL words (dongtai 东台, yuanqu 垣曲).
            majors = [idx.places[c] for c in idx.pinyin.get(token, ()) if _is_major(idx.places[c])]
            chosen = _choose_by_rank(majors)
            if chosen is not None:
                out.append(chosen)
        return out
    return [h.place for h in _find(hint, lenient=True)]


def _is_ancestor(a: Place, b: Place) -> bool:
    return a.code != b.code and a.code in _parents(b)


# A roundup names at least this many of its province's cities, the most named under twice the next.
ROUNDUP_CITIES = 3


def _roundup(city_total: dict[str, float], idx: _Index, province_code: str) -> bool:
    """Whether the cities found are a province's cities taken in turn rather than one city's report."""
    province = idx.places[province_code].province
    weights = sorted((w for code, w in city_total.items() if idx.places[code].province == province), reverse=True)
    return len(weights) >= ROUNDUP_CITIES and weights[0] < 2 * weights[1]


def resolve_report_place(title: str, text: str, hints: Sequence[str] = ()) -> Place | None:
    """The place a report is about: a county/district, a prefecture-level city, or (rarely) a province.

    Mentions are weighted (title ×5, first paragraph ×2, body ×1; hints and a "XX网淄博6月28日讯"
    dateline +8 each); a place directly followed by one of its own parts (泰州市姜堰区) counts a
    quarter. Counties add up into their city to pick the city; the county is returned instead when
    it clearly outweighs the city itself and its sibling counties. A province is returned only when
    no city is clearly present (no title/hint support and under half the province's weight).
    """
    idx = _index()
    title = title or ""
    text = text or ""
    body_start = len(title) + 1
    joined = f"{title}\n{text}"
    hits = _find(joined)
    lead_end = body_start + _lead_end(text)

    scores: dict[str, float] = defaultdict(float)
    supported: set[str] = set()
    first_pos: dict[str, int] = {}
    for k, hit in enumerate(hits):
        code = hit.place.code
        if hit.start < body_start:
            weight = _W_TITLE
            supported.add(code)
        elif hit.start < lead_end:
            weight = _W_LEAD
        else:
            weight = _W_BODY
        if k + 1 < len(hits):
            nxt = hits[k + 1]
            if nxt.start == hit.end and _is_ancestor(hit.place, nxt.place):
                weight *= _QUALIFIER
        scores[code] += weight
        first_pos.setdefault(code, hit.start)

    hint_texts = list(hints)
    head = text[:300]
    # a dateline ends in 日电 or 日讯: without either the lazy pattern would only backtrack
    dateline = _DATELINE.search(head) if "日电" in head or "日讯" in head else None
    if dateline and dateline.group(1):
        hint_texts.append(dateline.group(1))
    for hint in hint_texts:
        for place in {p.code: p for p in _hint_places(hint or "")}.values():
            scores[place.code] += _W_HINT
            supported.add(place.code)
            first_pos.setdefault(place.code, -1)

    if not scores:
        return None
    city_total: dict[str, float] = defaultdict(float)
    city_supported: set[str] = set()
    province_score: dict[str, float] = defaultdict(float)
    for code, score in scores.items():
        place = idx.places[code]
        if place.city_code:
            city_total[place.city_code] += score
            if code in supported:
                city_supported.add(place.city_code)
        else:
            province_score[code] += score

    def order(code: str) -> tuple[float, bool, int]:
        return (city_total[code], code in city_supported, -first_pos.get(code, 1 << 30))

    best_province = max(province_score, key=lambda c: province_score[c], default="")
    if not city_total:
        return idx.places[best_province] if best_province else None
    city = max(city_total, key=order)
    if best_province and city not in city_supported and province_score[best_province] >= 2 * city_total[city]:
        return idx.places[best_province]
    if best_province and not city_supported and _roundup(city_total, idx, best_province):
        return idx.places[best_province]  # 海口…三亚…儋州…: a province's report on its cities, none named on top

    counties = sorted(
        ((score, code) for code, score in scores.items() if code != city and idx.places[code].city_code == city),
        reverse=True,
    )
    if counties:
        top_score, top_code = counties[0]
        second = counties[1][0] if len(counties) > 1 else 0.0
        if top_score > scores.get(city, 0.0) and top_score >= 2 * second and (top_code in supported or top_score >= 3):
            return idx.places[top_code]
    return idx.places.get(city) or city_of_code(city)
