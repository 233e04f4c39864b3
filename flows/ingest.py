"""The Prefect ingest flow: sources -> raw documents -> parse + extract -> validate -> snapshot -> current tables."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.local_source import TZ, collect_local
from flows.progress import build_progress
from flows.rows import DocRef, indicator_rows, report_id_for, report_row
from flows.site import build_site
from flows.sources import SourceConfig, load_sources, select_sources
from flows.store import DataStore
from parsers.extract import EXTRACTOR_VERSION
from parsers.report import process_document
from validations.datapackage import write_datapackage
from validations.schemas import columns_of
from validations.validate import split_valid

BATCH_SIZE = 500  # documents per parse task: Prefect costs ~30 ms per task, extraction ~1 ms per report


@dataclass
class SourceOutcome:
    source: str
    ok: bool = True
    reason: str = ""
    discovered: int = 0
    unchanged: int = 0
    refs: list[DocRef] = field(default_factory=list)


@dataclass
class BatchResult:
    reports: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    processed_ids: set[str] = field(default_factory=set)
    protect_ids: set[str] = field(default_factory=set)  # reports whose new parse failed: keep stored rows


def snapshot_day() -> str:
    """Today in Asia/Shanghai; CHANGAI_TODAY (YYYY-MM-DD) overrides it for tests and backfills."""
    import os

    override = os.environ.get("CHANGAI_TODAY", "").strip()
    return override or datetime.now(TZ).date().isoformat()


def _source_folder(data_dir: Path, source: SourceConfig, inbox: str | None) -> Path:
    if inbox and source.kind == "local" and source.id == "inbox":
        return Path(inbox)
    folder = Path(source.folder)
    return folder if folder.is_absolute() else data_dir / folder


@task(name="collect-source", task_run_name="collect-{source.id}")
def collect_source(
    source: SourceConfig, data_dir: str, inbox: str | None, known: dict[str, tuple[str, str, str]], dry_run: bool
) -> SourceOutcome:
    """List a source's documents, keep their bytes, and drop the ones already processed unchanged."""
    logger = get_run_logger()
    outcome = SourceOutcome(source.id)
    store = None if dry_run else DataStore(data_dir)
    try:
        if source.kind == "local":
            refs = list(
                collect_local(
                    source.id, source.parser, _source_folder(Path(data_dir), source, inbox), store, source.city
                )
            )
        else:
            from flows.fetch import collect_http  # http sources: fetching lives in flows/fetch.py

            refs = list(collect_http(source, store, known))
    except Exception as exc:  # the source as a whole failed; other sources go on
        outcome.ok, outcome.reason = False, f"{type(exc).__name__}: {exc}"
        logger.error("source %s failed: %s", source.id, outcome.reason)
        return outcome
    outcome.discovered = len(refs)
    for ref in refs:
        previous = known.get(report_id_for(ref.source, ref.url))
        if previous and not ref.error and previous == (ref.sha256, ref.parser, EXTRACTOR_VERSION):
            outcome.unchanged += 1
            continue
        outcome.refs.append(ref)
    logger.info("source %s: %d documents, %d new or changed", source.id, outcome.discovered, len(outcome.refs))
    return outcome


def process_refs(refs: list[DocRef], data_dir: str, day: str) -> BatchResult:
    """Parse and extract a batch of documents (plain function; the task below wraps it)."""
    store = DataStore(data_dir)
    today = date.fromisoformat(day)
    out = BatchResult()
    for ref in refs:
        rid = report_id_for(ref.source, ref.url)
        out.processed_ids.add(rid)
        if ref.error:
            out.reports.append(report_row(ref, None, 0, "rejected", ref.error))
            out.protect_ids.add(rid)
            continue
        try:
            content = store.raw_bytes(ref.raw_path) if ref.raw_path else Path(ref.local_path).read_bytes()
        except OSError as exc:
            out.reports.append(report_row(ref, None, 0, "rejected", f"raw document unreadable: {exc}"))
            out.protect_ids.add(rid)
            continue
        result = process_document(content, ref.url, ref.parser, ref.declared_charset, today)
        row = report_row(ref, result, len(result.mentions))
        out.reports.append(row)
        if result.status == "rejected":
            out.protect_ids.add(rid)
            continue
        out.indicators.extend(indicator_rows(row, result, day))
    return out


