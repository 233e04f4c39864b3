"""Charts are real PNGs with Chinese drawn in a CJK font; no font fails loudly here (install fonts-noto-cjk)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from flows.charts import ChartSeries, Panel, cross_city, small_multiples
from flows.fonts import CJKFontMissing, covers, find_cjk_font


@pytest.fixture
def fresh_font_lookup():
    find_cjk_font.cache_clear()
    yield
    find_cjk_font.cache_clear()


def ink(path: Path) -> tuple[tuple[int, int], float, int]:
    """(height, width), share of non-white pixels, number of distinct colours."""
    from matplotlib.image import imread

    img = imread(path)[..., :3]
    nonwhite = (img < 0.97).any(axis=-1).mean()
    colours = len(np.unique((img * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    return img.shape[:2], float(nonwhite), colours


def glyph_bitmap(path: str, char: str) -> np.ndarray:
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    font.set_size(48, 72)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the missing glyph is the point of one of the calls
        font.set_text(char)
    font.draw_glyphs_to_bitmap()
    return np.asarray(font.get_image())


def test_a_cjk_font_is_installed_and_has_the_glyphs_charts_draw() -> None:
    # No skip: without a CJK font every chart label would be a row of boxes (CI installs fonts-noto-cjk).
    font = find_cjk_font()
    assert Path(font.path).is_file()
    assert covers(font.path, "淮安淄博秦皇岛泰州姜堰区高技能人才万亿元人次累计年度")


def test_chinese_glyphs_are_real_shapes_not_tofu() -> None:
    path = find_cjk_font().path
    chan, gai, missing = (glyph_bitmap(path, c) for c in ("产", "改", "\U0010fffd"))
    assert chan.any() and gai.any()
    # a font without the glyph draws the same box (.notdef) for every character
    assert chan.shape != gai.shape or not np.array_equal(chan, gai)
    assert chan.shape != missing.shape or not np.array_equal(chan, missing)


def test_small_multiples_png_is_drawn_once_per_change(tmp_path: Path) -> None:
    panels = [
        Panel(
            "技能培训人次 · 职业技能培训（累计）",
            "人次",
            [ChartSeries("职业技能培训", "人次", [("2022-06-15", 126000.0), ("2022-12-13", 183000.0)], "#1f5f8b")],
        ),
        Panel(
            "工匠 · 省级首席技师（累计）", "人", [ChartSeries("省级首席技师", "人", [("2022-12-13", 53.0)], "#d1495b")]
        ),
        Panel(
            "培训资金（累计）",
            "元",
            [
                ChartSeries(
                    "资金", "元", [("2021-01-01", 2.4e8), ("2022-01-01", 3.15e8), ("2023-01-01", 3.3e8)], "#2a9d8f"
                )
            ],
        ),
        Panel("劳动模范 · 全国劳模（累计）", "人", [ChartSeries("全国劳模", "人", [("2022-06-15", 5.0)], "#e09f3e")]),
    ]
    manifest: dict[str, str] = {}
    path = tmp_path / "city-320800.png"
    result = small_multiples(path, "淮安市 主要指标走势", panels, manifest)
    assert result.drawn and result.missing_glyphs == []
    (height, width), share, colours = ink(path)
    assert width > 1000 and height > 500  # two rows of three panels
    assert share > 0.02 and colours > 50
    before = path.read_bytes()
    again = small_multiples(path, "淮安市 主要指标走势", panels, manifest)
    assert not again.drawn and path.read_bytes() == before
    panels[0].series[0].points.append(("2023-06-15", 200000.0))
    assert small_multiples(path, "淮安市 主要指标走势", panels, manifest).drawn
    assert path.read_bytes() != before


def test_cross_city_chart_draws_lines_over_time_or_bars(tmp_path: Path) -> None:
    lines = [
        ChartSeries("淄博市（累计）", "人次", [("2021-06-20", 360000.0), ("2022-06-28", 430000.0)], "#1f5f8b"),
        ChartSeries("淮安市（累计）", "人次", [("2022-06-15", 126000.0), ("2022-12-13", 183000.0)], "#d1495b"),
    ]
    bars = [
        ChartSeries("淄博市（年度）", "人", [("2022-06-28", 100000.0)], "#1f5f8b"),
        ChartSeries("秦皇岛市（口径未注明）", "人", [("2022-07-21", 16092.0)], "#2a9d8f"),
        ChartSeries("泰州市姜堰区（累计）", "人", [("2020-10-16", 1120.0)], "#e09f3e"),
    ]
    for name, series in (("lines", lines), ("bars", bars)):
        path = tmp_path / f"indicator-{name}.png"
        result = cross_city(path, "技能培训人次：各城市比较（人次）", series[0].unit, series, {})
        assert result.drawn and result.missing_glyphs == [], name
        (height, width), share, colours = ink(path)
        assert width > 800 and height > 250 and share > 0.02 and colours > 20, name


def test_a_glyph_missing_from_every_font_is_reported(tmp_path: Path) -> None:
    series = [
        ChartSeries("\U0010fffd", "人", [("2022-06-28", 1.0)], "#1f5f8b"),
        ChartSeries("淮安市", "人", [("2022-06-28", 2.0)]),
    ]
    result = cross_city(tmp_path / "x.png", "比较", "人", series, {})
    assert result.missing_glyphs and "missing from font" in result.missing_glyphs[0]


def test_a_font_without_chinese_fails_loudly(monkeypatch: pytest.MonkeyPatch, fresh_font_lookup) -> None:
    import matplotlib

    latin = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    monkeypatch.setenv("CHANGAI_CJK_FONT", str(latin))
    with pytest.raises(CJKFontMissing, match="CHANGAI_CJK_FONT"):
        find_cjk_font()


def test_the_font_can_be_given_by_path(monkeypatch: pytest.MonkeyPatch, fresh_font_lookup) -> None:
    path = find_cjk_font().path
    find_cjk_font.cache_clear()
    monkeypatch.setenv("CHANGAI_CJK_FONT", path)
    font = find_cjk_font()
    assert font.path == path and font.family
