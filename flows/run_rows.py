"""A run's rows as its parse batches arrive: each batch validated where it was parsed, its figures staged on disk.

Reads parse-batch results (validate_part turns a BatchResult into a ValidBatch inside the parse task);
writes the staged figure parts (flows/staging.py) and keeps in memory only the report rows, the
rejected rows and a few columns of every figure. A run over 10 000 reports gives 300 000+ figures
at ~1 KB a row: held whole they were most of the run's memory.
Batch-wise validation gives the same rows as validating the run at once because every cross-row
check stays within a report (unique ids, a figure's report) and a report's rows are all in one batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from flows.csvchunks import CsvText, csv_text
from flows.staging import StagedRows, dated
from flows.store import stack_frames
from validations.schemas import columns_of
from validations.validate import validate_batch

# the columns of this run's (and the stored) figures that the run report and duplicate marking read
RUN_COLUMNS = ["indicator_row_id", "report_id", "source", "city", "province", "value", "unit"]


@dataclass
class BatchResult:
    """What one parse batch gives: row dicts, and which reports it processed."""

    reports: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    processed_ids: set[str] = field(default_factory=set)
    protect_ids: set[str] = field(default_factory=set)  # reports whose new parse failed: keep stored rows


def in_window(publish_date: str, since: date | None, until: date | None) -> bool:
    """Whether a report published on `publish_date` belongs to a --since/--until backfill."""
    if not since and not until:
        return True
    if not publish_date:
        return False
    # a month-only date (YYYY-MM) is in the window when any day of that month is
    first = (
        date.fromisoformat(publish_date[:7] + "-01")
        if len(publish_date) == 7
        else date.fromisoformat(publish_date[:10])
    )
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1) if len(publish_date) == 7 else first
    return (not since or last >= since) and (not until or first <= until)


@dataclass
class ValidBatch:
    """A parse batch as frames, validated: what a parse task hands back to the run."""

    reports: pd.DataFrame  # report rows as read (in the --since/--until window)
    valid_reports: pd.DataFrame  # report rows as they land (failing ones demoted to rejected)
    valid_indicators: pd.DataFrame
    rejected: pd.DataFrame  # rows that failed a check, with every failed check
    processed_ids: set[str]
    protect_ids: set[str]
    # valid_indicators dated and written out as the snapshot's CSV body: formatting 300 000+ rows cost
    # the commit ~4 s on the run's one thread, the parse workers share it (DataStore.commit copies it)
    indicators_text: CsvText | None = None


def validate_part(part: BatchResult, day: str, since: date | None = None, until: date | None = None) -> ValidBatch:
    """A parse batch's rows as frames, kept to the --since/--until window, validated (validate_batch).
    Runs inside the parse task: on a process pool or Dask, validation is spread over the workers too."""
    reports = pd.DataFrame(part.reports, columns=columns_of("reports"))
    indicators = pd.DataFrame(part.indicators, columns=columns_of("indicators"))
    processed_ids = set(part.processed_ids)
    if since or until:
        keep = reports["publish_date"].map(lambda d: in_window(str(d), since, until))
        dropped = set(reports.loc[~keep, "report_id"])
        reports = reports[keep]
        indicators = indicators[~indicators["report_id"].isin(dropped)]
        processed_ids -= dropped
    valid_reports, valid_ind, rejected = validate_batch(reports, indicators, day)
    text = csv_text(dated(valid_ind, day), columns_of("indicators"))
    return ValidBatch(reports, valid_reports, valid_ind, rejected, processed_ids, set(part.protect_ids), text)


class RunRows:
    """Add each ValidBatch; then read `reports` (as read, for the run report), `valid_reports`,
    `rejected`, `figures` (RUN_COLUMNS of the valid figures) and `staged` (the valid figures, for the
    commit). A report must not come in two batches (flows/ingest.py keeps each report's last document)."""

    def __init__(self, staged: StagedRows) -> None:
        self.staged = staged
        self.processed_ids: set[str] = set()  # every report parsed now
        self.protect_ids: set[str] = set()  # those whose new parse failed: their stored rows stay
        self._read: list[pd.DataFrame] = []
        self._valid: list[pd.DataFrame] = []
        self._rejected: list[pd.DataFrame] = []
        self._figures: list[pd.DataFrame] = []

    def add(self, batch: ValidBatch) -> None:
        self.processed_ids |= batch.processed_ids
        self.protect_ids |= batch.protect_ids
        self._read.append(batch.reports)
        self._valid.append(batch.valid_reports)
        self._rejected.append(batch.rejected)
        self._figures.append(batch.valid_indicators[RUN_COLUMNS])
        self.staged.append(batch.valid_indicators, batch.indicators_text)

    @property
    def reports(self) -> pd.DataFrame:
        return stack_frames(self._read, "reports")

    @property
    def valid_reports(self) -> pd.DataFrame:
        return stack_frames(self._valid, "reports")

    @property
    def rejected(self) -> pd.DataFrame:
        """Rejected report rows, then rejected figures (as validating the run at once orders them)."""
        rejected = stack_frames(self._rejected, "rejected")
        return rejected.sort_values("table", key=lambda t: t != "reports", kind="stable").reset_index(drop=True)

    @property
    def figures(self) -> pd.DataFrame:
        return stack_frames(self._figures, "indicators")[RUN_COLUMNS]
