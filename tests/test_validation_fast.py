"""The validation's once-per-distinct-value paths against the plain checks they stand in for, on random columns:
schemas.Field's str_matches (rules.matches_cells) against pandera's own Check.str_matches, failure cases and all;
the Text dtype against pandera's str; repeated figures dropped as drop_duplicates drops them."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from validations import rules
from validations.dtypes import Text
from validations.schemas import TABLE_SCHEMAS
from validations.validate import _drop_duplicate_rows

# pieces that make every pattern of the schemas match and miss: ids, hashes, dates, months, codes, versions
PIECES = ["0123456789abcdef", "fedcba98", "a" * 64, "A", "2026-03-02", "2023-02", "-", "320800", "2.1.0", ".", "x",
          "inbox", "/", " ", "\n", "中", "", "12", "_", "é"]  # fmt: skip


def _patterns() -> list[str]:
    found = set()
    for model in TABLE_SCHEMAS.values():
        for col in model.to_schema().columns.values():
            found |= {c.statistics["pattern"] for c in col.checks if c.name == "str_matches"}
    return sorted(found)


def _random_texts(rng: random.Random, n: int) -> list[str | None]:
    cells: list[str | None] = []
    for _ in range(n):
        if rng.random() < 0.1:
            cells.append(None)
        elif cells and rng.random() < 0.4:  # repeats: what the per-distinct path is for
            cells.append(rng.choice(cells))
        elif rng.random() < 0.5:
            cells.append(rng.choice(PIECES))
        else:
            cells.append("".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3))))
    return cells


def test_the_schemas_use_field_for_every_pattern() -> None:
    """Every str_matches check of the schemas is schemas.Field's (so the tests below cover them all)."""
    patterns = _patterns()
    assert len(patterns) >= 8
    for model in TABLE_SCHEMAS.values():
        for col in model.to_schema().columns.values():
            for check in col.checks:
                if check.name == "str_matches":
                    assert check._check_fn.func is rules.matches_cells


# pandera's built-in checks that pa.Field lists before str_matches (custom @pa.check checks come after all)
BEFORE_STR_MATCHES = {"equal_to", "not_equal_to", "greater_than", "greater_than_or_equal_to", "less_than",
                      "less_than_or_equal_to", "in_range", "between", "isin", "notin", "str_contains",
                      "str_endswith", "str_length"}  # fmt: skip


def test_str_matches_keeps_its_place_among_a_columns_checks() -> None:
    """Where pa.Field(str_matches=...) put it: after the column's other built-in checks, before its own
    checks, so a row failing several lists them in the same order."""
    seen = 0
    for model in TABLE_SCHEMAS.values():
        for col in model.to_schema().columns.values():
            names = [c.name for c in col.checks]
            if "str_matches" not in names:
                continue
            seen += 1
            at = names.index("str_matches")
            assert all(n in BEFORE_STR_MATCHES for n in names[:at]), names
            assert not any(n in BEFORE_STR_MATCHES for n in names[at + 1 :]), names
    assert seen >= 30


@pytest.mark.parametrize("seed", range(6))
def test_matches_cells_is_pandas_str_match(seed: int) -> None:
    rng = random.Random(seed)
    for pattern in _patterns():
        cells = _random_texts(rng, 200)
        for column in (
            pd.Series(cells, dtype="str"),
            pd.Series(cells, dtype=object),
            pd.Series(cells, dtype="str", index=np.arange(1000, 1200)),  # the result keeps the column's index
            pd.Series([c if c is not None else float("nan") for c in cells], dtype=object),
        ):
            expected = column.str.match(pattern, na=False)
            got = rules.matches_cells(column, pattern)
            pd.testing.assert_series_equal(got.astype(bool), expected.astype(bool))
        matched = rules.matches_cells(pd.Series(_random_texts(rng, 1000), dtype="str"), pattern)
        assert 0 < matched.sum() < len(matched)  # both outcomes occur


