"""Duplicate stories: fingerprints separate different reports and join reposts; duplicates stay out of progress."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from flows.duplicates import TEXT_RELATED, find_duplicates
from flows.progress import build_progress
from flows.rows import DocRef, indicator_rows, report_row
from parsers import fingerprint
from parsers.fingerprint import DUPLICATE_DISTANCE, distance, simhash
from parsers.report import process_document
from tests.conftest import ROOT, SAMPLE_INBOX

SITES = ROOT / "tests" / "fixtures" / "sites"
ORIGINAL = SITES / "lznews" / "luzhong/zibo/202206/t20220628_10455044.html"
MIRROR = SITES / "trad_mirror" / "news/2022/0630/30512.html"


def result_of(path: Path, parser: str, url: str):
    return process_document(path.read_bytes(), url, parser, None, date(2026, 3, 2))


def tables(docs: list[tuple[str, str, str, object]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(source, url, parser, ReportResult) -> reports and indicators rows as the flow builds them."""
    reports, indicators = [], []
    for source, url, parser, result in docs:
        ref = DocRef(source, url, parser, "2026-03-02T08:00:00+08:00", "0" * 64, "raw/x")
        row = report_row(ref, result, len(result.mentions))
        reports.append(row)
        indicators.extend(indicator_rows(row, result, "2026-03-02"))
    return pd.DataFrame(reports), pd.DataFrame(indicators)


def test_sample_reports_are_far_apart() -> None:
    texts = {p.name: result_of(p, "local", p.resolve().as_uri()).text for p in sorted(SAMPLE_INBOX.iterdir())}
    fps = {k: simhash(v) for k, v in texts.items()}
    assert all(len(fp) == 16 for fp in fps.values())
    # two reports of one city a year apart share phrasing, not text: far beyond both thresholds
    closest = min(distance(fps[a], fps[b]) for a, b in combinations(fps, 2))
    assert closest > TEXT_RELATED


def test_mirror_in_traditional_characters_matches_its_original() -> None:
    original = result_of(ORIGINAL, "lznews", "https://news.lznews.cn/a.html")
    mirror = result_of(MIRROR, "trad_mirror", "http://big5.mirror.example/b.html")
    assert distance(simhash(original.text), simhash(mirror.text)) <= DUPLICATE_DISTANCE


def test_short_texts_get_no_fingerprint() -> None:
    assert simhash("新建工会组织120家。") == ""


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: "华夏经纬网讯\n" + t,
        lambda t: t + "\n下一步,淄博市总工会将继续深化产业工人队伍建设改革,推动各项任务落地见效。",
        lambda t: t.rsplit("\n", 1)[0],  # a repost that drops the last paragraph (and its figures)
    ],
    ids=["extra-dateline", "extra-paragraph", "trimmed-ending"],
)
def test_reposts_with_edits_are_duplicates_but_series_reports_are_not(edit) -> None:
    original = result_of(ORIGINAL, "lznews", "https://news.lznews.cn/luzhong/zibo/202206/t20220628_1.html")
    repost = process_document(edit(original.text).encode("utf-8"), "https://other.example/a.txt", "local")
    earlier = result_of(
        SITES / "lznews" / "luzhong/zibo/202106/t20210620_9921377.html",
        "lznews",
        "https://news.lznews.cn/luzhong/zibo/202106/t20210620_2.html",
    )
    repost.publish_date = "2022-07-01"  # reposted three days later
    reports, indicators = tables(
        [
            ("other", "https://other.example/a.txt", "local", repost),
            ("lznews", "https://news.lznews.cn/x", "lznews", original),
            ("lznews", "https://news.lznews.cn/y", "lznews", earlier),
        ]
    )
    marks = find_duplicates(reports, indicators)
    assert marks.tolist() == [reports["report_id"][1], "", ""]  # the earlier original is canonical


