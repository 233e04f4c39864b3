"""The run report of one ingest run, built from its tables: per-source counts, what changed per city, anomalies.

Reads the run's DataFrames (and progress.csv after a commit); writes nothing itself — `publish` turns the
report into Prefect artifacts and `render_text` into what `changai run` prints.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

MAX_LISTED = 20  # anomalies and new reports listed one by one; the rest are counted
# A figure that grows more than tenfold between two reports of one series is more often a misread
# unit (万 lost, a year read as a count) than real progress: flag it, keep it.
JUMP_FACTOR = 10.0
NO_CITY = "(no city recognised)"


@dataclass(frozen=True)
class Baseline:
    """The live state before a run: what counts as a new report and a new figure afterwards."""

    live: pd.DataFrame  # live indicator rows
    reports: pd.DataFrame  # latest report rows
    live_ids: frozenset[str] = field(default_factory=frozenset)
    report_ids: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, live: pd.DataFrame, reports: pd.DataFrame) -> Baseline:
        return cls(live, reports, frozenset(live["indicator_row_id"]), frozenset(reports["report_id"]))


def known_of(reports: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """report_id -> (content sha256, parser, extractor version): unchanged documents are skipped."""
    columns = [reports[c] for c in ("report_id", "content_sha256", "parser", "extractor_version")]
    return {rid: (sha, parser, version) for rid, sha, parser, version in zip(*columns, strict=True)}


def build(
    *,
    outcomes: list[Any],
    reports: pd.DataFrame,
    indicators: pd.DataFrame,
    rejected: pd.DataFrame,
    baseline: Baseline,
    reprocess: bool,
    progress: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The report as plain data (goes into the flow's result and the run log).

    outcomes: SourceOutcome per source; reports: this run's report rows (all statuses, after the
    date window); indicators: this run's valid indicator rows; rejected: rows that failed validation;
    progress: progress.csv after the commit (None in a dry run) for series anomalies.
    """
    reports = reports.fillna("")
    readable = reports[reports["status"] != "rejected"]
    new_report_ids = set(readable["report_id"]) - baseline.report_ids
    new_ind = indicators[~indicators["indicator_row_id"].isin(baseline.live_ids)]
    source_of = dict(zip(reports["report_id"], reports["source"], strict=True))
    failed_checks = rejected.assign(source=rejected["report_id"].map(source_of).fillna("")) if len(rejected) else None

    sources = []
    for o in outcomes:
        mine = reports[reports["source"] == o.source]
        bad_docs = mine[mine["status"] == "rejected"]
        bad_rows = 0 if failed_checks is None else int((failed_checks["source"] == o.source).sum())
        read_errors = sum(1 for r in o.refs if r.error)
        failures = o.reason if not o.ok else _reason_counts(bad_docs["reason"])
        sources.append(
            {
                "source": o.source,
                "status": "ok" if o.ok else "FAILED",
                "discovered": o.discovered,
                "fetched": 0 if reprocess else o.discovered - read_errors,
                "unchanged": o.unchanged,
                "new_reports": int(mine["report_id"].isin(new_report_ids).sum()),
                "updated_reports": len(mine) - len(bad_docs) - int(mine["report_id"].isin(new_report_ids).sum()),
                "figures": int((indicators["source"] == o.source).sum()),
                "new_figures": int((new_ind["source"] == o.source).sum()),
                "rejected": len(bad_docs) + bad_rows,
                "failures": failures,
            }
        )

    retracted = _retracted(baseline.live, readable, indicators)
    return {
        "sources": sources,
        "cities": _cities(readable, new_report_ids, new_ind, retracted),
        "new_reports": _new_reports(readable, new_report_ids),
        "anomalies": _anomalies(sources, reports, rejected, retracted, progress),
    }


def read_progress(data_dir: Any) -> pd.DataFrame:
    from pathlib import Path

    from flows.csvio import read_csv

    return read_csv(Path(data_dir) / "progress.csv")


def log_changes(summary: dict[str, Any], logger: Any) -> None:
    """The report in the run's log (UTF-8: city names and titles stay readable in the UI and the terminal)."""
    report = summary["report"]
    logger.info(headline(summary))
    for c in report["cities"]:
        counts = (c["new_reports"], c["new_figures"], c["retracted"])
        logger.info("%s: new reports %d, new figures %d, withdrawn %d", c["city"], *counts)
    for a in report["anomalies"]:
        logger.warning("anomaly: %s", a)


def _reason_counts(reasons: pd.Series) -> str:
    counts = Counter(r.split(":")[0] for r in reasons if r)
    return "; ".join(f"{reason} ({n})" if n > 1 else reason for reason, n in counts.most_common())


