"""Publish dates from page text and URLs: labelled lines, timestamps, Chinese numerals, URL paths."""

from __future__ import annotations

import re
from datetime import date

from parsers.numerals import parse_chinese

EARLIEST_YEAR = 2000
_Y = r"((?:19|20)\d\d)"
_M = r"(0?[1-9]|1[0-2])"
_D = r"(0?[1-9]|[12]\d|3[01])"
NUMERIC_DATE_RE = re.compile(rf"(?<!\d){_Y}\s*(?:[-/.]|年)\s*{_M}\s*(?:[-/.]|月)\s*{_D}(?!\d)日?")
YEAR_MONTH_RE = re.compile(rf"(?<!\d){_Y}\s*(?:[-/.]|年)\s*{_M}(?!\d)月?")
CN_DATE_RE = re.compile(
    r"([〇零一二三四五六七八九○]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
# Lines that state the publish date: 时间:2022-12-06 09:12, 发布日期:2022年6月15日, 【发布时间】…
LABEL_RE = re.compile(
    r"(?:发布时间|发布日期|发表时间|发稿时间|更新时间|时间|日期|发布于|来源时间|Date|date)\s*[】\]:]?\s*"
)
# …but not a government page's other dates (成文日期:2024-07-12 beside 发布日期:2024-07-15, 实施日期, 截止时间).
# (Read before a bare 时间/日期 in labelled_date: look-behinds in LABEL_RE would make it try every position.)
OTHER_DATE_LABELS = ("成文", "印发", "生成", "实施", "施行", "截止")
# 日期:01-16 with the year elsewhere on the page
MONTH_DAY_RE = re.compile(rf"(?:日期|时间)\s*[:】]?\s*{_M}[-/.月]{_D}日?(?!\d)")
# URL paths: /202206/t20220628_10455044.html, /html/2022-12/13/content_…, /2022/1213/…
URL_PATTERNS = (
    re.compile(r"/t((?:19|20)\d\d)(\d\d)(\d\d)_"),
    re.compile(r"/((?:19|20)\d\d)-(\d\d)/(\d\d)/"),
    re.compile(r"/((?:19|20)\d\d)(\d\d)/(\d\d)/"),
    re.compile(r"/((?:19|20)\d\d)/(\d\d)(\d\d)/"),
    re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/"),
    re.compile(r"[_/-]((?:19|20)\d\d)(\d\d)(\d\d)(?:[_./-]|\d{2,})"),
)
SIGNATURE_END_RE = re.compile(r"(?:\d{1,2}日|[一二三四五六七八九十]日|\d{4}-\d{1,2}-\d{1,2})\)?$")
CLOCK_OR_WEEKDAY_RE = re.compile(r"^(\d\d:\d\d(:\d\d)?|星期.|周.)")
TARGET_BEFORE_RE = re.compile(r"到|至")  # 到2025年6月: a target, not a date of the report
HEADER_WORDS_RE = re.compile(r"来源|作者|编辑|记者|通讯员|发布|浏览|字号|阅读|点击|稿源|【")
URL_MONTH_RE = re.compile(r"/((?:19|20)\d\d)-?(\d\d)/")


def make_date(y: int | str, m: int | str, d: int | str, latest: date | None = None) -> str:
    """ISO date string, or "" when the parts are not a plausible publish date."""
    try:
        value = date(int(y), int(m), int(d))
    except ValueError:
        return ""
    if value.year < EARLIEST_YEAR or (latest is not None and value > latest):
        return ""
    return value.isoformat()


def _cn_date(m: re.Match[str]) -> str:
    year = "".join(str(parse_chinese(ch) or 0) for ch in m.group(1))
    month, day = parse_chinese(m.group(2)), parse_chinese(m.group(3))
    if month is None or day is None:
        return ""
    return make_date(year, month, day)


def first_date(text: str, latest: date | None = None) -> str:
    for m in NUMERIC_DATE_RE.finditer(text):
        if iso := make_date(m.group(1), m.group(2), m.group(3), latest):
            return iso
    for m in CN_DATE_RE.finditer(text):
        if iso := _cn_date(m):
            return iso
    return ""


def date_from_url(url: str, latest: date | None = None) -> str:
    for pattern in URL_PATTERNS:
        m = pattern.search(url)
        if m and (iso := make_date(m.group(1), m.group(2), m.group(3), latest)):
            return iso
    return ""


def labelled_date(text: str, latest: date | None = None) -> str:
    """A date right after a label such as 时间: or 发布日期: (the page's own statement)."""
    for m in LABEL_RE.finditer(text):
        if text.endswith(OTHER_DATE_LABELS, max(0, m.start() - 2), m.start()):
            continue
        window = text[m.end() : m.end() + 24]
        if (NUMERIC_DATE_RE.match(window) or CN_DATE_RE.match(window)) and (iso := first_date(window, latest)):
            return iso
    return ""


def timestamp_line_date(lines: list[str], latest: date | None = None) -> str:
    """A line that is only a date or timestamp (under a headline, or an e-paper trailer)."""
    for line in lines:
        stripped = line.strip()
        m = NUMERIC_DATE_RE.match(stripped) or CN_DATE_RE.match(stripped)
        if not m:
            continue
        rest = stripped[m.end() :].strip()
        # "2022-06-28 13:30:30", "2022-12-13 守正创新 … /enpproperty-->", "2022年12月13日 星期二"
        if not rest or CLOCK_OR_WEEKDAY_RE.match(rest) or len(stripped) < 120:
            iso = make_date(m.group(1), m.group(2), m.group(3), latest) if m.re is NUMERIC_DATE_RE else _cn_date(m)
            if iso:
                return iso
    return ""


YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)年")


