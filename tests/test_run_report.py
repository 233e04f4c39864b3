"""Run report pieces that need no Prefect: series anomalies, markdown and text rendering."""

from __future__ import annotations

import pandas as pd
import pytest

from flows import run_report
from validations.schemas import columns_of


def progress_rows(*rows: dict) -> pd.DataFrame:
    base = {c: "" for c in columns_of("progress")}
    return pd.DataFrame([base | r for r in rows], columns=columns_of("progress"))


def test_series_anomalies_flag_a_falling_cumulative_figure_and_a_tenfold_jump() -> None:
    progress = progress_rows(
        {
            "city": "淮安市",
            "indicator": "training_person_times",
            "unit": "人次",
            "period": "cumulative",
            "publish_date": "2022-12-13",
            "value": "12000",
            "previous_value": "183000",
            "previous_date": "2022-06-15",
            "report_id": "r-new",
        },
        {
            "city": "淄博市",
            "indicator": "union_orgs_new",
            "unit": "家",
            "period": "annual",
            "publish_date": "2022-06-28",
            "value": "23000",
            "previous_value": "2300",
            "previous_date": "2021-06-20",
            "report_id": "r-new",
        },
        {
            "city": "泰州市",
            "indicator": "union_orgs_new",
            "unit": "家",
            "period": "annual",
            "publish_date": "2022-06-28",
            "value": "23000",
            "previous_value": "2300",
            "previous_date": "2021-06-20",
            "report_id": "r-old",
        },  # not from this run: not reported again
        {
            "city": "淄博市",
            "indicator": "workers_trained",
            "unit": "人",
            "period": "cumulative",
            "publish_date": "2022-06-28",
            "value": "5000",
            "previous_value": "4000",
            "previous_date": "2021-06-20",
            "report_id": "r-new",
        },  # ordinary growth
    )
    found = [run_report._describe(point) for point in run_report._series_anomalies(progress, {"r-new"})]
    assert found == [
        "cumulative figure fell: 淮安市 training_person_times 183,000 → 12,000 人次 (2022-06-15 → 2022-12-13)",
        "jumped more than 10x: 淄博市 union_orgs_new 2,300 → 23,000 家 (2021-06-20 → 2022-06-28)",
    ]


def summary(**report) -> dict:
    return {
        "snapshot_date": "2026-03-02",
        "parameters": {"sources": ["inbox"], "since": "2022-01-01", "until": None, "data_dir": "data", "dry_run": True},
        "dry_run": True,
        "reports_read": 1,
        "indicators_extracted": 3,
        "indicators_added": 3,
        "indicators_retracted": 0,
        "rows_rejected": 0,
        "report": {"sources": [], "cities": [], "new_reports": [], "anomalies": []} | report,
    }


def test_markdown_escapes_table_cells_and_says_when_nothing_changed() -> None:
    text = run_report.markdown(
        summary(
            new_reports=[
                {
                    "city": "淮安市",
                    "publish_date": "2022-12-13",
                    "title": "A|B\n续",
                    "source": "inbox",
                    "url": "u",
                    "figures": 3,
                }
            ]
        )
    )
    assert "Parameters: sources=inbox, published 2022-01-01..…, dry run, data dir data" in text
    assert "- 淮安市 2022-12-13: A\\|B 续 — 3 figures" in text
    assert "## New figures per city\n\nNothing new." in text
    assert text.endswith("## Anomalies\n\nNone.")
    assert "dry run, nothing written" in text


def test_text_report_has_a_row_per_source() -> None:
    row = dict.fromkeys(run_report.TABLE_COLUMNS, 0) | {"source": "inbox", "status": "ok", "failures": ""}
    text = run_report.render_text(summary(sources=[row, row | {"source": "gone", "status": "FAILED", "failures": "x"}]))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["source", "status", "discovered"]
    assert lines[1].split()[:2] == ["inbox", "ok"] and lines[2].split()[:2] == ["gone", "FAILED"]


@pytest.mark.parametrize("n_rejected, n_falls", [(0, 5), (3, 17), (2, 40), (25, 4)])
def test_anomalies_list_the_first_ones_and_count_the_rest(n_rejected: int, n_falls: int) -> None:
    """Rejected documents first, then suspicious points in progress order; past MAX_LISTED one line counts
    the rest (anomalies past the list are counted, not written out)."""
    reports = pd.DataFrame(
        {
            "report_id": [f"r{i}" for i in range(n_rejected)] + ["r-new"],
            "source": "inbox",
            "url": [f"file:///inbox/{i}.txt" for i in range(n_rejected)] + ["file:///inbox/new.txt"],
            "status": ["rejected"] * n_rejected + ["ok"],
            "reason": "unreadable",
            "city": "淮安市",
            "publish_date": "2022-12-13",
            "title": "t",
        }
    )
    falls = [
        {
            "city": "淮安市",
            "indicator": "training_person_times",
            "label": f"l{k}",
            "unit": "人次",
            "period": "cumulative",
            "publish_date": "2022-12-13",
            "value": "100",
            "previous_value": str(1000 + k),
            "previous_date": "2022-06-15",
            "report_id": "r-new",
        }
        for k in range(n_falls)
    ]
    growth = {**falls[0], "label": "up", "value": "2000", "previous_value": "1000"} if falls else {}
    progress = progress_rows(growth, *falls)
    empty = pd.DataFrame(columns=["report_id", "checks"])
    got = run_report._anomalies([], reports, empty, empty, progress)
    expected = [f"document rejected (inbox): file:///inbox/{i}.txt — unreadable" for i in range(n_rejected)]
    expected += [
        f"cumulative figure fell: 淮安市 training_person_times (l{k}) {1000 + k:,} → 100 人次 (2022-06-15 → 2022-12-13)"
        for k in range(n_falls)
    ]
    if len(expected) > run_report.MAX_LISTED:
        expected = [*expected[: run_report.MAX_LISTED], f"… and {len(expected) - run_report.MAX_LISTED} more"]
    assert got == expected
