"""The Prefect ingest flow: sources -> raw documents -> parse + extract -> validate -> snapshot -> current tables."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from flows import live, run_log, run_report
from flows.batches import plan_batches, run_batches
from flows.current import flag_summary, rebuild_if_stale
from flows.current import rebuild_current as rebuild_current_tables
from flows.duplicates import mark_new_duplicates
from flows.local_source import TZ, RawKeeper, UnreadableFile, collect_local, now_iso
from flows.params import DataDir, Folder, IsoDate, PageUrl, ParserId, SourceId, Storage, check_params
from flows.rows import DocRef, Fingerprints, indicator_rows, report_id_for, report_row
from flows.run_rows import RUN_COLUMNS, BatchResult, RunRows, ValidBatch, validate_part
from flows.runners import collect_runner, make_task_runner, parallelism, parse_runner, parses_on_this_machine
from flows.sources import SourceConfig, load_sources, select_sources, url_source
from flows.staging import StagedRows
from flows.store import DataStore
from parsers.extract import EXTRACTOR_VERSION
from parsers.report import process_document
from validations.validate import validate_batch


@dataclass
class SourceOutcome:
    source: str
    ok: bool = True
    reason: str = ""
    discovered: int = 0
    unchanged: int = 0
    refs: list[DocRef] = field(default_factory=list)


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


# NO_CACHE (here and on parse_batch): results depend on the data dir, not only on the arguments, and a
# cache key would hash every known report or every document of a batch for nothing
@task(name="collect-source", task_run_name="collect-{source.id}", cache_policy=NO_CACHE)
def collect_source(
    source: SourceConfig,
    data_dir: str,
    inbox: str | None,
    known: dict[str, tuple[str, str, str]],
    dry_run: bool,
    storage: str | None = None,
    keep_in_batches: bool = False,
) -> SourceOutcome:
    """List a source's documents, keep their bytes, and drop the ones already processed unchanged.
    `keep_in_batches`: a local source's files are kept in raw/ by the parse batches (flows/local_source.py)."""
    logger = get_run_logger()
    outcome = SourceOutcome(source.id)
    store = None if dry_run else DataStore(data_dir, storage)
    refs: list[DocRef] = []
    try:
        # extend() keeps the documents a source yielded before it failed: they are processed too
        if source.kind == "local":
            refs.extend(
                collect_local(
                    source.id,
                    source.parser,
                    _source_folder(Path(data_dir), source, inbox),
                    store,
                    source.city,
                    keep_later=keep_in_batches,
                )
            )
        else:
            from flows.fetch import collect_http  # http sources: fetching lives in flows/fetch.py

            refs.extend(collect_http(source, store, known))
    except Exception as exc:  # the source as a whole failed; other sources go on
        outcome.ok, outcome.reason = False, f"{type(exc).__name__}: {exc}"
        logger.error("source %s failed: %s", source.id, outcome.reason)
        if not refs:  # documents found before the failure still land
            live.emit("source_done", source=source.id, discovered=0, new=0, ok=False)
            return outcome
    outcome.discovered = len(refs)
    for ref in refs:
        previous = known.get(report_id_for(ref.source, ref.url))
        if previous and not ref.error and previous == (ref.sha256, ref.parser, EXTRACTOR_VERSION):
            outcome.unchanged += 1
            continue
        outcome.refs.append(ref)
    logger.info("source %s: %d documents, %d new or changed", source.id, outcome.discovered, len(outcome.refs))
    live.emit("source_done", source=source.id, discovered=outcome.discovered, new=len(outcome.refs), ok=True)
    return outcome


def process_refs(refs: list[DocRef], data_dir: str, day: str, storage: str | None = None) -> BatchResult:
    """Parse and extract a batch of documents (plain function; the task below wraps it)."""
    store = DataStore(data_dir, storage)
    today = date.fromisoformat(day)
    out = BatchResult()
    fingerprints = Fingerprints()  # SimHash for the whole batch at its end (flows/rows.py)
    with RawKeeper(store) as keeper:  # local files collected without their bytes kept (DocRef.keep_raw)
        for ref in live.each(refs, "parsed"):
            _process_ref(ref, store, keeper, today, day, out, fingerprints)
    fingerprints.fill()
    if keeper.failed:  # raw/ refused the bytes: the report is rejected, its figures go
        for row in out.reports:
            if row["report_id"] in keeper.failed:
                row.update(status="rejected", reason=keeper.failed[row["report_id"]], n_indicators=0, fingerprint="")
                out.protect_ids.add(row["report_id"])
        out.indicators = [r for r in out.indicators if r["report_id"] not in keeper.failed]
    return out


