"""A parse batch (flows.ingest.process_refs) gives the rows the plain per-report reading gives.

process_refs does its work around the core in faster ways than building each report's rows on its
own (benchmarks/README.md "Around the core, again"): SimHash for the whole batch at its end
(flows/rows.py Fingerprints). The reference here is the plain reading: each file's bytes through
process_document, report_row with its fingerprint computed in place, indicator_rows.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from pathlib import Path

import pytest

from benchmarks.synth import write_reports
from flows.ingest import process_refs
from flows.local_source import UnreadableFile, _kept, collect_local, raw_ref, read_inbox_file
from flows.rows import DocRef, Fingerprints, indicator_rows, report_row
from flows.store import DataStore
from parsers.fingerprint import simhash
from parsers.report import process_document

DAY = "2026-03-02"


def _plain_rows(refs: list[DocRef]) -> tuple[list[dict], list[dict]]:
    reports, indicators = [], []
    for ref in refs:
        try:
            content = read_inbox_file(Path(ref.local_path))
        except UnreadableFile as exc:
            reports.append(report_row(ref, None, 0, "rejected", str(exc)))
            continue
        ref = _kept(ref, raw_ref(ref.source, content, Path(ref.local_path).suffix.lower()))
        result = process_document(content, ref.url, ref.parser, ref.declared_charset, date.fromisoformat(DAY))
        row = report_row(ref, result, len(result.mentions))
        reports.append(row)
        if result.status != "rejected":
            indicators.extend(indicator_rows(row, result, DAY))
    return reports, indicators


def _inbox(folder: Path, seed: int) -> None:
    """Synthetic reports (txt, md, plain and traditional-mirror HTML, GBK) and the odd ones: too short
    to fingerprint, empty, no figures, a character beyond the BMP."""
    rng = random.Random(seed)
    write_reports(folder, rng.randint(12, 30), seed=seed, start=rng.randint(0, 5000))
    (folder / "short.txt").write_text("淮安市总工会：2025年新建工会组织120家。", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "plain.txt").write_text("淮安市职工文化活动。" * 40, encoding="utf-8")
    (folder / "astral.txt").write_text("𠀀淮安市总工会培训职工18.3万人次。" * 20, encoding="utf-8")


@pytest.mark.parametrize("seed", [1, 7, 23])
def test_process_refs_rows_equal_the_plain_reading(tmp_path: Path, seed: int) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _inbox(inbox, seed)
    store = DataStore(tmp_path / "data")
    refs = [
        dataclasses.replace(ref, fetched_at="2026-03-02T00:00:00+08:00")
        for ref in collect_local("inbox", "local", inbox, store, keep_later=True)
    ]
    batch = process_refs(refs, str(tmp_path / "data"), DAY)
    reports, indicators = _plain_rows(refs)
    assert batch.reports == reports
    assert batch.indicators == indicators
    fingerprinted = [r for r in batch.reports if r["fingerprint"]]
    assert len(fingerprinted) >= len(refs) - 3  # the short, empty and unreadable ones have none
    assert len({r["fingerprint"] for r in fingerprinted}) == len(fingerprinted)


def test_fingerprints_fill_each_row_with_its_own_text() -> None:
    texts = ["淮安市总工会培训职工18.3万人次，新建工会组织120家。" * k for k in range(1, 12)] + ["短", ""]
    random.Random(5).shuffle(texts)
    prints = Fingerprints()
    rows = [{"fingerprint": "", "n": i} for i in range(len(texts))]
    for row, text in zip(rows, texts, strict=True):
        prints.defer(row, text)
    assert all(row["fingerprint"] == "" for row in rows)
    prints.fill()
    assert [row["fingerprint"] for row in rows] == [simhash(t) for t in texts]
    assert any(row["fingerprint"] for row in rows)
