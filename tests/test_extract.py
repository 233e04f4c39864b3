"""Indicator, period and label of figures in sentences written for these tests (not from the seeds)."""

from __future__ import annotations

import pytest

from parsers.extract import extract
from parsers.normalize import normalize_text

# (sentence, mention, indicator, period)
CASES = [
    ("截至去年底,全市累计开展职业技能培训26.4万人次。", "26.4万人次", "training_person_times", "cumulative"),
    # a change word attached to the figure decides before the year framing; a plain verb does not
    ("今年以来,市总工会新建基层工会组织430家,发展会员2.1万人。", "430家", "new_union_orgs", "change"),
    ("今年以来,市总工会新建基层工会组织430家,发展会员2.1万人。", "2.1万人", "new_union_members", "annual"),
    ("全区新增高技能人才1200人。", "1200人", "high_skilled_talents", "change"),
    ("全市现有职工92万余人。", "92万余人", "workforce", "stock"),
    ("全市技术工人总量达到41万人。", "41万人", "skilled_workers", "stock"),
    ("五年来,工会为职工追回欠薪1.2亿元。", "1.2亿元", "wages_recovered", "cumulative"),
    ("共调解劳动争议案件836件。", "836件", "disputes_mediated", "unknown"),
    ("累计命名市级劳模工匠创新工作室87个。", "87个", "innovation_studios", "cumulative"),
    ("职工提出合理化建议3200条,取得国家专利215项。", "215项", "innovation_results", "unknown"),
    ("每年举办职业技能竞赛项目30个。", "30个", "skill_competitions", "annual"),
    ("全年共有12万人次职工参加各类劳动和技能竞赛。", "12万人次", "competition_participants", "annual"),
    ("建成省级高技能人才公共实训基地5个。", "5个", "training_bases", "unknown"),
    ("遴选第三方技能评价机构18家。", "18家", "skill_eval_institutions", "unknown"),
    ("本届市人大代表中产业工人占比为6.3%,比上届增加21名。", "6.3%", "representation_share", "stock"),
    ("本届市人大代表中产业工人占比为6.3%,比上届增加21名。", "21名", "representation_change", "change"),
    ("全市工资集体协商覆盖率达92%。", "92%", "collective_bargaining_rate", "stock"),
    ("向困难职工发放帮扶救助资金2300万元。", "2300万元", "relief_funds", "unknown"),
    ("新建户外劳动者服务驿站120个。", "120个", "service_sites", "change"),
    ("组建职工志愿服务队伍,注册职工志愿者1.5万人。", "1.5万人", "volunteers", "unknown"),
    ("今年全市生产安全事故起数同比下降18.5%。", "18.5%", "safety_change", "annual"),
    ("全市共有4.3万名职工参加医疗互助保障。", "4.3万名", "mutual_aid_members", "stock"),
    ("发放职工技能提升补贴1860万元。", "1860万元", "training_funds", "unknown"),
    ("对取得高级工证书的职工每人补贴2000元。", "2000元", "training_subsidy_per_person", "unknown"),
    ("累计培育各级工匠620名,其中首席技师45名。", "45名", "craftsmen", "cumulative"),
    ("评选全国劳动模范3人、省劳动模范28人。", "28人", "model_workers", "unknown"),
    ("获得全国五一劳动奖章11人。", "11人", "labor_medals", "unknown"),
    ("出台产改配套政策文件25个。", "25个", "policy_measures", "unknown"),
    ("确定市级产改试点企业40家。", "40家", "pilot_units", "unknown"),
    ("在主流媒体刊发产改宣传报道86篇。", "86篇", "media_reports", "unknown"),
    ("开展劳模工匠宣讲活动240场。", "240场", "culture_events", "unknown"),
    ("新发展产业工人党员512名。", "512名", "new_party_members", "change"),
    ("在非公企业新建党组织76个。", "76个", "party_orgs", "change"),
    ("为1.2万名农民工提供法律服务3.4万人次。", "3.4万人次", "legal_services", "unknown"),
    ("一线职工占职代会代表比例达65%。", "65%", "frontline_share", "stock"),
    # a number after 总数/人数 is a count (数 alone before a Chinese numeral is vague: 数万名)
    ("年末全县职工总数21.5万人。", "21.5万人", "workforce", "stock"),
    # a cut-off date frames a level unless a verb makes the figure a running total
    ("情况通报。截至9月底,全县产业工人约7.2万人。", "7.2万人", "other", "stock"),
    ("情况通报。截至9月底,全县累计开展职业技能培训3.1万人次。", "3.1万人次", "training_person_times", "cumulative"),
    ("情况通报。截至9月底,全县开展职业技能培训3.1万人次。", "3.1万人次", "training_person_times", "cumulative"),
    ("全县已组建产改试点企业36家。", "36家", "pilot_units", "stock"),
    # the noun after the figure goes on through words that hold a one-character stop (共, 中, 在)
    ("今年新建8个公共实训基地。", "8个", "training_bases", "change"),
    ("全市建成12个职工服务中心。", "12个", "service_sites", "unknown"),
    ("全区新建5个技能实训中心。", "5个", "training_bases", "change"),
    # a measure word before a noun that starts like another word: 家中小企业, 所学校
    ("今年推动1200家中小企业新建工会组织。", "1200家", "new_union_orgs", "annual"),
    ("依托3所学院开设订单班。", "3所", "training_bases", "unknown"),
    # an aside in brackets after a figure counts a part of it, not what it counts
    ("全市共有职工书屋326家(其中省级示范点42家)。", "326家", "service_sites", "stock"),
    # a change verb ends the noun after a figure, and a level after it counts what the first counted
    ("全市产业工人总数由2018年的80万人增加到目前的120万人。", "80万人", "workforce", "stock"),
    ("全市产业工人总数由2018年的80万人增加到目前的120万人。", "120万人", "workforce", "stock"),
    ("通过技能提升,一线职工人均增收800元。", "800元", "other", "change"),
    # money per person is a training subsidy when it pays for training or a qualification gained,
    # not when it rewards an honour, pays an allowance or funds a site
    ("对取得技师证书的职工,每人给予3000元奖励。", "3000元", "training_subsidy_per_person", "unknown"),
    ("新当选的市劳动模范由市政府颁发证书,并给予每人1万元奖励。", "1万元", "other", "unknown"),
    ("高级技师每月可领取技能津贴1500元。", "1500元", "other", "unknown"),
    ("对新建的职工驿站按每个3万元给予建设补助。", "3万元", "other", "unknown"),
    # a part after a comparison belongs to the total before it; 全区有 states a total
    ("全省产业工人总量136.5万人,比上年末增加4.2万人,其中技能人才52.6万人。", "52.6万人", "skilled_workers", "stock"),
    ("全省产业工人总量136.5万人,比上年末增加4.2万人,其中技能人才52.6万人。", "4.2万人", "workforce", "change"),
    ("全市开展培训1.2万人次,同比增长12%,其中农民工5000人次。", "5000人次", "training_person_times", "unknown"),
    ("目前全区有职工约38万人。", "38万人", "workforce", "stock"),
    # periods: a difference in 百分点 is a change, so is 多了; 达到 states a level; a sentence opened by
    # 每年 is annual; a year that starts a span (…以来) frames a running total
    ("与上年相比,这一比重提高了1.6个百分点。", "1.6个百分点", "other", "change"),
    ("“考了技师证后,每个月工资多了800元。”", "800元", "other", "change"),
    ("到2025年,全市高技能人才总量力争达到3.5万人。", "3.5万人", "high_skilled_talents", "stock"),
    ("每年春节前,市总工会为两千多名困难职工发放慰问金。", "两千多名", "workers_helped", "annual"),
    ("去年11月专项行动开展以来,全市为6420名农民工追回工资1.02亿元。", "1.02亿元", "wages_recovered", "cumulative"),
    # honours: a title granted after the figure, a relative clause naming the honour before it
    ("市政府决定,授予200名同志“市劳动模范”称号。", "200名", "model_workers", "unknown"),
    ("大会对荣获市五一劳动奖章的120名职工进行表彰。", "120名", "labor_medals", "unknown"),
    ("对受灾的860户困难职工家庭开展专项帮扶。", "860户", "workers_helped", "unknown"),
    ("去年共召开全体会议和专题会议5次。", "5次", "other", "annual"),
    ("新设数控、焊接等实训室6个。", "6个", "training_bases", "unknown"),
    # figures of one list share the noun after the last of them
    ("对取得高级工、技师证书的职工,分别给予1000元、2000元奖励。", "1000元", "training_subsidy_per_person", "unknown"),
    ("对取得高级技师证书的职工,每人每月给予技能津贴800元。", "800元", "other", "unknown"),
]