def _retracted(live: pd.DataFrame, readable: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Live rows of the reports re-read now that the new parse no longer yields (as DataStore.commit does)."""
    scope = live[live["report_id"].isin(set(readable["report_id"]))]
    return scope[~scope["indicator_row_id"].isin(set(indicators["indicator_row_id"]))]


def _city(value: object) -> str:
    return str(value) if isinstance(value, str) and value else NO_CITY


def _cities(
    readable: pd.DataFrame, new_report_ids: set[str], new_ind: pd.DataFrame, retracted: pd.DataFrame
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}

    def row(city: object, province: object = "") -> dict[str, Any]:
        entry = rows.setdefault(
            _city(city), {"city": _city(city), "province": "", "new_reports": 0, "new_figures": 0, "retracted": 0}
        )
        entry["province"] = entry["province"] or (province if isinstance(province, str) else "")
        return entry

    for r in readable[readable["report_id"].isin(new_report_ids)].itertuples():
        row(r.city, r.province)["new_reports"] += 1
    for city, province in zip(new_ind["city"], new_ind["province"], strict=True):
        row(city, province)["new_figures"] += 1
    for city in retracted["city"]:
        row(city)["retracted"] += 1
    return sorted(rows.values(), key=lambda e: (-e["new_figures"], -e["new_reports"], e["city"]))


def _new_reports(readable: pd.DataFrame, new_report_ids: set[str]) -> list[dict[str, Any]]:
    new = readable[readable["report_id"].isin(new_report_ids)].sort_values(["city", "publish_date", "url"])
    return [
        {
            "city": _city(r.city),
            "publish_date": r.publish_date,
            "title": r.title,
            "source": r.source,
            "url": r.url,
            "figures": int(r.n_indicators) if str(r.n_indicators).isdigit() else 0,
        }
        for r in new.itertuples()
    ]


def _anomalies(
    sources: list[dict[str, Any]],
    reports: pd.DataFrame,
    rejected: pd.DataFrame,
    retracted: pd.DataFrame,
    progress: pd.DataFrame | None,
) -> list[str]:
    out = [f"source {s['source']} failed: {s['failures']}" for s in sources if s["status"] != "ok"]
    for r in reports[reports["status"] == "rejected"].itertuples():
        out.append(f"document rejected ({r.source}): {r.url} — {r.reason}")
    ok = reports[reports["status"] != "rejected"]
    for r in ok.itertuples():
        missing = [what for what, value in (("city", r.city), ("publish date", r.publish_date)) if not value]
        if missing:
            out.append(f"no {' and no '.join(missing)} recognised, its figures form no series: {r.title or r.url}")
    if len(rejected):
        checks = Counter(c for cell in rejected["checks"] for c in str(cell).split(";") if c)
        listed = ", ".join(f"{c} ({n})" for c, n in checks.most_common(5))
        out.append(f"{len(rejected)} rows failed validation (kept in rejected.csv): {listed}")
    url_of = dict(zip(reports["report_id"], reports["url"], strict=True))  # withdrawn rows are of reports read now
    for report_id, gone in retracted.groupby("report_id"):
        url = url_of.get(report_id, report_id)
        out.append(f"{len(gone)} figures withdrawn: the report changed or was re-read differently: {url}")
    extra = 0  # anomalies counted but not written out (only the first MAX_LISTED are listed)
    if progress is not None and len(progress):
        points = _series_anomalies(progress, set(reports["report_id"]))
        room = max(0, MAX_LISTED - len(out))
        out.extend(_describe(point) for point in points[:room])
        extra = max(0, len(points) - room)
    if len(out) + extra > MAX_LISTED:
        out = [*out[:MAX_LISTED], f"… and {len(out) + extra - MAX_LISTED} more"]
    return out


_ANOMALY_COLUMNS = (
    "city",
    "indicator",
    "label",
    "unit",
    "period",
    "value",
    "previous_value",
    "previous_date",
    "publish_date",
)


def _series_anomalies(progress: pd.DataFrame, run_report_ids: set[str]) -> list[tuple]:
    """Points this run added whose change is suspicious (a cumulative figure that fell, a >10x jump), as
    (kind, value, previous, *columns) tuples in progress order; _describe writes one out, and only the
    listed ones are (a 10 000-report run finds ~40 000 and lists 20)."""
    points = progress[progress["report_id"].isin(run_report_ids) & (progress["previous_value"].astype(str) != "")]
    out = []
    for city, indicator, label, unit, period, raw_value, raw_previous, previous_date, date in zip(
        *(points[c].tolist() for c in _ANOMALY_COLUMNS), strict=True
    ):
        value, previous = _num(raw_value), _num(raw_previous)
        if value is None or previous is None:
            continue
        if period == "cumulative" and value < previous:
            kind = "fell"
        elif previous > 0 and value / previous >= JUMP_FACTOR:
            kind = "jump"
        else:
            continue
        out.append((kind, value, previous, city, indicator, label, unit, previous_date, date))
    return out


def _describe(point: tuple) -> str:
    kind, value, previous, city, indicator, label, unit, previous_date, date = point
    what = f"{city} {indicator}{f' ({label})' if label else ''}"
    span = f"{_fmt(previous)} → {_fmt(value)} {unit} ({previous_date} → {date})"
    if kind == "fell":
        return f"cumulative figure fell: {what} {span}"
    return f"jumped more than {JUMP_FACTOR:.0f}x: {what} {span}"


def _num(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


# -- rendering -------------------------------------------------------------------------------------------

TABLE_COLUMNS = (
    "source",
    "status",
    "discovered",
    "fetched",
    "unchanged",
    "new_reports",
    "updated_reports",
    "figures",
    "new_figures",
    "rejected",
    "failures",
)


def headline(summary: dict[str, Any]) -> str:
    failed = [s["source"] for s in summary["report"]["sources"] if s["status"] != "ok"]
    state = f"FAILED ({', '.join(failed)})" if failed else "completed"
    mode = "dry run, nothing written" if summary.get("dry_run") else "written"
    return (
        f"{state}: {summary['reports_read']} reports read, {summary['indicators_extracted']} figures "
        f"({summary['indicators_added']} new, {summary['indicators_retracted']} withdrawn), "
        f"{summary['rows_rejected']} rows rejected — {mode}"
    )


def parameters_text(params: dict[str, Any]) -> str:
    """'sources=inbox, reprocess, 2022-01-01..2022-06-30, dry run' (defaults left out)."""
    parts = [f"sources={','.join(params['sources'])}" if params.get("sources") else "every enabled source"]
    if params.get("reprocess"):
        parts.append("reprocess stored documents")
    if params.get("since") or params.get("until"):
        parts.append(f"published {params.get('since') or '…'}..{params.get('until') or '…'}")
    if params.get("inbox"):
        parts.append(f"inbox={params['inbox']}")
    if params.get("dry_run"):
        parts.append("dry run")
    parts.append(f"data dir {params.get('data_dir', '')}")
    return ", ".join(parts)


def markdown(summary: dict[str, Any]) -> str:
    """What changed, for the run's markdown artifact (Prefect UI: the flow run's Artifacts tab)."""
    report = summary["report"]
    lines = [f"# changai ingest — snapshot {summary['snapshot_date']}", "", f"**{headline(summary)}**", ""]
    lines.append(f"Parameters: {parameters_text(summary.get('parameters', {}))}")
    if summary.get("snapshot_path"):
        lines.append(f"Snapshot: `{summary['snapshot_path']}`")
    lines += ["", "## New figures per city", ""]
    if report["cities"]:
        lines += ["| city | province | new reports | new figures | withdrawn |", "|---|---|---:|---:|---:|"]
        lines += [
            f"| {c['city']} | {c['province']} | {c['new_reports']} | {c['new_figures']} | {c['retracted']} |"
            for c in report["cities"]
        ]
    else:
        lines.append("Nothing new.")
    lines += ["", "## Cities with new reports", ""]
    if report["new_reports"]:
        for r in report["new_reports"][:MAX_LISTED]:
            when = r["publish_date"] or "(no date)"
            lines.append(f"- {r['city']} {when}: {_md(r['title'] or r['url'])} — {r['figures']} figures")
        if len(report["new_reports"]) > MAX_LISTED:
            lines.append(f"- … and {len(report['new_reports']) - MAX_LISTED} more")
    else:
        lines.append("No new reports.")
    site = (summary.get("current") or {}).get("site") or {}
    if site:
        # the report page's headline changes (flows/site.py), and where to open it
        from pathlib import Path

        lines += ["", "## Headline changes", "", f"Report page: {Path(site['index']).as_uri()}", ""]
        lines += [str(h) for h in site.get("headlines", [])]
    lines += ["", "## Anomalies", ""]
    lines += [f"- {_md(a)}" for a in report["anomalies"]] or ["None."]
    return "\n".join(lines)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: s[k] for k in TABLE_COLUMNS} for s in summary["report"]["sources"]]


def publish(summary: dict[str, Any]) -> None:
    """The run's table and markdown artifacts (keys stay the same across runs: the UI shows their history)."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    create_table_artifact(
        key="ingest-sources",
        table=table_rows(summary),
        description=f"Per source, snapshot {summary['snapshot_date']}: found, fetched, new, figures, rejected",
    )
    create_markdown_artifact(
        key="ingest-summary", markdown=markdown(summary), description="What this run changed, and anomalies"
    )


def render_text(summary: dict[str, Any], width: int | None = None) -> str:
    """The same report as plain text for `changai run` (a table per source, then what changed)."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    report = summary["report"]
    buf = StringIO()
    console = Console(file=buf, width=width or 160, no_color=True, highlight=False, soft_wrap=False)
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="")
    for col in TABLE_COLUMNS:
        table.add_column(col.replace("_", " "), justify="left" if col in ("source", "status", "failures") else "right")
    for s in report["sources"]:
        table.add_row(*(str(s[c]) for c in TABLE_COLUMNS))
    console.print(table)
    if report["cities"]:
        console.print(
            "  new figures per city: "
            + ", ".join(
                f"{c['city']} +{c['new_figures']}" + (f" -{c['retracted']}" if c["retracted"] else "")
                for c in report["cities"]
            )
        )
    for r in report["new_reports"][:MAX_LISTED]:
        console.print(f"  new report: {r['city']} {r['publish_date'] or '(no date)'} {r['title'] or r['url']}")
    for a in report["anomalies"]:
        console.print(f"  anomaly: {a}")
    return buf.getvalue().rstrip("\n")
