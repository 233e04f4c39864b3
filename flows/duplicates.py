"""Duplicate stories across reports: which report is canonical and which ones are copies (duplicate_of).

Reads the reports table (its `fingerprint` column: parsers/fingerprint.py) and the indicator rows;
returns the duplicate_of column. Pure functions over DataFrames, no I/O.

Two reports are the same story when
  * their text fingerprints are within TEXT_NEAR bits (near-identical text: a mirror, a repost), or
  * they are within TEXT_RELATED bits and share their figures: at least MIN_SHARED (value, unit)
    pairs, covering FIGURE_CONTAINMENT of the smaller report's figures (a repost with a different
    lead paragraph or a trimmed ending).
Different reports of one city (a series) share wording and some figures but not both, and land
20+ bits apart (measured on the sample inbox and the seeds: tests/test_duplicates.py).
In each group the canonical report is the earliest published one, then one in its original
script (not a traditional-character mirror), then the first fetched, then the smallest id.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from parsers.fingerprint import BITS, DUPLICATE_DISTANCE

TEXT_NEAR = DUPLICATE_DISTANCE
TEXT_RELATED = 16
MIN_SHARED = 3
FIGURE_CONTAINMENT = 0.8
MIRROR_PARSERS = frozenset({"trad_mirror"})


def _figures(indicators: pd.DataFrame) -> dict[str, Counter]:
    if indicators.empty:
        return {}
    # as lists: iterating a pandas column costs ~1 µs a cell (335 000 figures)
    values = pd.to_numeric(indicators["value"], errors="coerce").round(6).tolist()
    keys = list(zip(values, indicators["unit"].astype(str).tolist(), strict=True))
    out: dict[str, Counter] = {}
    for rid, key in zip(indicators["report_id"].tolist(), keys, strict=True):
        out.setdefault(rid, Counter())[key] += 1
    return out


def _shared(a: Counter, b: Counter) -> int:
    """Figures two reports have in common, counting repeats (the size of the multiset intersection)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(min(n, b[k]) for k, n in a.items() if k in b)


def _same_figures(a: Counter | None, b: Counter | None) -> bool:
    if not a or not b:
        return False
    shared = _shared(a, b)
    smaller = min(a.total(), b.total())
    return shared >= MIN_SHARED and shared / smaller >= FIGURE_CONTAINMENT


def _near_pairs(fps: list[int], limit: int) -> list[tuple[int, int]]:
    """(i, j) for every pair of fingerprints within `limit` bits: one vectorised scan per row
    (n^2/2 popcounts; ~0.2 s for 10 000 reports here). Few pairs are that close, so the
    Python loop runs over hits only."""
    arr = np.array(fps, dtype=np.uint64)
    pairs = []
    for i in range(len(arr) - 1):
        close = np.flatnonzero(np.bitwise_count(arr[i + 1 :] ^ arr[i]) <= limit)
        pairs.extend((i, i + 1 + int(k)) for k in close)
    return pairs


def _figure_pairs(figures: list[Counter | None]) -> set[tuple[int, int]]:
    """Every pair (i, j), i < j, that can pass _same_figures, found without comparing all pairs.

    Prefix filtering (as in set-similarity joins): a report's figures are expanded into distinct
    tokens (value, unit, k-th occurrence) so that the multiset overlap is a set overlap, and ordered
    rarest first. If the smaller report x needs `need` shared tokens, any partner holds at least one
    of x's |x| - need + 1 rarest tokens, so probing only those finds every qualifying pair, and the
    rare tokens have short posting lists. Synthetic reports from one template made the old all-pairs
    check quadratic: 505 000 candidate pairs among 2 500 reports, 30 s.
    """
    tokens: list[list[tuple]] = [
        [(k, n) for k, count in fig.items() for n in range(count)] if fig else [] for fig in figures
    ]
    frequency: Counter = Counter(t for ts in tokens for t in ts)
    postings: dict[tuple, list[int]] = {}
    for i, ts in enumerate(tokens):
        for t in ts:
            postings.setdefault(t, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for i, ts in enumerate(tokens):
        size = len(ts)
        if size < MIN_SHARED:
            continue
        # the fewest shared figures that pass _same_figures' own test (same float comparison)
        need = max(MIN_SHARED, next(n for n in range(size + 1) if n / size >= FIGURE_CONTAINMENT))
        prefix = sorted(ts, key=lambda t: (frequency[t], repr(t)))[: size - need + 1]
        for t in prefix:
            for j in postings[t]:
                # x = i is the smaller one (ties: both probe, the set keeps one copy)
                if j != i and len(tokens[j]) >= size:
                    pairs.add((min(i, j), max(i, j)))
    return pairs


def _sort_key(row: dict) -> tuple:
    date = str(row.get("publish_date") or "")
    return (
        date == "",
        date,
        str(row.get("parser") or "") in MIRROR_PARSERS,
        str(row.get("fetched_at") or ""),
        str(row["report_id"]),
    )


def find_duplicates(reports: pd.DataFrame, indicators: pd.DataFrame) -> pd.Series:
    """duplicate_of for every report row ("" for a canonical or unique report), indexed like `reports`."""
    out = pd.Series("", index=reports.index, dtype=object)
    if reports.empty or "fingerprint" not in reports.columns:
        return out
    usable = reports[
        (reports["status"].astype(str) != "rejected") & (reports["fingerprint"].astype(str).str.len() == 16)
    ]
    if len(usable) < 2:
        return out
    rows = usable.to_dict("records")
    fps = [int(str(r["fingerprint"]), 16) for r in rows]
    figures = _figures(indicators)
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges = set(_near_pairs(fps, TEXT_NEAR))
    mine = [figures.get(r["report_id"]) for r in rows]
    for i, j in _figure_pairs(mine):
        if (fps[i] ^ fps[j]).bit_count() <= min(TEXT_RELATED, BITS) and _same_figures(mine[i], mine[j]):
            edges.add((i, j))
    for i, j in edges:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    canonical_of: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda m: _sort_key(rows[m]))
        head = rows[ordered[0]]["report_id"]
        for m in ordered[1:]:
            canonical_of[rows[m]["report_id"]] = head
    return reports["report_id"].map(lambda rid: canonical_of.get(rid, "")).astype(object)


def mark_duplicates(reports: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The reports table with its duplicate_of column filled in."""
    out = reports.copy()
    out["duplicate_of"] = find_duplicates(reports, indicators) if not reports.empty else pd.Series(dtype=object)
    return out


def mark_new_duplicates(
    new_reports: pd.DataFrame, new_indicators: pd.DataFrame, old_reports: pd.DataFrame, old_indicators: pd.DataFrame
) -> pd.DataFrame:
    """This run's report rows with duplicate_of decided against the stored reports and each other."""
    if new_reports.empty:
        return new_reports
    new_ids = set(new_reports["report_id"])
    old = old_reports[~old_reports["report_id"].isin(new_ids)] if not old_reports.empty else old_reports
    old_ind = old_indicators[~old_indicators["report_id"].isin(new_ids)] if not old_indicators.empty else old_indicators
    both = pd.concat([old, new_reports], ignore_index=True)
    figures = pd.concat([old_ind, new_indicators], ignore_index=True)
    marks = dict(zip(both["report_id"], find_duplicates(both, figures), strict=True))
    out = new_reports.copy()
    out["duplicate_of"] = out["report_id"].map(marks).fillna("")
    return out
