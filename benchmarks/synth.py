"""Synthetic 产改 reports for benchmarks: writes N report files (txt, md, UTF-8 or GBK html) into a folder.

Reports look like the real ones: a city from parsers/data/divisions.csv (sometimes one of its
districts), a publish date in one of the page styles the date finder reads, paragraphs of figures
in the grammar's variety (万/亿, 余/多/近/超过/左右, ranges, %, 成, decreases, Chinese numerals,
full-width digits, thousands separators) between narrative paragraphs with dates, ordinals and
slogans that are not figures. Some are traditional characters with pinyin annotations (OpenCC
s2t), some GBK html. Report i depends only on (seed, i), so the first 1 000 reports of a 10 000
set are the same 1 000 reports.

    python -m benchmarks.synth --out /tmp/reports --n 10000
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DIVISIONS = Path(__file__).resolve().parents[1] / "parsers" / "data" / "divisions.csv"
MIN_BYTES, MAX_BYTES = 2 * 1024, 20 * 1024

CN_DIGITS = "零一二三四五六七八九"
FULLWIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
# Characters that mirror sites annotate with pinyin: 發(fā)展, 產(chǎn)業, 為(wèi).
PINYIN = {"發": "fā", "產": "chǎn", "業": "yè", "為": "wèi", "長": "zhǎng", "調": "tiáo", "會": "huì", "重": "zhòng"}

# Figure sentences. {kind} slots are filled by quantity(); {city} {district} {year} {month} by the report.
FIGURES: list[str] = [
    "截至{month}月底,全市累计完成各类职业技能培训{times}",
    "今年以来,各级工会共组织职业技能培训{times},培训人员{people}",
    "职业技能提升行动资金已发放{money},培训补贴{money}",
    "按每人{subsidy}的标准给予培训补贴",
    "帮助{people}农民工实现学历提升,提升技术等级{people}",
    "新增高技能人才{people},全市高技能人才总量达{bigpeople}",
    "全市技术工人队伍{bigpeople},其中一线职工占比达{pct}",
    "培育各级工匠{people},省级首席技师{smallpeople}",
    "{year}年以来,{city}涌现出全国劳模{tinypeople}、省劳模{smallpeople}和市劳模{people}",
    "各级五一劳动奖章获得者{people}",
    "建成劳模和工匠人才创新工作室{org},技能大师工作室{smallorg}",
    "职工自主研发的实用新型和国家发明专利累计超过{items}",
    "举办各类劳动和技能竞赛{events},参赛职工{times}",
    "全市现有订单班{smallorg},建成产业学院{smallorg}",
    "遴选企业技能人才评价机构{firms}",
    "新建工会组织{firms},新增工会会员{bigpeople}",
    "全市已新发展党员{people},新组建党组织{org}",
    "出台{items}改革举措,配套文件{org}",
    "产改联席会议由{smallorg}部门组成",
    "选树{firms}试点单位,试点企业已达{firms}",
    "省级以上主流媒体刊登{city}产改报道{articles}",
    "各级工会举办产业工人文化活动{events}",
    "提供法律服务{times},成功调解劳动纠纷{cases}",
    "清欠职工工资款{money},为{people}劳动者协调解决劳动报酬",
    "工资集体协商覆盖面达{pct},民主管理建制率保持在{pct}以上",
    "全市加入职工医疗互助保障的产业工人达{bigpeople},医疗补助金累计发放{money}",
    "发放救助款物{money},慰问困难职工{people}",
    "新建扩建工人文化宫{area},建成职工服务驿站{org}",
    "招募职工志愿者{bigpeople},开展志愿服务{events}",
    "全市安全生产事故起数同比下降{pct},死亡人数同比减少{pct}",
    "每年约有{firms}企业参与技能竞赛",
    "{district}总工会投入帮扶资金{money},走访慰问一线职工{people}",
    "{district}新建职工之家{smallorg},覆盖职工{bigpeople}",
    "产业工人在市人大代表中的占比为{pct},比上届增加{tinypeople}",
    "九成以上规上企业建立了职工创新工作室,覆盖{bigpeople}",
    "全年投入职工培训经费{money},培训职工{bigpeople}",
    "开展专场招聘会{events},提供就业岗位{jobs}",
    "职工服务中心建筑面积{area},设有职工书屋{smallorg}",
    "参保职工达到{bigpeople},累计赔付医疗互助金{money}",
    "先后{tinycount}组织劳模工匠宣讲,覆盖职工{times}",
    "全年共发展新会员{people},入会宣传活动覆盖职工{times}",
    "建立“爱心互助基金”{firms},累计筹集资金{money},覆盖职工{bigpeople}",
]

# Narrative sentences with dates, ordinals, slogans and phone numbers: no figures in them.
NARRATIVE: list[str] = [
    "{city}把产业工人队伍建设改革当作深化改革的重点工作来抓,写入“十四五”发展规划",
    "{year}年{month}月,{city}召开第{ordinal}次产改工作推进会,总结推广经验做法",
    "市总工会坚持以习近平新时代中国特色社会主义思想为指导,增强“四个意识”、坚定“四个自信”、做到“两个维护”",
    "围绕思想引领、技能提升、作用发挥等重点领域,各项任务正在有序推进",
    "下一步,市总工会将继续畅通职工服务热线12351,推动改革成果更多惠及一线产业工人",
    "{district}把新就业形态劳动者作为建会入会的主攻方向,党工组织已基本实现全覆盖",
    "借助第{ordinal}届职工读书节,各级工会以诗词、书画、演讲、征文等形式丰富职工文化生活",
    "依托“1+10+N”技能培训体系,工匠学院各分院已全部开课",
    "{city}产改经验得到上级肯定,省产改办已到{city}召开现场会",
    "改革自{year}年启动以来,已纳入全市经济社会发展规划统一布局",
    "聚焦“五小”创新活动,引导职工立足岗位创新创效",
    "坚持党建带工建,推动产业工人队伍建设改革向基层延伸、向企业覆盖",
    "各级工会把学习宣传贯彻党的二十大精神作为首要政治任务,组织宣讲团深入车间班组",
    "在全省排名第{ordinal},连续三年获评先进单位",
    "通过“求学圆梦”行动,一线职工和农民工提升学历的渠道进一步拓宽",
    "全市上下形成了党委领导、政府负责、工会牵头、部门协同的工作格局",
    "{city}总工会主要负责同志表示,将把产改作为工会工作的“牛鼻子”,以钉钉子精神抓好各项改革任务落地见效",
    "聚焦产业工人思想政治引领,{city}持续开展“中国梦·劳动美”主题教育,引导广大职工听党话、跟党走",
    "在技能形成体系建设方面,{city}推动企业建立健全职工技能等级评价制度,打通技术工人职业发展通道",
    "{district}坚持把劳模精神、劳动精神、工匠精神融入职工教育全过程,营造崇尚劳动、尊重技能的浓厚氛围",
    "{year}年{month}月{ordinal}日,{city}举行产业工人队伍建设改革推进会,传达学习全省产改工作会议精神",
    "针对新就业形态劳动者流动性强、组织难度大的特点,工会创新推行“扫码入会”“集中入会”等方式",
    "各地把产改纳入党委年度综合考核,压实各级各部门责任,形成一级抓一级、层层抓落实的工作机制",
    "{city}还探索建立了产业工人技能与薪酬挂钩机制,引导企业在工资分配中向高技能人才倾斜",
    "记者从{city}总工会获悉,全市产改工作考核结果将于近期公布,考核排名靠后的单位将被约谈",
    "改革以来,一线职工的获得感、幸福感、安全感不断增强,产业工人队伍的整体素质明显提升",
]

HEADLINES = [
    "{city}产业工人队伍建设改革{half}工作综述",
    "{city}通报产业工人队伍建设改革阶段性成果",
    "奋力谱写产改新篇章——{city}推进产业工人队伍建设改革纪实",
    "{city}总工会:深化产改 助力高质量发展",
    "{short}产改这五年:技能提升与权益保障双轮驱动",
    "{district}扎实推进产业工人队伍建设改革",
]
SECTION_TITLES = [
    "党建带工建,组织覆盖持续扩大",
    "真金白银补技能,培训规模稳步扩大",
    "劳模工匠引领,创新成果不断涌现",
    "医疗互助托底,职工保障更加有力",
    "维权服务并重,劳动关系和谐稳定",
    "文化阵地建设,职工生活丰富多彩",
]
FIGURE_SHARE = 0.25  # share of figure sentences: about 12 figures per 1 000 characters, as in real reports
CN_ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


@dataclass(frozen=True)
class City:
    name: str
    short: str
    province: str
    districts: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    name: str  # file name
    content: bytes
    city: str
    publish_date: str
    encoding: str  # utf-8 | gbk
    traditional: bool


@cache
def cities() -> list[City]:
    """Prefecture-level cities with their districts and counties, from the project's division table."""
    with DIVISIONS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    counties: dict[str, list[str]] = {}
    for r in rows:
        if r["level"] == "county" and r["city_code"] != r["code"]:
            counties.setdefault(r["city_code"], []).append(r["name"])
    out = [
        City(r["name"], r["short"] or r["name"], r["province"], tuple(counties.get(r["code"], ())))
        for r in rows
        if r["level"] == "prefecture" and counties.get(r["code"])
    ]
    return sorted(out, key=lambda c: c.name)


