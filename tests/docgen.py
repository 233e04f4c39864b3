"""Generated report files for the crash and concurrency tests: many cities, dates and figures, deterministic.

`sync_inbox(folder, layout)` makes the folder hold exactly the documents of a layout (doc id ->
version); a new version of a document changes some of its figures, as a corrected page would.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

CITIES = (
    "淮安市",
    "泰州市",
    "淄博市",
    "秦皇岛市",
    "无锡市",
    "苏州市",
    "南通市",
    "扬州市",
    "徐州市",
    "常州市",
    "济南市",
    "青岛市",
    "烟台市",
    "潍坊市",
    "保定市",
    "唐山市",
    "洛阳市",
    "芜湖市",
    "宁波市",
    "温州市",
)
TEMPLATES = (
    "累计开展职业技能培训{a}万人次",
    "新建工会组织{b}家",
    "发展工会会员{c}人",
    "培育各级工匠{d}人",
    "建成劳模创新工作室{e}个",
    "清欠职工工资款{f}亿元",
    "全市技术工人队伍{g}万余人,其中高技能人才{h}万人",
    "刊登产改报道{i}篇",
)


def document(doc_id: int, version: int) -> bytes:
    """One report; every 40th is broken (empty or binary) so rejected rows are part of every run."""
    if doc_id % 40 == 7:
        return b""
    if doc_id % 40 == 23:
        return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2
    rng = random.Random(doc_id * 1000 + version)
    base = random.Random(doc_id)  # the city and date stay with the document across versions
    city = CITIES[base.randrange(len(CITIES))]
    day = f"{base.randrange(2018, 2026)}年{base.randrange(1, 13)}月{base.randrange(1, 28)}日"
    values = {
        "a": round(rng.uniform(1, 40), 1),
        "b": rng.randrange(10, 3000),
        "c": rng.randrange(100, 90000),
        "d": rng.randrange(5, 900),
        "e": rng.randrange(1, 200),
        "f": round(rng.uniform(0.1, 5), 2),
        "g": rng.randrange(20, 70),
        "h": rng.randrange(2, 19),
        "i": rng.randrange(10, 300),
    }
    picked = rng.sample(TEMPLATES, 5)
    body = ";".join(t.format(**values) for t in picked)
    text = (
        f"{city}产业工人队伍建设改革工作综述(第{doc_id}号)\n发布日期:{day}\n\n"
        f"{city}总工会扎实推进产改工作,{body}。\n各项改革任务正在有序推进。\n"
    )
    return text.encode("utf-8")


@cache
def _name(doc_id: int) -> str:
    return f"doc-{doc_id:04d}.txt"


def sync_inbox(folder: Path, layout: dict[int, int]) -> None:
    """Make `folder` hold exactly the documents of `layout` (doc id -> version)."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {_name(i): document(i, v) for i, v in layout.items()}
    for path in folder.iterdir():
        if path.name not in wanted:
            path.unlink()
    for name, content in wanted.items():
        path = folder / name
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)


def steps(n: int = 300) -> list[tuple[str, dict[int, int]]]:
    """(snapshot day, inbox layout) of a scripted history: a first run, a same-day re-run with changes
    and additions, and a next-day run with changes, removals and additions."""
    first = dict.fromkeys(range(n), 0)
    second = {**first, **dict.fromkeys(range(0, n, 10), 1), **dict.fromkeys(range(n, n + 20), 0)}
    third = {i: v for i, v in second.items() if i % 31 != 5}  # some files removed from the inbox
    third.update(dict.fromkeys(range(3, n, 15), 2))
    third.update(dict.fromkeys(range(n + 20, n + 40), 0))
    return [("2026-03-02", first), ("2026-03-02", second), ("2026-03-03", third)]
