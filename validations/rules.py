"""Reference data and row predicates behind the schema checks: taxonomy, divisions, grammar, bounds, dates.

Reads parsers/data/taxonomy.toml, grammar.toml and divisions.csv (through their parsers modules);
writes nothing. Every constant here is a decision documented in README "Data safety and validation".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import cache
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from parsers.classify import OTHER, taxonomy
from parsers.periods import PERIODS
from parsers.places import all_places, city_of_code
from parsers.quantities import grammar

# The reform's founding document (新时期产业工人队伍建设改革方案) was issued in 2017: a figure
# published earlier is not reform progress, and such a date is more often a mis-read one.
EARLIEST_PUBLISH_DATE = "2017-01-01"
QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range")
REPORT_STATUSES = ("ok", "no_indicators", "rejected")
URL_SCHEMES = ("http", "https", "file")  # file: inbox documents; only http(s) is ever fetched
ID_RE = r"^[0-9a-f]{16}$"
SHA256_RE = r"^([0-9a-f]{64})?$"
CODE_RE = r"^(\d{6})?$"
DATE_OR_EMPTY_RE = r"^(\d{4}-\d{2}(-\d{2})?)?$"  # publish dates: YYYY-MM when a document only names its month
DATE_OR_MONTH_RE = r"^\d{4}-\d{2}(-\d{2})?$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
VERSION_RE = r"^\d+\.\d+\.\d+"
# Source ids name raw/<source>/ folders: one path component, no separators, no leading dot.
SOURCE_ID_RE = r"^\w[\w.-]{0,63}$"
RAW_PATH_RE = re.compile(r"^raw/(?P<source>[^/]+)/(?P<sha>[0-9a-f]{64})\.[a-z0-9]{1,7}$")
# Percentages: a decrease cannot exceed 100 %; a stated rise above 1000 % (eleven-fold) is, in
# these reports, a mis-read figure. Shares (representation, coverage) lie within 0..100.
PERCENT_MIN, PERCENT_MAX = -100.0, 1000.0
SHARE_MIN, SHARE_MAX = 0.0, 100.0
# Largest plausible |value| per unit for one Chinese city or province: people below China's
# population, money below a year of national GDP (~1.3e14 元), counts of things below 1e9.
MAX_ABS_VALUE = {"人": 1.5e9, "人次": 1e10, "元": 1e14, "平方米": 1e10, "%": 1e3}
MAX_ABS_COUNT = 1e9


# The product contract's canonical units (spec: indicators.md). grammar.toml maps every surface
# form onto one of them (18.3万人次 -> 人次, 名 -> 人); tests/test_conventions.py holds it to that.
CANONICAL_UNITS = [
    "人",
    "人次",
    "元",
    "个",
    "家",
    "所",
    "项",
    "件",
    "场",
    "次",
    "篇",
    "期",
    "批",
    "支",
    "户",
    "份",
    "座",
    "条",
    "平方米",
    "%",
]


def canonical_units() -> list[str]:
    return list(CANONICAL_UNITS)


def indicator_ids() -> list[str]:
    return list(taxonomy().indicators)


def series_indicator_ids() -> list[str]:
    """Indicators that form progress series (`other` figures are kept but form none)."""
    return [i for i in taxonomy().indicators if i != OTHER]


def periods() -> list[str]:
    return list(PERIODS)


@cache
def share_indicators() -> frozenset[str]:
    """Indicators counted only in % whose default period is a level (stock): shares and rates."""
    return frozenset(
        i.id for i in taxonomy().indicators.values() if i.units == frozenset({"%"}) and i.default_period == "stock"
    )


def unit_allowed(indicator: str, unit: str) -> bool:
    tax = taxonomy()
    if indicator == OTHER:
        return unit in canonical_units()
    return indicator in tax.indicators and unit in tax.units_of(indicator)


def taxonomy_name_and_category(indicator: str) -> tuple[str, str] | None:
    ind = taxonomy().indicators.get(indicator)
    return (ind.name, ind.category) if ind else None


def max_abs_value(unit: str) -> float:
    return MAX_ABS_VALUE.get(unit, MAX_ABS_COUNT)


def percent_bounds(indicator: str) -> tuple[float, float]:
    return (SHARE_MIN, SHARE_MAX) if indicator in share_indicators() else (PERCENT_MIN, PERCENT_MAX)


def states_decrease(mention: str, evidence: str) -> bool:
    """A decrease word (grammar.toml [sign] decrease: 下降, 减少, …) stands before the figure in its sentence.

    The extractor makes a figure negative only after such a word, which also carries along a
    、-list (同比下降60%、71.4%), so the word may stand several figures earlier.
    """
    pos = evidence.rfind(mention)
    if pos < 0:
        return False
    before = evidence[:pos]
    return any(word in before for word in grammar().decrease)


def real_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return len(text) == 10


def date_bounds(text: str) -> tuple[str, str] | None:
    """(first day, last day) of a YYYY-MM-DD date or a YYYY-MM month; None when it is neither."""
    if real_date(text):
        return text, text
    try:
        first = date.fromisoformat(f"{text}-01") if len(text) == 7 else None
    except (TypeError, ValueError):
        return None
    if first is None:
        return None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first.isoformat(), date.fromordinal(following.toordinal() - 1).isoformat()


def iso_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return True


def url_scheme_allowed(url: str) -> bool:
    try:
        return urlsplit(url).scheme.lower() in URL_SCHEMES
    except ValueError:
        return False


def city_code_known(code: str) -> bool:
    return code == "" or city_of_code(code) is not None


def place_matches_code(city: str, province: str, code: str) -> bool:
    """City and province are those of the administrative code. Without a code there is no city; a
    province may remain (a figure about the whole province, parsers/figure_place.py)."""
    if not code:
        return not city and (not province or province in province_names())
    place = city_of_code(code)
    return place is not None and place.city == city and place.province == province


@cache
def province_names() -> frozenset[str]:
    return frozenset(p.province for p in all_places())


def raw_path_matches(raw_path: str, source: str, sha256: str) -> bool:
    """raw/<source>/<sha256>.<ext>: the stored file is named by its content hash, never by the document."""
    if not raw_path:
        return True
    m = RAW_PATH_RE.match(raw_path)
    return bool(m) and m.group("source") == source and m.group("sha") == sha256


def json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (TypeError, ValueError):
        return False


def finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _rows(columns: tuple[pd.Series, ...]) -> Iterator[tuple]:
    # the cells as lists: iterating a pandas column costs ~1 µs a cell
    return zip(*(c.tolist() for c in columns), strict=True)


def per_row(check: Callable[..., bool], *columns: pd.Series) -> pd.Series:
    """check(*cells) of every row of these columns (a row check of a table), as a boolean Series."""
    return pd.Series([bool(check(*cells)) for cells in _rows(columns)], index=columns[0].index, dtype=bool)


def per_distinct(check: Callable[..., bool], *columns: pd.Series) -> pd.Series:
    """per_row, calling check once per distinct combination of cells: a table's figures repeat their
    URL, city, unit and indicator (16 000 figures of a batch have a few hundred)."""
    results: dict[tuple, bool] = {}
    out = []
    for key in _rows(columns):
        ok = results.get(key)
        if ok is None:
            ok = results[key] = bool(check(*key))
        out.append(ok)
    return pd.Series(out, index=columns[0].index, dtype=bool)


def matches_cells(column: pd.Series, pattern: str) -> pd.Series:
    """column.str.match(pattern, na=False) (pandera's str_matches), the regex tried once per distinct
    text of a text column (pandas tries it cell by cell); other columns as pandas does it."""
    if not isinstance(column.dtype, pd.StringDtype):
        return column.str.match(pattern, na=False)
    codes, distinct = pd.factorize(column)  # missing cells: code -1, which takes the appended False
    regex = re.compile(pattern)
    found = [regex.match(cell) is not None for cell in distinct.tolist()]
    return pd.Series(np.array([*found, False], dtype=bool)[codes], index=column.index, dtype=bool)


def per_row_where(need: np.ndarray, check: Callable[..., bool], *columns: pd.Series) -> pd.Series:
    """per_row on the rows where `need` is True, True on the others: for a row check that holds at once
    unless a rare condition is met (a negative value, a % unit), asked only where it is."""
    out = np.ones(len(need), dtype=bool)
    rows = np.flatnonzero(need)
    if len(rows):  # the cells of those rows only, as tolist() gives them
        cells = [c.iloc[rows].tolist() for c in columns]
        out[rows] = [bool(check(*row)) for row in zip(*cells, strict=True)]
    return pd.Series(out, index=columns[0].index, dtype=bool)


def floats(column: pd.Series) -> np.ndarray | None:
    """The cells as a float64 array when the column holds float64 (a number column after coercion: what
    finite() and comparisons then give cell by cell, numpy gives at once); None otherwise."""
    return column.to_numpy() if column.dtype == np.float64 else None


def finite_cells(column: pd.Series) -> pd.Series:
    """finite() of every cell."""
    values = floats(column)
    if values is None:
        return column.map(finite).astype(bool)
    return pd.Series(np.isfinite(values), index=column.index, dtype=bool)


def text(value: object) -> str:
    """A cell as text: NaN/None -> ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def texts(column: pd.Series) -> pd.Series:
    """column.map(text), without a Python call per cell where the column holds only text (every
    column read from a CSV): 8 columns x 335 000 figures cost the flags ~0.7 s cell by cell."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA:  # pandas' "str": NaN when missing
        return column.fillna("").astype("str")
    # object cells all str, none missing
    if pd.api.types.is_object_dtype(dtype) and pd.api.types.infer_dtype(column, skipna=False) == "string":
        return column.astype("str")
    return column.map(text)  # numbers, pd.NA ("<NA>", as text() gives), mixed cells


# -- cross-table and cross-time flags (computed by validations/flags.py; flag, never reject) ----------
FLAGS = {
    "cumulative_fell": "a cumulative figure lower than the previous figure of its series (same city, indicator, label)",
    "magnitude_jump": "a value about 10 000x (万) or more off the rest of its series: a 万/亿 slip in one of them",
    "component_exceeds_total": "a figure after 其中 is larger than the total stated before it",
    "components_exceed_total": "the figures after 其中 add up to more than the total stated before it",
    "sources_disagree": "another report gives a different value for the same city, indicator, label, period and date",
}