def year_from_context(text: str, latest: date | None = None) -> str:
    """The year of a page that dates itself 日期:03-15: the latest year its text names, or the
    year after it when the text reports that year as 去年 (总结去年工作…2021年,全区新建…)."""
    years = [int(y) for y in YEAR_RE.findall(text)]
    if latest is not None:
        years = [y for y in years if y <= latest.year]
    if not years:
        return ""
    year = max(years)
    if "去年" in text and "今年" in text and (latest is None or year + 1 <= latest.year):
        year += 1
    return str(year)


def month_day_with_year(text: str, year: str, latest: date | None = None) -> str:
    m = MONTH_DAY_RE.search(text)
    return make_date(year, m.group(1), m.group(2), latest) if m and year else ""


def find_publish_date(text: str, url: str = "", latest: date | None = None) -> tuple[str, str]:
    """(YYYY-MM-DD or "", how): labelled line, timestamp line near top or bottom, URL, Chinese date."""
    head_lines = text.split("\n", 12)[:12]  # (without splitting all of the text, twice)
    tail_lines = text.rsplit("\n", 4)[-4:]
    if iso := labelled_date("\n".join(head_lines + tail_lines), latest):
        return iso, "text:label"
    if iso := timestamp_line_date(head_lines + tail_lines, latest):
        return iso, "text:timestamp"
    if iso := date_from_url(url, latest):
        return iso, "url"
    m = URL_MONTH_RE.search(url)
    if m and (iso := month_day_with_year(text[:600], m.group(1), latest)):
        return iso, "text:month-day"
    if MONTH_DAY_RE.search(text[:600]) and (year := year_from_context(text, latest)):
        if iso := month_day_with_year(text[:600], year, latest):
            return iso, "text:month-day"
    # a dated signature line at the end of a document (…总工会 2022年12月13日)
    for line in reversed(tail_lines):
        stripped = line.strip()
        if len(stripped) <= 40 and SIGNATURE_END_RE.search(stripped) and (iso := first_date(stripped, latest)):
            return iso, "text:signature"
    # a short header line that carries a date among other furniture (来源:XX日报 2023-04-12)
    for line in head_lines[:6]:
        if len(line) <= 80 and HEADER_WORDS_RE.search(line) and (iso := first_date(line, latest)):
            return iso, "text:header"
    # last resort, marked as a guess: the latest full date the text mentions (news is
    # published on or just after the events it reports)
    dates = [
        d for d in (make_date(m.group(1), m.group(2), m.group(3), latest) for m in NUMERIC_DATE_RE.finditer(text)) if d
    ]
    dates += [d for d in (_cn_date(m) for m in CN_DATE_RE.finditer(text)) if d]
    if dates:
        return max(dates), "text:latest-mentioned"
    months = [
        f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
        for m in YEAR_MONTH_RE.finditer(text)
        if not TARGET_BEFORE_RE.search(text, max(0, m.start() - 2), m.start())
    ]
    months = [mo for mo in months if EARLIEST_YEAR <= int(mo[:4]) and (latest is None or mo <= latest.isoformat()[:7])]
    if months:
        return max(months), "text:latest-month"
    return "", ""