@pytest.mark.parametrize(("sentence", "mention", "indicator", "period"), CASES)
def test_indicator_and_period(sentence: str, mention: str, indicator: str, period: str) -> None:
    found = {m.mention: m for m in extract(normalize_text(sentence))}
    assert mention in found, f"{mention} not extracted from {sentence}: {list(found)}"
    assert (found[mention].indicator, found[mention].period) == (indicator, period)


def test_every_core_indicator_is_exercised() -> None:
    from parsers.classify import taxonomy

    covered = {c[2] for c in CASES}
    missing = (
        set(taxonomy().indicators)
        - covered
        - {
            "other",
            "joint_meeting_departments",
            "enterprises_covered",
            "skill_upgrades",
            "workers_helped",
            "trained_people",
        }
    )
    assert not missing


def test_labels_keep_distinct_figures_distinct() -> None:
    text = "2019年以来,全市涌现出全国劳模6人、省劳模52人和市劳模200人。"
    labels = [m.label for m in extract(text)]
    assert labels == ["全国劳模", "省劳模", "市劳模"]


def test_evidence_is_the_sentence_and_offsets_point_into_text() -> None:
    text = normalize_text("第一句没有数字。累計完成培訓18.3萬人次,發(fā)放資金3.15億元。第三句。")
    ms = extract(text)
    assert [m.mention for m in ms] == ["18.3万人次", "3.15亿元"]
    for m in ms:
        assert text[m.char_start : m.char_end] == m.mention
        assert m.evidence == "累计完成培训18.3万人次,发放资金3.15亿元。"


