"""Current tables re-derived from the snapshots: reports, indicators, progress (with flags), flags, site.

Reads data/snapshots/ (through DataStore); writes data/{reports,indicators,progress,flags}.csv, the
comparison/coverage tables and report site (flows/site.py) and data/datapackage.json, then clears the
rebuild-pending marker that commit() set.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from flows.compare import prepare_progress
from flows.csvio import write_csv
from flows.duplicates import mark_duplicates
from flows.failpoints import failpoint
from flows.fold import fold_to_file
from flows.freshness import fresh_counts, write_stamp
from flows.gcfreeze import gc_frozen
from flows.progress import build_progress
from flows.site import build_site
from flows.store import DataStore
from validations.datapackage import write_datapackage
from validations.flags import BETWEEN_PARTS, attach_to_progress, compute_flags, summarise
from validations.schemas import columns_of


def derive_current(store: DataStore) -> dict[str, pd.DataFrame]:
    """The current tables as the snapshots define them (nothing written).

    Duplicate stories are marked over all reports (a later original can take over); their figures
    stay in indicators.csv but count neither in progress.csv nor for flags (the same facts twice).
    """
    indicators, reports = store.current_state()
    reports = mark_duplicates(reports, indicators)
    duplicates = set(reports.loc[reports["duplicate_of"].astype(str) != "", "report_id"])
    flags = compute_flags(indicators[~indicators["report_id"].isin(duplicates)])
    progress = attach_to_progress(build_progress(indicators, exclude_reports=duplicates), flags)
    return {"reports": reports, "indicators": indicators, "progress": progress, "flags": flags}


# what duplicates, flags and progress read of an indicator row (flows/duplicates.py, validations/flags.py,
# flows/progress.py); url, province, char_end and the like are only copied to indicators.csv
DERIVE_COLUMNS = [
    "indicator_row_id",
    "report_id",
    "source",
    "city",
    "city_code",
    "district",
    "publish_date",
    "indicator",
    "label",
    "value",
    "unit",
    "qualifier",
    "period",
    "mention",
    "evidence",
    "char_start",
]


def _parts_sentences_only(evidence: pd.Series) -> pd.Series:
    # flags read a sentence only when it has parts after 其中 (components_over_total); the others,
    # most of the text held, are blanked
    return evidence.where(evidence.str.contains(BETWEEN_PARTS, regex=False), "")


def rebuild_current(store: DataStore) -> dict[str, Any]:
    """Rewrite the current tables and datapackage.json from the snapshots; returns row counts.

    The tables derive_current gives (`changai validate` compares them), in bounded memory:
    indicators.csv is copied from the snapshots chunk by chunk (flows/fold.py) keeping only the
    columns the other tables need, and every frame is dropped before the site, which reads the
    tables just written (progress handed over typed, as the site would read it).
    """
    # what the process held before (a run: Prefect's state, the parsers' tables) is left out of the
    # rebuild's garbage collections, which would scan it every time
    with gc_frozen(collect_first=True):
        return _rebuild_current(store)


def _rebuild_current(store: DataStore) -> dict[str, Any]:
    root = store.root
    folded = fold_to_file(store, root / "indicators.csv", DERIVE_COLUMNS, {"evidence": _parts_sentences_only})
    failpoint("current-written")
    indicators = folded.indicators
    reports = mark_duplicates(folded.reports, indicators)
    del folded
    duplicates = set(reports.loc[reports["duplicate_of"].astype(str) != "", "report_id"])
    flags = compute_flags(indicators[~indicators["report_id"].isin(duplicates)])
    progress = attach_to_progress(build_progress(indicators, exclude_reports=duplicates), flags)
    counts: dict[str, Any] = {"reports": len(reports), "indicators": len(indicators)}
    del indicators
    for name, frame in (("reports", reports), ("progress", progress), ("flags", flags)):
        write_csv(root / f"{name}.csv", frame, columns_of(name))
        failpoint("current-written")
        counts[name] = len(frame)
    shown = prepare_progress(progress)  # progress as the site types it: not read back from progress.csv
    del reports, progress, flags
    counts = {k: counts[k] for k in ("reports", "indicators", "progress", "flags")}
    # comparison.csv, coverage.csv and the report site under data/site/, from the tables just written
    days = store.snapshot_dates()
    site = build_site(root, as_of=days[-1] if days else None, progress=shown)  # snapshots may be in object storage
    del shown
    write_datapackage(root, days, store)
    failpoint("rebuilt")
    store.clear_rebuild_pending()
    counts["site"] = site
    write_stamp(store, counts)  # lets a run that commits nothing skip the next rebuild (flows/freshness.py)
    return counts


def rebuild_if_stale(store: DataStore, force: bool = False) -> dict[str, Any]:
    """rebuild_current unless the current tables already are what the snapshots give (flows/freshness.py);
    `rebuilt` in the counts says which happened."""
    counts = None if force else fresh_counts(store)
    return {**counts, "rebuilt": False} if counts is not None else {**rebuild_current(store), "rebuilt": True}


def flag_summary(
    store: DataStore, report_ids: set[str], batch: pd.DataFrame | None = None, batch_reports: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Flags for a run summary. After a commit: the stored flags.csv; in a dry run (`batch` given):
    the flags the batch would raise together with the stored figures, nothing written."""
    if batch is None:
        from flows.csvio import read_csv
        from validations.schemas import columns_of

        flags = read_csv(store.root / "flags.csv", columns_of("flags"))
    else:
        indicators, _ = store.current_state()
        indicators = pd.concat([indicators[~indicators["report_id"].isin(report_ids)], batch], ignore_index=True)
        if batch_reports is not None and "duplicate_of" in batch_reports.columns:
            copies = batch_reports.loc[batch_reports["duplicate_of"].astype(str) != "", "report_id"]
            indicators = indicators[~indicators["report_id"].isin(set(copies))]
        flags = compute_flags(indicators)
    return summarise(flags, report_ids)
