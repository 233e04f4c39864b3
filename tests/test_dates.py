"""Publish dates from labelled lines, timestamps, e-paper trailers, Chinese numerals and URLs."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.dates import date_from_url, find_publish_date

LATEST = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "url", "expected"),
    [
        ("姜堰:标题\n时间:2022-12-06 09:12 来源:自采\n正文", "", "2022-12-06"),
        ("标题\n来源:鲁中网\n2022-06-28 13:30:30\n正文在6月28日召开", "", "2022-06-28"),
        ("标题\n发布日期:2022年6月15日\n正文", "", "2022-06-15"),
        ("标题\n【发布时间】2021-11-26 16:20\n正文", "", "2021-11-26"),
        (
            "正文……\n2022-12-13 守正创新 攻坚克难 1 1 淮安日报 content_202371.html 1 3 标题 /enpproperty-->",
            "",
            "2022-12-13",
        ),
        (
            "标题\n正文在11月5日召开的会议上",
            "http://news.lznews.cn/luzhong/zibo/202206/t20220628_10455044.html",
            "2022-06-28",
        ),
        ("标题\n正文", "http://epaper.example.cn/html/2022-12/13/content_202371.htm", "2022-12-13"),
        ("标题\n日期:01-16\n正文", "http://www.example.gov.cn/2023-01/art.html", "2023-01-16"),
        ("通知\n正文内容\n市总工会\n二〇二二年十二月十三日", "", "2022-12-13"),
        (
            "推进会召开\n日期:03-15 来源:区总工会\n会议总结去年工作,部署今年任务。2021年,全区新建工会186家。",
            "",
            "2022-03-15",
        ),
        ("标题\n正文没有日期,只有2022年的计划和11月5日的会议", "", ""),
        ("标题\n2021年5月召开推进会,到2025年6月完成全部任务。", "", "2021-05"),
        ("标题\n来源:无锡日报 2023-04-12 字号:大 中 小\n正文", "", "2023-04-12"),
        ("标题\n正文:2022年3月1日召开动员会,2022年12月5日召开总结会。", "", "2022-12-05"),
        ("标题\n时间:2099-01-01\n", "", ""),  # a future date is not a publish date
        # a government page's 成文日期 is when the document was signed, not when the page was published
        ("标题\n索引号:0001 成文日期:2024-03-02  发布日期:2024-03-08\n正文", "", "2024-03-08"),
    ],
)
def test_find_publish_date(text: str, url: str, expected: str) -> None:
    assert find_publish_date(text, url, LATEST)[0] == expected


def test_date_from_url_rejects_impossible_dates() -> None:
    assert date_from_url("http://x.cn/202213/t20221345_1.html") == ""