def test_lists_share_the_qualifier_and_the_verb() -> None:
    ms = extract("每年约有7000余家企业、2万个车间班组、60万人次参与各类竞赛。")
    assert [(m.qualifier, m.period) for m in ms] == [("at_least", "annual"), ("approx", "annual"), ("approx", "annual")]
    assert ms[2].indicator == "competition_participants"


def test_decrease_is_negative_for_each_item() -> None:
    ms = extract("全区今年生产安全事故起数和死亡人数同比下降45%、30.5%。")
    assert [m.value for m in ms] == [-45.0, -30.5]


def test_a_level_word_alone_continues_the_previous_noun() -> None:
    ms = extract("截至2023年底,全市有省级以上劳模工匠创新工作室46家,市级156家。")
    assert [(m.indicator, m.label) for m in ms] == [
        ("innovation_studios", "创新工作室"),
        ("innovation_studios", "市级创新工作室"),
    ]


def test_quoted_titles_keep_series_apart() -> None:
    ms = extract("累计命名“无锡工匠”320名、“无锡大工匠”18名。")
    assert [(m.indicator, m.label) for m in ms] == [("craftsmen", "无锡工匠"), ("craftsmen", "无锡大工匠")]


def test_participants_named_before_the_competition() -> None:
    ms = extract("全年开展劳动竞赛1.2万场,参与职工超过300万人次。")
    assert [(m.indicator, m.qualifier) for m in ms] == [
        ("skill_competitions", "exact"),
        ("competition_participants", "at_least"),
    ]


def test_year_on_year_change_is_a_change_unless_a_year_frames_it() -> None:
    (m,) = extract("全市生产安全事故死亡人数同比下降12.5%。")
    assert (m.value, m.indicator, m.period) == (-12.5, "safety_change", "change")
    (m,) = extract("今年全市生产安全事故死亡人数同比下降12.5%。")
    assert m.period == "annual"


def test_table_cells_take_their_unit_and_year_from_the_headers() -> None:
    text = "\n".join(
        [
            "主要指标如下:",
            "| 指标 | 2023年 | 2024年 |",
            "| --- | --- | --- |",
            "| 补贴性职业技能培训(万人次) | 6.1 | 7.4 |",
            "| 新建工会组织(家) | 386 | 412 |",
            "| 备注 | 无 | 2024年为预计数 |",
        ]
    )
    got = [(m.mention, m.value, m.unit, m.indicator, m.period) for m in extract(text)]
    assert got == [
        ("6.1", 61000.0, "人次", "training_person_times", "annual"),
        ("7.4", 74000.0, "人次", "training_person_times", "annual"),
        ("386", 386.0, "家", "new_union_orgs", "change"),
        ("412", 412.0, "家", "new_union_orgs", "change"),
    ]
    assert all(text[m.char_start : m.char_end] == m.mention and m.mention in m.evidence for m in extract(text))


