"""What the report site reads: reports.csv, progress.csv, and the indicators.csv rows progress.csv shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from flows.csvchunks import read_chunks, read_table
from validations.schemas import columns_of

ID = "indicator_row_id"


@dataclass
class SiteInput:
    reports: pd.DataFrame
    progress: pd.DataFrame  # every column as text, the schema's columns first (or the table given)
    indicators: pd.DataFrame  # only the rows progress.csv points at, only the columns asked for
    provinces: dict[str, str]  # city -> province of its first row that has both (over all rows)
    n_figures: int  # rows in indicators.csv


def read_site_input(data_dir: Path, indicator_columns: list[str], progress: pd.DataFrame | None = None) -> SiteInput:
    """The tables, reading indicators.csv chunk by chunk: the site shows the figures behind
    progress.csv's points, not every row (holding all 370 000 with their sentences was ~130 MB).
    `progress`: progress.csv's table already in memory (not read again)."""
    reports = read_table(data_dir / "reports.csv", columns_of("reports"))
    if progress is None:
        progress = read_table(data_dir / "progress.csv")
        progress = progress.reindex(columns=list(dict.fromkeys([*columns_of("progress"), *progress.columns])))
        progress = progress.fillna("")
    shown = set(progress[ID].tolist()) if ID in progress.columns else set()  # (a str column iterates cell by cell)
    columns = list(dict.fromkeys([ID, "city", "province", *indicator_columns]))
    kept: list[pd.DataFrame] = []
    provinces: dict[str, str] = {}
    n_figures = 0
    path = data_dir / "indicators.csv"
    for chunk in read_chunks(path, usecols=columns) if path.exists() else []:
        n_figures += len(chunk)
        places = chunk[["city", "province"]]
        places = places[(places["city"] != "") & (places["province"] != "")].drop_duplicates("city")
        for city, province in zip(places["city"], places["province"], strict=True):
            provinces.setdefault(city, province)
        # a set lookup per id: Series.isin(set) turns the 190 000 ids into an array and a hash table per chunk
        ids = chunk[ID].tolist()
        kept.append(chunk[np.fromiter((i in shown for i in ids), dtype=bool, count=len(ids))])
    indicators = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=columns)
    return SiteInput(reports, progress, indicators, provinces, n_figures)