@task(name="parse-extract-batch")
def parse_batch(refs: list[DocRef], data_dir: str, day: str) -> BatchResult:
    return process_refs(refs, data_dir, day)


def validate_tables(
    reports: pd.DataFrame, indicators: pd.DataFrame, day: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split both tables into valid and rejected rows; indicator rows of a rejected report go too."""
    valid_reports, rejected_reports = split_valid(reports, "reports", day)
    indicators = indicators.drop_duplicates("indicator_row_id") if not indicators.empty else indicators
    valid_ind, rejected_ind = split_valid(indicators, "indicators", day)
    if not valid_ind.empty:
        orphan = ~valid_ind["report_id"].isin(set(valid_reports["report_id"]))
        if orphan.any():
            orphans = valid_ind[orphan]
            extra = pd.DataFrame(
                {
                    "snapshot_date": day,
                    "table": "indicators",
                    "row_id": orphans["indicator_row_id"],
                    "report_id": orphans["report_id"],
                    "checks": "report_id_in_reports",
                    "details": "report row was rejected",
                    "row_json": "{}",
                },
                columns=columns_of("rejected"),
            )
            rejected_ind = pd.concat([rejected_ind, extra], ignore_index=True)
            valid_ind = valid_ind[~orphan]
    if not valid_reports.empty and not valid_ind.empty:
        counts = valid_ind.groupby("report_id").size()
        valid_reports["n_indicators"] = valid_reports["report_id"].map(counts).fillna(0).astype(int)
    elif not valid_reports.empty:
        valid_reports["n_indicators"] = 0
    rejected = pd.concat([rejected_reports, rejected_ind], ignore_index=True)
    return valid_reports, valid_ind, rejected


def rebuild_current(store: DataStore) -> dict[str, Any]:
    """Re-derive reports.csv, indicators.csv, progress.csv, the report site and datapackage.json from the snapshots."""
    indicators, reports = store.current_state()
    progress = build_progress(indicators)
    store.write_current(reports, indicators, progress)
    site = build_site(store.root)  # comparison.csv, coverage.csv and data/site/ from the tables just written
    write_datapackage(store.root, store.snapshot_dates())
    return {"reports": len(reports), "indicators": len(indicators), "progress": len(progress), "site": site}


def _known_reports(store: DataStore) -> dict[str, tuple[str, str, str]]:
    _, reports = store.current_state()
    return {r.report_id: (r.content_sha256, r.parser, r.extractor_version) for r in reports.itertuples()}


def _reprocess_refs(store: DataStore, selected: list[SourceConfig]) -> list[SourceOutcome]:
    """Stored raw documents of the selected sources, to re-parse without fetching."""
    _, reports = store.current_state()
    outcomes = []
    for source in selected:
        rows = reports[(reports["source"] == source.id) & (reports["raw_path"].astype(str) != "")]
        refs = [
            DocRef(
                r.source,
                r.url,
                source.parser,
                r.fetched_at,
                r.content_sha256,
                r.raw_path,
                declared_charset=store.raw_meta(r.raw_path).get("charset"),
                city=source.city,
            )
            for r in rows.itertuples()
        ]
        outcomes.append(SourceOutcome(source.id, discovered=len(refs), refs=refs))
    return outcomes


def _in_window(publish_date: str, since: date | None, until: date | None) -> bool:
    if not since and not until:
        return True
    if not publish_date:
        return False
    d = date.fromisoformat(publish_date[:10]) if len(publish_date) >= 10 else None
    return d is not None and (not since or d >= since) and (not until or d <= until)


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=True, validate_parameters=True)
def ingest(
    sources: list[str] | None = None,
    data_dir: str = "data",
    reprocess: bool = False,
    since: date | None = None,
    until: date | None = None,
    dry_run: bool = False,
    inbox: str | None = None,
) -> dict[str, Any]:
    """Ingest reform reports from the configured sources and append today's snapshot.

    sources: source ids (default: every enabled source); reprocess: re-parse stored raw
    documents instead of fetching; since/until: publish-date window (backfills); dry_run: parse
    and validate, write nothing; inbox: a folder to read instead of the inbox source's own.
    """
    logger = get_run_logger()
    data_path = Path(data_dir)
    store = DataStore(data_path)
    day = snapshot_day()
    selected = select_sources(load_sources(data_path), sources)
    lock = None if dry_run else store.acquire()
    try:
        known = {} if reprocess else _known_reports(store)
        if reprocess:
            outcomes = _reprocess_refs(store, selected)
        else:
            futures = [collect_source.submit(s, str(data_path), inbox, known, dry_run) for s in selected]
            outcomes = [f.result() for f in futures]
        merged = BatchResult()
        for outcome in outcomes:
            for i in range(0, len(outcome.refs), BATCH_SIZE):
                part = parse_batch(outcome.refs[i : i + BATCH_SIZE], str(data_path), day)
                merged.reports.extend(part.reports)
                merged.indicators.extend(part.indicators)
                merged.processed_ids |= part.processed_ids
                merged.protect_ids |= part.protect_ids
        reports = pd.DataFrame(merged.reports, columns=columns_of("reports"))
        indicators = pd.DataFrame(merged.indicators, columns=columns_of("indicators"))
        if since or until:
            keep = reports["publish_date"].map(lambda d: _in_window(str(d), since, until))
            dropped = set(reports.loc[~keep, "report_id"])
            reports = reports[keep]
            indicators = indicators[~indicators["report_id"].isin(dropped)]
            merged.processed_ids -= dropped
        valid_reports, valid_ind, rejected = validate_tables(reports, indicators, day)
        summary: dict[str, Any] = {
            "snapshot_date": day,
            "dry_run": dry_run,
            "data_dir": str(data_path),
            "sources": [
                {k: v for k, v in asdict(o).items() if k != "refs"} | {"new_or_changed": len(o.refs)} for o in outcomes
            ],
            "reports_read": len(reports),
            "reports_ok": int((valid_reports["status"] == "ok").sum()) if not valid_reports.empty else 0,
            "reports_rejected": int((reports["status"] == "rejected").sum()) if not reports.empty else 0,
            "indicators_extracted": len(valid_ind),
            "rows_rejected": len(rejected),
            "problems": [f"{r['url']}: {r['reason']}" for r in merged.reports if r["status"] == "rejected"],
        }
        if not dry_run and (merged.processed_ids or not reports.empty):
            result = store.commit(day, merged.processed_ids, valid_reports, valid_ind, rejected, merged.protect_ids)
            summary.update(
                indicators_added=result.added,
                indicators_retracted=result.retracted,
                snapshot_path=str(data_path / result.snapshot_path),
            )
        else:
            summary.update(indicators_added=0, indicators_retracted=0, snapshot_path="")
        if not dry_run:
            summary["current"] = rebuild_current(store)
    finally:
        if lock is not None:
            lock.release()
    _publish_artifacts(summary)
    failed = [s for s in summary["sources"] if not s["ok"]]
    for s in failed:
        logger.error("source %s failed: %s", s["source"], s["reason"])
    if failed:
        return Failed(message="; ".join(f"{s['source']}: {s['reason']}" for s in failed), data=summary)
    return Completed(
        message=f"{summary['indicators_extracted']} figures from {summary['reports_read']} reports", data=summary
    )


def _publish_artifacts(summary: dict[str, Any]) -> None:
    rows = [
        {
            "source": s["source"],
            "ok": s["ok"],
            "discovered": s["discovered"],
            "unchanged": s["unchanged"],
            "new_or_changed": s["new_or_changed"],
            "reason": s["reason"],
        }
        for s in summary["sources"]
    ]
    create_table_artifact(key="ingest-sources", table=rows, description="Per source: documents found and processed")
    lines = [
        f"# Ingest {summary['snapshot_date']}",
        "",
        f"- reports read: {summary['reports_read']} (rejected {summary['reports_rejected']})",
        f"- figures extracted: {summary['indicators_extracted']}, new: {summary['indicators_added']}, "
        f"retracted: {summary['indicators_retracted']}",
        f"- rows rejected by validation: {summary['rows_rejected']}",
    ]
    if summary["problems"]:
        lines += ["", "## Problems", *[f"- {p}" for p in summary["problems"][:50]]]
    site = summary.get("current", {}).get("site") or {}
    if site:
        lines += ["", "## Headline changes", f"Report page: {Path(site['index']).as_uri()}", "", *site["headlines"]]
    create_markdown_artifact(key="ingest-summary", markdown="\n".join(lines), description="What this run changed")