def test_a_pipe_table_with_a_unit_column_and_a_number_column() -> None:
    text = "\n".join(
        [
            "上半年主要指标完成情况如下:",
            "| 序号 | 指标 | 单位 | 全年目标 | 1—6月完成 |",
            "|---|---|---|---|---|",
            "| 1 | 补贴性职业技能培训 | 万人次 | 6 | 3.25 |",
            "| 2 | 追回欠薪 | 万元 | — | 1820.5 |",
        ]
    )
    got = [(m.mention, m.value, m.unit, m.indicator, m.period) for m in extract(normalize_text(text))]
    assert got == [
        ("6", 60000.0, "人次", "training_person_times", "annual"),
        ("3.25", 32500.0, "人次", "training_person_times", "annual"),
        ("1820.5", 18205000.0, "元", "wages_recovered", "annual"),
    ]


def test_a_span_of_months_from_january_frames_that_year() -> None:
    (m,) = extract(normalize_text("1—9月,全县开展职业技能培训2.3万人次。"))
    assert m.period == "annual"
    (m,) = extract(normalize_text("截至9月底,全县开展职业技能培训2.3万人次。"))
    assert m.period == "cumulative"


FLAT_TABLE = """表2 2024年一季度各园区职工服务指标完成情况
单位:人次、万元、个
园区
技能培训(人次)
帮扶资金
新建服务站点(个)
东湖园区
4210
86.5
3
西岭园区
3075
—
2
全区合计
7285
86.5
5

注:数据截至2024年3月31日。"""


def test_a_table_flattened_one_cell_a_line_is_read_with_its_headers() -> None:
    """A table copied from a web page one cell a line: the header lines, then a label and its cells. The
    unit of a column comes from its header, else from the 单位 line (万元 for the second column here); an
    empty cell (—) keeps its column; the caption's quarter frames the period; 新建 makes a change."""
    text = normalize_text(FLAT_TABLE)
    got = [(m.mention, m.value, m.unit, m.indicator, m.period) for m in extract(text)]
    assert got == [
        ("4210", 4210.0, "人次", "training_person_times", "annual"),
        ("86.5", 865000.0, "元", "relief_funds", "annual"),
        ("3", 3.0, "个", "service_sites", "change"),
        ("3075", 3075.0, "人次", "training_person_times", "annual"),
        ("2", 2.0, "个", "service_sites", "change"),
        ("7285", 7285.0, "人次", "training_person_times", "annual"),
        ("86.5", 865000.0, "元", "relief_funds", "annual"),
        ("5", 5.0, "个", "service_sites", "change"),
    ]
    assert all(text[m.char_start : m.char_end] == m.mention for m in extract(text))


def test_a_flattened_table_with_the_unit_in_its_row_labels() -> None:
    text = normalize_text("指标\n2022年\n2023年\n新建工会组织(家)\n318\n402\n发展会员(万人)\n1.2\n1.6\n")
    got = [(m.mention, m.value, m.unit, m.indicator) for m in extract(text)]
    assert got == [
        ("318", 318.0, "家", "new_union_orgs"),
        ("402", 402.0, "家", "new_union_orgs"),
        ("1.2", 12000.0, "人", "new_union_members"),
        ("1.6", 16000.0, "人", "new_union_members"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "说明\n技能培训(人次)\n东湖园区\n4210\n",  # one row is not a table
        "一、培训\n二、竞赛\n三、帮扶\n12\n15\n四、维权\n7\n",  # the cell counts differ from row to row
        "工作要点\n技能培训(人次)\n帮扶\n东湖\n4210\n西岭\n3075\n",  # headers do not match the cells
    ],
)
def test_lines_of_bare_numbers_that_make_no_table_give_no_figures(text: str) -> None:
    assert extract(normalize_text(text)) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "一家新能源企业负责人说,企业建立了学徒制。",
        "在柳东新区一家汽车零部件企业,技能等级与薪酬挂钩。",
        "大庆是一座因油而生的城市。",
        "要把产改作为一项政治任务来抓。",
        "“现在考到高级工了。”一位90后装配工说。",
        "老张的成长,是全市推进技能强企的一个缩影。",
        "示范区走出一条产教融合培养技能人才的新路。",
        "以一家电子信息龙头企业为例,该企业建立了技能等级通道。",
        "从一名普通搬运工成长为车间主任,他用了十二年。",
        "职工讨薪可以在一个窗口办结。",
        "他带出了一个由青年技工组成的攻关小组。",
        "区内一家化工企业的一名班组长说起了变化。",
        "对申报的站点开展评估,成熟一个、挂牌一个。",
        "座谈会上,他讲了一个故事。",
        "\n“一个好建议,一年能替车间省下不少电费和耗材。”车间主任说。",
    ],
)
def test_indefinite_one_is_not_a_figure(sentence: str) -> None:
    assert extract(sentence) == []


