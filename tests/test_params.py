"""Ingest parameters: bad values fail before any run with one readable line per problem (no Prefect needed)."""

from __future__ import annotations

from datetime import date

import pytest

from flows.params import IngestParams, InvalidParameters, check_params


def test_good_values_are_typed() -> None:
    p = check_params(sources=["inbox", "huaian-epaper"], since="2022-01-01", until="2022-06-30", data_dir="d")
    assert p == IngestParams(
        sources=["inbox", "huaian-epaper"], since=date(2022, 1, 1), until=date(2022, 6, 30), data_dir="d"
    )
    assert check_params().sources is None  # every enabled source
    assert check_params(since="2022-03-01", until="2022-03-01").since == date(2022, 3, 1)  # one-day window


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"since": "2022-07-01", "until": "2022-06-30"},
            "since (2022-07-01) is after until (2022-06-30): the window is empty",
        ),
        ({"since": "2022-13-01"}, "since: Input should be a valid date"),
        ({"until": "yesterday"}, "until: Input should be a valid date"),
        ({"sources": ["../etc"]}, "sources.0: String should match pattern"),
        ({"sources": "inbox"}, "sources: Input should be a valid list"),
        ({"sources": []}, "sources: give at least one source id, or leave it unset (null)"),
        ({"data_dir": "  "}, "data_dir: String should have at least 1 character"),
        ({"reprocess": True, "inbox": "/tmp/x"}, "inbox has no effect with reprocess"),
        ({"dry_run": "maybe"}, "dry_run: Input should be a valid boolean"),
        ({"source": ["inbox"]}, "source: Extra inputs are not permitted"),
    ],
)
def test_bad_values_fail_with_a_clear_message(values: dict, message: str) -> None:
    with pytest.raises(InvalidParameters) as err:
        check_params(**values)
    text = str(err.value)
    assert text.startswith("invalid parameters: ") and message in text
    assert "\n" not in text and "https://" not in text  # one line, no pydantic URLs


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(InvalidParameters) as err:
        check_params(since="2022-02-30", sources=["a b"])
    assert "since:" in str(err.value) and "sources.0:" in str(err.value)
