"""Hand-made indicators.csv rows for the progress, comparison and site tests."""

from __future__ import annotations

import hashlib
import itertools

import pandas as pd

from validations.schemas import columns_of

_counter = itertools.count()


def hex16(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def figure(
    value: float,
    publish_date: str,
    *,
    city: str = "淮安市",
    city_code: str = "320800",
    province: str = "江苏省",
    district: str = "",
    indicator: str = "training_person_times",
    label: str = "职业技能培训",
    unit: str = "人次",
    period: str = "cumulative",
    source: str = "inbox",
    report: str | None = None,
    qualifier: str = "exact",
    mention: str | None = None,
    evidence: str | None = None,
    url: str | None = None,
) -> dict:
    """One indicator row; `report` names the report (default: one per source and date)."""
    report = report or f"{source}-{publish_date}"
    n = next(_counter)
    mention = mention or f"{value:g}{unit}"
    return {
        "indicator_row_id": hex16(f"row-{n}-{report}-{value}"),
        "report_id": hex16(report),
        "source": source,
        "url": url or f"https://example.org/{source}/{publish_date}.html",
        "city": city,
        "city_code": city_code,
        "province": province,
        "district": district,
        "publish_date": publish_date,
        "indicator": indicator,
        "indicator_name": indicator,
        "category": "skills",
        "label": label,
        "value": float(value),
        "value_high": None,
        "unit": unit,
        "qualifier": qualifier,
        "period": period,
        "mention": mention,
        "evidence": evidence or f"全市累计完成{label}{mention}。",
        "char_start": n,
        "char_end": n + 5,
        "snapshot_date": "2026-03-02",
        "extractor_version": "test",
    }


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns_of("indicators"))


def reports_for(indicators: pd.DataFrame) -> pd.DataFrame:
    """reports.csv rows matching the indicator rows (one per report_id)."""
    rows = []
    for rid, group in indicators.groupby("report_id", sort=False):
        first = group.iloc[0]
        rows.append(
            {
                "report_id": rid,
                "source": first["source"],
                "url": first["url"],
                "title": f"{first['city']}{first['district']}产改工作报道 {first['publish_date']}",
                "city": first["city"],
                "city_code": first["city_code"],
                "province": first["province"],
                "district": first["district"],
                "publish_date": first["publish_date"],
                "fetched_at": "2026-03-02T10:00:00+08:00",
                "content_sha256": hashlib.sha256(rid.encode()).hexdigest(),
                "parser": "local",
                "n_indicators": len(group),
                "raw_path": f"raw/{first['source']}/{rid}.txt",
                "status": "ok",
                "reason": "",
                "extractor_version": "test",
            }
        )
    return pd.DataFrame(rows, columns=columns_of("reports"))
