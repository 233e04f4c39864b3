"""The inbox reads Word and PDF exports and hands saved pages of a known family to that family's parser."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from flows.local_source import collect_local
from flows.store import DataStore
from parsers.report import process_document
from parsers.sources import local_file
from tests.conftest import ROOT

SITES = ROOT / "tests" / "fixtures" / "sites"


def test_inbox_lists_and_reads_docx_pdf_and_saved_pages(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SITES / "exported_doc/tzgh/uploadfile/202010/sixin-showcase.docx", inbox / "展示.docx")
    shutil.copy(SITES / "exported_doc/tzgh/uploadfile/202103/training-2020.pdf", inbox / "training.pdf")
    shutil.copy(SITES / "founder_epaper/html/2022-12/13/content_202371.htm", inbox / "epaper.htm")
    store = DataStore(tmp_path / "data")
    refs = {Path(r.local_path).name: r for r in collect_local("inbox", "local", inbox, store)}
    assert set(refs) == {"展示.docx", "training.pdf", "epaper.htm"}
    assert refs["training.pdf"].raw_path.endswith(".pdf") and refs["展示.docx"].raw_path.endswith(".docx")
    results = {
        name: process_document(store.raw_bytes(r.raw_path), r.url, "local", None, date(2026, 3, 2))
        for name, r in refs.items()
    }
    assert all(r.status == "ok" for r in results.values())
    pdf = results["training.pdf"]
    # the PDF text layer splits number and unit over lines ("62563\n人次"): the figure is still found
    assert re.search(r"62563\s*人次", pdf.text)
    assert any(m.value == 62563 and m.unit == "人次" for m in pdf.mentions)
    assert results["展示.docx"].title.endswith("——泰州推进产业工人队伍建设改革工作展示")
    assert results["epaper.htm"].publish_date == "2022-12-13"  # from the enpproperty comment


def test_saved_family_page_is_parsed_by_its_family() -> None:
    page = local_file.parse((SITES / "district_cms/tbgz/2022/1206/8812.html").read_bytes(), "file:///x/a.html")
    assert "saved page read with the district_cms parser" in page.warnings
    assert "编辑" not in page.text and "我要评论" not in page.text


def test_unreadable_docx_is_rejected_with_a_reason() -> None:
    result = process_document(b"PK\x03\x04 not really a zip", "file:///inbox/broken.docx", "local")
    assert result.status == "rejected" and "not a readable .docx" in result.reason


def _inbox(tmp_path: Path, files: dict[str, str]) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in files.items():
        (inbox / name).write_text(text, encoding="utf-8")
    return inbox


REPORT = "海安市总工会2023年3月报道：全市累计完成职业技能培训2.6万人次，新建工会组织120家。"


def test_parse_batch_keeps_the_bytes_it_parses(tmp_path: Path, monkeypatch) -> None:
    """keep_later: the collect reads and hashes, the parse batch keeps the bytes in raw/ (with the same
    sidecar a collect would write) before parsing; a file changed since is kept and parsed as it is now,
    one gone since is a rejected report with its reason, and the rest of the batch goes on."""
    import flows.local_source
    from flows.ingest import process_refs

    monkeypatch.setattr(flows.local_source, "now_iso", lambda: "2026-03-02T08:00:00+08:00")
    inbox = _inbox(tmp_path, {"a.txt": REPORT, "b.txt": REPORT.replace("2.6万", "3.1万"), "c.txt": REPORT})
    data = tmp_path / "data"
    store = DataStore(data)
    refs = list(collect_local("inbox", "local", inbox, store, keep_later=True))
    assert all(r.keep_raw and r.raw_path == "" and len(r.sha256) == 64 for r in refs)
    assert not (data / "raw").exists()  # nothing kept yet
    now_b = REPORT.replace("2.6万", "4.4万")
    (inbox / "b.txt").write_text(now_b, encoding="utf-8")
    (inbox / "c.txt").unlink()

    out = process_refs(refs, str(data), "2026-03-02")
    rows = {Path(r["url"]).name: r for r in out.reports}
    for name, text in (("a.txt", REPORT), ("b.txt", now_b)):
        row = rows[name]
        assert row["status"] == "ok" and store.raw_bytes(row["raw_path"]) == text.encode("utf-8")
        assert row["content_sha256"] == Path(row["raw_path"]).stem
    # the same raw file and sidecar as the collect itself keeps
    eager = DataStore(tmp_path / "eager")
    (kept_a,) = [r for r in collect_local("inbox", "local", inbox, eager) if r.url.endswith("a.txt")]
    assert kept_a.raw_path == rows["a.txt"]["raw_path"]
    assert store.raw_meta(kept_a.raw_path) == eager.raw_meta(kept_a.raw_path)
    assert {m.get("value") for m in out.indicators if m["report_id"] == rows["b.txt"]["report_id"]} >= {44000.0}
    gone = rows["c.txt"]
    assert gone["status"] == "rejected" and gone["reason"].startswith("cannot read file: No such file")
    assert gone["report_id"] in out.protect_ids


def test_parse_batch_that_cannot_keep_bytes_rejects_with_the_reason(tmp_path: Path) -> None:
    from flows.ingest import process_refs

    inbox = _inbox(tmp_path, {"a.txt": REPORT})
    data = tmp_path / "data"
    refs = list(collect_local("inbox", "local", inbox, DataStore(data), keep_later=True))
    (data / "raw").mkdir(parents=True)
    (data / "raw" / "inbox").write_text("a file where the source's folder goes", encoding="utf-8")
    out = process_refs(refs, str(data), "2026-03-02")
    (row,) = out.reports
    assert row["status"] == "rejected" and row["reason"].startswith("raw document could not be kept:")
    assert row["report_id"] in out.protect_ids and not out.indicators
