"""Cross-table and cross-time flags over the live figures: suspicious, kept, shown (never rejected).

Reads indicator frames, returns flags.csv rows (validations.schemas.FlagSchema) and
the `flags` column of progress.csv. The flag names and what they mean: validations.rules.FLAGS.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from parsers.classify import OTHER
from validations.rules import FLAGS, text, texts
from validations.schemas import columns_of

SERIES = ["city", "city_code", "indicator", "label", "unit", "period"]
POINT = [*SERIES, "publish_date"]
# |log10(value / typical value of its series)| at or above this is a 万 (10^4) or 亿 (10^8) slip
# rather than growth: 10^3.5 ≈ 3 162x. No city's count of anything grows that much between reports.
MAGNITUDE_LOG10 = 3.5
# A total stated with 余/多/约 may be exceeded a little by its parts (1000余人 = 1000-1099 people).
LOOSE_TOTAL_SLACK = 1.1
BETWEEN_PARTS = "其中"
PART_SCOPE_ENDS = ";；。"  # the parts after 其中 end at the next clause group
EPS = 1e-9


def _frame(indicators: pd.DataFrame) -> pd.DataFrame:
    df = indicators.copy()
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df["char_start"] = pd.to_numeric(df["char_start"], errors="coerce").fillna(0).astype(int)
    for col in ("city", "city_code", "indicator", "label", "unit", "period", "publish_date", "report_id"):
        df[col] = texts(df[col])
    return df


def _series_rows(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["indicator"] != OTHER) & (df["city"] != "") & (df["publish_date"] != "") & df["value"].notna()]


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4g}"


def cumulative_fell(df: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Per cumulative series, the point of each date (the one progress.csv shows) below the previous point."""
    cum = _series_rows(df)
    cum = cum[cum["period"] == "cumulative"]
    if cum.empty:
        return []
    points = cum.sort_values(["publish_date", "report_id", "char_start"]).drop_duplicates(POINT, keep="first")
    points = points.sort_values(POINT).copy()
    grouped = points.groupby(SERIES, sort=False, dropna=False)
    points["prev_value"] = grouped["value"].shift(1)
    points["prev_date"] = grouped["publish_date"].shift(1)
    fell = points[points["value"] < points["prev_value"] - EPS]
    return [
        (
            r.indicator_row_id,
            "cumulative_fell",
            f"cumulative figure fell from {_fmt(r.prev_value)} ({r.prev_date}) to {_fmt(r.value)} ({r.publish_date})",
        )
        for r in fell.itertuples()
    ]