@pytest.mark.parametrize("seed", range(6))
def test_field_str_matches_fails_the_cells_pandera_fails(seed: int) -> None:
    """A column validated with schemas.Field's check and with pandera's own: the same failure cases (rows,
    values, check text), whether the cells are text, missing or not text at all."""
    rng = random.Random(100 + seed)
    for pattern in _patterns():
        cells: list[object] = list(_random_texts(rng, 150))
        if seed % 2:  # cells that are not text (coerced to it)
            cells = [rng.choice([12, 3.5, True]) if rng.random() < 0.05 else c for c in cells]
        frame = pd.DataFrame({"c": cells})
        ours = next(
            c for m in TABLE_SCHEMAS.values() for col in m.to_schema().columns.values() for c in col.checks
            if c.name == "str_matches" and c.statistics["pattern"] == pattern
        )  # fmt: skip
        cases = []
        for check in (ours, pa.Check.str_matches(pattern)):
            schema = pa.DataFrameSchema({"c": pa.Column(str, checks=[check], nullable=True, coerce=True)})
            try:
                schema.validate(frame, lazy=True)
                cases.append(None)
            except pa.errors.SchemaErrors as err:
                cases.append(err.failure_cases)
        if cases[1] is None:
            assert cases[0] is None
        else:
            pd.testing.assert_frame_equal(cases[0], cases[1])


def _random_column(rng: random.Random, n: int) -> pd.Series:
    kind = rng.choice(["str", "object_text", "object_mixed", "int", "float", "empty", "all_missing"])
    texts = _random_texts(rng, n)
    if kind == "str":
        return pd.Series(texts, dtype="str")
    if kind == "object_text":
        return pd.Series([t if t is not None else "" for t in texts], dtype=object)
    if kind == "object_mixed":
        return pd.Series([rng.choice([t, 7, 2.5, None, b"b"]) for t in texts], dtype=object)
    if kind == "int":
        return pd.Series([rng.randint(-5, 5) for _ in range(n)])
    if kind == "float":
        return pd.Series([rng.choice([0.5, float("nan")]) for _ in range(n)])
    if kind == "empty":
        return pd.Series([], dtype=rng.choice(["str", object]))
    return pd.Series([None] * n, dtype=object)


@pytest.mark.parametrize("seed", range(30))
def test_text_dtype_validates_as_pandera_str(seed: int) -> None:
    """A column declared Text and one declared str (pandera's string type): the same frame out, or the same
    failure cases, coerced or not, nullable or not."""
    rng = random.Random(200 + seed)
    column = _random_column(rng, rng.randint(1, 40))
    coerce, nullable = rng.choice([True, False]), rng.choice([True, False])
    results = []
    for dtype in (Text, str):
        schema = pa.DataFrameSchema({"c": pa.Column(dtype, nullable=nullable, coerce=coerce)})
        try:
            results.append(("valid", schema.validate(pd.DataFrame({"c": column}), lazy=True)))
        except pa.errors.SchemaErrors as err:
            results.append(("failed", err.failure_cases))
    assert results[0][0] == results[1][0]
    pd.testing.assert_frame_equal(results[0][1], results[1][1])


@pytest.mark.parametrize("seed", range(20))
def test_dropping_repeated_figures_is_drop_duplicates(seed: int) -> None:
    """validate._drop_duplicate_rows (rows compared only where their id repeats) keeps the rows
    DataFrame.drop_duplicates keeps, in its order, with their index."""
    rng = random.Random(300 + seed)
    n = rng.randint(1, 60)
    ids = [rng.choice(["a", "b", "c", "d", None]) for _ in range(n)]
    df = pd.DataFrame(
        {
            "indicator_row_id": pd.Series(ids, dtype=rng.choice(["str", object])),
            "value": [rng.choice([1.0, 2.0, float("nan")]) for _ in range(n)],
            "mention": pd.Series([rng.choice(["x", "y", None]) for _ in range(n)], dtype="str"),
        },
        index=rng.sample(range(1000), n),
    )
    rows = df.iloc[[rng.randrange(n) for _ in range(rng.randint(n, 2 * n))]]  # whole rows repeated too
    expected = rows.drop_duplicates()
    pd.testing.assert_frame_equal(_drop_duplicate_rows(rows, "indicator_row_id"), expected)
    pd.testing.assert_frame_equal(_drop_duplicate_rows(rows.drop(columns="indicator_row_id"), "indicator_row_id"),
                                  rows.drop(columns="indicator_row_id").drop_duplicates())  # fmt: skip