def test_canonical_prefers_original_script_then_earlier_publication() -> None:
    original = result_of(ORIGINAL, "lznews", "https://news.lznews.cn/a.html")
    mirror = result_of(MIRROR, "trad_mirror", "http://big5.mirror.example/b.html")
    mirror.publish_date = original.publish_date  # same day: the mirror still yields
    reports, indicators = tables(
        [("mirror", "http://m/b", "trad_mirror", mirror), ("lznews", "https://l/a", "lznews", original)]
    )
    assert find_duplicates(reports, indicators).tolist() == [reports["report_id"][1], ""]


def test_progress_leaves_out_duplicate_reports() -> None:
    original = result_of(ORIGINAL, "lznews", "https://news.lznews.cn/a.html")
    mirror = result_of(MIRROR, "trad_mirror", "http://big5.mirror.example/b.html")
    reports, indicators = tables(
        [("lznews", "https://l/a", "lznews", original), ("mirror", "http://m/b", "trad_mirror", mirror)]
    )
    dup = set(reports.loc[find_duplicates(reports, indicators) != "", "report_id"])
    with_dups = build_progress(indicators)
    without = build_progress(indicators, exclude_reports=dup)
    # counted twice, the repost made a second point two days later with "no change"
    assert (with_dups["publish_date"] == "2022-06-30").any()
    assert not (without["publish_date"] == "2022-06-30").any() and len(without) > 0


def _brute_force_duplicates(reports: pd.DataFrame, indicators: pd.DataFrame) -> dict[str, str]:
    """The definition, pair by pair (the module finds the same pairs without comparing all of them)."""
    from collections import Counter

    from flows.duplicates import FIGURE_CONTAINMENT, MIN_SHARED, TEXT_NEAR, _sort_key

    rows = reports.to_dict("records")
    figs: dict[str, Counter] = {}
    for r in indicators.itertuples():
        figs.setdefault(r.report_id, Counter())[(round(float(r.value), 6), r.unit)] += 1
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in combinations(range(len(rows)), 2):
        d = bin(int(rows[i]["fingerprint"], 16) ^ int(rows[j]["fingerprint"], 16)).count("1")
        a, b = figs.get(rows[i]["report_id"], Counter()), figs.get(rows[j]["report_id"], Counter())
        shared = sum((a & b).values())
        smaller = min(sum(a.values()), sum(b.values()))
        same = bool(a and b) and shared >= MIN_SHARED and shared / smaller >= FIGURE_CONTAINMENT
        if d <= TEXT_NEAR or (d <= TEXT_RELATED and same):
            parent[find(i)] = find(j)
    out = {}
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    for members in groups.values():
        ordered = sorted(members, key=lambda m: _sort_key(rows[m]))
        for m in ordered[1:]:
            out[rows[m]["report_id"]] = rows[ordered[0]]["report_id"]
    return out


@pytest.mark.parametrize("seed", range(12))
def test_pair_search_finds_exactly_the_pairs_the_definition_gives(seed: int) -> None:
    """Clustered fingerprints and overlapping figure sets (repeats, subsets, near misses of the 80 %
    containment): the indexed search must agree with the all-pairs definition."""
    import random

    rng = random.Random(seed)
    centres = [rng.getrandbits(64) for _ in range(4)]
    # values that must match as a dict key matches them: rounded to 6 places, -0.0 as 0.0, and a value that
    # is not a number never matching another
    numbers = [1, 2, 3, 5, 12, 30, 100, 2300, 0.0, -0.0, 1.0000001, 2300.0000004, 3.00001, float("nan")]
    pool = [(float(rng.choice(numbers)), rng.choice(["人", "家", "万元"])) for _ in range(40)]
    reports, indicators = [], []
    for n in range(120):
        fp = rng.choice(centres)
        for _ in range(rng.choice([0, 2, 5, 8, 12, 16])):
            fp ^= 1 << rng.randrange(64)
        rid = f"r{n:03d}"
        reports.append(
            {
                "report_id": rid,
                "status": "ok",
                "fingerprint": f"{fp:016x}",
                "publish_date": f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "parser": "local",
                "fetched_at": "",
            }
        )
        base = rng.sample(pool, rng.randint(0, 8))
        if rng.random() < 0.4:
            base += base[: rng.randint(0, 3)]  # repeated figures count twice
        indicators += [{"report_id": rid, "value": v, "unit": u} for v, u in base]
    indicators += [{"report_id": "not-a-report", "value": v, "unit": u} for v, u in pool[:6]]  # in no report
    rng.shuffle(indicators)
    reports_df, ind_df = pd.DataFrame(reports), pd.DataFrame(indicators, columns=["report_id", "value", "unit"])
    got = find_duplicates(reports_df, ind_df)
    found = {rid: dup for rid, dup in zip(reports_df["report_id"], got, strict=True) if dup}
    assert found == _brute_force_duplicates(reports_df, ind_df)
    assert found  # the generator does make duplicates, so agreement is not trivially on nothing