@pytest.mark.parametrize(
    "text",
    [
        "单位:人次、万元、个",  # a table's unit line
        "补贴发放(万元)",  # a header naming its unit
        "区人社局:主要有三个方面。一是扩大培训。",  # how an answer is organised
        "(共印60份)",  # a bulletin's print run
        "数十家企业参与,几十个人报名。",  # vague amounts
    ],
)
def test_unit_labels_structure_and_print_runs_are_not_figures(text: str) -> None:
    assert extract(normalize_text(text)) == []


def test_counts_next_to_those_words_still_count() -> None:
    got = [m.mention for m in extract("方案提出5个方面18项重点任务,对每人奖励千元,近万名职工参加。")]
    assert got == ["5个", "18项", "千元", "近万名"]


def test_one_as_a_real_count_still_counts() -> None:
    assert [m.mention for m in extract("召开一次联席会议,成功获得一项省级竞赛承办权。")] == ["一次", "一项"]


def test_figures_about_the_province_or_a_district_get_their_own_place() -> None:
    from datetime import date

    from parsers.report import process_document

    text = (
        "泰州市产改工作推进会召开\n时间:2023-05-06\n"
        "全市新增高技能人才1200人,其中姜堰区新增300人;全省累计开展劳动竞赛1.2万场,泰州有23人获评省劳模。"
    )
    result = process_document(text.encode(), "file:///x/taizhou.txt", "local", None, date(2026, 1, 1))
    scopes = {m.mention: (m.scope, m.place.name if m.place else "") for m in result.mentions}
    assert scopes == {
        "1200人": ("report", ""),
        "300人": ("district", "姜堰区"),
        "1.2万场": ("province", ""),
        "23人": ("report", ""),
    }


EPAPER_PAGE = """工会周报 2024年4月2日 第03版:各地动态
衡阳:技能竞赛覆盖重点产业链
本报讯 今年一季度,衡阳市总工会组织职工技能竞赛46场,参赛职工1.3万人次。
【邵阳:驿站建设提速】
邵阳市新建户外劳动者服务站点28个,其中隆回县新建9个。
常德讯 常德市发放困难职工帮扶资金620万元。
编辑:刘某"""


def test_an_e_paper_page_gives_each_story_s_figures_the_city_its_heading_names() -> None:
    """A page carries several cities' stories: a heading (place then a mark) opens a section, and a figure
    in a section about another city than the report's is that city's, unless its clause names its own
    place (a county: 隆回县). The rows then carry that city (flows/rows.py)."""
    from datetime import date

    from flows.rows import _figure_place_columns
    from parsers.report import process_document

    result = process_document(EPAPER_PAGE.encode(), "file:///x/page3.txt", "local", None, date(2026, 1, 1))
    assert result.place is not None and result.place.name == "衡阳市"
    scopes = {m.mention: (m.scope, m.place.name if m.place else "") for m in result.mentions}
    assert scopes == {
        "46场": ("report", ""),
        "1.3万人次": ("report", ""),
        "28个": ("section", "邵阳市"),
        "9个": ("district", "隆回县"),
        "620万元": ("section", "常德市"),
    }
    report = {"city": "衡阳市", "city_code": "430400", "province": "湖南省", "district": ""}
    by_mention = {m.mention: _figure_place_columns(report, m) for m in result.mentions}
    assert by_mention["620万元"] == {"city": "常德市", "city_code": "430700", "province": "湖南省", "district": ""}
    assert by_mention["46场"] == report