def cn_number(n: int) -> str:
    """Chinese numerals for 1..99 999 (两千三百, 三十六, 十二)."""
    if n <= 0:
        return "零"
    parts = []
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十")]
    rest = n
    zero = False
    for size, unit in units:
        d, rest = divmod(rest, size)
        if d:
            if zero:
                parts.append("零")
                zero = False
            digit = "两" if d == 2 and size >= 1000 else CN_DIGITS[d]
            parts.append(("" if (d == 1 and size == 10 and not parts) else digit) + unit)
        elif parts:
            zero = True
    if rest:
        parts.append(("零" if zero else "") + CN_DIGITS[rest])
    return "".join(parts)


def _count(rng: random.Random, lo: int, hi: int, unit: str) -> str:
    """A count with the grammar's variety: plain, 万, 余/多, 近/超过/约, 左右, Chinese, full-width, 1,234."""
    n = int(10 ** rng.uniform(len(str(lo)) - 1, len(str(hi)))) if hi > 10 * lo else rng.randint(lo, hi)
    n = max(lo, min(hi, n))
    style = rng.random()
    if n >= 20000 and style < 0.35:
        wan = round(n / 10000, rng.choice([0, 1, 1, 2]))
        text = f"{wan:g}万"
        return rng.choice([f"{text}{unit}", f"{text}余{unit}", f"{text}多{unit}", f"近{text}{unit}"])
    if style < 0.45:
        return f"{n}{unit}"
    if style < 0.55:
        return f"{n}余{unit}" if n >= 10 else f"{n}{unit}"
    if style < 0.62:
        return f"{n}多{unit}" if n >= 10 else f"{n}{unit}"
    if style < 0.70:
        return rng.choice(["近", "超过", "约", "逾", "不到"]) + f"{n}{unit}"
    if style < 0.75:
        return f"{n}{unit}" + rng.choice(["左右", "以上"])
    if style < 0.83 and n < 100000:
        return cn_number(n) + rng.choice(["", "余" if n >= 20 else ""]) + unit
    if style < 0.88:
        return f"{n}{unit}".translate(FULLWIDTH)
    if style < 0.93 and n >= 1000:
        return f"{n:,}{unit}"
    if style < 0.97 and 10 <= n < 1000:
        return f"{n}至{n + rng.randint(2, 30)}{unit}"
    return f"{n}{unit}"


