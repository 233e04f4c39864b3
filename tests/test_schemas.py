"""Every check declared in validations/schemas.py, each with a hand-made invalid row: the row is rejected with
that check named, the valid row beside it lands. A check without a case here fails test_every_check_has_a_case."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from validations.schemas import TABLE_SCHEMAS, columns_of, validation_context
from validations.validate import split_valid

DAY = "2026-03-02"
RID, IID, SHA = "fedcba9876543210", "0123456789abcdef", "a" * 64


def good(table: str) -> dict:
    rows = {
        "reports": {
            "report_id": RID,
            "source": "inbox",
            "url": "file:///inbox/huaian.txt",
            "title": "淮安市产改工作综述",
            "city": "淮安市",
            "city_code": "320800",
            "province": "江苏省",
            "district": "",
            "publish_date": "2022-12-13",
            "fetched_at": "2026-03-02T08:00:00+08:00",
            "content_sha256": SHA,
            "parser": "local",
            "n_indicators": 3,
            "raw_path": f"raw/inbox/{SHA}.txt",
            "status": "ok",
            "reason": "",
            "extractor_version": "2.0.0",
        },
        "indicators": {
            "indicator_row_id": IID,
            "report_id": RID,
            "source": "inbox",
            "url": "file:///inbox/huaian.txt",
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
            "snapshot_date": DAY,
            "extractor_version": "2.0.0",
        },
        "progress": {
            "city": "淮安市",
            "city_code": "320800",
            "indicator": "training_person_times",
            "label": "职业技能培训",
            "unit": "人次",
            "period": "cumulative",
            "publish_date": "2022-12-13",
            "value": 183000.0,
            "previous_value": 126000.0,
            "previous_date": "2022-06-15",
            "change": 57000.0,
            "change_pct": 45.24,
            "report_id": RID,
            "flags": "",
            "district": "",
            "sources": "inbox",
            "n_reports": 1,
            "report_ids": RID,
            "indicator_row_id": IID,
            "conflict": "",
            "compared_with": "previous_figure",
        },
        "comparison": {
            "indicator": "training_person_times",
            "indicator_name": "职业技能培训人次",
            "category": "skills",
            "unit": "人次",
            "city": "淮安市",
            "city_code": "320800",
            "province": "江苏省",
            "district": "",
            "label": "职业技能培训",
            "period": "cumulative",
            "primary": True,
            "n_points": 2,
            "first_date": "2022-06-15",
            "latest_date": "2022-12-13",
            "latest_value": 183000.0,
            "base_date": "",
            "base_value": None,
            "change_12m": None,
            "change_12m_pct": None,
            "conflict": "",
            "report_id": RID,
            "indicator_row_id": IID,
            "url": "file:///inbox/huaian.txt",
        },
        "coverage": {
            "city": "淮安市",
            "city_code": "320800",
            "province": "江苏省",
            "indicator": "training_person_times",
            "indicator_name": "职业技能培训人次",
            "category": "skills",
            "n_series": 1,
            "n_points": 2,
            "n_reports": 2,
            "districts": "",
            "first_date": "2022-06-15",
            "latest_date": "2022-12-13",
            "days_since_latest": 30,
            "as_of": DAY,
        },
        "flags": {
            "indicator_row_id": IID,
            "report_id": RID,
            "city": "淮安市",
            "city_code": "320800",
            "indicator": "training_person_times",
            "label": "职业技能培训",
            "unit": "人次",
            "period": "cumulative",
            "publish_date": "2022-12-13",
            "value": 183000.0,
            "flag": "cumulative_fell",
            "detail": "cumulative figure fell from 190,000 (2022-06-15) to 183,000 (2022-12-13)",
        },
        "rejected": {
            "snapshot_date": DAY,
            "table": "indicators",
            "row_id": IID,
            "report_id": RID,
            "checks": "unit:isin",
            "details": "unit='斤'",
            "row_json": '{"unit": "斤"}',
        },
        "retracted": {
            "indicator_row_id": IID,
            "report_id": RID,
            "snapshot_date": DAY,
            "reason": "re-parse of the report no longer yields this row",
        },
        "runs": {
            "flow_run_id": "",
            "started_at": "2026-03-02T06:30:00+08:00",
            "finished_at": "2026-03-02T06:30:09+08:00",
            "mode": "ingest",
            "source": "inbox",
            "status": "ok",
            "reason": "",
            "discovered": 8,
            "fetched": 8,
            "new_reports": 8,
            "figures": 187,
            "new_figures": 187,
            "rejected": 0,
        },
    }
    return dict(rows[table])


def _other_id(table: str) -> dict:
    """Overrides that make a second good row distinct from the first (keys stay unique)."""
    return {
        "reports": {"report_id": "1" * 16},
        "indicators": {"indicator_row_id": "1" * 16},
        "progress": {"publish_date": "2023-01-05", "previous_date": "2022-06-15"},
        "comparison": {"city": "淄博市", "city_code": "370300"},
        "coverage": {"city": "淄博市", "city_code": "370300"},
        "flags": {"indicator_row_id": "1" * 16},
        "rejected": {"row_id": "other"},
        "retracted": {"indicator_row_id": "1" * 16},
        "runs": {"source": "site"},
    }[table]


SHARE = {"indicator": "collective_bargaining_rate", "indicator_name": "工资集体协商覆盖面、民主管理建制率"}
SHARE |= {"category": "rights", "unit": "%", "period": "stock", "mention": "90%", "char_end": 13}
SHARE |= {"evidence": "工资集体协商覆盖面达90%。", "value": 90.0}

# (table, check as rejected.csv names it, overrides of the bad row)
CASES: list[tuple[str, str, dict]] = [
    ("reports", "report_id:str_matches", {"report_id": "NOT-AN-ID"}),
    ("reports", "source:str_matches", {"source": "../evil"}),
    ("reports", "url:str_length", {"url": ""}),
    ("reports", "url:url_scheme_allowed", {"url": "javascript:alert(1)"}),
    ("reports", "city_code:str_matches", {"city_code": "3208"}),
    ("reports", "city_code:city_code_known", {"city_code": "320804"}),  # a district's code, not a city's
    ("reports", "publish_date:str_matches", {"publish_date": "2022/12/13"}),
    ("reports", "publish_date:publish_date_real", {"publish_date": "2022-02-30"}),
    ("reports", "fetched_at:fetched_at_iso", {"fetched_at": "yesterday"}),
    ("reports", "content_sha256:str_matches", {"content_sha256": "abc"}),
    ("reports", "parser:str_length", {"parser": ""}),
    ("reports", "n_indicators:greater_than_or_equal_to", {"n_indicators": -1}),
    ("reports", "status:isin", {"status": "maybe"}),
    ("reports", "extractor_version:str_matches", {"extractor_version": "latest"}),
    ("reports", "fingerprint:str_matches", {"fingerprint": "xyz"}),
    ("reports", "duplicate_of:str_matches", {"duplicate_of": "report-7"}),
    ("reports", "place_matches_code", {"city": "泰州市"}),
    ("reports", "place_matches_code", {"city": "淮安市", "province": "", "city_code": ""}),  # a city without code
    ("reports", "publish_date_in_window", {"publish_date": "2015-06-01"}),
    ("reports", "publish_date_in_window", {"publish_date": "2026-03-03"}),  # after the snapshot day
    ("reports", "hash_unless_unread", {"content_sha256": "", "raw_path": ""}),
    ("reports", "raw_path_content_addressed", {"raw_path": "raw/inbox/../../../etc/passwd"}),
    ("reports", "raw_path_content_addressed", {"raw_path": f"raw/other/{SHA}.txt"}),
    ("reports", "reason_when_not_ok", {"status": "no_indicators", "n_indicators": 0}),
    ("reports", "count_matches_status", {"n_indicators": 0}),
    ("reports", "count_matches_status", {"status": "rejected", "reason": "x", "n_indicators": 2}),
    ("indicators", "indicator_row_id:str_matches", {"indicator_row_id": "1234"}),
    ("indicators", "report_id:str_matches", {"report_id": "r1"}),
    ("indicators", "report_id:report_id_in_reports", {"report_id": "9" * 16}),
    ("indicators", "source:str_matches", {"source": "a/b"}),
    ("indicators", "url:str_length", {"url": ""}),
    ("indicators", "url:url_scheme_allowed", {"url": "ftp://example.com/x"}),
    ("indicators", "city_code:str_matches", {"city_code": "32080"}),
    ("indicators", "city_code:city_code_known", {"city_code": "000000"}),
    ("indicators", "publish_date:str_matches", {"publish_date": "13/12/2022"}),
    ("indicators", "indicator:isin", {"indicator": "made_up"}),
    ("indicators", "unit:isin", {"unit": "斤"}),
    ("indicators", "qualifier:isin", {"qualifier": "roughly"}),
    ("indicators", "period:isin", {"period": "someday"}),
    ("indicators", "mention:str_length", {"mention": ""}),
    ("indicators", "evidence:str_length", {"evidence": ""}),
    ("indicators", "char_start:greater_than_or_equal_to", {"char_start": -1, "char_end": 6}),
    ("indicators", "char_end:greater_than_or_equal_to", {"char_start": -7, "char_end": 0}),
    ("indicators", "snapshot_date:str_matches", {"snapshot_date": ""}),
    ("indicators", "snapshot_date:snapshot_date_real", {"snapshot_date": "2026-13-01"}),
    ("indicators", "extractor_version:str_matches", {"extractor_version": ""}),
    ("indicators", "value:value_finite", {"value": math.inf}),
    ("indicators", "value:value_finite", {"value": -math.inf}),
    ("indicators", "value_high:value_high_finite", {"value_high": math.inf, "qualifier": "range"}),
    ("indicators", "place_matches_code", {"province": "山东省"}),
    ("indicators", "publish_date_in_window", {"publish_date": "2016-12-31"}),
    ("indicators", "publish_date_in_window", {"publish_date": "2026-03-03"}),  # after its snapshot day
    ("indicators", "name_matches_taxonomy", {"indicator_name": "培训"}),
    ("indicators", "name_matches_taxonomy", {"category": "money"}),
    ("indicators", "unit_allowed_for_indicator", {"unit": "元"}),
    ("indicators", "value_plausible", {"value": 1e30}),
    ("indicators", "value_plausible", {"value": 2e9, "unit": "人"} | {"indicator": "other"}),
    ("indicators", "negative_only_for_stated_decrease", {"value": -183000.0}),
    ("indicators", "percent_within_bounds", SHARE | {"value": 150.0, "mention": "150%", "char_end": 14}),
    (
        "indicators",
        "percent_within_bounds",
        {"indicator": "other", "unit": "%", "mention": "1500%", "value": 1500.0, "evidence": "增长1500%。"},
    ),
    ("indicators", "range_has_high", {"qualifier": "range"}),
    ("indicators", "range_has_high", {"value_high": 200000.0}),
    ("indicators", "range_high_above_low", {"qualifier": "range", "value_high": 100.0}),
    ("indicators", "mention_in_evidence", {"mention": "19万人次"}),
    ("indicators", "offsets_span_mention", {"char_end": 30}),
    ("progress", "city:str_length", {"city": "", "city_code": ""}),
    ("progress", "city_code:str_matches", {"city_code": "x"}),
    ("progress", "city_code:city_code_known", {"city_code": "110100"}),
    ("progress", "indicator:isin", {"indicator": "other"}),
    ("progress", "unit:isin", {"unit": "kg"}),
    ("progress", "period:isin", {"period": "weekly"}),
    ("progress", "publish_date:str_matches", {"publish_date": ""}),
    ("progress", "publish_date:publish_date_real", {"publish_date": "2023-02-29"}),
    ("progress", "value:value_finite", {"value": math.inf}),
    ("progress", "previous_date:str_matches", {"previous_date": "June"}),
    ("progress", "report_id:str_matches", {"report_id": ""}),
    ("progress", "flags:flags_known", {"flags": "cumulative_fell;looks_odd"}),
    ("progress", "city_matches_code", {"city": "泰州市"}),
    ("progress", "unit_allowed_for_indicator", {"unit": "人"}),
    ("progress", "previous_point_earlier", {"previous_date": "2024-01-01"}),
    ("progress", "previous_point_earlier", {"previous_date": ""}),
    ("progress", "change_is_difference", {"change": 1.0}),
    ("progress", "change_is_difference", {"change_pct": 99.0}),
    ("flags", "indicator_row_id:str_matches", {"indicator_row_id": "x"}),
    ("flags", "report_id:str_matches", {"report_id": "x"}),
    ("flags", "city_code:str_matches", {"city_code": "1"}),
    ("flags", "indicator:isin", {"indicator": "nope"}),
    ("flags", "unit:isin", {"unit": "nope"}),
    ("flags", "period:isin", {"period": "nope"}),
    ("flags", "publish_date:str_matches", {"publish_date": "nope"}),
    ("flags", "flag:isin", {"flag": "looks_odd"}),
    ("flags", "detail:str_length", {"detail": ""}),
    ("rejected", "snapshot_date:str_matches", {"snapshot_date": "validate"}),
    ("rejected", "table:isin", {"table": "progress"}),
    ("rejected", "row_id:str_length", {"row_id": ""}),
    ("rejected", "checks:str_length", {"checks": ""}),
    ("rejected", "row_json:row_json_object", {"row_json": "[1, 2"}),
    ("retracted", "indicator_row_id:str_matches", {"indicator_row_id": "b"}),
    ("retracted", "report_id:str_matches", {"report_id": "r1"}),
    ("retracted", "snapshot_date:str_matches", {"snapshot_date": "2026-3-2"}),
    ("retracted", "reason:str_length", {"reason": ""}),
    ("runs", "mode:isin", {"mode": "backfill"}),
    ("runs", "source:str_length", {"source": ""}),
    ("runs", "status:isin", {"status": "partly"}),
    *[("runs", f"{n}:greater_than_or_equal_to", {n: -1}) for n in ("discovered", "fetched", "new_reports")],
    *[("runs", f"{n}:greater_than_or_equal_to", {n: -1}) for n in ("figures", "new_figures", "rejected")],
    # progress series, comparison and coverage tables (flows/progress.py, flows/compare.py)
    ("progress", "compared_with:isin", {"compared_with": "next_year"}),
    ("progress", "indicator_row_id:str_matches", {"indicator_row_id": "x"}),
    ("progress", "n_reports:greater_than_or_equal_to", {"n_reports": 0}),
    ("progress", "report_ids:str_length", {"report_ids": "short"}),
    ("progress", "sources:str_length", {"sources": ""}),
    ("comparison", "city:str_length", {"city": ""}),
    ("comparison", "city_code:str_matches", {"city_code": "3208"}),
    ("comparison", "first_date:str_matches", {"first_date": "2022/06/15"}),
    ("comparison", "latest_date:str_matches", {"latest_date": "soon"}),
    ("comparison", "n_points:greater_than_or_equal_to", {"n_points": 0}),
    ("comparison", "period:isin", {"period": "weekly"}),
    ("comparison", "unit:isin", {"unit": "斤"}),
    ("coverage", "as_of:str_matches", {"as_of": "2026-03"}),
    ("coverage", "city:str_length", {"city": ""}),
    ("coverage", "city_code:str_matches", {"city_code": "abc"}),
    ("coverage", "first_date:str_matches", {"first_date": "x"}),
    ("coverage", "latest_date:str_matches", {"latest_date": "x"}),
    ("coverage", "n_points:greater_than_or_equal_to", {"n_points": 0}),
    ("coverage", "n_reports:greater_than_or_equal_to", {"n_reports": 0}),
    ("coverage", "n_series:greater_than_or_equal_to", {"n_series": 0}),
]
# whole-table uniqueness: two rows with the same key are both rejected
UNIQUE = {
    "reports": "report_id:field_uniqueness",
    "indicators": "indicator_row_id:field_uniqueness",
    "retracted": "indicator_row_id:field_uniqueness",
    "progress": "multiple_fields_uniqueness",
    "flags": "multiple_fields_uniqueness",
    "comparison": "multiple_fields_uniqueness",
    "coverage": "multiple_fields_uniqueness",
}


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns_of(table))


def validate(table: str, rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    with validation_context(as_of=DAY, report_ids={RID, "1" * 16}):
        return split_valid(frame(table, rows), table, DAY)


def declared_checks() -> set[tuple[str, str]]:
    """Every check the schemas declare, named as split_valid names it."""
    out = set()
    for table, model in TABLE_SCHEMAS.items():
        schema = model.to_schema()
        for name, col in schema.columns.items():
            out |= {(table, f"{name}:{c.name}") for c in col.checks}
            if col.unique:
                out.add((table, f"{name}:field_uniqueness"))
        out |= {(table, c.name) for c in schema.checks}
        if schema.unique:
            out.add((table, "multiple_fields_uniqueness"))
    return out


def test_every_check_has_a_case() -> None:
    covered = {(t, c) for t, c, _ in CASES} | set(UNIQUE.items())
    assert declared_checks() - covered == set()
    assert covered - declared_checks() == set()


@pytest.mark.parametrize("table", list(TABLE_SCHEMAS))
def test_good_rows_pass(table: str) -> None:
    valid, rejected = validate(table, [good(table), good(table) | _other_id(table)])
    assert rejected.empty, rejected[["checks", "details"]].to_dict("records")
    assert len(valid) == 2


@pytest.mark.parametrize(("table", "check", "bad"), CASES, ids=[f"{t}-{c}-{i}" for i, (t, c, _) in enumerate(CASES)])
def test_each_check_rejects_its_row_and_keeps_the_others(table: str, check: str, bad: dict) -> None:
    bad_row = good(table) | _other_id(table) | bad
    valid, rejected = validate(table, [good(table), bad_row])
    assert len(valid) == 1 and len(rejected) == 1, rejected[["checks", "details"]].to_dict("records")
    assert check in rejected.iloc[0]["checks"].split(";"), rejected.iloc[0]["checks"]
    assert rejected.iloc[0]["row_json"].startswith("{") and rejected.iloc[0]["details"]


@pytest.mark.parametrize(("table", "check"), list(UNIQUE.items()))
def test_duplicate_keys_reject_both_rows(table: str, check: str) -> None:
    valid, rejected = validate(table, [good(table), good(table), good(table) | _other_id(table)])
    assert len(valid) == 1 and len(rejected) == 2
    assert all(check in c.split(";") for c in rejected["checks"])


@pytest.mark.parametrize("table", list(TABLE_SCHEMAS))
def test_required_columns_and_types(table: str) -> None:
    """Declared by the column types: a missing required value or a non-number in a numeric column."""
    schema = TABLE_SCHEMAS[table].to_schema()
    for name, col in schema.columns.items():
        if not col.nullable and str(col.dtype) != "bool":  # pandas coerces a missing bool to False
            _, rejected = validate(table, [good(table), good(table) | _other_id(table) | {name: None}])
            assert f"{name}:not_nullable" in rejected.iloc[0]["checks"], (name, rejected["checks"].tolist())
        if str(col.dtype) in ("float64", "int64"):
            valid, rejected = validate(table, [good(table), good(table) | _other_id(table) | {name: "12x"}])
            assert len(valid) == 1 and len(rejected) == 1, name  # one bad cell fails its row only
            assert f"{name}:coerce_dtype" in rejected.iloc[0]["checks"], name
        if str(col.dtype) == "int64":
            _, rejected = validate(table, [good(table) | {name: 2.5}])
            assert f"{name}:coerce_dtype" in rejected.iloc[0]["checks"], name  # not silently truncated


def test_allowed_edge_values() -> None:
    """What the rules allow on purpose: stated decreases, negative ranges, a rejected report's odd date."""
    decrease = good("indicators") | SHARE | {"indicator": "safety_change"}
    decrease |= {"indicator_name": "安全事故起数/死亡人数变化"}
    decrease |= {"category": "welfare", "period": "annual", "value": -71.4, "mention": "71.4%", "char_end": 15}
    decrease |= {"evidence": "事故起数和死亡人数同比下降60%、71.4%。"}
    ranged = good("indicators") | {"indicator_row_id": "2" * 16, "qualifier": "range", "value_high": 200000.0}
    negative_range = decrease | {"indicator_row_id": "3" * 16, "qualifier": "range", "value": -10.0}
    negative_range |= {"value_high": -20.0, "mention": "10%-20%", "char_end": 17, "evidence": "下降10%-20%。"}
    no_city = good("indicators") | {"indicator_row_id": "4" * 16, "city": "", "city_code": "", "province": ""}
    valid, rejected = validate("indicators", [decrease, ranged, negative_range, no_city])
    assert rejected.empty, rejected[["checks", "details"]].to_dict("records")
    odd = good("reports") | {"status": "rejected", "reason": "failed validation", "n_indicators": 0}
    odd |= {"publish_date": "2099-01-01"}
    valid, rejected = validate("reports", [odd])
    assert rejected.empty and len(valid) == 1


