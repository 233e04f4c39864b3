"""Plain data types passed between parsers, extraction and flows (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """A resolved administrative place; prefecture-level city is what reports are tracked by."""

    name: str  # official full name of the place itself, e.g. 姜堰区 or 淮安市
    code: str  # 6-digit administrative code of the place itself
    level: str  # province | prefecture | county
    province: str  # e.g. 江苏省
    city: str  # prefecture-level city (or municipality / directly-administered county-level city)
    city_code: str  # 6-digit code of `city`
    district: str = ""  # county-level name when the place is below the city, else ""


@dataclass
class ParsedPage:
    """What a source parser returns: a pure function of (bytes, url) -> ParsedPage.

    `text` is the report body already normalised (see parsers.normalize); the title is
    kept apart. Metadata fields are hints from the page structure; parsers.metadata
    completes them from the text and the URL.
    """

    title: str
    text: str
    publish_date: str = ""  # YYYY-MM-DD (or YYYY-MM) when the page structure states it
    date_source: str = ""  # meta | page | url | text
    place_hints: list[str] = field(default_factory=list)  # e.g. newspaper or site names naming a place
    site_name: str = ""
    author: str = ""
    encoding: str = ""  # the encoding the bytes were decoded with
    warnings: list[str] = field(default_factory=list)


@dataclass
class Mention:
    """One figure found in a report's normalised text. (parsers.extract makes these with positional
    arguments, in this field order: keep the order, or name the arguments there.)"""

    mention: str
    value: float
    value_high: float | None
    unit: str
    qualifier: str  # exact | approx | at_least | at_most | range
    indicator: str
    label: str
    period: str  # cumulative | annual | change | stock | unknown
    evidence: str
    char_start: int
    char_end: int
    scope: str = "report"  # report | city | district | province | national | section (parsers.figure_place)
    place: Place | None = None  # the district, when scope is district; the other city, when section