def test_a_label_leaves_out_the_verb_before_the_counted_title() -> None:
    found = {m.mention: m.label for m in extract(normalize_text("全市评选出“最美职工”10名、“金牌工人”50名。"))}
    assert found == {"10名": "最美职工", "50名": "金牌工人"}


def test_a_congress_session_is_not_a_count_but_one_meeting_held_is() -> None:
    assert extract(normalize_text("关于市十五届人大三次会议第0203号建议的答复")) == []
    assert [m.mention for m in extract(normalize_text("召开一次产改联席会议,部署全年工作。"))] == ["一次"]


def test_a_clause_that_only_links_its_figure_takes_the_previous_clause_as_topic() -> None:
    def indicators(text: str) -> list[tuple[str, str]]:
        return [(m.mention, m.indicator) for m in extract(normalize_text(text))]

    assert indicators("这几年高技能人才队伍不断壮大,总量达到4.3万人。") == [("4.3万人", "high_skilled_talents")]
    assert indicators("各县区新建一批职工书屋,总数突破210家。") == [("210家", "service_sites")]
    # only the clause right before, and only when the figure's own clause names nothing
    assert indicators("高技能人才队伍不断壮大,企业数量稳步增长,达到3100人。") == [("3100人", "other")]
    assert indicators("高技能人才队伍不断壮大,今年招聘普通员工3100人。") == [("3100人", "other")]


def test_a_time_word_alone_before_a_figure_names_nothing_so_it_counts_what_the_last_figure_counted() -> None:
    found = [(m.mention, m.indicator) for m in extract(normalize_text("去年新建职工驿站120个,今年增加到185个。"))]
    assert found == [("120个", "service_sites"), ("185个", "service_sites")]


HTML_TABLE_PAGE = """<html><head><meta charset="utf-8"><title>上半年各县市区产改指标进展</title></head><body>
<div class="nav">首页 &gt; 工会动态</div><h1>上半年各县市区产改指标进展</h1>
<div class="article"><p>2024年上半年，各县市区产改重点指标进展如下：</p>
<table><tr><th>县市区</th><th>技能培训（万人次）</th><th>新建职工驿站（个）</th><th>困难帮扶（万元）</th></tr>
<tr><td>东湖区</td><td>1.4</td><td>12</td><td>236.5</td></tr>
<tr><td>西岭县</td><td>0.9</td><td>—</td><td>118</td></tr></table>
<p>下半年将继续推进。</p></div><div class="footer">备案号：赣ICP备00000000号 电话：0791-0000000</div></body></html>"""


def test_an_html_table_is_read_a_row_at_a_time_with_its_headers_units() -> None:
    """parsers/html_text.py writes a <table> a cell a line with a blank line after each row; the sentence
    that announces the table (…如下:) frames its period, as a caption does."""
    from datetime import date

    from parsers.report import process_document

    result = process_document(HTML_TABLE_PAGE.encode(), "file:///tmp/table.html", "local", None, date(2024, 8, 1))
    got = [(m.mention, m.value, m.unit, m.indicator, m.period) for m in result.mentions]
    assert got == [
        ("1.4", 14000.0, "人次", "training_person_times", "annual"),
        ("12", 12.0, "个", "service_sites", "change"),
        ("236.5", 2365000.0, "元", "relief_funds", "annual"),
        ("0.9", 9000.0, "人次", "training_person_times", "annual"),
        ("118", 1180000.0, "元", "relief_funds", "annual"),
    ]


HTML_TARGET_TABLE = """<html><head><meta charset="utf-8"><title>年度目标完成情况的通报</title></head><body>
<p>现将2023年度产改目标完成情况通报如下。</p>
<table><tr><td>序号</td><td>指标</td><td>单位</td><td>目标</td><td>完成</td></tr>
<tr><td>1</td><td>职工技能培训</td><td>万人次</td><td>4</td><td>4.35</td></tr>
<tr><td>2</td><td>困难职工帮扶资金</td><td>万元</td><td>600</td><td>655.8</td></tr></table>
<p>特此通报。</p></body></html>"""


