"""pandera schemas reject each kind of bad row; valid rows land, rejected rows keep every failed check."""

from __future__ import annotations

import pandas as pd
import pytest

from validations.schemas import columns_of
from validations.validate import split_valid


def good_indicator(**overrides) -> dict:
    row = {
        "indicator_row_id": "0123456789abcdef",
        "report_id": "fedcba9876543210",
        "source": "inbox",
        "url": "file:///x.txt",
        "city": "淮安市",
        "city_code": "320800",
        "province": "江苏省",
        "district": "",
        "publish_date": "2022-12-13",
        "indicator": "training_person_times",
        "indicator_name": "职业技能培训人次",
        "category": "skills",
        "label": "职业技能培训",
        "value": 183000.0,
        "value_high": None,
        "unit": "人次",
        "qualifier": "exact",
        "period": "cumulative",
        "mention": "18.3万人次",
        "evidence": "累计完成各类职业技能培训18.3万人次。",
        "char_start": 10,
        "char_end": 17,
        "snapshot_date": "2026-01-01",
        "extractor_version": "2.0.0",
    }
    row.update(overrides)
    return row


BAD = {
    "indicator_in_taxonomy": {"indicator": "made_up"},
    "isin": {"unit": "斤"},
    "mention_in_evidence": {"mention": "19万人次"},
    "offsets_ordered": {"char_end": 5},
    "unit_allowed_for_indicator": {"unit": "元"},
    "range_high_above_low": {"value_high": 100.0, "qualifier": "range"},
    "value_finite": {"value": float("inf")},
    "str_matches": {"city_code": "3208"},
}


@pytest.mark.parametrize("check", list(BAD))
def test_each_check_rejects_its_row_and_keeps_the_others(check: str) -> None:
    rows = [good_indicator(), good_indicator(indicator_row_id="1111111111111111", **BAD[check])]
    valid, rejected = split_valid(pd.DataFrame(rows, columns=columns_of("indicators")), "indicators", "2026-01-01")
    assert valid["indicator_row_id"].tolist() == ["0123456789abcdef"]
    assert rejected["row_id"].tolist() == ["1111111111111111"]
    assert check in rejected.iloc[0]["checks"]
    assert "1111111111111111" in rejected.iloc[0]["row_json"]


def test_a_row_failing_two_checks_lists_both() -> None:
    rows = [good_indicator(unit="斤", period="someday")]
    _, rejected = split_valid(pd.DataFrame(rows, columns=columns_of("indicators")), "indicators", "d")
    assert len(rejected) == 1
    assert rejected.iloc[0]["checks"].count("isin") >= 1 and "period" in rejected.iloc[0]["details"]


def test_duplicate_ids_are_rejected() -> None:
    rows = [good_indicator(), good_indicator()]
    valid, rejected = split_valid(pd.DataFrame(rows, columns=columns_of("indicators")), "indicators", "d")
    assert valid.empty and len(rejected) == 2 and "field_uniqueness" in rejected.iloc[0]["checks"]
