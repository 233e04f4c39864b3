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
