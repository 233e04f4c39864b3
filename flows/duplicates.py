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

import numpy as np
import pandas as pd

from parsers.fingerprint import BITS, DUPLICATE_DISTANCE

TEXT_NEAR = DUPLICATE_DISTANCE
TEXT_RELATED = 16
MIN_SHARED = 3
FIGURE_CONTAINMENT = 0.8
MIRROR_PARSERS = frozenset({"trad_mirror"})


class _FigureTokens:
    """Each usable report's figures as distinct integer tokens: (value, unit, k-th occurrence) numbered, so
    that the multiset overlap of two reports' figures is the overlap of their token sets.

    Built with numpy over the whole indicator table (335 000 figures: a Counter per report and a Python
    loop over every figure cost ~1 s, twice per run). A value that is not a number never matches another.
    """

    def __init__(self, indicators: pd.DataFrame, report_ids: list[str]) -> None:
        n = len(report_ids)
        # report ids are unique in a reports table (a schema check): get_indexer refuses them otherwise
        row = pd.Index(report_ids).get_indexer(indicators["report_id"]) if not indicators.empty else np.zeros(0)
        mine = row >= 0
        if not mine.any():
            self.row, self.token = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        else:
            values = pd.to_numeric(indicators["value"], errors="coerce").to_numpy(dtype=np.float64)[mine]
            units = indicators["unit"].astype(str).to_numpy()[mine]
            row = row[mine].astype(np.int64)
            # rounded to 6 places; factorize, like a dict key, takes -0.0 for 0.0 and gives NaN the code -1
            value_code = pd.factorize(np.round(values, 6))[0].astype(np.int64)
            unit_code, unit_names = pd.factorize(units)
            key = value_code * max(1, len(unit_names)) + unit_code
            not_number = value_code < 0
            key[not_number] = -1 - np.arange(int(not_number.sum()))  # each one its own figure
            # k-th occurrence of a key within its report: rank inside runs of equal (row, key)
            order = np.lexsort((key, row))
            row, key = row[order], key[order]
            starts = np.ones(len(key), dtype=bool)
            starts[1:] = (row[1:] != row[:-1]) | (key[1:] != key[:-1])
            run_start = np.maximum.accumulate(np.where(starts, np.arange(len(key)), 0))
            occurrence = np.arange(len(key)) - run_start
            self.row = row
            combined = (key - key.min()) * (int(occurrence.max()) + 1) + occurrence  # < 2**63: ~10**12 at most
            self.token = pd.factorize(combined)[0].astype(np.int64)
        self.size = np.bincount(self.row, minlength=n)

    def sets(self, rows: set[int]) -> dict[int, set[int]]:
        """The token sets of `rows` (only those: a set per report for all of them costs more than the search)."""
        wanted = np.isin(self.row, np.fromiter(rows, dtype=np.int64, count=len(rows)))
        out: dict[int, set[int]] = {i: set() for i in rows}
        for i, t in zip(self.row[wanted].tolist(), self.token[wanted].tolist(), strict=True):
            out[i].add(t)
        return out


def _needed(size: int) -> int:
    """The fewest shared figures with which a report of `size` figures can pass _same_figures."""
    return max(MIN_SHARED, next(n for n in range(size + 1) if n / size >= FIGURE_CONTAINMENT))


def _same_figures(shared: int, size_a: int, size_b: int) -> bool:
    smaller = min(size_a, size_b)
    return smaller > 0 and shared >= MIN_SHARED and shared / smaller >= FIGURE_CONTAINMENT


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


def _figure_pairs(figures: _FigureTokens) -> np.ndarray:
    """Every pair (i, j), i < j, that can pass _same_figures, found without comparing all pairs: an (m, 2)
    array.

    Prefix filtering (as in set-similarity joins): with a report's tokens ordered rarest first (ties by
    token number: any one order shared by all reports will do), if the smaller report x needs `need`
    shared tokens, any partner holds at least one of x's |x| - need + 1 rarest tokens, so probing only
    those finds every qualifying pair, and the rare tokens have short posting lists. Synthetic reports
    from one template made the old all-pairs check quadratic: 505 000 candidate pairs among 2 500
    reports, 30 s.
    """
    row, token, size = figures.row, figures.token, figures.size
    if len(token) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    frequency = np.bincount(token)
    order = np.lexsort((token, frequency[token], row))
    prow, ptoken = row[order], token[order]
    first = np.searchsorted(prow, prow, side="left")
    rank = np.arange(len(prow)) - first
    sizes = np.unique(size)
    need = np.zeros(int(sizes.max()) + 1, dtype=np.int64)
    for n in sizes.tolist():
        need[n] = _needed(n) if n >= MIN_SHARED else n + 1  # a report under MIN_SHARED probes nothing
    probe = rank < size[prow] - need[size[prow]] + 1
    probes = pd.DataFrame({"i": prow[probe], "token": ptoken[probe]})
    postings = pd.DataFrame({"token": token, "j": row})
    hits = probes.merge(postings, on="token")
    i, j = hits["i"].to_numpy(), hits["j"].to_numpy()
    # x = i is the smaller one (ties: both probe, the unique keeps one copy)
    keep = (i != j) & (size[j] >= size[i])
    low, high = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
    pairs = np.unique(low * len(size) + high)
    return np.stack([pairs // len(size), pairs % len(size)], axis=1)


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
    rids = usable["report_id"].tolist()
    fps = [int(str(f), 16) for f in usable["fingerprint"].tolist()]
    parent = list(range(len(rids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges = set(_near_pairs(fps, TEXT_NEAR))
    figures = _FigureTokens(indicators, rids)
    candidates = _figure_pairs(figures)
    if len(candidates):
        fp = np.array(fps, dtype=np.uint64)
        related = np.bitwise_count(fp[candidates[:, 0]] ^ fp[candidates[:, 1]]) <= min(TEXT_RELATED, BITS)
        candidates = candidates[related]
        sets = figures.sets(set(candidates.ravel().tolist()))
        size = figures.size
        for i, j in candidates.tolist():
            if _same_figures(len(sets[i] & sets[j]), int(size[i]), int(size[j])):
                edges.add((i, j))
    for i, j in edges:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(rids)):
        groups.setdefault(find(i), []).append(i)
    columns = [c for c in ("publish_date", "parser", "fetched_at") if c in usable.columns]
    details = {c: usable[c].tolist() for c in columns}
    canonical_of: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda m: _sort_key({"report_id": rids[m]} | {c: details[c][m] for c in columns}))
        for m in ordered[1:]:
            canonical_of[rids[m]] = rids[ordered[0]]
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
