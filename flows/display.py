"""Chinese display text for charts and pages: indicator and period names, figures written the way reports write them."""

from __future__ import annotations

import math
from functools import cache

from parsers.classify import taxonomy

PERIOD_NAMES = {
    "cumulative": "累计",
    "annual": "年度",
    "change": "新增",
    "stock": "现有",
    "unknown": "口径未注明",
}
# Which of a city's series stands for it in a cross-city comparison (flows/compare.py) and leads its
# page (flows/site_views.py rank_series): the indicator's most common unit (so cities can be compared
# at all), city-wide before a district's, levels before flows, the longest and newest.
PERIOD_RANK = {"cumulative": 0, "stock": 1, "annual": 2, "change": 3, "unknown": 4}
CATEGORY_NAMES = {
    "organisation": "组织推进",
    "skills": "技能培训",
    "talent": "人才队伍",
    "innovation": "创新创造",
    "competition": "劳动竞赛",
    "union": "工会与党建",
    "workforce": "职工队伍",
    "representation": "政治地位",
    "rights": "权益维护",
    "welfare": "帮扶保障",
    "enterprises": "企业参与",
    "other": "其他",
}
# Short names for chart titles and table headers; the taxonomy's names list every wording.
SHORT_NAMES = {
    "policy_measures": "改革举措与政策",
    "joint_meeting_departments": "联席会议成员部门",
    "pilot_units": "试点单位",
    "media_reports": "媒体报道",
    "culture_events": "文化宣讲活动",
    "training_person_times": "技能培训人次",
    "trained_people": "培训人数",
    "training_funds": "培训资金",
    "training_subsidy_per_person": "人均培训补贴",
    "skill_upgrades": "技能与学历提升",
    "high_skilled_talents": "高技能人才",
    "skilled_workers": "技术工人总量",
    "craftsmen": "工匠",
    "model_workers": "劳动模范",
    "labor_medals": "五一劳动奖章",
    "innovation_studios": "创新工作室",
    "innovation_results": "创新成果与专利",
    "skill_competitions": "劳动和技能竞赛",
    "competition_participants": "竞赛参与",
    "training_bases": "培训与实训基地",
    "skill_eval_institutions": "技能评价机构",
    "new_union_orgs": "新建工会组织",
    "new_union_members": "新增工会会员",
    "new_party_members": "新发展党员",
    "party_orgs": "新建党组织",
    "workforce": "职工总数",
    "representation_share": "代表委员中产业工人占比",
    "representation_change": "产业工人代表增减",
    "frontline_share": "一线职工占比",
    "legal_services": "法律服务",
    "disputes_mediated": "调解劳动纠纷",
    "wages_recovered": "清欠劳动报酬",
    "workers_helped": "受帮助劳动者",
    "collective_bargaining_rate": "集体协商与民主管理",
    "mutual_aid_members": "医疗互助保障",
    "relief_funds": "帮扶救助资金",
    "service_sites": "服务阵地",
    "volunteers": "职工志愿者",
    "safety_change": "安全生产变化",
    "enterprises_covered": "参与企业",
}
# One colour per city, the same in every chart.
PALETTE = (
    "#1f5f8b",
    "#d1495b",
    "#e09f3e",
    "#2a9d8f",
    "#6d597a",
    "#5c8001",
    "#9e2a2b",
    "#457b9d",
    "#b56576",
    "#3d405b",
)
QUALIFIER_PREFIX = {"approx": "约", "at_most": "不到"}


@cache
def indicator_order() -> dict[str, int]:
    return {ind: i for i, ind in enumerate(taxonomy().indicators)}


def indicator_name(indicator: str) -> str:
    if indicator in SHORT_NAMES:
        return SHORT_NAMES[indicator]
    ind = taxonomy().indicators.get(indicator)
    return ind.name if ind else indicator


def indicator_category(indicator: str) -> str:
    ind = taxonomy().indicators.get(indicator)
    return ind.category if ind else "other"


def _trim(number: float, decimals: int) -> str:
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_number(value: float, unit: str = "") -> str:
    """183000 -> 18.3万, 315000000 -> 3.15亿, 1380 -> 1,380, 5.72 -> 5.72 (percentages stay plain)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if unit == "%":
        return _trim(value, 2)
    magnitude = abs(value)
    if magnitude >= 1e8:
        return _trim(value / 1e8, 2) + "亿"
    if magnitude >= 1e4:
        return _trim(value / 1e4, 2) + "万"
    return _trim(value, 2)


def format_value(value: float, unit: str, qualifier: str = "", value_high: float | None = None) -> str:
    """A figure as a report would write it: 18.3万人次, 约520万元, 300余项, 1,500–4,000元."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = format_number(value, unit)
    if qualifier == "range" and value_high is not None and not math.isnan(value_high):
        text = f"{text}–{format_number(value_high, unit)}"
    if qualifier == "at_least":
        text += "余"
    return QUALIFIER_PREFIX.get(qualifier, "") + text + unit


def format_change(change: float, unit: str) -> str:
    """+5.7万人次, −3人, ±0 (a signed change for tables)."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return ""
    if change == 0:
        return "±0"
    sign = "+" if change > 0 else "−"
    return sign + format_number(abs(change), unit) + ("个百分点" if unit == "%" else unit)


def format_pct(pct: float) -> str:
    if pct is None or (isinstance(pct, float) and math.isnan(pct)):
        return ""
    if pct == 0:
        return "0%"
    return ("+" if pct > 0 else "−") + _trim(abs(pct), 1) + "%"


def series_title(indicator: str, label: str, period: str) -> str:
    """技能培训人次 · 职业技能培训（累计）."""
    name = indicator_name(indicator)
    label = label or ""
    body = name if not label or label == name else f"{name} · {label}"
    return f"{body}（{PERIOD_NAMES.get(period, period)}）"
