"""Builds report and indicator table rows (dicts) from processed documents; ids are content hashes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from parsers.classify import taxonomy
from parsers.fingerprint import simhash
from parsers.model import Mention
from parsers.report import ReportResult


@dataclass(frozen=True)
class DocRef:
    """A document found by a source: where its bytes are and how it arrived."""

    source: str
    url: str
    parser: str
    fetched_at: str
    sha256: str = ""
    raw_path: str = ""  # relative to the data dir; "" in a dry run or when the bytes could not be read
    local_path: str = ""  # the original file, for dry runs of local sources
    declared_charset: str | None = None
    error: str = ""  # why the document could not be read (it still gets a report row)
    city: str = ""  # the source's configured city, if any
    keep_raw: bool = False  # a local file whose bytes the parse batch keeps in raw/ (flows/local_source.py)


def _short_hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def report_id_for(source: str, url: str) -> str:
    """Stable across re-fetches: a changed page keeps its report id, its rows change."""
    return _short_hash(source, url)


def indicator_row_id(report_id: str, content_sha256: str, m: Mention) -> str:
    return _short_hash(
        report_id,
        content_sha256,
        m.char_start,
        m.char_end,
        m.value,
        m.value_high,
        m.unit,
        m.qualifier,
        m.indicator,
        m.label,
        m.period,
    )


class Fingerprints:
    """Report rows whose fingerprint waits for the end of their batch (`fill`), with the texts to take it from.

    Why: SimHash cost a parse batch 0.35-0.43 ms of CPU a report when computed as each row was built,
    against ~0.15 ms for the same texts one after another. Its ~55 numpy calls find numpy's code and
    their memory cold after a report's Python work: called twice in place, the second call costs what
    the loop does, and in a loop of its own, building a 200 000-entry dict before each call makes it
    cost 0.5 ms (benchmarks/README.md "Around the core, again"). Not GIL waits, not page faults."""

    def __init__(self) -> None:
        self._rows: list[dict] = []
        self._texts: list[str] = []

    def defer(self, row: dict, text: str) -> None:
        self._rows.append(row)
        self._texts.append(text)

    def fill(self) -> None:
        for row, text in zip(self._rows, self._texts, strict=True):
            row["fingerprint"] = simhash(text)
        self._rows, self._texts = [], []


def report_row(
    ref: DocRef,
    result: ReportResult | None,
    n_indicators: int,
    status: str | None = None,
    reason: str | None = None,
    fingerprints: Fingerprints | None = None,
) -> dict:
    """The report's row. With `fingerprints`, its fingerprint is "" until `fingerprints.fill()`."""
    place = result.place if result else None
    from parsers.extract import EXTRACTOR_VERSION

    fingerprinted = result is not None and result.status != "rejected"
    row = {
        "report_id": report_id_for(ref.source, ref.url),
        "source": ref.source,
        "url": ref.url,
        "title": result.title if result else "",
        "city": place.city if place else "",
        "city_code": place.city_code if place else "",
        "province": place.province if place else "",
        "district": place.district if place else "",
        "publish_date": result.publish_date if result else "",
        "fetched_at": ref.fetched_at,
        "content_sha256": ref.sha256,
        "parser": ref.parser,
        "n_indicators": n_indicators,
        "raw_path": ref.raw_path,
        "status": status or (result.status if result else "rejected"),
        "reason": reason if reason is not None else (result.reason if result else ref.error),
        "extractor_version": result.extractor_version if result else EXTRACTOR_VERSION,
        "fingerprint": simhash(result.text) if fingerprinted and fingerprints is None else "",
        "duplicate_of": "",  # filled in over all reports by flows.duplicates
    }
    if fingerprinted and fingerprints is not None:
        fingerprints.defer(row, result.text)
    return row


def _figure_place_columns(report: dict, m: Mention) -> dict:
    """city/city_code/province/district of one figure: the report's, unless the figure is about
    the province or the country (no city, so it joins no city's series) or one district."""
    if m.scope == "national":
        return {"city": "", "city_code": "", "province": "", "district": ""}
    if m.scope == "province":
        return {"city": "", "city_code": "", "province": report["province"], "district": ""}
    if m.scope == "city":
        return {
            "city": report["city"],
            "city_code": report["city_code"],
            "province": report["province"],
            "district": "",
        }
    if m.scope == "section" and m.place is not None:  # a section of the page about another city
        p = m.place
        return {"city": p.city, "city_code": p.city_code, "province": p.province, "district": ""}
    if m.scope == "district" and m.place is not None:
        p = m.place
        return {"city": p.city, "city_code": p.city_code, "province": p.province, "district": p.district}
    return {k: report[k] for k in ("city", "city_code", "province", "district")}


def indicator_rows(report: dict, result: ReportResult, snapshot_date: str) -> list[dict]:
    """One row per figure. The report's columns are read once and each row id hashed by
    _figure_row_id (tests/test_parse_batch.py compares both with indicator_row_id's reading)."""
    indicators = taxonomy().indicators
    report_id, content_sha256 = report["report_id"], report["content_sha256"]
    source, url, publish_date = report["source"], report["url"], report["publish_date"]
    city, city_code, province, district = report["city"], report["city_code"], report["province"], report["district"]
    version = result.extractor_version
    rows = []
    for m in result.mentions:
        ind = indicators.get(m.indicator)
        rows.append(
            {
                "indicator_row_id": _figure_row_id(report_id, content_sha256, m),
                "report_id": report_id,
                "source": source,
                "url": url,
                "city": city,
                "city_code": city_code,
                "province": province,
                "district": district,
                "publish_date": publish_date,
                "indicator": m.indicator,
                "indicator_name": ind.name if ind else "",
                "category": ind.category if ind else "",
                "label": m.label,
                "value": m.value,
                "value_high": m.value_high,
                "unit": m.unit,
                "qualifier": m.qualifier,
                "period": m.period,
                "mention": m.mention,
                "evidence": m.evidence,
                "char_start": m.char_start,
                "char_end": m.char_end,
                "snapshot_date": snapshot_date,
                "extractor_version": version,
            }
        )
    return rows


def _figure_row_id(report_id: str, content_sha256: str, m: Mention) -> str:
    """indicator_row_id in one f-string: format(x, "") is str(x) for the fields' str, int, float and
    None, and a generator of str() calls per part cost more than the hash."""
    key = (
        f"{report_id}\x1f{content_sha256}\x1f{m.char_start}\x1f{m.char_end}\x1f{m.value}\x1f{m.value_high}"
        f"\x1f{m.unit}\x1f{m.qualifier}\x1f{m.indicator}\x1f{m.label}\x1f{m.period}"
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
