"""A parse batch (flows.ingest.process_refs) gives the rows the plain per-report reading gives.

process_refs does its work around the core in faster ways than building each report's rows on its
own (benchmarks/README.md "Around the core, again"): SimHash for the whole batch at its end
(flows/rows.py Fingerprints), indicator rows with the report's columns read once and their ids hashed
from one f-string, a figure's subject (全国/全省/全市) found by one regex match. The reference here is
the plain reading: each file's bytes through process_document, report_row with its fingerprint
computed in place, a row per figure as indicator_row_id and a dict per field give it; the three
subject regexes one after another.
"""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import date
from pathlib import Path

import pytest

from benchmarks.synth import write_reports
from flows.ingest import process_refs
from flows.local_source import UnreadableFile, _kept, collect_local, raw_ref, read_inbox_file
from flows.rows import DocRef, Fingerprints, _figure_row_id, indicator_row_id, indicator_rows, report_row
from flows.store import DataStore
from parsers import figure_place
from parsers.classify import taxonomy
from parsers.fingerprint import simhash
from parsers.model import Mention, Place
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
            indicators.extend(_plain_indicator_rows(row, result.mentions, result.extractor_version))
    return reports, indicators


def _plain_indicator_rows(report: dict, mentions: list[Mention], version: str) -> list[dict]:
    """A row per figure as flows.rows built it before it read the report's columns once."""
    tax = taxonomy()
    rows = []
    for m in mentions:
        ind = tax.indicators.get(m.indicator)
        rows.append(
            {
                "indicator_row_id": indicator_row_id(report["report_id"], report["content_sha256"], m),
                **{k: report[k] for k in ("report_id", "source", "url", "city", "city_code", "province")},
                **{k: report[k] for k in ("district", "publish_date")},
                "indicator": m.indicator,
                "indicator_name": ind.name if ind else "",
                "category": ind.category if ind else "",
                **{k: getattr(m, k) for k in ("label", "value", "value_high", "unit", "qualifier", "period")},
                **{k: getattr(m, k) for k in ("mention", "evidence", "char_start", "char_end")},
                "snapshot_date": DAY,
                "extractor_version": version,
            }
        )
    return rows


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


def test_figure_row_ids_are_indicator_row_id() -> None:
    rng = random.Random(11)
    values = [0.0, -0.0, 1.0, 18.3, 183000.0, 3.552e8, 1e-7, 1e22, -2.5, math.inf, math.nan, 7, 2**60, 0.1 + 0.2]
    words = ["", "人", "万人次", "家", "亿元", "%", "exact", "approx", "职工培训", "a\x1fb", "é"]
    indicators = [*sorted(taxonomy().indicators)[:20], "unknown.x"]
    report = {"report_id": "16237c1ea0ef3703", "content_sha256": "ee27ed3a", "source": "inbox", "url": "file:///x.txt"}
    report |= {"city": "淮安市", "city_code": "320800", "province": "江苏省", "district": ""}
    report["publish_date"] = "2024-01-02"
    mentions = []
    for _ in range(600):
        start = rng.randint(0, 20000)
        mentions.append(
            Mention(
                rng.choice(words),
                rng.choice(values),
                rng.choice([None, *values]),
                rng.choice(words),
                rng.choice(words),
                rng.choice(indicators),
                rng.choice(words),
                rng.choice(["cumulative", "annual", "change", "stock", "unknown"]),
                rng.choice(words),
                start,
                start + rng.randint(0, 12),
            )
        )
    for m in mentions:
        assert _figure_row_id(report["report_id"], report["content_sha256"], m) == indicator_row_id(
            report["report_id"], report["content_sha256"], m
        )
    result = process_document("淮安市总工会：2025年新建工会组织120家。".encode(), "x.txt", "local")
    result.mentions = mentions
    assert indicator_rows(report, result, DAY) == _plain_indicator_rows(report, mentions, result.extractor_version)


def _subject_by_three_regexes(left: str, report: Place | None) -> figure_place.FigurePlace | None:
    if figure_place.NATIONAL_SUBJECT_RE.match(left):
        return figure_place.FigurePlace("national", None)
    if figure_place.PROVINCE_SUBJECT_RE.match(left):
        return figure_place.FigurePlace("province", None)
    if (
        report is not None
        and report.level == "county"
        and not report.name.endswith("市")
        and figure_place.CITY_SUBJECT_RE.match(left)
    ):
        return figure_place.FigurePlace("city", None)
    return None


def test_one_subject_match_is_the_three_regexes() -> None:
    leads = ["", "在", "据统计,", "据悉,", "今年", "去年", "2024年", "2024年,", "2024年，", "据统计", "20245年"]
    subjects = ["全国", "全总", "中华全国总工会", "全省", "省总工会", "省级层面", "全市"]
    subjects += ["全", "省", "中华全国", "全区"]
    tails = ["", "累计", "新建工会组织120家", ",全国", "全省", " ", "1"]
    places = [
        None,
        Place("姜堰区", "321204", "county", "江苏省", "泰州市", "321200", "姜堰区"),
        Place("江油市", "510781", "county", "四川省", "绵阳市", "510700", "江油市"),
        Place("淮安市", "320800", "prefecture", "江苏省", "淮安市", "320800"),
    ]
    rng = random.Random(17)
    kinds = set()
    for _ in range(3000):
        left = "".join(rng.choice(part) for part in (leads, subjects, tails) if rng.random() < 0.9)
        report = rng.choice(places)
        expected = _subject_by_three_regexes(left, report)
        assert figure_place._subject(left, report) == expected, (left, report)
        kinds.add(expected.scope if expected else None)
    assert kinds == {None, "national", "province", "city"}
