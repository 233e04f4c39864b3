"""Cross-table and cross-time flags on hand-made figures: each flag fires on its pattern and stays quiet on
look-alikes; flags land in flags.csv rows (valid against FlagSchema), in progress.csv and in the run summary."""

from __future__ import annotations

import pandas as pd

from flows.progress import build_progress
from tests.test_schemas import good
from validations.flags import attach_to_progress, compute_flags, summarise
from validations.schemas import columns_of
from validations.validate import split_valid

_n = iter(range(1, 10_000))


def fig(value: float, date: str = "2022-06-01", report: str = "a" * 16, **kw) -> dict:
    row = good("indicators") | {"indicator_row_id": f"{next(_n):016x}", "report_id": report}
    return row | {"value": value, "publish_date": date, "mention": f"{value:g}人次"} | kw


def flags_of(rows: list[dict]) -> pd.DataFrame:
    return compute_flags(pd.DataFrame(rows, columns=columns_of("indicators")))


def flagged(flags: pd.DataFrame, name: str) -> set[str]:
    return set(flags.loc[flags["flag"] == name, "indicator_row_id"])


def test_cumulative_figure_that_falls() -> None:
    a, b, c = fig(126000, "2022-06-15"), fig(120000, "2022-12-13"), fig(183000, "2023-06-01")
    annual = [fig(9000, "2022-06-15", period="annual"), fig(8000, "2022-12-13", period="annual")]
    flags = flags_of([a, b, c, *annual])
    assert flagged(flags, "cumulative_fell") == {b["indicator_row_id"]}
    detail = flags.loc[flags["flag"] == "cumulative_fell", "detail"].iloc[0]
    assert "126,000 (2022-06-15)" in detail and "120,000 (2022-12-13)" in detail


def test_value_ten_thousand_times_off_its_series() -> None:
    slip = fig(183000 * 10000, "2022-12-13")
    series = [fig(126000, "2022-06-15"), slip, fig(190000, "2023-06-01")]
    assert flagged(flags_of(series), "magnitude_jump") == {slip["indicator_row_id"]}
    pair = [fig(18.3, "2022-06-15"), fig(183000, "2022-12-13")]  # two points: one of them slipped
    assert len(flagged(flags_of(pair), "magnitude_jump")) == 2
    growth = [fig(126000, "2022-06-15"), fig(1_260_000, "2022-12-13")]  # tenfold is growth, not a slip
    assert flagged(flags_of(growth), "magnitude_jump") == set()
    other_city = [fig(126000), fig(183000 * 10000, "2022-12-13", city="泰州市", city_code="321200", province="江苏省")]
    assert flagged(flags_of(other_city), "magnitude_jump") == set()


def part(sentence: str, mention: str, value: float, start: int, **kw) -> dict:
    return fig(value, evidence=sentence, mention=mention, char_start=start, char_end=start + len(mention), **kw)


def test_components_that_exceed_their_total() -> None:
    s1 = "全市共有工会会员5万人,其中新就业形态劳动者6万人。"
    total, bigger = part(s1, "5万人", 50000, 6, unit="人"), part(s1, "6万人", 60000, 20, unit="人")
    s2 = "共培训1000人次,其中农民工600人次、退役军人500人次。"
    t2, p1, p2 = part(s2, "1000人次", 1000, 103), part(s2, "600人次", 600, 115), part(s2, "500人次", 500, 124)
    s3 = "共培训1000余人次,其中农民工600人次、退役军人450人次。"  # 1000余 may be 1099
    t3 = part(s3, "1000余人次", 1000, 203, qualifier="at_least")
    ok3 = [t3, part(s3, "600人次", 600, 216), part(s3, "450人次", 450, 225)]
    s4 = "共有职工800人,其中女职工占45%、党员占60%。"  # shares are not parts
    ok4 = [part(s4, "800人", 800, 302, unit="人")]
    ok4 += [part(s4, "45%", 45, 311, unit="%"), part(s4, "60%", 60, 317, unit="%")]
    flags = flags_of([total, bigger, t2, p1, p2, *ok3, *ok4])
    assert flagged(flags, "component_exceeds_total") == {bigger["indicator_row_id"]}
    assert flagged(flags, "components_exceed_total") == {t2["indicator_row_id"]}
    assert "600人次 + 500人次 = 1,100" in flags.loc[flags["flag"] == "components_exceed_total", "detail"].iloc[0]


def test_two_sources_disagreeing_on_one_date() -> None:
    a, b = fig(2300, report="a" * 16), fig(2400, report="b" * 16)
    same = [fig(700, report="a" * 16, label="文化活动"), fig(700, report="b" * 16, label="文化活动")]
    # report c states two figures of one series (two years), d only one of them: only c's extra is unconfirmed
    c1, c2 = fig(10, report="c" * 16, label="劳模"), fig(20, report="c" * 16, label="劳模")
    d = fig(10, report="d" * 16, label="劳模")
    flags = flags_of([a, b, *same, c1, c2, d])
    assert flagged(flags, "sources_disagree") == {a["indicator_row_id"], b["indicator_row_id"], c2["indicator_row_id"]}


def test_flags_are_valid_rows_and_reach_progress_and_summary() -> None:
    rows = [fig(126000, "2022-06-15", report="a" * 16), fig(120000, "2022-12-13", report="b" * 16)]
    rows.append(fig(130000, "2022-12-13", report="c" * 16))  # disagrees with b on that date
    indicators = pd.DataFrame(rows, columns=columns_of("indicators"))
    flags = compute_flags(indicators)
    valid, rejected = split_valid(flags, "flags", "2026-03-02")
    assert rejected.empty and len(valid) == len(flags) == 3
    progress = attach_to_progress(build_progress(indicators), flags)
    assert list(progress.columns) == columns_of("progress")
    by_date = dict(zip(progress["publish_date"], progress["flags"], strict=True))
    assert by_date == {"2022-06-15": "", "2022-12-13": "cumulative_fell;sources_disagree"}
    summary = summarise(flags, {"c" * 16})
    assert summary["total"] == 3 and summary["by_flag"] == {"cumulative_fell": 1, "sources_disagree": 2}
    assert summary["this_run"] == 1 and summary["examples"][0].startswith("淮安市 training_person_times")
    assert "130,000" in summary["examples"][0]  # this run's flag first


def test_no_flags_on_clean_data() -> None:
    assert compute_flags(pd.DataFrame(columns=columns_of("indicators"))).empty
    clean = [fig(126000, "2022-06-15"), fig(183000, "2022-12-13")]
    assert compute_flags(pd.DataFrame(clean, columns=columns_of("indicators"))).empty


def test_texts_is_text_cell_by_cell() -> None:
    """rules.texts (the flags' columns as text, vectorised) gives what .map(rules.text) gives, for
    every kind of column the tables hold."""
    import numpy as np

    from validations.rules import text, texts

    columns = [
        pd.Series(["a", "", "b"], name="city", index=[3, 5, 7]),
        pd.Series(["a", None, "b"]),
        pd.Series(["a", np.nan, "b"], dtype=object),
        pd.Series([1.0, np.nan]),
        pd.Series(["a", "b"], dtype=object),
        pd.Series(["a", pd.NA], dtype="string"),
        pd.Series([None, None], dtype=object),
        pd.Series([], dtype=object),
        pd.Series([], dtype="str"),
        pd.Series(["a", 1], dtype=object),
    ]
    for column in columns:
        pd.testing.assert_series_equal(texts(column), column.map(text))