def _money(rng: random.Random) -> str:
    style = rng.random()
    if style < 0.35:
        return f"{rng.uniform(0.05, 9.9):.{rng.choice([1, 2, 3])}f}亿元"
    if style < 0.7:
        v = rng.uniform(10, 9999)
        text = f"{v:.{rng.choice([0, 1, 2])}f}"
        return rng.choice([f"{text}万元", f"{int(v)}余万元", f"约{text}万元", f"超{int(v)}万元"])
    if style < 0.8:
        return f"{rng.randint(1000, 9999):,}.{rng.randint(0, 9)}万元"
    if style < 0.9:
        return f"{rng.randint(100000, 9000000)}元"
    return f"{rng.randint(1, 9)}千万元"


def _pct(rng: random.Random) -> str:
    style = rng.random()
    if style < 0.6:
        return f"{rng.uniform(1, 99):.{rng.choice([0, 1, 2])}f}%"
    if style < 0.75:
        return f"{rng.randint(5, 9)}成"
    if style < 0.9:
        return f"{rng.randint(10, 95)}%".translate(FULLWIDTH)
    return f"{rng.randint(10, 95)}个百分点"


def quantity(kind: str, rng: random.Random) -> str:
    if kind == "times":
        return _count(rng, 500, 900000, "人次")
    if kind == "people":
        return _count(rng, 20, 9000, rng.choice(["人", "名", "名", "人"]))
    if kind == "bigpeople":
        return _count(rng, 5000, 2000000, "人")
    if kind == "smallpeople":
        return _count(rng, 10, 120, rng.choice(["人", "名"]))
    if kind == "tinypeople":
        return f"{rng.randint(1, 12)}{rng.choice(['人', '名'])}"
    if kind == "money":
        return _money(rng)
    if kind == "subsidy":
        low = rng.choice([500, 800, 1000, 1500, 2000])
        return f"{low}元—{low + rng.choice([1000, 2000, 2500])}元"
    if kind == "pct":
        return _pct(rng)
    if kind == "org":
        return _count(rng, 10, 3000, "个")
    if kind == "smallorg":
        return _count(rng, 3, 60, "个")
    if kind == "firms":
        return _count(rng, 10, 8000, "家")
    if kind == "items":
        return _count(rng, 5, 900, "项")
    if kind == "events":
        return _count(rng, 10, 3000, rng.choice(["场", "场次", "次", "期"]))
    if kind == "articles":
        return _count(rng, 10, 600, "篇")
    if kind == "cases":
        return _count(rng, 50, 9000, "件")
    if kind == "jobs":
        return _count(rng, 1000, 90000, "个")
    if kind == "area":
        return _count(rng, 500, 90000, "平方米")
    if kind == "tinycount":
        return rng.choice(["两次", "三次", "4次", "5次"])
    raise KeyError(kind)


