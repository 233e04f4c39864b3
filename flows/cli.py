"""The `changai` command line: run, serve, progress, validate, sources, site, score (Prefect only in run/serve)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _prepare_prefect_env() -> None:
    # The embedded server can take >20 s to start on a loaded 2-core machine (spec notes).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # no usage telemetry from a data tool; its writes also race the SQLite database at start-up
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def cmd_run(args: argparse.Namespace) -> int:
    from flows.params import InvalidParameters, check_params
    from flows.sources import SourceConfigError, load_sources, select_sources
    from flows.storage_binding import StorageMismatchError, resolve_storage

    params = dict(
        sources=args.source or None,
        data_dir=str(args.data_dir),
        reprocess=args.reprocess,
        since=args.since,
        until=args.until,
        dry_run=args.dry_run,
        inbox=str(args.inbox) if args.inbox else None,
        urls=args.url or None,
        parser=args.parser,
        storage=args.storage,
    )
    from flows import runners

    try:  # the flow checks these again; checking here first fails in 0.1 s instead of after Prefect starts
        check_params(**params)
        select_sources(load_sources(args.data_dir), params["sources"])
        resolve_storage(args.data_dir, args.storage)
        kind, address = runners.choose(args.task_runner, args.dask_address)
        if kind == "dask":
            runners.check_dask(address)
    except (InvalidParameters, SourceConfigError, StorageMismatchError, runners.RunnerError) as exc:
        print(f"changai run: {exc}", file=sys.stderr)
        return 2
    _prepare_prefect_env()
    from flows.prefect_server import early_server, use_server

    # the temporary server boots while this process imports Prefect and the flow (flows/prefect_server.py)
    with early_server() as server:
        from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

        from flows.ingest import ingest
        from flows.live_display import progress_display

        flow = ingest
        if kind != "auto":
            flow = ingest.with_options(task_runner=runners.make_task_runner(kind, address))
            if address and not runners.is_loopback(address) and not PREFECT_API_URL.value():
                print(
                    "changai run: warning: Dask workers on other machines cannot reach this run's temporary Prefect "
                    "server on 127.0.0.1; set PREFECT_API_URL to a server they can reach",
                    file=sys.stderr,
                )
        # A one-shot run in this process needs no crash-detection heartbeat; it costs ~1 s per flow
        # (prefect PR #19641). Served deployments keep Prefect's default.
        timeout = float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
        with (
            use_server(server, timeout),
            temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
            progress_display(),
        ):
            state = flow(**params, return_state=True)
    summary = state.result(raise_on_failure=False) if state.is_completed() or state.is_failed() else None
    if not isinstance(summary, dict):
        print(f"changai run: the flow did not finish: {state.message or state.type}", file=sys.stderr)
        return 2
    print_summary(summary)
    failed = [s for s in summary["sources"] if not s["ok"]]
    for s in failed:
        print(f"source {s['source']} failed: {s['reason']}", file=sys.stderr)
    return 1 if failed else 0


def print_summary(summary: dict) -> None:
    from flows.run_report import render_text

    mode = " (dry run: nothing written)" if summary.get("dry_run") else ""
    print(f"changai run {summary['snapshot_date']}{mode}")
    print(
        f"  reports read: {summary['reports_read']} "
        f"(ok {summary['reports_ok']}, rejected {summary['reports_rejected']})"
    )
    print(
        f"  indicators written: {summary['indicators_extracted']} "
        f"(new {summary['indicators_added']}, retracted {summary['indicators_retracted']})"
    )
    print(f"  rows rejected by validation: {summary['rows_rejected']}")
    if summary.get("duplicates"):
        print(f"  duplicate stories (figures kept out of progress.csv): {summary['duplicates']}")
    flags = summary.get("flags") or {}
    if flags.get("total"):
        kinds = ", ".join(f"{k} {v}" for k, v in flags["by_flag"].items())
        print(f"  flags: {flags['total']} ({kinds}); {flags['this_run']} on this run's reports — see flags.csv")
        for line in flags["examples"][:10]:
            print(f"  flag: {line}")
    if summary.get("snapshot_path"):
        print(f"  snapshot: {summary['snapshot_path']}")
    if summary.get("current"):
        c = summary["current"]
        print(
            f"  current tables: {c['reports']} reports, {c['indicators']} indicator rows, "
            f"{c['progress']} progress points"
        )
    if summary.get("current", {}).get("site"):
        print(f"  report page: {summary['current']['site']['index']}")
    print(render_text(summary))


def cmd_progress(args: argparse.Namespace) -> int:
    from flows.csvio import read_csv

    path = Path(args.data_dir) / "progress.csv"
    if not path.exists():
        print(f"no progress table at {path}; run `changai run` first", file=sys.stderr)
        return 1
    df = read_csv(path)
    if args.city:
        name = args.city.rstrip("市")
        df = df[df["city"].str.rstrip("市") == name]
    if args.indicator:
        df = df[df["indicator"] == args.indicator]
    if args.since:
        df = df[df["publish_date"] >= args.since.isoformat()]
    if df.empty:
        print("no matching series")
        return 1
    from rich.console import Console
    from rich.table import Table

    table = Table(title="产改 progress", show_lines=False)
    for col in (
        "city",
        "indicator",
        "label",
        "unit",
        "period",
        "publish_date",
        "value",
        "previous_value",
        "change",
        "change_pct",
        "flags",
    ):
        table.add_column(col, justify="right" if col in ("value", "previous_value", "change", "change_pct") else "left")
    for row in df.itertuples():
        table.add_row(
            row.city,
            row.indicator,
            row.label,
            row.unit,
            row.period,
            row.publish_date,
            _fmt(row.value),
            _fmt(row.previous_value),
            _fmt(row.change),
            row.change_pct,
            getattr(row, "flags", ""),
        )
    import shutil

    # piped output (a file, another program) gets a wide table instead of Rich's 80 columns
    width = None if sys.stdout.isatty() else max(160, shutil.get_terminal_size((160, 24)).columns)
    Console(width=width).print(table)
    return 0


def _fmt(value: str) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return value or ""
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"


def cmd_validate(args: argparse.Namespace) -> int:
    """Re-check everything stored (validations/audit.py); waits for a running `changai run` to finish."""
    from flows.store import DataStore, StoreBusyError
    from validations.audit import audit, format_audit

    try:
        store = DataStore(args.data_dir, args.storage)
    except ValueError as exc:  # a storage other than the data dir's, or one that cannot be opened here
        print(f"changai validate: {exc}", file=sys.stderr)
        return 2
    try:
        held = store.acquire(recover=False) if args.data_dir.is_dir() else None
    except StoreBusyError as exc:
        print(f"changai validate: {exc}", file=sys.stderr)
        return 2
    except OSError:  # a read-only data dir cannot hold a lock file: check it as it is
        held = None
    try:
        result = audit(args.data_dir, args.storage)
    finally:
        if held is not None:
            held.release()
    print("\n".join(format_audit(result)))
    return 1 if result.problems else 0


def cmd_sources(args: argparse.Namespace) -> int:
    from flows.source_status import print_sources

    return print_sources(Path(args.data_dir))


def cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import run

    return run(args.data_dir, args.api_url, args.startup_timeout)


def cmd_site(args: argparse.Namespace) -> int:
    from flows.site import build_site

    data_dir = Path(args.data_dir)
    if not (data_dir / "progress.csv").exists():
        print(f"no progress table at {data_dir / 'progress.csv'}; run `changai run` first", file=sys.stderr)
        return 1
    from flows.store import DataStore, StoreBusyError

    try:
        store = DataStore(data_dir)
        lock = store.acquire(timeout=60)  # a run rebuilds the same files
    except (StoreBusyError, ValueError) as exc:
        print(f"changai site: {exc}", file=sys.stderr)
        return 1
    try:
        days = store.snapshot_dates()  # the snapshots may be in object storage (storage.json)
        result = build_site(data_dir, as_of=days[-1] if days else None)
    finally:
        lock.release()
    print(
        f"report page: {result['index']} ({result['pages']} pages, {result['charts']} charts, "
        f"{result['charts_drawn']} redrawn); comparison.csv {result['comparison']} rows, "
        f"coverage.csv {result['coverage']} rows"
    )
    for warning in result["warnings"]:
        print(f"  warning: {warning}", file=sys.stderr)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from flows.scoring import print_score

    return print_score(Path(args.data_dir), Path(args.gold), args.show)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="changai", description="Track 产业工人队伍建设改革 indicators city by city.")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the ingest flow once, now, and wait for it")
    run.add_argument(
        "--source", action="append", metavar="ID", help="source id to run (repeatable; default: all enabled)"
    )
    run.add_argument("--inbox", type=Path, help="read report files from this folder (the inbox source)")
    run.add_argument("--data-dir", type=Path, default=Path("data"), help="data directory (default: data)")
    run.add_argument("--reprocess", action="store_true", help="re-parse stored raw documents instead of fetching")
    run.add_argument("--since", type=_date, help="only reports published on or after this date")
    run.add_argument("--until", type=_date, help="only reports published on or before this date")
    run.add_argument("--dry-run", action="store_true", help="parse and validate, write nothing")
    run.add_argument(
        "--url", action="append", metavar="URL", help="fetch and ingest this page (repeatable) instead of the sources"
    )
    run.add_argument("--parser", metavar="ID", help="parser for --url pages (default: detected from the page)")
    run.add_argument(
        "--task-runner",
        choices=("auto", "threads", "processes", "dask"),
        help="auto (default; env CHANGAI_TASK_RUNNER): a run of 1 000 documents or more parses in a process "
        "per core, a smaller one in this process; threads: always in this process; processes: always in a "
        "process per core of this machine; dask: on a Dask cluster, a local one (a worker process per core) "
        "unless --dask-address",
    )
    run.add_argument(
        "--dask-address",
        metavar="tcp://HOST:PORT",
        help="scheduler of an existing Dask cluster (env CHANGAI_DASK_ADDRESS; implies --task-runner dask)",
    )
    run.add_argument(
        "--storage",
        metavar="URL",
        help="where raw/ and snapshots/ live: a folder or s3://bucket/prefix, gcs://… (default: the data dir's)",
    )
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser(
        "serve", help="serve the scheduled deployments (starts a local Prefect server when none answers)"
    )
    serve.add_argument("--data-dir", type=Path, default=Path("data"), help="data directory (default: data)")
    serve.add_argument("--api-url", help="Prefect API URL (default: PREFECT_API_URL, else http://127.0.0.1:4200/api)")
    serve.add_argument(
        "--startup-timeout", type=float, default=120.0, help="seconds to wait for a server it starts (default 120)"
    )
    serve.set_defaults(func=cmd_serve)

    prog = sub.add_parser("progress", help="print a city's indicator series")
    prog.add_argument("--city")
    prog.add_argument("--indicator")
    prog.add_argument("--since", type=_date)
    prog.add_argument("--data-dir", type=Path, default=Path("data"))
    prog.set_defaults(func=cmd_progress)

    val = sub.add_parser("validate", help="re-validate the stored tables; non-zero exit on problems")
    val.add_argument("--data-dir", type=Path, default=Path("data"))
    val.add_argument("--storage", metavar="URL", help="where raw/ and snapshots/ are (default: the data dir's)")
    val.set_defaults(func=cmd_validate)

    src = sub.add_parser("sources", help="list configured sources with their last run, last success and counts")
    src.add_argument("--data-dir", type=Path, default=Path("data"))
    src.set_defaults(func=cmd_sources)

    site = sub.add_parser("site", help="rebuild comparison.csv, coverage.csv and the report page data/site/")
    site.add_argument("--data-dir", type=Path, default=Path("data"))
    site.set_defaults(func=cmd_site)

    score = sub.add_parser("score", help="score a data dir against a gold folder (misses and false hits)")
    score.add_argument("--data-dir", type=Path, required=True)
    score.add_argument("--gold", type=Path, required=True)
    score.add_argument("--show", type=int, default=10)
    score.set_defaults(func=cmd_score)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
