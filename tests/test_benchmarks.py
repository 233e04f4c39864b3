"""The benchmark report generator makes what the benchmarks claim: 2-20 KB reports, varied encodings and
scripts, deterministic, and readable by the pipeline (city and date found as generated)."""

from __future__ import annotations

import re
from datetime import date

from benchmarks import bench_extract
from benchmarks.synth import MAX_BYTES, MIN_BYTES, cn_number, generate, make_report
from benchmarks.yardstick import bare_figures
from parsers.report import process_document


def test_reports_are_deterministic_and_extendable() -> None:
    assert make_report(3, 17) == make_report(3, 17)
    assert list(generate(3, 5, start=10)) == [make_report(3, i) for i in range(10, 15)]
    assert make_report(3, 17).content != make_report(4, 17).content


def test_chinese_numerals() -> None:
    assert [cn_number(n) for n in (7, 10, 12, 36, 105, 2300, 20000, 30061)] == [
        "七",
        "十",
        "十二",
        "三十六",
        "一百零五",
        "两千三百",
        "两万",
        "三万零六十一",
    ]


def test_sizes_encodings_and_scripts_vary() -> None:
    reports = list(generate(1, 300))
    sizes = [len(r.content) for r in reports]
    assert MIN_BYTES <= min(sizes) and max(sizes) <= MAX_BYTES
    assert sum(s > 8 * 1024 for s in sizes) > 30 and sum(s < 4 * 1024 for s in sizes) > 30
    gbk = [r for r in reports if r.encoding == "gbk"]
    assert len(gbk) > 20 and all(r.name.endswith(".html") for r in gbk)
    assert all(b'charset="gbk"' in r.content for r in gbk)
    traditional = [r for r in reports if r.traditional]
    assert len(traditional) > 15
    pinyin = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)")
    assert sum(bool(pinyin.search(r.content.decode("utf-8"))) for r in traditional) > len(traditional) // 2
    assert {r.name.rsplit(".", 1)[1] for r in reports} == {"txt", "md", "html"}
    assert len({r.city for r in reports}) > 100


def test_the_pipeline_reads_city_date_and_figures() -> None:
    reports = list(generate(2, 150))
    found = 0
    figures = 0
    for r in reports:
        result = process_document(r.content, f"file:///bench/{r.name}", "local", None, date(2026, 1, 1))
        assert result.status != "rejected", (r.name, result.reason)
        figures += len(result.mentions)
        found += bool(result.place and result.place.city == r.city and result.publish_date == r.publish_date)
    assert found >= 0.95 * len(reports)  # a few short names are ambiguous (吉林 the city or the province)
    assert 15 <= figures / len(reports) <= 80


def test_run_benchmark_reads_memory_per_staged_batch(tmp_path) -> None:
    """bench_run's memory line: the run process's RSS as batches are staged, then the peak after parsing."""
    import sys

    from benchmarks.bench_run import memory_by_batch, staged_batches
    from benchmarks.procs import Measured, measure

    stage = tmp_path / ".changai-stage-1-0"
    stage.mkdir()
    (stage / "part-00000.pkl").write_bytes(b"x")
    (stage / "part-00001.pkl").write_bytes(b"x")
    assert staged_batches(tmp_path) == 2
    trace = [(0.1, 100_000, 0), (1.0, 200_000, 1), (2.0, 210_000, 2), (3.0, 220_000, 3), (3.2, 230_000, 4)]
    trace += [(4.0, 900_000, 0), (5.0, 300_000, 0)]  # folder gone after the commit: the rebuild's peak
    m = Measured(5.0, 0, 0, 0, "", "", trace)
    assert memory_by_batch(m) == (
        "RSS MB after batch 1: 195, 2: 205, 3: 215, 4: 225 (of 4); after parsing (commit, rebuild): peak 879 MB"
    )
    # a real process, sampled with a probe
    measured = measure([sys.executable, "-c", "import time; time.sleep(0.7)"], probe=lambda: "p")
    assert measured.returncode == 0 and measured.trace and all(p == "p" and rss > 0 for _, rss, p in measured.trace)


def test_core_passes_runs_the_core_over_synthetic_reports(capsys) -> None:
    from benchmarks.core_passes import main

    assert main(["--n", "4", "--passes", "2"]) == 0
    figures = int(capsys.readouterr().out.split()[0])
    assert figures > 0


def test_bench_parse_times_process_refs_and_keeps_its_rows(tmp_path, capsys) -> None:
    import pickle

    from benchmarks import bench_parse
    from benchmarks.synth import write_reports

    inbox = tmp_path / "inbox"
    write_reports(inbox, 6, seed=2)
    rows_out = tmp_path / "rows.pkl"
    bench_parse.main(
        [
            "--inbox",
            str(inbox),
            "--workdir",
            str(tmp_path / "work"),
            "--repeat",
            "2",
            "--parts",
            "--rows-out",
            str(rows_out),
        ]
    )
    printed = capsys.readouterr().out
    assert printed.count("pass: CPU") == 2 and "6 reports from" in printed
    assert re.search(r"extract +\d+\.\d{3} ms", printed) and "raw keeping" in printed
    [(reports, indicators, _, processed)] = pickle.loads(rows_out.read_bytes())
    assert len(reports) == len(processed) == 6 and indicators
    assert {r["fetched_at"] for r in reports} == {bench_parse.FETCHED_AT}
    assert not list((tmp_path / "work").iterdir())  # the data folder it kept raw/ in is gone
    import parsers.report

    assert parsers.report.extract.__module__ == "parsers.extract"  # the steps' wrappers are taken off


def test_yardstick_finds_numbers_with_units_and_converts_chinese_numerals() -> None:
    text = "全市新建工会组织2300家，培训职工1.2万人次，三十二所学校参加，资金3.5亿元，一是加强领导。"
    assert bare_figures(text) == [
        (2300.0, "家", text.index("2300")),
        (12000.0, "人", text.index("1.2")),
        (32.0, "所", text.index("三十二")),
        (350000000.0, "元", text.index("3.5")),
    ]
    assert bare_figures("一一道来，十十") == []  # cn2an rejects these runs; the script goes on


def test_bench_extract_prints_the_core_beside_the_yardstick(capsys) -> None:
    assert bench_extract.main(["--n", "12", "--repeat", "2"]) == 0
    out = capsys.readouterr().out
    assert "yardstick (bare regex + cn2an" in out and "core / yardstick: best" in out