def _process_ref(
    ref: DocRef, store: DataStore, keeper: RawKeeper, today: date, day: str, out: BatchResult, prints: Fingerprints
) -> None:
    rid = report_id_for(ref.source, ref.url)
    out.processed_ids.add(rid)
    if ref.error:
        out.reports.append(report_row(ref, None, 0, "rejected", ref.error))
        out.protect_ids.add(rid)
        return
    try:
        if ref.keep_raw:
            ref, content = keeper.read_and_keep(ref)
        else:
            content = store.raw_bytes(ref.raw_path) if ref.raw_path else Path(ref.local_path).read_bytes()
    except (UnreadableFile, OSError) as exc:
        reason = str(exc) if isinstance(exc, UnreadableFile) else f"raw document unreadable: {exc}"
        out.reports.append(report_row(ref, None, 0, "rejected", reason))
        out.protect_ids.add(rid)
        return
    result = process_document(content, ref.url, ref.parser, ref.declared_charset, today)
    row = report_row(ref, result, len(result.mentions), fingerprints=prints)
    out.reports.append(row)
    if result.status == "rejected":
        out.protect_ids.add(rid)
        return
    out.indicators.extend(indicator_rows(row, result, day))


@task(name="parse-extract-batch", cache_policy=NO_CACHE)
def parse_batch(
    refs: list[DocRef],
    data_dir: str,
    day: str,
    storage: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> ValidBatch:
    """Parse, extract and validate a batch (flows/run_rows.py validate_part), where the task runs."""
    return validate_part(process_refs(refs, data_dir, day, storage), day, since, until)


def validate_tables(
    reports: pd.DataFrame, indicators: pd.DataFrame, day: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split both tables into valid and rejected rows (validations/validate.py: validate_batch)."""
    return validate_batch(reports, indicators, day)


def rebuild_current(store: DataStore) -> dict[str, int]:
    """Re-derive the current tables (duplicates marked), flags and datapackage.json from the snapshots
    (flows/current.py)."""
    return rebuild_current_tables(store)


def _reprocess_refs(reports: pd.DataFrame, selected: list[SourceConfig], store: DataStore) -> list[SourceOutcome]:
    """Stored raw documents of the selected sources (`reports`: the latest report rows), to re-parse
    without fetching."""
    outcomes = []
    for source in selected:
        rows = reports[(reports["source"] == source.id) & (reports["raw_path"].astype(str) != "")]
        refs = [
            DocRef(
                r.source,
                r.url,
                r.parser if source.detect_parser else source.parser,  # `--url` pages keep their detected parser
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


def _last_per_report(refs: list[DocRef]) -> list[DocRef]:
    """One document per report id, the last one listed (as validation keeps a report's last row), in
    order: a report's rows must all be in one batch."""
    last = {report_id_for(ref.source, ref.url): i for i, ref in enumerate(refs)}
    return [refs[i] for i in sorted(last.values())]


@flow(name="ingest", task_runner=make_task_runner("auto"), log_prints=True, validate_parameters=True)
def ingest(
    sources: list[SourceId] | None = None,
    data_dir: DataDir = "data",
    reprocess: bool = False,
    since: IsoDate | None = None,
    until: IsoDate | None = None,
    dry_run: bool = False,
    inbox: Folder | None = None,
    urls: list[PageUrl] | None = None,
    parser: ParserId | None = None,
    storage: Storage | None = None,
) -> dict[str, Any]:
    """Ingest reform reports from the configured sources and append today's snapshot.

    Args:
        sources: source ids from the data dir's sources.toml, e.g. ["inbox"]; unset (null) runs every enabled source
        data_dir: the data directory (relative to the working directory of the run)
        reprocess: re-parse the stored raw documents (after a parser or extractor upgrade) instead of reading sources
        since: only reports published on or after this date (backfills)
        until: only reports published on or before this date (backfills)
        dry_run: parse and validate, write nothing
        inbox: a folder to read instead of the inbox source's own folder
        urls: fetch exactly these http(s) pages (filed under the matching http source, else "manual")
        parser: the parser id for urls (default: the source's, or detected from each page)
        storage: where raw/ and snapshots/ live: a folder or fsspec URL (s3://bucket/prefix); default: the data dir's
    """
    params = check_params(
        sources=sources,
        data_dir=data_dir,
        reprocess=reprocess,
        since=since,
        until=until,
        dry_run=dry_run,
        inbox=inbox,
        urls=urls,
        parser=parser,
        storage=storage,
    )
    logger = get_run_logger()
    started_at = now_iso()
    data_path = Path(data_dir)
    store = DataStore(data_path, storage)
    storage = store.storage  # the resolved one (given, or the data dir's), for the tasks' stores
    day = snapshot_day()
    configured = load_sources(data_path)
    if urls:
        selected = [url_source(urls, parser, configured, sources)]
    else:
        selected = select_sources(configured, sources, include_manual=reprocess)
    live.emit("sources", total=len(selected))
    lock = None if dry_run else store.acquire()
    stack = ExitStack()  # scratch folders go when the run ends, however it ends
    try:
        # the reports tables only: a run that finds nothing new never reads the indicator rows
        stored_reports = store.latest_reports()
        known = {} if reprocess else run_report.known_of(stored_reports)
        if reprocess:
            outcomes = _reprocess_refs(stored_reports, selected, store)
        else:
            with collect_runner() as runner:  # the flow's thread pool, also when batches go to Dask
                args = {"data_dir": str(data_path), "inbox": inbox, "known": known, "dry_run": dry_run}
                args["storage"] = storage
                # where the batches can read the inbox (not on a Dask worker elsewhere), they keep its files
                args["keep_in_batches"] = not dry_run and parses_on_this_machine()
                futures = [runner.submit(collect_source, {"source": s, **args}) for s in selected]
                outcomes = [f.result() for f in futures]
        refs = _last_per_report([ref for outcome in outcomes for ref in outcome.refs])
        live.emit("parse_total", total=len(refs))
        # each batch is validated as it arrives and its figures go to disk (flows/run_rows.py): the run
        # holds the report rows, a few columns of every figure and one batch of whole rows
        staged = StagedRows(None if dry_run else data_path)
        stack.callback(staged.remove)
        rows = RunRows(staged)
        # an absolute data dir: a Dask worker's working directory need not be the flow's
        parse_args = (str(data_path.resolve()), day, storage, since, until)
        with parse_runner(len(refs)) as runner:  # worker processes end with the parse phase (flows/runners.py)
            workers = parallelism(runner) if refs else 1  # on Dask this starts the cluster: only when there is work
            batches = plan_batches(refs, workers)
            for batch in run_batches(parse_batch, batches, workers, *parse_args, runner=runner):
                rows.add(batch)
                del batch
        del refs, batches
        processed_ids, protect_ids = rows.processed_ids, rows.protect_ids
        live.emit("stage", name="validate")
        reports, valid_reports, rejected, figures = rows.reports, rows.valid_reports, rows.rejected, rows.figures
        # the stored figures, a few columns of them: duplicates and what this run adds or withdraws
        stored = store.live_columns(RUN_COLUMNS) if not reports.empty else pd.DataFrame(columns=RUN_COLUMNS)
        baseline = run_report.Baseline.of(stored, stored_reports)
        if not valid_reports.empty:
            # over the reports as they land (as the rebuild marks them: a rejected one is nobody's original)
            valid_reports = mark_new_duplicates(valid_reports, figures, stored_reports, stored)
            marks = dict(zip(valid_reports["report_id"], valid_reports["duplicate_of"], strict=True))
            reports = reports.assign(duplicate_of=reports["report_id"].map(marks).fillna(""))
        del stored
        summary: dict[str, Any] = {
            "snapshot_date": day,
            "parameters": params.model_dump(mode="json"),
            "dry_run": dry_run,
            "data_dir": str(data_path),
            "sources": [
                {k: v for k, v in asdict(o).items() if k != "refs"} | {"new_or_changed": len(o.refs)} for o in outcomes
            ],
            "reports_read": len(reports),
            "reports_ok": int((valid_reports["status"] == "ok").sum()) if not valid_reports.empty else 0,
            "reports_rejected": int((valid_reports["status"] == "rejected").sum()) if not valid_reports.empty else 0,
            "indicators_extracted": staged.rows,
            "duplicates": int((valid_reports["duplicate_of"].astype(str) != "").sum())
            if not valid_reports.empty
            else 0,
            "rows_rejected": len(rejected),
            "problems": [f"{r.url}: {r.reason}" for r in valid_reports.itertuples() if r.status == "rejected"],
        }
        live.emit("stage", name="commit")
        committed = not dry_run and bool(processed_ids or not reports.empty)
        if committed:
            result = store.commit(day, processed_ids, valid_reports, staged, rejected, protect_ids)
            staged.remove()  # in the snapshot now
            summary.update(
                indicators_added=result.added,
                indicators_retracted=result.retracted,
                snapshot_path=store.location(result.snapshot_path),
            )
        else:
            summary.update(indicators_added=0, indicators_retracted=0, snapshot_path="")
        if not dry_run:
            # nothing committed: the current tables are rebuilt only when they no longer match the
            # snapshots or the code (a no-op run over a large data dir stays a matter of seconds)
            summary["current"] = rebuild_if_stale(store, force=committed)
        summary["report"] = run_report.build(
            outcomes=outcomes,
            reports=reports,
            indicators=figures,
            rejected=rejected,
            baseline=baseline,
            reprocess=reprocess,
            progress=None if dry_run or reports.empty else run_report.read_progress(data_path),
        )
        if not dry_run:
            run_log.append_run(
                data_path,
                flow_run_id=str(flow_run.get_id() or ""),
                started_at=started_at,
                finished_at=now_iso(),
                mode="reprocess" if reprocess else "ingest",
                report=summary["report"],
            )
        preview = staged.frame() if dry_run else None  # a dry run's figures meet the stored ones only here
        summary["flags"] = flag_summary(store, processed_ids, preview, valid_reports)
    finally:
        stack.close()
        if lock is not None:
            lock.release()
    run_report.publish(summary)
    run_report.log_changes(summary, logger)
    failed = [s for s in summary["sources"] if not s["ok"]]
    for s in failed:
        logger.error("source %s failed: %s", s["source"], s["reason"])
    if failed:
        return Failed(message="; ".join(f"{s['source']}: {s['reason']}" for s in failed), data=summary)
    return Completed(
        message=f"{summary['indicators_extracted']} figures from {summary['reports_read']} reports", data=summary
    )
