"""The bad-input corpus: writes hostile and broken report files into an inbox, with what each must produce.

Used by tests/test_bad_inputs.py (through the real flow) and printable as a table
(`python -m tests.bad_inputs`) for the README / issue note. Large files are generated, never committed.
"""

from __future__ import annotations

import gzip
import os
import random
from dataclasses import dataclass
from pathlib import Path

GOOD = (
    "发布日期:2023年5月8日\n无锡市总工会讯:今年以来,无锡市新建工会组织120家,发展工会会员8000人,"
    "开展职业技能培训1.5万人次。"
)


@dataclass(frozen=True)
class Case:
    name: str  # what the case is
    file: str  # file name in the inbox
    status: tuple[str, ...]  # allowed report statuses
    reason: str = ""  # substring of the report's reason ("" = no requirement)
    raw_kept: bool = True  # the bytes are in raw/
    rejected_check: str = ""  # a check that must appear in rejected.csv for this report
    produces: str = ""  # one line for the note: what the case produces
    root_exempt: bool = False  # root reads any file: the permission case cannot fail as root


def _html(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def build(inbox: Path, http_base: str = "http://127.0.0.1:9") -> list[Case]:
    """Write every case into `inbox`; `http_base` is a local server that must never be contacted."""
    rng = random.Random(5)
    inbox.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(case: Case, content: bytes) -> None:
        (inbox / case.file).write_bytes(content)
        cases.append(case)

    add(Case("empty file", "empty.txt", ("rejected",), "empty document", produces="rejected: empty document"), b"")
    add(
        Case("whitespace only", "blank.txt", ("rejected",), "no text", produces="rejected: no text in document"),
        " \n\t\r\n\u3000".encode("utf-8"),
    )
    add(
        Case("UTF-8 BOM only", "bom-only.txt", ("rejected",), "no text", produces="rejected: no text in document"),
        b"\xef\xbb\xbf",
    )
    add(
        Case("random binary", "noise.txt", ("rejected",), "binary", produces="rejected: binary content"),
        bytes(rng.randrange(256) for _ in range(4096)),
    )
    add(
        Case("PNG renamed .html", "photo.html", ("rejected",), "binary", produces="rejected: binary content"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(2048)),
    )
    add(
        Case(
            "broken PDF renamed .txt",
            "scan.txt",
            ("rejected",),
            "not a readable PDF",
            produces="rejected: not a readable PDF (recognised by its bytes, whatever its name)",
        ),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n" + bytes(rng.randrange(256) for _ in range(1024)),
    )
    add(
        Case(
            "broken ZIP renamed .htm",
            "archive.htm",
            ("rejected",),
            "not a readable .docx",
            produces="rejected: not a readable .docx file (a ZIP by its bytes is tried as Word)",
        ),
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(rng.randrange(256) for _ in range(1024)),
    )
    add(
        Case("gzip-compressed HTML", "page.html.gz.html", ("rejected",), "binary", produces="rejected: binary content"),
        gzip.compress(_html(f"<p>{GOOD}</p>").encode("utf-8"), mtime=0),
    )
    truncated = _html(f"<div><p>{GOOD}</p><p>新建职工之家50个</p><table><tr><td>培训")[:-40]
    add(
        Case(
            "truncated HTML", "truncated.html", ("ok",), produces="ok: the figures before the cut land (lxml recovers)"
        ),
        truncated.encode("utf-8"),
    )
    add(
        Case(
            "GBK bytes labelled UTF-8",
            "gbk-as-utf8.html",
            ("ok",),
            produces="ok: the label fails strict decoding, GB18030 is detected",
        ),
        _html(f"<h1>无锡市产改工作推进会</h1><p>{GOOD}</p>", '<meta charset="utf-8">').encode("gbk"),
    )
    add(
        Case(
            "mixed encodings (UTF-8 then GBK)",
            "mixed.txt",
            ("rejected",),
            "cannot decode",
            produces="rejected: cannot decode (no single encoding fits; never mojibake)",
        ),
        GOOD.encode("utf-8") + "\n苏州市新建工会组织80家。\n".encode("gbk"),
    )
    add(
        Case("UTF-16 with BOM", "utf16.txt", ("ok",), produces="ok: decoded by its BOM"),
        GOOD.encode("utf-16"),
    )
    add(
        Case("Big5 traditional", "big5.txt", ("ok",), produces="ok: Big5 detected, text simplified"),
        "無錫市總工會今年新建工會組織120家,發展工會會員8000人。".encode("big5"),
    )
    with (inbox / "huge-50mb.txt").open("wb") as fh:  # generated, never committed
        line = ("淮安市开展职业技能培训1000人次。" * 20 + "\n").encode("utf-8")
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    cases.append(
        Case(
            "50 MB text",
            "huge-50mb.txt",
            ("rejected",),
            "file too large",
            raw_kept=False,
            produces="rejected: file too large (limit 20 MiB); not read, not kept",
        )
    )
    add(
        Case(
            "1.2 million characters of text",
            "long-text.txt",
            ("rejected",),
            "text too long",
            produces="rejected: text too long (limit 1 000 000 characters)",
        ),
        ("淮安市工会工作。" * 150_000).encode("utf-8"),
    )
    add(
        Case(
            "a 20 000-character sentence full of figures",
            "one-sentence.txt",
            ("rejected",),
            "a sentence of",
            produces="rejected: a sentence over 10 000 characters is not prose",
        ),
        ("淮安市" + "".join(f"培训{i}人次," for i in range(2500))).encode("utf-8"),
    )
    add(
        Case("10 000-level nested tags", "nested.html", ("ok",), produces="ok: the figure inside is found"),
        _html("<div>" * 10_000 + f"<p>{GOOD}</p>" + "</div>" * 10_000).encode("utf-8"),
    )
    add(
        Case("10 000 unclosed tags", "unclosed.html", ("ok",), produces="ok: lxml closes them"),
        _html("<b><i>" * 5_000 + f"<p>{GOOD}").encode("utf-8"),
    )
    add(
        Case("page with no text", "no-text.html", ("rejected",), "no text", produces="rejected: no text in document"),
        _html(
            "<script>var total = 120;</script><style>p {color: red}</style>"
            '<img src="a.png"><svg><text>99人</text></svg>',
            "<title></title>",
        ).encode("utf-8"),
    )
    add(
        Case(
            "article with no figures",
            "no-figures.txt",
            ("no_indicators",),
            "no figures",
            produces="no_indicators: no figures found in the text",
        ),
        "无锡市总工会召开产业工人队伍建设改革推进会\n会议要求,各级工会要提高政治站位,扎实推进各项改革任务落地见效。".encode(),
    )
    add(
        Case(
            "stock prices (not a reform article)",
            "stocks.txt",
            ("ok",),
            "no city recognised",
            produces="ok: its figures are kept as `other`, no city; no series, no progress point",
        ),
        (
            "2023年3月2日 沪深两市收盘:上证指数报3310点,涨0.5%;两市成交额8900亿元。\n"
            "某银行股收于5.32元,涨幅2.1%;某白酒股每股1800元,市值2.2万亿元。"
        ).encode(),
    )
    add(
        Case(
            "sports scores (not a reform article)",
            "football.txt",
            ("ok",),
            produces="ok: its figures (观众4.5万人, 射门18次) are kept as `other`",
        ),
        "2023年4月1日 中超第3轮:上海队3:1胜北京队,现场观众4.5万人,主队射门18次。".encode(),
    )
    add(
        Case(
            "future dates",
            "future.html",
            ("ok",),
            "no publish date",
            produces="ok, note: no publish date (2099 is after the snapshot day, so ignored)",
        ),
        _html(
            f"<p>{GOOD.replace('2023年5月8日', '2099年1月1日')}</p>", '<meta name="PubDate" content="2099-01-01">'
        ).encode("utf-8"),
    )
    add(
        Case(
            "absurd dates",
            "absurd-date.txt",
            ("ok",),
            "no publish date",
            produces="ok, note: no publish date (2022-13-45 is not a date)",
        ),
        GOOD.replace("2023年5月8日", "2022年13月45日").encode("utf-8"),
    )
    add(
        Case(
            "published before the reform (2015)",
            "old-2015.txt",
            ("rejected",),
            "failed validation",
            rejected_check="publish_date_in_window",
            produces="report lands as rejected (publish_date_in_window); row as read and its figures in rejected.csv",
        ),
        ("发布日期:2015年6月1日\n无锡市总工会新建工会组织120家,发展工会会员8000人。").encode(),
    )
    add(
        Case(
            "a 1e30 figure",
            "huge-figure.txt",
            ("ok",),
            "failed validation",
            rejected_check="value_plausible",
            produces="ok; the 1e30 figure is quarantined in rejected.csv (value_plausible), the others land",
        ),
        (GOOD + "全市培训职工" + "1" + "0" * 30 + "人。").encode("utf-8"),
    )
    add(
        Case(
            "a share over 100 %",
            "share-500.txt",
            ("ok",),
            "failed validation",
            rejected_check="percent_within_bounds",
            produces="the 500 % coverage rate is quarantined (percent_within_bounds)",
        ),
        (GOOD + "全市工资集体协商覆盖面达到500%。").encode("utf-8"),
    )
    add(
        Case(
            "figures with five qualifiers",
            "qualifiers.txt",
            ("ok",),
            produces="ok: one qualifier kept per figure, rows valid",
        ),
        (GOOD + "全市约近超过1万余人左右参加培训,新建工会组织累计达到约120余家以上。").encode("utf-8"),
    )
    add(
        Case(
            "stated decreases",
            "decrease.txt",
            ("ok",),
            produces="ok: negative values, allowed because a decrease word precedes them",
        ),
        (GOOD + "今年全市生产安全事故起数和死亡人数同比下降60%、71.4%。").encode("utf-8"),
    )
    sample = (Path(__file__).resolve().parents[1] / "data" / "inbox" / "huaian-2022-06-15.txt").read_bytes()
    for name in ("copy-a.txt", "copy-b.txt"):
        add(
            Case(
                "the same report twice in one run",
                name,
                ("ok",),
                produces="both land (two files), one raw file; duplicate_of the stored original",
            ),
            sample,
        )
    add(
        Case(
            "duplicate of a report stored earlier",
            "huaian-again.txt",
            ("ok",),
            produces="lands under its own name; shares the stored raw file; duplicate_of the original",
        ),
        sample,
    )
    formula = _html(
        '<p>=HYPERLINK("http://example.invalid","点击")</p><p>+86 电话</p><p>@SUM(A1)</p><p>' + GOOD + "</p>",
        '<title>=cmd|" /C calc"!A0 无锡市产改</title>',
    )
    add(
        Case(
            "spreadsheet formulas in title and text",
            "formula.html",
            ("ok",),
            produces="ok: cells starting = + - @ are written with a leading ' and read back unchanged",
        ),
        formula.encode("utf-8"),
    )
    add(
        Case(
            "file name that looks like a formula and a shell command",
            "=cmd|' calc'!A0 报告;rm -rf.txt",
            ("ok",),
            produces="ok: stored as raw/<source>/<sha256>.txt; the name only appears (escaped) in url",
        ),
        GOOD.encode("utf-8"),
    )
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    hostile = (
        f'<!DOCTYPE html SYSTEM "{http_base}/dtd"><!DOCTYPE r [<!ENTITY l0 "lol">{lol}'
        f'<!ENTITY xxe SYSTEM "{http_base}/xxe"><!ENTITY f SYSTEM "file:///etc/passwd">]>'
        f'<html><head><link rel="stylesheet" href="{http_base}/css"><script src="{http_base}/js"></script></head>'
        f'<body><img src="{http_base}/img"><iframe src="{http_base}/frame"></iframe>'
        f"<p>&l9;&xxe;&f;</p><p>{GOOD}</p></body></html>"
    )
    add(
        Case(
            "entity bomb, external entities and remote resources",
            "entities.html",
            ("ok",),
            produces="ok: no entity expanded, no file read, no request made",
        ),
        hostile.encode("utf-8"),
    )
    add(
        Case(
            "NUL and control characters after the first KB",
            "controls.txt",
            ("ok",),
            produces="ok: text kept; CSV cells round-trip",
        ),
        (GOOD + "\n" + "说明" * 600 + "\x00\x07\x1b[31m\u202e新建工会组织5家\n").encode("utf-8"),
    )
    add(
        Case(
            "UTF-8 with stray invalid bytes",
            "stray-bytes.txt",
            ("rejected",),
            "cannot decode",
            produces="rejected: cannot decode (strict decoding; raw bytes kept for a later decoder)",
        ),
        GOOD.encode("utf-8")[:40] + b"\xff\xfe" + GOOD.encode("utf-8")[40:],
    )
    add(
        Case(
            "6 000 figures",
            "many-figures.txt",
            ("ok",),
            "first 5000 figures",
            produces="ok: the first 5 000 figures (limit per document), the reason says so",
        ),
        (GOOD + "".join(f"新建工会组织{i + 1}家。" for i in range(6000))).encode("utf-8"),
    )
    add(
        Case("old Mac line endings (CR only)", "cr-lines.txt", ("ok",), produces="ok"),
        GOOD.replace(",", "\r").encode("utf-8"),
    )
    unreadable = inbox / "locked.txt"
    unreadable.write_bytes(GOOD.encode("utf-8"))
    unreadable.chmod(0)
    cases.append(
        Case(
            "file without read permission",
            "locked.txt",
            ("rejected",),
            "Permission denied",
            raw_kept=False,
            root_exempt=True,
            produces="rejected: cannot read file: Permission denied (nothing to keep)",
        )
    )
    os.symlink(".", inbox / "loop")  # a symlink loop must not hang or duplicate the listing
    return cases


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for i, c in enumerate(build(Path(tmp) / "inbox"), 1):
            print(f"| {i} | {c.name} | `{c.file}` | {c.produces} |")