def test_an_html_table_with_a_serial_and_a_unit_column_is_read_like_a_pipe_table() -> None:
    from datetime import date

    from parsers.report import process_document

    page = HTML_TARGET_TABLE.encode("gbk")  # GBK bytes under a utf-8 declaration, as some CMSs serve them
    result = process_document(page, "file:///tmp/targets.html", "local", None, date(2024, 2, 1))
    got = [(m.mention, m.value, m.unit, m.indicator, m.period, m.evidence) for m in result.mentions]
    row1, row2 = "1 | 职工技能培训 | 万人次 | 4 | 4.35", "2 | 困难职工帮扶资金 | 万元 | 600 | 655.8"
    assert got == [
        ("4", 40000.0, "人次", "training_person_times", "annual", row1),
        ("4.35", 43500.0, "人次", "training_person_times", "annual", row1),
        ("600", 6000000.0, "元", "relief_funds", "annual", row2),
        ("655.8", 6558000.0, "元", "relief_funds", "annual", row2),
    ]


def test_a_table_copied_with_tabs_is_read_with_its_headers_and_the_line_announcing_it() -> None:
    copied = "2024年一季度各园区进展如下:\n园区\t技能培训(万人次)\t新建职工之家(个)\n高新园\t1.2\t6\n港口园\t0.8\t3\n"
    got = [(m.mention, m.value, m.unit, m.indicator, m.period) for m in extract(normalize_text(copied))]
    assert got == [
        ("1.2", 12000.0, "人次", "training_person_times", "annual"),
        ("6", 6.0, "个", "service_sites", "change"),
        ("0.8", 8000.0, "人次", "training_person_times", "annual"),
        ("3", 3.0, "个", "service_sites", "change"),
    ]


def test_a_table_written_with_blanks_between_its_cells_is_read_as_pdf_text_gives_it() -> None:
    pdf_text = (
        "附表 2024年上半年各县市区主要指标\n"
        "县市区 技能培训(万人次) 新建职工之家(个) 单位 备注\n"  # (a 单位 header over no unit cells: read as text)
        "东湖区 1.6 14 — 示范\n"
        "西岭县 0.7 5 — 无\n"
        "序号 指标 单位 目标 完成\n"
        "1 困难职工帮扶资金 万元 500 512.5\n"
        "2 法律援助 件 300 326\n"
    )
    got = [(m.mention, m.value, m.unit, m.indicator, m.period) for m in extract(normalize_text(pdf_text))]
    assert got == [
        ("1.6", 16000.0, "人次", "training_person_times", "annual"),
        ("14", 14.0, "个", "service_sites", "change"),
        ("0.7", 7000.0, "人次", "training_person_times", "annual"),
        ("5", 5.0, "个", "service_sites", "change"),
        ("500", 5000000.0, "元", "relief_funds", "unknown"),
        ("512.5", 5125000.0, "元", "relief_funds", "unknown"),
        ("300", 300.0, "件", "legal_services", "unknown"),
        ("326", 326.0, "件", "legal_services", "unknown"),
    ]
    # a sentence with blanks and numbers is no table: no header names a unit
    assert [m.mention for m in extract(normalize_text("全市 2023 年 新建 12 家\n东区 3 4\n西区 5 6\n"))] == ["12 家"]


def test_a_share_of_a_whole_counts_what_the_clause_before_names() -> None:
    found = [(m.mention, m.indicator) for m in extract(normalize_text("全区一线技术工人约9.2万人,占职工总数的64.5%。"))]
    assert found[1] == ("64.5%", "frontline_share")
    # the whole (职工总数) is not what a share counts, and a share with no subject before it names nothing
    assert [m.indicator for m in extract(normalize_text("占职工总数的64.5%。"))] == ["other"]


def test_a_growth_rate_is_a_change() -> None:
    found = [(m.mention, m.period) for m in extract(normalize_text("职工平均工资稳步提高,增幅达6.4%。"))]
    assert found == [("6.4%", "change")]


def test_a_rank_from_the_bottom_and_a_count_of_visits_are_no_figures() -> None:
    text = normalize_text("考核排名后两位的县区将被约谈;走访服务企业460家次,新建工会组织35家。")
    assert [m.mention for m in extract(text)] == ["35家"]