def magnitude_jump(df: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Figures about 10^4x (or more) above or below the typical value of their series."""
    s = _series_rows(df)
    s = s[s["value"] > 0]
    if s.empty:
        return []
    grouped = s.groupby(SERIES, sort=False, dropna=False)["value"]
    n = grouped.transform("size")
    total = grouped.transform("sum")
    median = grouped.transform("median")
    # two points: compare with the other one; more: with the median (one slip barely moves it)
    reference = (total - s["value"]).where(n == 2, median)
    ratio = (s["value"] / reference).map(lambda r: math.log10(r) if r > 0 else 0.0)
    hit = s[(n >= 2) & (ratio.abs() >= MAGNITUDE_LOG10)]
    out = []
    for r, ref in zip(hit.itertuples(), reference[hit.index], strict=True):
        factor = r.value / ref
        how = f"{factor:,.0f}x" if factor >= 1 else f"1/{1 / factor:,.0f}"
        out.append(
            (
                r.indicator_row_id,
                "magnitude_jump",
                f"{_fmt(r.value)} is {how} of its series' typical value {_fmt(ref)} (万/亿 slip?)",
            )
        )
    return out


def _positions(evidence: str, mentions: Iterable[str]) -> list[int]:
    """Offsets of the mentions (in reading order) inside their sentence, found left to right."""
    out, cursor = [], 0
    for m in mentions:
        pos = evidence.find(m, cursor)
        if pos < 0:
            pos = evidence.find(m)
        out.append(pos)
        if pos >= 0:
            cursor = pos + len(m)
    return out


class Row(NamedTuple):
    indicator_row_id: str
    report_id: str
    evidence: str
    mention: str
    unit: str
    value: float
    qualifier: str


def components_over_total(df: pd.DataFrame) -> list[tuple[str, str, str]]:
    """共…其中…: parts stated after 其中 (same unit) against the last figure before it (the total)."""
    s = df[df["evidence"].map(text).str.contains(BETWEEN_PARTS, regex=False) & df["value"].notna()]
    fields = ["indicator_row_id", "report_id", "evidence", "mention", "unit", "value", "qualifier"]
    sentences: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for values in s.sort_values("char_start")[fields].itertuples(index=False, name=None):
        row = Row(*values)
        sentences[(row.report_id, row.evidence)].append(row)
    out: list[tuple[str, str, str]] = []
    for (_, evidence), rows in sentences.items():
        positions = _positions(evidence, [r.mention for r in rows])
        start = 0
        while (mark := evidence.find(BETWEEN_PARTS, start)) >= 0:
            start = mark + len(BETWEEN_PARTS)
            scope_end = min(
                [evidence.find(c, start) for c in PART_SCOPE_ENDS if evidence.find(c, start) >= 0] or [len(evidence)]
            )
            next_mark = evidence.find(BETWEEN_PARTS, start)
            if next_mark >= 0:
                scope_end = min(scope_end, next_mark)
            parts = [r for r, p in zip(rows, positions, strict=True) if start <= p < scope_end]
            before = [r for r, p in zip(rows, positions, strict=True) if 0 <= p < mark]
            if not parts or parts[0].unit == "%":
                continue
            totals = [r for r in before if r.unit == parts[0].unit]
            parts = [r for r in parts if r.unit == parts[0].unit and r.value > 0]
            if not totals or not parts or totals[-1].value <= 0:
                continue
            total = totals[-1]
            loose = total.qualifier in ("approx", "at_least")
            allowed = total.value * (LOOSE_TOTAL_SLACK if loose else 1.0) + EPS
            for r in parts:
                if r.value > allowed:
                    out.append(
                        (
                            r.indicator_row_id,
                            "component_exceeds_total",
                            f"{r.mention} after 其中 exceeds the total {total.mention} before it",
                        )
                    )
            summed = sum(r.value for r in parts)
            if len(parts) > 1 and summed > allowed:
                out.append(
                    (
                        total.indicator_row_id,
                        "components_exceed_total",
                        f"the figures after 其中 ({' + '.join(r.mention for r in parts)} = {_fmt(summed)}) exceed "
                        f"the total {total.mention} (overlapping categories, or a misread figure)",
                    )
                )
    return out


def sources_disagree(df: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Two reports, one city/indicator/label/period/date, different values: flag the values not shared."""
    s = _series_rows(df)
    if s.empty:
        return []
    n_reports = s.groupby(POINT, sort=False, dropna=False)["report_id"].transform("nunique")
    s = s[n_reports > 1]
    out = []
    for _, g in s.groupby(POINT, sort=False, dropna=False):
        values: dict[str, list[float]] = defaultdict(list)
        for rid, v in zip(g["report_id"], g["value"], strict=True):
            values[rid].append(v)
        for r in g.itertuples():
            for other, theirs in values.items():
                if other == r.report_id or any(abs(v - r.value) <= EPS * max(1.0, abs(v)) for v in theirs):
                    continue
                out.append(
                    (
                        r.indicator_row_id,
                        "sources_disagree",
                        f"{_fmt(r.value)} here, but report {other} gives {' / '.join(_fmt(v) for v in theirs)} "
                        f"for the same date",
                    )
                )
                break
    return out


def compute_flags(indicators: pd.DataFrame) -> pd.DataFrame:
    """flags.csv rows for the live figures (one per figure and flag). Pass the figures that count:
    those of duplicate stories (reports.duplicate_of) are left out by the caller, as in progress.csv."""
    cols = columns_of("flags")
    if indicators.empty:
        return pd.DataFrame(columns=cols)
    df = _frame(indicators)
    found = [
        *cumulative_fell(df),
        *magnitude_jump(df),
        *components_over_total(df),
        *sources_disagree(df),
    ]
    if not found:
        return pd.DataFrame(columns=cols)
    assert all(flag in FLAGS for _, flag, _ in found)
    hits = pd.DataFrame(found, columns=["indicator_row_id", "flag", "detail"]).drop_duplicates(
        ["indicator_row_id", "flag"]
    )
    base = df.drop_duplicates("indicator_row_id").drop(columns=["flag", "detail"], errors="ignore")
    out = hits.merge(base, on="indicator_row_id", how="left")
    return out.sort_values(["city", "indicator", "publish_date", "indicator_row_id", "flag"]).reindex(columns=cols)


def attach_to_progress(progress: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """progress.csv's `flags`: the flag names of every figure behind a point (; separated)."""
    out = progress.copy()
    if out.empty:
        out["flags"] = pd.Series(dtype=str)
        return out
    if flags.empty:
        out["flags"] = ""
        return out
    f = flags.copy()
    for col in POINT:
        f[col] = texts(f[col])
    by_point = f.groupby(POINT, dropna=False)["flag"].agg(lambda s: ";".join(sorted(set(s))))
    keys = pd.MultiIndex.from_frame(out[POINT].apply(texts))
    out["flags"] = by_point.reindex(keys).fillna("").to_numpy()
    return out


def summarise(flags: pd.DataFrame, report_ids: set[str] | None = None, limit: int = 20) -> dict:
    """For a run summary: how many flags of each kind, and the ones on this run's reports first."""
    if flags.empty:
        return {"total": 0, "by_flag": {}, "this_run": 0, "examples": []}
    by_flag = {k: int(v) for k, v in flags["flag"].value_counts().sort_index().items()}
    mine = flags[flags["report_id"].isin(report_ids or set())]
    shown = pd.concat([mine, flags.drop(mine.index)]).head(limit)
    examples = [
        f"{text(r.city) or '?'} {r.indicator} {text(r.label)} {text(r.publish_date)}: {r.flag}: {r.detail}"
        for r in shown.itertuples()
    ]
    return {"total": len(flags), "by_flag": by_flag, "this_run": len(mine), "examples": examples}
