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
    values = pd.to_numeric(indicators["value"], errors="coerce").round(6)
    keys = list(zip(values, indicators["unit"].astype(str), strict=True))
    out: dict[str, Counter] = {}
    for rid, key in zip(indicators["report_id"], keys, strict=True):
        out.setdefault(rid, Counter())[key] += 1
    return out


def _same_figures(a: Counter | None, b: Counter | None) -> bool:
    if not a or not b:
        return False
    shared = sum((a & b).values())
    smaller = min(sum(a.values()), sum(b.values()))
    return shared >= MIN_SHARED and shared / smaller >= FIGURE_CONTAINMENT


def _popcount(x: np.ndarray) -> np.ndarray:
    bits = np.unpackbits(x.view(np.uint8).reshape(*x.shape, 8), axis=-1)
    return bits.sum(axis=-1)


def _candidate_pairs(fps: list[int], limit: int) -> list[tuple[int, int, int]]:
    """(i, j, distance) for every pair within `limit` bits; vectorised row by row (n ~ 10^4 is fine)."""
    arr = np.array(fps, dtype=np.uint64)
    pairs = []
    for i in range(len(arr) - 1):
        dist = _popcount(arr[i + 1 :] ^ arr[i])
        for k in np.nonzero(dist <= limit)[0]:
            pairs.append((i, i + 1 + int(k), int(dist[k])))
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

    for i, j, dist in _candidate_pairs(fps, min(TEXT_RELATED, BITS)):
        a, b = rows[i]["report_id"], rows[j]["report_id"]
        if dist <= TEXT_NEAR or _same_figures(figures.get(a), figures.get(b)):
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
