"""Text normalisation: full-width forms, whitespace, pinyin annotations, traditional -> simplified."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from parsers.normalize import (
    PRE_NFKC,
    ZERO_WIDTH_CHARS,
    ZERO_WIDTH_RE,
    normalize_text,
    remove_pinyin_annotations,
    to_nfkc,
)


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


def test_hard_wrapped_pdf_lines_are_joined_but_paragraphs_kept() -> None:
    pdf = (
        "洛阳市总工会关于2022年度产业工人队伍建设改革工作情况的报\n"
        "告\n"
        "2022年,市总工会在市委、市政府的坚强领导下,会同产改协调\n"
        "小组各成员单位,围绕建设目标,扎实推进产业工人队伍建设改\n"
        "革各项任务落地。全市现有职工 267.4 万人,基层工会组织 1\n"
        "万个。全年完成补贴性职业技能培训 62563\n"
        "人次,发放补贴资金 8736.5 万元,新建工会组织 87 个,命名\n"
        "劳模创新工作室 30 个。\n"
        "一、主要工作成效\n"
        "(一)思想政治引领持续加强。"
    )
    text = normalize_text(pdf)
    assert "会同产改协调小组各成员单位" in text
    assert "62563人次" in text
    assert "工作室 30 个。\n一、主要工作成效\n(一)" in text


def test_ordinary_paragraphs_are_not_joined() -> None:
    text = "标题一行\n第一段写完了。\n第二段也写完了。\n短行\n最后一段。"
    assert normalize_text(text) == text


def test_two_column_pages_are_read_column_by_column() -> None:
    # a yearbook page read straight across its two columns: lines alternate left, right, left…
    left = [
        "【产业工人队伍建设改革】2021年,芜",
        "湖市出台产改实施方案,全市产改联席",
        "会议成员单位由12个扩充至18个。全年",
        "新建工会组织320家,新发展工会会员",
        "2.4万人,其中农民工会员1.1万人。至",
        "年底,全市共有职工约98万人,其中产",
        "业工人52万人。市总工会组织职工技能",
        "竞赛26项,参赛职工1.3万人次。",
    ]
    right = [
        "【职工技能提升】全年开展职业技能培",
        "训8.6万人次,发放培训补贴6200万元,",
        "新增高技能人才6800人,全市高技能人",
        "才累计达到12.4万人。年内新建技能大",
        "师工作室9个,其中国家级1个。全市工",
        "会组织开展送温暖活动,慰问困难职工",
        "2100户。全市产业工人中技能人才占比",
        "提高到31%。",
    ]
    page = "芜湖年鉴(2022)\n" + "\n".join(line for pair in zip(left, right, strict=True) for line in pair)
    text = normalize_text(page)
    assert "全年新建工会组织320家,新发展工会会员2.4万人,其中农民工会员1.1万人。" in text
    assert "发放培训补贴6200万元,新增高技能人才6800人" in text


def test_single_column_text_keeps_its_order() -> None:
    text = "\n".join(f"第{i}段:全市开展培训{i}00人次,发放补贴{i}0万元。" for i in range(1, 13))
    assert normalize_text(text) == text


def _reference_nfkc(text: str) -> str:
    """The first step of normalize_text as written before it was made fast."""
    return unicodedata.normalize("NFKC", ZERO_WIDTH_RE.sub("", text.translate(PRE_NFKC)))


def test_fast_nfkc_equals_plain_nfkc_on_every_character_and_in_context() -> None:
    # Every character of the Basic Multilingual Plane alone and after a base letter and a Hangul
    # syllable, then random mixes weighted to combining marks, jamo and full-width forms, where
    # replacing characters one by one could differ from normalising the whole text.
    bmp = [chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    for prefix in ("", "e", "가", "ｅ", "\u1100"):
        chunk = [prefix + ch for ch in bmp]
        assert [to_nfkc(s) for s in chunk] == [_reference_nfkc(s) for s in chunk]
    tricky = [
        *"\u0301\u0308\u0323\u0345\u3099\u309a\u1161\u11a8\u0f73\u0344",
        *"ｅａ가각ᄀ㎡\u200b\u00adﬁ①ｶﾞ",
        *"\xa0\u2028\u2029\u200d\ufeff\u2060",  # (to_nfkc's quick path: changed though NFKC keeps them)
        "\U0001d400",
    ]
    rng = random.Random(8)
    for _ in range(3000):
        text = "".join(rng.choice(tricky + bmp[:0x3000:7]) for _ in range(rng.randint(1, 12)))
        assert to_nfkc(text) == _reference_nfkc(text), [hex(ord(c)) for c in text]


def test_nfkc_quick_path_equals_plain_nfkc() -> None:
    """Texts NFKC leaves alone but for no-break spaces, with one character PRE_NFKC or the zero-width list
    changes (or none): to_nfkc returns such a text as it is only when nothing else would change it."""
    rng = random.Random(3)
    stable = [*"职工培训技能中心,。、:()%", "2023", "ab", " ", "\n", "\xa0", "\u0301", "é"]
    changed = [*map(chr, PRE_NFKC), *ZERO_WIDTH_CHARS, "", "", "ｅ", "\u3000"]
    for _ in range(3000):
        pieces = [rng.choice(stable) for _ in range(rng.randint(0, 12))]
        pieces.insert(rng.randint(0, len(pieces)), rng.choice(changed))
        text = "".join(pieces)
        assert to_nfkc(text) == _reference_nfkc(text), [hex(ord(c)) for c in text]


def test_character_pairs_index_matches_the_set_of_pairs_within_lines() -> None:
    from parsers.columns import _Pairs

    rng = random.Random(2)
    alphabet = "。。ab\n合肥"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        within_lines = {pair for line in text.split("\n") for pair in (line[i : i + 2] for i in range(len(line) - 1))}
        pairs = _Pairs(text)
        for a in alphabet.replace("\n", ""):
            for b in alphabet.replace("\n", ""):
                assert ((a + b) in pairs) == ((a + b) in within_lines), (text, a + b)


def test_line_steps_are_the_text_steps() -> None:
    """normalize_text passes the text's lines from step to step (whitespace, page furniture, two columns,
    wrapped lines); the text steps, each joining and splitting the whole text, give the same text, and the
    whitespace step is the regex reading it replaced (stripped lines, runs of blank lines cut to one)."""
    from parsers import normalize as nz
    from parsers.columns import repair_two_columns

    def reference_whitespace(text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = nz.tab_tables_to_pipes(text)  # (a tabbed table's rows become pipe rows first)
        text = re.sub(f"[{nz.HORIZONTAL_SPACE_CHARS}]+", " ", text)
        return nz.MANY_BLANK_LINES_RE.sub("\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()

    rng = random.Random(9)
    pieces = [
        *"\n\n\n \t\u3000\r\x0b",
        "\r\n",
        "— 9 —",
        "第3页",
        "政府工作报告",
        "合肥",
        "市总工会",
        "。",
        "12",
        "人次",
    ]
    pieces += ["产业工人队伍建设改革" * 3, "技能人才" * 11, "一、总体要求"]
    for _ in range(4000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert nz.normalize_whitespace(raw) == reference_whitespace(raw), repr(raw)
        steps = nz.join_wrapped_lines(repair_two_columns(nz.drop_page_furniture(nz.normalize_whitespace(raw))))
        lines = nz._join_wrapped(nz.repair_two_column_lines(nz._drop_page_furniture_lines(nz._whitespace_lines(raw))))
        assert lines == steps, repr(raw)


def test_a_table_copied_with_tabs_becomes_pipe_rows_and_other_tabs_blanks() -> None:
    copied = (
        "各镇街完成情况如下:\n镇街\t技能培训(人次)\t\t驿站(个)\n城东街道\t1260\t\t4\n河西镇\t980\t—\t2\n"
        "说明:\t以上为初步统计"
    )
    assert normalize_text(copied).split("\n") == [
        "各镇街完成情况如下:",
        "| 镇街 | 技能培训(人次) | | 驿站(个) |",
        "| 城东街道 | 1260 | | 4 |",
        "| 河西镇 | 980 | — | 2 |",
        "说明: 以上为初步统计",  # a row of another width ends the table
    ]
    # tabbed lines with no number cell are no table either (a form: 姓名<TAB>张三)
    assert normalize_text("姓名\t张三\n单位\t市总工会") == "姓名 张三\n单位 市总工会"
