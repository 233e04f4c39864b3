"""progress.csv from the live indicator rows: per (city, indicator, label, unit, period) series over dates."""

from __future__ import annotations

import pandas as pd

from validations.schemas import columns_of

SERIES_KEYS = ["city", "city_code", "indicator", "label", "unit", "period"]


def build_progress(indicators: pd.DataFrame, exclude_reports: set[str] | frozenset[str] = frozenset()) -> pd.DataFrame:
    """One point per series and publish date; the previous point, change and change_pct beside it.

    `exclude_reports`: reports that repeat another report's story (duplicate_of set); their
    figures would count the same facts twice, possibly on a later date.

    Figures filed under `other`, without a city or without a date cannot form a series and are
    left out. Two figures of one series on one date (the same report repeating itself, or two
    sources) collapse to the first one in reading order.
    """
    cols = columns_of("progress")
    if indicators.empty:
        return pd.DataFrame(columns=cols)
    df = indicators[
        ~indicators["report_id"].isin(exclude_reports)
        & (indicators["indicator"] != "other")
        & (indicators["city"].astype(str) != "")
        & (indicators["publish_date"].astype(str) != "")
    ].copy()
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    df["char_start"] = pd.to_numeric(df["char_start"], errors="coerce")
    df = df.dropna(subset=["value"])
    df = df.sort_values(["publish_date", "report_id", "char_start"]).drop_duplicates(
        [*SERIES_KEYS, "publish_date"], keep="first"
    )
    df = df.sort_values([*SERIES_KEYS, "publish_date"]).reset_index(drop=True)
    grouped = df.groupby(SERIES_KEYS, sort=False, dropna=False)
    df["previous_value"] = grouped["value"].shift(1)
    df["previous_date"] = grouped["publish_date"].shift(1)
    df["change"] = df["value"] - df["previous_value"]
    prev = df["previous_value"]
    df["change_pct"] = (df["change"] / prev.where(prev != 0) * 100).round(2)
    return df.reindex(columns=cols)