SLOT_RE = re.compile(r"\{(\w+)\}")


def fill(template: str, rng: random.Random, ctx: dict[str, str]) -> str:
    return SLOT_RE.sub(lambda m: ctx[m.group(1)] if m.group(1) in ctx else quantity(m.group(1), rng), template)


UNDATED = [t for t in NARRATIVE if "{year}年" not in t]


def _paragraph(rng: random.Random, ctx: dict[str, str], dated: bool) -> str:
    """A paragraph of figure and narrative sentences; `dated`: narrative may carry a date."""
    sentences = []
    for _ in range(rng.randint(2, 5)):
        pool = FIGURES if rng.random() < FIGURE_SHARE else NARRATIVE if dated else UNDATED
        sentences.append(fill(rng.choice(pool), rng, ctx | {"ordinal": str(rng.randint(2, 30))}))
    return rng.choice(["。", "。", ";", ","]).join(sentences) + "。"


def _date_line(style: int, rng: random.Random, y: int, m: int, d: int, source: str) -> str:
    """The ways pages state their date: labelled line, timestamp line, dated signature (last line)."""
    if style == 0:
        return f"发布日期:{y}年{m}月{d}日\u3000来源:{source}\u3000字号:大 中 小"
    if style == 1:
        return f"时间:{y}-{m:02d}-{d:02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}  来源:{source}"
    if style == 2:
        clock = f"{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        return f"{y}-{m:02d}-{d:02d} {clock} {source}"
    if style == 3:
        cn_year = "".join("〇一二三四五六七八九"[int(c)] for c in str(y))
        return f"{source} {cn_year}年{cn_number(m)}月{cn_number(d)}日"
    return f"【发布时间】{y}/{m:02d}/{d:02d}"


def _body(rng: random.Random, ctx: dict[str, str], target: int) -> list[str]:
    """Numbered sections of paragraphs until the UTF-8 size reaches `target` bytes."""
    # no dated narrative near the top: a line starting with a date there reads as the page's timestamp
    paras: list[str] = [fill(rng.choice(UNDATED), rng, ctx | {"ordinal": str(rng.randint(2, 30))}) + "。"]
    size = len(paras[0].encode())
    section = 0
    while size < target:
        if rng.random() < 0.25 and section < len(CN_ORDINALS):
            paras.append(f"{CN_ORDINALS[section]}、{rng.choice(SECTION_TITLES)}")
            section += 1
        paras.append(_paragraph(rng, ctx, dated=len(paras) >= 8))
        size += len(paras[-1].encode()) + 2
    return paras


