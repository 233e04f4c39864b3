"""Where one figure is about, when the text leaves the report's place (全省累计…, 姜堰区新增…)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.model import Place
from parsers.places import find_places

# A clause that opens with these is about the province or the country, not the report's city.
LEAD_RE = r"^(?:在|据统计,|据悉,|今年|去年|\d{4}年,?)?"
PROVINCE_SUBJECT_RE = re.compile(LEAD_RE + r"(?:全省|省总工会|省级层面)")
NATIONAL_SUBJECT_RE = re.compile(LEAD_RE + r"(?:全国|全总|中华全国总工会)")
# In a district report, 全市 is the whole city the district belongs to (滨海新区 report: 全市 = 天津).
CITY_SUBJECT_RE = re.compile(LEAD_RE + r"全市")
# The three in one match (_subject): after a lead, the subjects' first two characters tell them apart.
SUBJECT_RE = re.compile(
    LEAD_RE + r"(?:(?P<national>全国|全总|中华全国总工会)|(?P<province>全省|省总工会|省级层面)|(?P<city>全市))"
)


@dataclass(frozen=True)
class FigurePlace:
    scope: str  # report | city | district | province | national | section
    place: Place | None  # the district for scope district, the section's city for scope section, else None


REPORT = FigurePlace("report", None)
NATIONAL = FigurePlace("national", None)
PROVINCE = FigurePlace("province", None)
CITY = FigurePlace("city", None)


def figure_place(text: str, clause_start: int, sentence_start: int, start: int, report: Place | None) -> FigurePlace:
    """The scope of the figure at `start`: its clause's own subject decides, then the sentence's.

    Only clear subjects move a figure away from the report's place: a clause opening with
    全省/全国 (or 全市 in a district report), a sentence opening so with no place of the report in
    the figure's clause (…,绵阳有23人 stays Mianyang's), or one county of the report's city named
    before the figure in its clause (not an enumeration: 游仙区、江油市等3个县).
    """
    clause_left = text[clause_start:start].lstrip()
    own = [h.place for h in find_places(clause_left)] if report is not None else []
    if report is not None and any(p.code == report.code or p.code == report.city_code for p in own):
        return REPORT
    subject = _subject(clause_left, report)
    if subject is not None:
        return subject
    counties = [p for p in own if report and p.level == "county" and p.city_code == report.city_code]
    if len(counties) == 1 and counties[0].code != report.code and "等" not in clause_left:
        return FigurePlace("district", counties[0])
    if own:
        return REPORT
    sentence_left = text[sentence_start:clause_start].lstrip()
    return _subject(sentence_left, report) or REPORT


def _subject(left: str, report: Place | None) -> FigurePlace | None:
    """NATIONAL_SUBJECT_RE, PROVINCE_SUBJECT_RE, then CITY_SUBJECT_RE (for a county report not named
    …市), by one match of SUBJECT_RE: figure_place asks this once or twice a figure (tests/test_parse_batch.py
    compares it with the three matches)."""
    found = SUBJECT_RE.match(left)
    if found is None:
        return None
    kind = found.lastgroup
    if kind == "national":
        return NATIONAL
    if kind == "province":
        return PROVINCE
    if report is not None and report.level == "county" and not report.name.endswith("市"):
        return CITY
    return None


# A heading that opens a section about one place: 湘潭：困难职工帮扶…, 【三亚：…】, 湘潭讯 (e-paper pages carry
# several cities' stories; provincial roundups one section a city). The place name opens the line: with
# 【 before it or 讯 after it (a dateline), at any length; with a colon or a blank after it, on a short line
# that is no sentence. A navigation line (南京 | 无锡 | 常州) or a sentence that starts with a place is none.
SECTION_HEADING_MAX = 40
HEADING_MARKS = ("：", ":", " ")


def section_places(text: str) -> list[tuple[int, Place]]:
    """(offset, place) where each section begins whose heading names a city or a county, in text order.
    A figure in a section about another city than the report's is that city's (see section_place)."""
    sections: list[tuple[int, Place]] = []
    offset = 0
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if len(stripped) < 3:
            continue
        bracketed = stripped[0] in "【["
        head = stripped[1:] if bracketed else stripped
        hits = find_places(head[:12])
        if not hits or hits[0].start != 0 or hits[0].place.level == "province":
            continue
        after = head[hits[0].end : hits[0].end + 1]
        heading_line = len(stripped) <= SECTION_HEADING_MAX and stripped[-1] not in "。!?;" and "|" not in stripped
        if bracketed or after == "讯" or (after in HEADING_MARKS and heading_line):
            sections.append((start, hits[0].place))
    return sections


def section_place(sections: list[tuple[int, Place]], start: int, report: Place | None) -> Place | None:
    """The place of the section holding `start` when it is not the report's city (nor one of its districts)."""
    place = None
    for offset, found in sections:
        if offset > start:
            break
        place = found
    if place is None or report is None or place.city_code == report.city_code or place.code == report.code:
        return None
    return place
