"""Tests for parsers.places: divisions data, lookup, find_places and resolve_report_place."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from parsers.model import Place
from parsers.places import (
    DIVISIONS_CSV,
    STOPWORDS_TXT,
    PlaceHit,
    all_places,
    city_of_code,
    find_places,
    lookup,
    resolve_report_place,
)

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------- data


def _rows() -> list[dict[str, str]]:
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_divisions_csv_shape() -> None:
    rows = _rows()
    assert list(rows[0]) == ["code", "name", "level", "province", "city", "city_code", "short", "pinyin"]
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    levels = {r["level"] for r in rows}
    assert levels == {"province", "prefecture", "county"}
    assert sum(r["level"] == "province" for r in rows) == 34
    assert sum(r["level"] == "prefecture" for r in rows) > 300
    assert len(rows) > 3000
    names = {r["name"] for r in rows}
    assert not names & {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def test_every_city_code_is_a_city() -> None:
    by_code = {r["code"]: r for r in _rows()}
    for row in by_code.values():
        if row["level"] == "province" and row["code"] not in {"110000", "120000", "310000", "500000"}:
            assert row["city"] == "" and row["city_code"] == ""
            continue
        city = by_code[row["city_code"]]
        assert city["name"] == row["city"]
        assert city["city_code"] == city["code"]
        assert row["code"][:2] == row["city_code"][:2]


@pytest.mark.parametrize(
    ("code", "name", "level", "city", "city_code", "short"),
    [
        ("110000", "北京市", "province", "北京市", "110000", "北京"),
        ("110105", "朝阳区", "county", "北京市", "110000", "朝阳"),
        ("500233", "忠县", "county", "重庆市", "500000", ""),
        ("320800", "淮安市", "prefecture", "淮安市", "320800", "淮安"),
        ("321204", "姜堰区", "county", "泰州市", "321200", "姜堰"),
        ("429004", "仙桃市", "county", "仙桃市", "429004", "仙桃"),
        ("429021", "神农架林区", "county", "神农架林区", "429021", "神农架"),
        ("419001", "济源市", "county", "济源市", "419001", "济源"),
        ("441900", "东莞市", "prefecture", "东莞市", "441900", "东莞"),
        ("422800", "恩施土家族苗族自治州", "prefecture", "恩施土家族苗族自治州", "422800", "恩施"),
        ("469025", "白沙黎族自治县", "county", "白沙黎族自治县", "469025", "白沙"),
        ("650000", "新疆维吾尔自治区", "province", "", "", "新疆"),
        ("652700", "博尔塔拉蒙古自治州", "prefecture", "博尔塔拉蒙古自治州", "652700", "博尔塔拉"),
    ],
)
def test_divisions_rows(code: str, name: str, level: str, city: str, city_code: str, short: str) -> None:
    row = {r["code"]: r for r in _rows()}[code]
    assert (row["name"], row["level"], row["city"], row["city_code"], row["short"]) == (
        name,
        level,
        city,
        city_code,
        short,
    )


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_divisions", ROOT / "scripts" / "build_divisions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("恩施土家族苗族自治州", "恩施"),
        ("鄂温克族自治旗", "鄂温克"),
        ("鄂伦春自治旗", "鄂伦春"),
        ("新疆维吾尔自治区", "新疆"),
        ("内蒙古自治区", "内蒙古"),
        ("广西壮族自治区", "广西"),
        ("香港特别行政区", "香港"),
        ("积石山保安族东乡族撒拉族自治县", "积石山"),
        ("龙胜各族自治县", "龙胜"),
        ("巴音郭楞蒙古自治州", "巴音郭楞"),
        ("神农架林区", "神农架"),
        ("西林区", "西林"),
        ("阿克苏地区", "阿克苏"),
        ("浦东新区", "浦东"),
        ("六枝特区", "六枝"),
        ("锡林郭勒盟", "锡林郭勒"),
        ("江苏省", "江苏"),
        ("姜堰区", "姜堰"),
        ("沛县", ""),
        ("城区", ""),
    ],
)
def test_short_name(name: str, short: str) -> None:
    assert _load_build_script().short_name(name) == short


def test_stopwords_all_name_real_places() -> None:
    rows = _rows()
    shorts = {r["short"] for r in rows if r["short"]}
    fulls = {r["name"] for r in rows}
    for raw in STOPWORDS_TXT.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("="):
            assert line[1:] in fulls, line
        elif line.startswith("!"):  # contains a place name, or runs into one (美丽|江苏 hides 丽江)
            word = line[1:]
            names = shorts | fulls
            assert any(s in word for s in names) or any(
                s.startswith(word[k:]) for k in range(1, len(word)) for s in names
            ), line
        else:
            assert line in shorts, line


# ------------------------------------------------------------------------------------------- lookup

JIANGYAN = Place("姜堰区", "321204", "county", "江苏省", "泰州市", "321200", "姜堰区")
HUAIAN = Place("淮安市", "320800", "prefecture", "江苏省", "淮安市", "320800", "")


@pytest.mark.parametrize(
    ("name", "province_hint", "city_hint", "code"),
    [
        ("淮安", "", "", "320800"),
        ("淮安市", "", "", "320800"),
        ("淮安区", "", "", "320803"),
        ("姜堰区", "", "", "321204"),
        ("姜堰", "", "", "321204"),
        ("泰州", "", "", "321200"),
        ("淄博", "", "", "370300"),
        ("秦皇岛", "", "", "130300"),
        ("秦皇岛市", "", "", "130300"),
        # ambiguous names
        ("朝阳", "", "", "211300"),  # 朝阳市 beats the districts named 朝阳区
        ("朝阳区", "", "", None),
        ("朝阳区", "北京", "", "110105"),
        ("朝阳区", "", "长春市", "220104"),
        ("朝阳区", "220000", "", "220104"),
        ("通州区", "", "", None),
        ("通州区", "江苏", "", "320612"),
        ("通州区", "", "北京市", "110112"),
        ("通州区", "", "南通", "320612"),
        ("鼓楼区", "", "", None),
        ("鼓楼区", "江苏省", "", None),  # 南京 and 徐州 both have one
        ("鼓楼区", "", "南京", "320106"),
        ("鼓楼区", "", "350100", "350102"),
        ("吉林", "", "", "220000"),
        ("吉林市", "", "", "220200"),
        ("长沙", "", "", "430100"),
        ("长沙县", "", "", "430121"),
        # municipalities
        ("北京", "", "", "110000"),
        ("上海市", "", "", "310000"),
        ("浦东新区", "", "", "310115"),
        ("浦东", "", "", "310115"),
        # county-level cities run by the province, autonomous prefectures
        ("仙桃", "", "", "429004"),
        ("济源市", "", "", "419001"),
        ("东莞市", "", "", "441900"),
        ("恩施", "", "", "422800"),
        ("恩施州", "", "", "422800"),
        ("恩施土家族苗族自治州", "", "", "422800"),
        ("恩施市", "", "", "422801"),
        ("延边朝鲜族自治州", "", "", "222400"),
        ("新疆", "", "", "650000"),
        # pinyin and chains
        ("zibo", "", "", "370300"),
        ("HuaiAn", "", "", "320800"),
        ("taizhou", "", "", None),  # 泰州 or 台州
        ("江苏省泰州市姜堰区", "", "", "321204"),
        ("江苏 淮安", "", "", "320800"),
        ("淮安日报", "", "", None),
        ("", "", "", None),
        ("火星市", "", "", None),
    ],
)
def test_lookup(name: str, province_hint: str, city_hint: str, code: str | None) -> None:
    place = lookup(name, province_hint, city_hint)
    assert (place.code if place else None) == code


def test_lookup_place_fields() -> None:
    assert lookup("姜堰") == JIANGYAN
    assert lookup("淮安市") == HUAIAN
    assert lookup("江苏") == Place("江苏省", "320000", "province", "江苏省", "", "", "")
    assert lookup("北京") == Place("北京市", "110000", "province", "北京市", "北京市", "110000", "")
    assert lookup("朝阳区", "北京市") == Place("朝阳区", "110105", "county", "北京市", "北京市", "110000", "朝阳区")
    assert lookup("仙桃") == Place("仙桃市", "429004", "county", "湖北省", "仙桃市", "429004", "")


def test_city_of_code_and_all_places() -> None:
    assert city_of_code("320800") == HUAIAN
    assert city_of_code("110000").name == "北京市"
    assert city_of_code("429004").name == "仙桃市"
    assert city_of_code("321204") is None  # a county is not a city
    assert city_of_code("320000") is None  # nor a province
    assert city_of_code("999999") is None
    assert city_of_code("") is None
    places = all_places()
    assert len(places) == len(_rows())
    assert [p.code for p in places] == sorted(p.code for p in places)
    for p in places:
        if p.city_code:
            assert city_of_code(p.city_code) is not None, p


# ------------------------------------------------------------------------------------------- find_places


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # overlaps: longest match wins and nothing is matched inside a longer name
        ("淮安市淮安区", [("淮安市", "320800"), ("淮安区", "320803")]),
        ("淮安", [("淮安", "320800")]),
        ("淮安区", [("淮安区", "320803")]),
        ("江苏省泰州市姜堰区", [("江苏省", "320000"), ("泰州市", "321200"), ("姜堰区", "321204")]),
        ("淮安区域经济", [("淮安", "320800")]),
        # county short names need the full name or the parent right before them
        ("姜堰的做法", []),
        ("姜堰区总工会。姜堰", [("姜堰区", "321204"), ("姜堰", "321204")]),
        ("泰州姜堰", [("泰州", "321200"), ("姜堰", "321204")]),
        # stopwords and ordinary words
        ("新华社记者报道", []),
        ("中山公园里的孙中山像", []),
        ("中山市总工会。中山", [("中山市", "442000"), ("中山", "442000")]),
        ("朝阳产业", []),
        ("朝阳市。朝阳", [("朝阳市", "211300"), ("朝阳", "211300")]),
        ("北京路与南京大学", []),
        ("南京大学生", [("南京", "320100")]),
        ("维护长治久安", []),
        ("建设美丽江苏", [("江苏", "320000")]),
        ("美丽淮安", [("淮安", "320800")]),
        ("平安顺利", []),
        ("天南海北", []),
        ("隆重庆祝", []),
        ("聚焦作风建设", []),
        ("开展安康杯竞赛", []),
        ("真金白银", []),
        ("全国示范县", []),
        ("城区工会", []),
        ("长治市城区", [("长治市", "140400"), ("城区", "140402")]),
        ("合作市场", []),
        ("吉林大学", []),
        ("吉林省", [("吉林省", "220000")]),
        # ambiguous names settled by context, else dropped
        ("鼓楼区", []),
        ("南京市鼓楼区", [("南京市", "320100"), ("鼓楼区", "320106")]),
        ("北京市朝阳区", [("北京市", "110000"), ("朝阳区", "110105")]),
        ("长春市朝阳区", [("长春市", "220100"), ("朝阳区", "220104")]),
        ("通州区", []),
        ("南通市通州区", [("南通市", "320600"), ("通州区", "320612")]),
        ("恩施州", [("恩施州", "422800")]),
    ],
)
def test_find_places(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(h.surface, h.place.code) for h in find_places(text)] == expected


def test_find_places_offsets() -> None:
    text = "据悉,江苏省泰州市姜堰区总工会"
    hits = find_places(text)
    assert hits == [
        PlaceHit(lookup("江苏省"), 3, 6, "江苏省"),
        PlaceHit(lookup("泰州"), 6, 9, "泰州市"),
        PlaceHit(JIANGYAN, 9, 12, "姜堰区"),
    ]
    for h in hits:
        assert text[h.start : h.end] == h.surface
    assert find_places("") == []


# ------------------------------------------------------------------------------------------- resolve

HUAIAN_TITLE = "淮安：产改激活产业工人一池春水"
HUAIAN_TEXT = (
    "第A02版:要闻\n\n淮安产改工作再上新台阶\n\n"
    "今年以来,淮安市总工会把产业工人队伍建设改革作为重点任务,在全省率先出台技能人才激励办法,"
    "淮安全市新建劳模创新工作室12家。\n"
    "在江苏省总工会的指导下,淮安聚焦先进制造业,培育技能人才3000余人。中央广播电视总台记者来淮采访,"
    "新华社也作了报道。\n"
    "淮安还与上海一家企业合作,引进培训课程。淮安各县区积极跟进,淮阴区、清江浦区各举办一场技能竞赛。\n"
    "江苏工会服务网上线后,淮安职工可在线报名。"
)

ZIBO_TITLE = "发布会上晒成绩单 淄博产改五年见实效"
ZIBO_TEXT = (
    "鲁中网淄博7月3日讯(记者 李明)7月3日,淄博市政府新闻办召开新闻发布会,"
    "市总工会负责同志介绍全市产业工人队伍建设改革情况。\n"
    "五年来,淄博市累计培训职工10万人次。山东省总工会对淄博的做法给予肯定。淄博将继续深化改革。"
)

QHD_TEXT = (
    "近日,秦皇岛市印发深化产业工人队伍建设改革试点工作方案。根据方案,秦皇岛市将从思想引领、"
    "建功立业、素质提升等方面入手,形成一批可复制的经验。\n"
    "秦皇岛市现有职工40余万人。河北省总工会有关负责同志表示,北戴河区等试点地区要先行先试。"
)

JIANGYAN_TITLE = "姜堰:产改蹚出新路子"
JIANGYAN_TEXT = (
    "在全省产业工人队伍建设改革推进会上,姜堰区委的经验做法引起与会者关注。近年来,"
    "姜堰坚持高位推动,把产改纳入全区重点工作。\n"
    "姜堰区总工会牵头建立联席会议制度,在泰州率先开通职工技能提升线上平台。"
    "姜堰还获评江苏省产改示范点。姜堰区各镇街道均建立职工服务站。"
)

TAIZHOU_TITLE = "“四心”聚力推产改——泰州产改工作巡礼"
TAIZHOU_TEXT = (
    "泰州市人大常委会副主任、市总工会主席调研产改试点企业\n\n"
    "泰州市“五小”创新竞赛启动仪式\n\n"
    "泰州市职工技能大赛现场\n\n"
    "海陵区职工书屋揭牌\n\n"
    "姜堰区劳模工作室交流活动\n\n"
    "靖江市产业工人夜校开课\n\n"
    "近年来,泰州市总工会围绕产改目标任务,推出四心行动。泰州全市新增高技能人才5000余人,"
    "一批职工获评江苏省劳动模范。泰州还建立产改联席会议制度。"
)

PROVINCE_TITLE = "江苏省总工会召开全省产改推进会"
PROVINCE_TEXT = (
    "日前,江苏省总工会召开全省产业工人队伍建设改革推进会。会议指出,全省各级工会要扎实推进产改。"
    "南京、苏州等地作交流发言。\n"
    "会议要求,江苏各地要把产改工作抓实抓细,江苏省总工会将加强督查。"
)

BEIJING_TITLE = "朝阳区总工会推进产改试点"
BEIJING_TEXT = (
    "北京市朝阳区总工会日前召开产业工人队伍建设改革试点推进会。朝阳区将在重点企业开展试点,"
    "朝阳区总工会负责同志表示,要让产业工人有更多获得感。"
)

XIANTAO_TEXT = (
    "仙桃市总工会日前召开产改工作推进会,湖北省总工会有关负责同志出席。"
    "仙桃将持续推进产业工人队伍建设改革,仙桃市各企业积极参与。"
)

ENSHI_TEXT = (
    "恩施州总工会近日召开全州产改推进会。恩施土家族苗族自治州将推动产改向纵深发展,"
    "利川市、恩施市作交流发言。恩施州各县市要抓好落实。"
)

GULOU_TEXT = "南京市鼓楼区总工会召开产改推进会。鼓楼区将建设一批职工服务阵地,鼓楼区总工会负责落实。"

PASSING_TEXT = (
    "北京时间6月1日,泰州市总工会发布产改成果。为维护长治久安、建设美丽江苏,泰州全市工会开展安康杯竞赛,"
    "新华社、中央广播电视总台等媒体报道。泰州一家企业总部设在上海,位于中山路的泰州职工服务中心同步开放。"
    "泰州市产改工作得到江苏省总工会肯定。"
)

VAGUE_TEXT = "日前,市总工会召开产业工人队伍建设改革推进会,全市各级工会负责同志参加会议。"


@pytest.mark.parametrize(
    ("title", "text", "hints", "code", "city_code"),
    [
        (HUAIAN_TITLE, HUAIAN_TEXT, ["淮安日报"], "320800", "320800"),
        (HUAIAN_TITLE, HUAIAN_TEXT, [], "320800", "320800"),
        (ZIBO_TITLE, ZIBO_TEXT, [], "370300", "370300"),
        ("", ZIBO_TEXT, [], "370300", "370300"),  # the 鲁中网淄博 dateline alone is enough
        ("", QHD_TEXT, [], "130300", "130300"),
        (JIANGYAN_TITLE, JIANGYAN_TEXT, [], "321204", "321200"),
        (TAIZHOU_TITLE, TAIZHOU_TEXT, [], "321200", "321200"),
        (PROVINCE_TITLE, PROVINCE_TEXT, [], "320000", ""),
        (BEIJING_TITLE, BEIJING_TEXT, [], "110105", "110000"),
        ("", XIANTAO_TEXT, [], "429004", "429004"),
        ("", ENSHI_TEXT, [], "422800", "422800"),
        ("", GULOU_TEXT, [], "320106", "320100"),
        ("泰州产改成果发布", PASSING_TEXT, [], "321200", "321200"),
        ("市总工会召开产改推进会", VAGUE_TEXT, ["zibo"], "370300", "370300"),
        (
            "市总工会召开产改推进会",
            VAGUE_TEXT,
            ["http://www.zibo.gov.cn/art/2022/6/28/x.html"],
            "370300",
            "370300",
        ),
        ("市总工会召开产改推进会", VAGUE_TEXT, ["淄博日报"], "370300", "370300"),
        ("市总工会召开产改推进会", VAGUE_TEXT, ["http://www.example.cn/dongtai/yuanqu/"], None, None),
        ("市总工会召开产改推进会", VAGUE_TEXT, ["新华日报", "东方网"], None, None),
        ("市总工会召开产改推进会", VAGUE_TEXT, [], None, None),
        ("", "", [], None, None),
    ],
)
def test_resolve_report_place(title: str, text: str, hints: list[str], code: str | None, city_code: str | None) -> None:
    place = resolve_report_place(title, text, hints)
    assert (place.code if place else None) == code
    assert (place.city_code if place else None) == city_code


def test_resolve_county_report_keeps_city() -> None:
    assert resolve_report_place(JIANGYAN_TITLE, JIANGYAN_TEXT) == JIANGYAN


def test_resolve_county_named_with_its_city_every_time() -> None:
    text = "泰州市姜堰区总工会召开产改推进会。泰州市姜堰区将建立职工服务站,泰州市姜堰区各企业积极参与。"
    assert resolve_report_place("", text).code == "321204"


def test_resolve_title_outweighs_body_counts() -> None:
    text = "淮安的20名工匠来到南京,与南京企业职工交流。南京市总工会负责同志介绍经验,淮安工匠表示收获很大。"
    assert resolve_report_place("淮安工匠外出学习交流", text).code == "320800"
    assert resolve_report_place("", text).code == "320100"


def test_resolve_city_report_with_several_districts() -> None:
    text = (
        "泰州市总工会部署产改工作。海陵区、姜堰区率先试点,海陵区建成职工服务站,姜堰区开展技能竞赛,"
        "海陵区还举办了劳模宣讲。泰州将总结推广经验。"
    )
    assert resolve_report_place("", text).code == "321200"


def test_resolve_hint_outweighs_a_passing_city() -> None:
    text = "市总工会组织职工赴南京参观学习,全市产改工作稳步推进。"
    assert resolve_report_place("", text, ["淮安日报"]).code == "320800"


def test_resolve_a_provinces_roundup_of_its_cities_to_the_province() -> None:
    text = (
        "全省产改推进会在南京召开。苏州市总工会介绍,苏州新建工会组织420家;无锡市新增高技能人才3100人,"
        "无锡还建成驿站86个;南京市开展技能竞赛260场,南京职工参赛8万人次;苏州、无锡、南京作了交流发言。"
        "江苏省总工会将推广三地经验。"
    )
    assert resolve_report_place("各市产改成绩单出炉", text).code == "320000"
    # one city that leads its neighbours clearly is the report's city, and a city in the title decides
    one_city = (
        "苏州市总工会召开产改推进会。苏州新建工会组织420家,苏州市新增高技能人才3100人,苏州建成驿站86个,"
        "苏州职工赴南京、无锡、常州学习交流。"
    )
    assert resolve_report_place("", one_city).code == "320500"
    assert resolve_report_place("无锡产改成绩单出炉", text).code == "320200"


def test_a_county_renamed_since_the_division_table_is_found_under_its_new_suffix() -> None:
    # 宁乡县 became 宁乡市 (2017), 即墨市 became 即墨区 (2017), 吴江市 became 吴江区 (2012): texts use both
    assert [(h.place.code, h.surface) for h in find_places("宁乡市总工会和即墨区、吴江市的职工")] == [
        ("430124", "宁乡市"),
        ("370282", "即墨区"),
        ("320509", "吴江市"),
    ]
    place = resolve_report_place("宁乡市产改工作推进会召开", "宁乡市总工会近日召开推进会,全市新建工会组织120家。")
    assert place is not None and (place.code, place.city) == ("430124", "长沙市")
    # a name another place has is not taken over (中山区 of 大连 does not make 中山市 a county)
    assert {h.place.code for h in find_places("中山市")} == {"442000"}
