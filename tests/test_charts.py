"""Charts are SVG text: well-formed, escaped, a panel per series, values on honest axes, drawn once per change."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from flows import charts
from flows.charts import ChartSeries, Panel, cross_city, date_ticks, nice_ticks, small_multiples, text_width, wrap

NS = {"s": "http://www.w3.org/2000/svg"}
HOSTILE = '<b>"淮安&秦皇岛"</b>\x07'


def parse(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def texts(node: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in node.iter("{http://www.w3.org/2000/svg}text")]


def points(node: ET.Element) -> list[tuple[float, float, str]]:
    """(cx, cy, tooltip) of every data point marker, in document order."""
    return [
        (float(c.get("cx")), float(c.get("cy")), c.find("s:title", NS).text)
        for c in node.iter("{http://www.w3.org/2000/svg}circle")
        if c.get("class") == "pt"
    ]


def last_labels(node: ET.Element) -> list[str]:
    return ["".join(g.itertext()) for g in node.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "last"]


def huaian_panels() -> list[Panel]:
    return [
        Panel(
            "技能培训人次 · 职业技能培训（累计）",
            "人次",
            [ChartSeries("职业技能培训", "人次", [("2022-06-15", 126000.0), ("2022-12-13", 183000.0)], "#1f5f8b")],
        ),
        Panel("工匠 · 省级首席技师（累计）", "人", [ChartSeries("省级首席技师", "人", [("2022-12-13", 53.0)])]),
        Panel(
            "培训资金（累计）",
            "元",
            [ChartSeries("资金", "元", [("2021-01-01", 2.4e8), ("2022-01-01", 3.15e8), ("2023-01-01", 3.3e8)])],
        ),
        Panel("劳动模范 · 全国劳模", "人", [ChartSeries("全国劳模", "人", [("2022-06", 5.0), ("2022-12-13", 6.0)])]),
    ]


def test_small_multiples_has_a_panel_per_series_with_points_ticks_and_last_values(tmp_path: Path) -> None:
    path = tmp_path / "city-320800.svg"
    result = small_multiples(path, "淮安市 主要指标走势", huaian_panels(), {})
    assert result.drawn and result.svg == path.read_text(encoding="utf-8")
    root = parse(path)
    assert root.find("s:title", NS).text == "淮安市 主要指标走势"
    assert "18.3万人次" in root.find("s:desc", NS).text  # the data in words, for screen readers
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert width > 1000 and height > 2 * charts.PANEL_H  # two rows of three
    panels = root.findall("s:g", NS)
    assert len(panels) == 4
    assert [len(points(p)) for p in panels] == [2, 0, 3, 2]  # the one-point series is a card, not a dot
    assert [len(p.findall("s:polyline", NS)) for p in panels] == [1, 0, 1, 1]
    first, card, money, months = (texts(p) for p in panels)
    assert first[0] == "技能培训人次 · 职业技能培训（累计）"
    assert {"0", "5万", "10万", "15万", "20万"} <= set(first)  # y ticks from 0, round, in 万
    assert "2022-07" in first or "2022-10" in first  # half a year: month ticks
    assert {"2021", "2022", "2023"} <= set(money) and "3亿" in money  # three years: year ticks, 亿
    assert last_labels(panels[0]) == ["18.3万人次"] and last_labels(panels[2]) == ["3.3亿元"]
    assert "53人" in card and "2022-12-13 · 仅一个数据点" in card
    assert points(panels[0])[1][2] == "职业技能培训 · 2022-12-13：18.3万人次"  # the point's tooltip
    assert points(panels[3])[0][2] == "全国劳模 · 2022-06：5人" and "6人" in months  # a month-only date is drawn too
    assert "Noto Sans CJK SC" in root.get("font-family") and root.get("font-family").endswith("sans-serif")


def test_a_higher_value_is_drawn_higher_and_a_later_date_further_right(tmp_path: Path) -> None:
    values = [50.0, 5.0, 80.0, 20.0, 79.0, 0.0]
    days = ["2020-03-01", "2020-09-01", "2021-02-01", "2021-08-15", "2022-01-10", "2022-07-01"]
    panel = Panel("测试（累计）", "家", [ChartSeries("测试", "家", list(zip(days, values, strict=True)))])
    small_multiples(tmp_path / "a.svg", "城市", [panel], {})
    drawn = points(parse(tmp_path / "a.svg"))
    xs, ys = [p[0] for p in drawn], [p[1] for p in drawn]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    by_value = [y for _, y in sorted(zip(values, ys, strict=True))]
    assert by_value == sorted(by_value, reverse=True) and len(set(ys)) == len(ys)  # SVG y grows downwards
    # the axis starts at 0: the zero point sits on the lowest grid line
    grid = [float(line.get("y1")) for line in parse(tmp_path / "a.svg").iter("{http://www.w3.org/2000/svg}line")]
    assert ys[values.index(0.0)] == pytest.approx(max(grid))


def test_negative_values_get_a_zero_line_and_points_below_it(tmp_path: Path) -> None:
    panel = Panel(
        "安全生产变化（新增）",
        "起",
        [ChartSeries("事故", "起", [("2019-06-15", -12.0), ("2020-06-15", -3.0), ("2023-06-15", 4.0)])],
    )
    small_multiples(tmp_path / "n.svg", "城市", [panel], {})
    root = parse(tmp_path / "n.svg")
    labels = texts(root)
    assert {"-15", "-10", "-5", "0", "5"} <= set(labels) and last_labels(root) == ["4起"]
    zero = next(line for line in root.iter("{http://www.w3.org/2000/svg}line") if line.get("stroke") == charts.ZERO)
    ys = [p[1] for p in points(root)]
    assert ys[0] > float(zero.get("y1")) and ys[1] > float(zero.get("y1")) > ys[2]


def test_text_is_escaped_and_comes_back_unchanged(tmp_path: Path) -> None:
    clean = HOSTILE.replace("\x07", "")  # XML 1.0 cannot carry a control character, even escaped
    panel = Panel(HOSTILE, "人", [ChartSeries(HOSTILE, "人", [("2022-01-01", 1.0), ("2022-06-01", 2.0)])])
    small_multiples(tmp_path / "p.svg", HOSTILE, [panel], {})
    lines = [ChartSeries(HOSTILE, "人", [("2022-01-01", 1.0), ("2022-06-01", 2.0)]), ChartSeries("淄博市", "人", [])]
    bars = [ChartSeries(HOSTILE, "人", [("2022-01-01", 1.0)]), ChartSeries("淄博市", "人", [("2022-01-01", 3.0)])]
    cross_city(tmp_path / "l.svg", HOSTILE, "人", lines, {})
    cross_city(tmp_path / "b.svg", HOSTILE, "人", bars, {})
    for name in ("p.svg", "l.svg", "b.svg"):
        raw = (tmp_path / name).read_text(encoding="utf-8")
        assert "<b>" not in raw and "\x07" not in raw, name
        root = parse(tmp_path / name)  # well-formed despite < & "
        assert root.find("s:title", NS).text == clean
        shown = texts(root) + [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
        assert any(clean in t for t in shown[1:]), name  # the series name, as written, in a label or tooltip


def test_a_unit_change_redraws_with_the_new_unit_and_percent_stays_plain(tmp_path: Path) -> None:
    path, manifest = tmp_path / "u.svg", {}
    series = ChartSeries("占比", "人", [("2022-01-15", 12.5), ("2022-04-20", 14.0)])
    small_multiples(path, "城市", [Panel("一线职工", "人", [series])], manifest)
    assert last_labels(parse(path)) == ["14人"]
    series = ChartSeries("占比", "%", [("2022-01-15", 12.5), ("2022-04-20", 14.0)])
    assert small_multiples(path, "城市", [Panel("一线职工", "%", [series])], manifest).drawn
    root = parse(path)
    assert last_labels(root) == ["14%"] and "人" not in "".join(texts(root))
    assert points(root)[0][2] == "占比 · 2022-01-15：12.5%"
    big = ChartSeries("资金", "元", [("2022-01-15", 125000.0), ("2022-04-20", 3.552e8)])
    small_multiples(path, "城市", [Panel("资金", "元", [big])], manifest)
    assert last_labels(parse(path)) == ["3.55亿元"] and "4亿" in texts(parse(path))


def test_each_chart_is_drawn_once_per_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest: dict[str, str] = {}
    path = tmp_path / "city-320800.svg"
    assert small_multiples(path, "淮安市 主要指标走势", huaian_panels(), manifest).drawn
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    again = small_multiples(path, "淮安市 主要指标走势", huaian_panels(), manifest)
    assert not again.drawn and again.svg == before.decode("utf-8")
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp  # not even rewritten
    panels = huaian_panels()
    panels[0].series[0].points.append(("2023-06-15", 200000.0))
    assert small_multiples(path, "淮安市 主要指标走势", panels, manifest).drawn
    assert "20万人次" in last_labels(parse(path))
    monkeypatch.setattr(charts, "STYLE_VERSION", charts.STYLE_VERSION + "-next")  # a change of look redraws all
    assert small_multiples(path, "淮安市 主要指标走势", panels, manifest).drawn
    path.unlink()  # a file deleted by hand comes back
    assert small_multiples(path, "淮安市 主要指标走势", panels, manifest).drawn and path.exists()
    path.write_bytes(path.read_bytes()[:100])  # a file cut short (written without fsync, then a power cut)
    redrawn = small_multiples(path, "淮安市 主要指标走势", panels, manifest)
    assert redrawn.drawn and parse(path) is not None and redrawn.svg == path.read_text(encoding="utf-8")


def test_cross_city_draws_lines_over_time(tmp_path: Path) -> None:
    series = [
        ChartSeries("淄博市（累计）", "人次", [("2021-06-20", 360000.0), ("2022-06-28", 430000.0)], "#1f5f8b"),
        ChartSeries("淮安市（累计）", "人次", [("2022-06-15", 126000.0), ("2022-12-13", 183000.0)], "#d1495b"),
        ChartSeries("秦皇岛市（口径未注明）", "人次", [("2022-07-21", 16092.0)], "#2a9d8f"),
    ]
    cross_city(tmp_path / "i.svg", "技能培训人次：各城市比较（人次）", "人次", series, {})
    root = parse(tmp_path / "i.svg")
    labels = texts(root)
    assert labels[0] == "技能培训人次：各城市比较（人次）"
    assert {"淄博市（累计）", "淮安市（累计）", "秦皇岛市（口径未注明）"} <= set(labels)  # the legend
    assert [p.get("stroke") for p in root.iter("{http://www.w3.org/2000/svg}polyline")] == [s.color for s in series]
    assert len(points(root)) == 5 and "秦皇岛市（口径未注明） · 2022-07-21：1.61万人次" in [p[2] for p in points(root)]
    assert last_labels(root) == ["43万人次", "18.3万人次", "1.61万人次"]
    assert {"2021-07", "2022-01", "2022-07", "0", "20万", "40万"} <= set(labels)  # wide enough for quarters


def test_two_cities_of_the_same_palette_colour_get_different_colours_in_one_chart(tmp_path: Path) -> None:
    same = [ChartSeries(f"城市{i}", "人", [("2021-01-01", i), ("2022-01-01", i + 1.0)], "#1f5f8b") for i in range(3)]
    cross_city(tmp_path / "c.svg", "比较", "人", same, {})
    strokes = [p.get("stroke") for p in parse(tmp_path / "c.svg").iter("{http://www.w3.org/2000/svg}polyline")]
    assert strokes[0] == "#1f5f8b" and len(set(strokes)) == 3


def test_cross_city_draws_bars_of_latest_values_when_no_city_has_two_points(tmp_path: Path) -> None:
    series = [
        ChartSeries("泰州市姜堰区（累计）", "人", [("2020-10-16", 1120.0)], "#e09f3e"),
        ChartSeries("淄博市（年度）", "人", [("2022-06-28", 100000.0)], "#1f5f8b"),
        ChartSeries("秦皇岛市（口径未注明）", "人", [("2022-07-21", 16092.0)], "#2a9d8f"),
        ChartSeries("某市（新增）", "人", [("2022-07-21", -2000.0)], "#d1495b"),
    ]
    cross_city(tmp_path / "b.svg", "高技能人才：各城市比较（人）", "人", series, {})
    root = parse(tmp_path / "b.svg")
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "bar"]
    assert [b.find("s:title", NS).text.split(" · ")[0] for b in bars] == [
        "淄博市（年度）",
        "秦皇岛市（口径未注明）",
        "泰州市姜堰区（累计）",
        "某市（新增）",
    ]  # largest first
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] > widths[1] > widths[2] and widths[0] / widths[1] == pytest.approx(100000 / 16092, rel=0.02)
    lefts = [float(b.get("x")) for b in bars]
    assert lefts[0] == lefts[1] == lefts[2] > lefts[3]  # positive bars start at 0, the negative one ends there
    assert last_labels(root)[:2] == ["10万人（2022-06-28）", "1.61万人（2022-07-21）"]
    assert "-2,000人（2022-07-21）" in last_labels(root) and {"0", "5万", "10万"} <= set(texts(root))


def test_nice_ticks_and_date_ticks() -> None:
    assert nice_ticks(0, 183000) == [0, 50000, 100000, 150000, 200000]
    assert nice_ticks(0, 4.3e8) == [0, 1e8, 2e8, 3e8, 4e8, 5e8]
    assert nice_ticks(-12, 4) == [-15, -10, -5, 0, 5]
    assert nice_ticks(0, 1, integers=True) == [0, 1] and nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    assert nice_ticks(0, 0.06) == [0, 0.02, 0.04, 0.06]
    years = date_ticks(date(2018, 5, 1), date(2024, 3, 1), 4)
    assert [label for _, label in years] == ["2020", "2022", "2024"]
    two_years = date_ticks(date(2021, 4, 1), date(2023, 2, 1), 4)
    assert [label for _, label in two_years] == ["2021-07", "2022-01", "2022-07", "2023-01"]
    assert [label for _, label in date_ticks(date(2021, 4, 1), date(2023, 2, 1), 3)] == ["2022", "2023"]
    assert [label for _, label in date_ticks(date(1990, 4, 1), date(2023, 2, 1), 4)] == ["2000", "2010", "2020"]
    months = date_ticks(date(2022, 4, 20), date(2022, 11, 2), 4)
    assert [label for _, label in months] == ["2022-05", "2022-07", "2022-09", "2022-11"]
    assert months[0][0] == date(2022, 5, 1)
    quarters = date_ticks(date(2022, 1, 20), date(2022, 12, 2), 4)
    assert [label for _, label in quarters] == ["2022-04", "2022-07", "2022-10"]
    monthly = date_ticks(date(2022, 4, 20), date(2022, 7, 2), 4)
    assert [label for _, label in monthly] == ["2022-05", "2022-06", "2022-07"]


def test_titles_wrap_to_two_lines_within_the_panel() -> None:
    title = "代表委员中产业工人占比 · 省市县三级人大代表、政协委员和党代表中一线产业工人、技术工人和管理人员的比例"
    lines = wrap(title, 13, 320)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(text_width(line, 13) <= 320 for line in lines)
    assert wrap("技能培训人次 · 职业技能培训（累计）", 13, 320) == ["技能培训人次 · 职业技能培训（累计）"]
    assert wrap("培训2023年度18.3万人次", 13, 100) == ["培训2023年度", "18.3万人次"]  # a number is never split