def test_report_id_in_reports_needs_the_reports_table() -> None:
    row = good("indicators") | {"report_id": "9" * 16}
    with validation_context(as_of=DAY):  # validating indicators.csv alone: no reports to look in
        _, rejected = split_valid(frame("indicators", [row]), "indicators", DAY)
    assert rejected.empty
    with validation_context(as_of=DAY, report_ids=set()):
        _, rejected = split_valid(frame("indicators", [row]), "indicators", DAY)
    assert rejected.iloc[0]["checks"] == "report_id:report_id_in_reports"


def _random_figures(seed: int, n: int = 400) -> pd.DataFrame:
    """Figures whose numbers and words hit every branch of the row checks: negatives with and without a
    decrease word, ranges with a negative high end, NaN, ±inf, huge values, % units of share indicators."""
    import random

    import numpy as np

    from validations import rules

    rng = random.Random(seed)
    numbers = [0.0, -0.0, 1.0, -3.5, 42.0, 150.0, -150.0, 99.9, 1e9, 2e9, 1e15, -1e15, np.nan, np.inf, -np.inf]
    units = [*sorted(rules.canonical_units())[:6], "%", "%", "元", "人", "no-such-unit"]
    shares = sorted(rules.share_indicators())[:2] or ["x"]
    words = ["同比下降", "减少了", "增长", ""]
    rows = []
    for _ in range(n):
        mention = f"{rng.choice([3, 15, 60])}{rng.choice(['%', '人', '元'])}"
        before = rng.choice(words)
        rows.append(
            {
                "value": rng.choice(numbers),
                "value_high": rng.choice([np.nan, np.nan, *numbers]),
                "unit": rng.choice(units),
                "indicator": rng.choice([*shares, "training_person_times", "other"]),
                "mention": mention,
                "evidence": rng.choice([f"全市{before}{mention}。", f"{mention}，{before}", "没有这个数"]),
            }
        )
    return pd.DataFrame(rows).astype({"value": "float64", "value_high": "float64"})


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("as_objects", [False, True])
def test_row_checks_on_number_columns_give_what_the_cell_by_cell_rules_give(seed: int, as_objects: bool) -> None:
    """value_plausible, negative_only_for_stated_decrease, percent_within_bounds and the finite checks,
    computed with numpy and only on the rows that need a sentence, against the rules applied row by row
    (the reading they replaced); `as_objects`: columns of Python objects take the row-by-row path."""
    from validations import rules
    from validations.rules import per_row, text
    from validations.schemas import IndicatorSchema

    df = _random_figures(seed)
    if as_objects:
        df = df.astype({"value": object, "value_high": object})

    def percent_ok(indicator: str, unit: str, v: float, h: float) -> bool:
        if unit != "%":
            return True
        low, high = rules.percent_bounds(indicator)
        return all(low <= x <= high for x in (v, h) if rules.finite(x))

    expected = {
        "value_plausible": per_row(
            lambda v, u: not rules.finite(v) or abs(v) <= rules.max_abs_value(u), df["value"], df["unit"]
        ),
        "negative_only_for_stated_decrease": per_row(
            lambda v, h, m, e: not (v < 0 or (rules.finite(h) and h < 0)) or rules.states_decrease(text(m), text(e)),
            df["value"],
            df["value_high"],
            df["mention"],
            df["evidence"],
        ),
        "percent_within_bounds": per_row(percent_ok, df["indicator"], df["unit"], df["value"], df["value_high"]),
    }
    for name, want in expected.items():
        got = getattr(IndicatorSchema, name)(df)
        assert got.tolist() == want.tolist(), name
        assert not want.all() and want.any(), name  # the frame makes both outcomes
    assert IndicatorSchema.value_high_finite(df["value_high"]).tolist() == df["value_high"].map(rules.finite).tolist()