def _shingle_hash_by_definition(shingle: str) -> int:
    """FNV-1a over the code points, then splitmix64's finaliser, in Python integers mod 2**64."""
    mask = (1 << 64) - 1
    h = fingerprint.FNV_OFFSET
    for ch in shingle:
        h = ((h ^ ord(ch)) * fingerprint.FNV_PRIME) & mask
    h ^= h >> 30
    h = (h * fingerprint.MIX_1) & mask
    h ^= h >> 27
    h = (h * fingerprint.MIX_2) & mask
    return h ^ (h >> 31)


def _simhash_by_definition(text: str) -> str:
    """SimHash spelled out shingle by shingle and bit by bit (what parsers/fingerprint.py computes in bulk)."""
    compact = re.sub(r"[\W_]+", "", text)
    if len(compact) < fingerprint.MIN_CHARS:
        return ""
    counts = Counter(compact[i : i + fingerprint.SHINGLE] for i in range(len(compact) - fingerprint.SHINGLE + 1))
    score = [0] * fingerprint.BITS
    for shingle, n in counts.items():
        h = _shingle_hash_by_definition(shingle)
        for i in range(fingerprint.BITS):
            score[i] += n if h >> i & 1 else -n
    return f"{sum(1 << i for i in range(fingerprint.BITS) if score[i] > 0):016x}"


def test_simhash_is_the_definition() -> None:
    rng = random.Random(7)
    texts = [
        "短文本" * 10,
        "",
        "重复" * 300,
        "a_b " * 200,
        "𠀀𪚥龘" * 60,  # characters beyond the BMP hash by their code points like any other
        (SAMPLE_INBOX / "huaian-2022-06-15.txt").read_text(encoding="utf-8"),
    ]
    texts += [
        "".join(rng.choice("工会职工技能培训万人次。,ab 12_") for _ in range(rng.randint(80, 600))) for _ in range(60)
    ]
    # what counts as punctuation is decided per code point (a table over the BMP): digits and
    # letters of other scripts, combining marks, full-width forms, invisible spaces, lone surrogates
    texts += ["工会²½٣Ⅷé\u0301ａＡ１！　\u200b・—…«»§¶@#%*()[]{}〇" * 20, "工" * 150 + "\ud800" * 3]
    texts += ["".join(chr(rng.randrange(0x20, 0x10000)) for _ in range(rng.randint(100, 400))) for _ in range(40)]
    for text in texts:
        assert fingerprint.simhash(text) == _simhash_by_definition(text)


@pytest.mark.parametrize("figures", [[], [("someone-else", 1.0, "人")]])
def test_reports_without_figures_of_their_own_pair_on_text_alone(figures: list[tuple]) -> None:
    """No figure table, or figures only of reports not in the table: the near-identical texts still pair."""
    reports = pd.DataFrame(
        {
            "report_id": ["a", "b", "c"],
            "status": ["ok", "ok", "ok"],
            "fingerprint": ["0" * 16, "0" * 15 + "1", "f" * 16],
            "publish_date": ["2024-01-02", "2024-01-01", "2024-01-01"],
            "parser": ["local", "local", "local"],
            "fetched_at": ["", "", ""],
        }
    )
    indicators = pd.DataFrame(figures, columns=["report_id", "value", "unit"])
    assert find_duplicates(reports, indicators).tolist() == ["b", "", ""]
