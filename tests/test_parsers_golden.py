"""Golden tests of every family parser: tests/fixtures/parsers/<parser_id>/<case>.<ext> + <case>.json.

Each JSON holds what a reader of the page sees: title, publish date, city and district, the head
of the normalised text, and how many figures at least come out of it. A case is a test; adding a
file pair adds a test (recipe-scrapers style).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parsers.registry import PARSER_MODULES, get_parser
from parsers.report import process_document

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "parsers"
TODAY = date(2026, 3, 2)


def golden_cases() -> list[tuple[str, Path, Path]]:
    cases = []
    for expected in sorted(GOLDEN.glob("*/*.json")):
        inputs = [p for p in expected.parent.glob(expected.stem + ".*") if p.suffix != ".json"]
        assert len(inputs) == 1, f"{expected}: needs exactly one input file beside it, found {inputs}"
        cases.append((expected.parent.name, inputs[0], expected))
    return cases


CASES = golden_cases()


@pytest.mark.parametrize(("parser_id", "page", "expected_path"), CASES, ids=[f"{c[0]}/{c[1].stem}" for c in CASES])
def test_golden_page(parser_id: str, page: Path, expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    content = page.read_bytes()
    result = process_document(content, expected["url"], parser_id, expected.get("declared_charset"), TODAY)
    assert result.status == expected.get("status", "ok"), result.reason
    assert result.title == expected["title"]
    assert result.publish_date == expected["publish_date"]
    if "date_source" in expected:
        assert result.date_source == expected["date_source"]
    city = result.place.city if result.place else ""
    district = result.place.district if result.place else ""
    assert (city, district) == (expected["city"], expected["district"])
    assert result.text.startswith(expected["text_head"])
    assert len(result.mentions) >= expected["min_figures"]
    # the parser itself: pure (same bytes, same page) and the title leads the text
    page_a = get_parser(parser_id)(content, expected["url"], expected.get("declared_charset"))
    page_b = get_parser(parser_id)(content, expected["url"], expected.get("declared_charset"))
    assert page_a == page_b
    assert page_a.text.split("\n", 1)[0] == page_a.title or not page_a.title


def test_every_parser_has_golden_cases() -> None:
    covered = {c[0] for c in CASES}
    assert set(PARSER_MODULES) <= covered, f"parsers without a fixture folder: {set(PARSER_MODULES) - covered}"
