"""Text normalisation: full-width forms, whitespace, pinyin annotations, traditional -> simplified."""

from __future__ import annotations

import pytest

from parsers.normalize import normalize_text, remove_pinyin_annotations


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("秦皇島市印發(fā)《方案》", "秦皇岛市印发《方案》"),
        ("產(chǎn)業(yè)工人隊伍", "产业工人队伍"),
        ("為(wei)推進改革", "为推进改革"),
        ("為（wèi）推進", "为推进"),  # full-width brackets
        ("增長(zhǎng)了１２％", "增长了12%"),
        ("ＧＤＰ(GDP)增长", "GDP(GDP)增长"),  # capitals are not pinyin
        ("共有(2022)年度", "共有(2022)年度"),
        ("　　鲁中网淄博6月28日讯", "鲁中网淄博6月28日讯"),
        ("建成驿站\u200b120个", "建成驿站120个"),
        ("面积2.1万㎡", "面积2.1万平方米"),
        ("第一行\r\n\r\n\r\n\r\n第二行", "第一行\n\n第二行"),
        ("培训   职工\t 5000人", "培训 职工 5000人"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_pinyin_only_after_chinese_and_only_real_syllables() -> None:
    assert remove_pinyin_annotations("發(fā)展") == "發展"
    assert remove_pinyin_annotations("附件(abc)") == "附件(abc)"  # not a syllable
    assert remove_pinyin_annotations("see (fa)") == "see (fa)"  # not after a Chinese character


def test_simplified_text_is_unchanged() -> None:
    text = "淮安累计完成各类职业技能培训18.3万人次,发放资金3.15亿元。"
    assert normalize_text(text) == text