def _to_traditional(text: str, rng: random.Random) -> str:
    import opencc

    trad = opencc.OpenCC("s2t").convert(text)
    # annotate a few characters the way mirror sites do: 發(fā)展
    return "".join(ch + f"({PINYIN[ch]})" if ch in PINYIN and rng.random() < 0.3 else ch for ch in trad)


def _html(title: str, date_iso: str, site: str, paras: list[str], charset: str) -> str:
    body = "\n".join(f"    <p>&nbsp;&nbsp;{p}</p>" for p in paras)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
<title>{title}_{site}</title>
<meta property="article:published_time" content="{date_iso}T09:30:00+08:00">
<link rel="stylesheet" href="/static/css/article.css">
<script type="text/javascript">var pageConfig = {{ articleId: 4417020, channelId: 31 }};</script>
</head>
<body>
<div class="top-nav"><a href="/">{site}</a> &gt; 正文</div>
<div class="article">
  <h1>{title}</h1>
  <div class="article-info"><span class="source">来源:{site}</span><span class="time">{date_iso} 09:30</span></div>
  <div class="article-content">
{body}
  </div>
</div>
<div class="footer">版权所有 {site} 备案号:苏ICP备05004397号</div>
</body>
</html>
"""


def make_report(seed: int, i: int) -> Report:
    """Report number i of the set `seed`: a pure function of both."""
    rng = random.Random(seed * 1_000_003 + i)
    city = rng.choice(cities())
    district = rng.choice(city.districts)
    y, m, d = rng.randint(2018, 2025), rng.randint(1, 12), rng.randint(1, 28)
    date_iso = f"{y}-{m:02d}-{d:02d}"
    ctx = {
        "city": rng.choice([city.name, city.name, city.short]),
        "short": city.short,
        "district": district,
        "year": str(rng.randint(2017, y)),
        "month": str(rng.randint(1, 12)),
        "half": rng.choice(["上半年", "年度", "前三季度"]),
    }
    title = fill(rng.choice(HEADLINES), rng, ctx)
    # 2-20 KB, more short reports than long ones (log-uniform); furniture and encoding add the rest
    paras = _body(rng, ctx, int(2 ** rng.uniform(10.8, 14.2)))
    source = f"{city.name}总工会"
    kind = rng.choices(["txt", "md", "html", "gbk"], weights=[45, 10, 30, 15])[0]
    traditional = kind != "gbk" and rng.random() < 0.12
    date_style = rng.randrange(5)
    stem = f"{i:06d}-{city.short}-{date_iso}"
    encoding = "gbk" if kind == "gbk" else "utf-8"
    name = f"{stem}.html" if kind in ("html", "gbk") else f"{stem}.{kind}"
    while True:
        if kind in ("html", "gbk"):
            text = _html(title, date_iso, f"{city.short}新闻网", paras, encoding)
        elif kind == "md":
            text = f"# {title}\n\n*时间:{date_iso}* 来源:{source}\n\n" + "\n\n".join(paras) + "\n"
        else:
            line = _date_line(date_style, rng, y, m, d, source)
            head, tail = (f"{title}\n\n", f"\n\n{line}\n") if date_style == 3 else (f"{title}\n{line}\n\n", "")
            text = head + "\n\n".join(paras) + "\n\n(编辑:周 岚)" + tail + "\n"
        if traditional:
            text = _to_traditional(text, rng)
        content = text.encode("gbk", errors="replace") if encoding == "gbk" else text.encode("utf-8")
        if len(content) <= MAX_BYTES or len(paras) <= 2:
            break
        paras.pop()
    return Report(name, content, city.name, date_iso, encoding, traditional)


def generate(seed: int, n: int, start: int = 0) -> Iterator[Report]:
    for i in range(start, start + n):
        yield make_report(seed, i)


def write_reports(out: Path, n: int, seed: int = 1, start: int = 0) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for report in generate(seed, n, start):
        path = out / report.name
        path.write_bytes(report.content)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="folder to write the reports into")
    p.add_argument("--n", type=int, default=1000, help="number of reports")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start", type=int, default=0, help="index of the first report (to extend a set)")
    args = p.parse_args(argv)
    paths = write_reports(args.out, args.n, args.seed, args.start)
    total = sum(p.stat().st_size for p in paths)
    mean_kb = total / max(1, len(paths)) / 1024
    print(f"wrote {len(paths)} reports ({total / 1e6:.1f} MB, {mean_kb:.1f} KB mean) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
