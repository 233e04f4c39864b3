"""flows/csvrows.rows_text must give the characters of pandas' to_csv for every frame it takes on."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from flows.csvchunks import csv_text
from flows.csvio import LINE_END, _escaped
from flows.csvrows import rows_text

TEXTS = ["", " ", "a", "plain", "中文句子", "a,b", '"', 'say "hi"', "x\r\ny", "line\n", "\rcr", "=1+1", "'q", "-60",
         "+1", "@x", "\tt", " lead", "trail ", "，全角", "𠀀", "a;b", "NaN", "None", ",", '""']  # fmt: skip
FLOATS = [0.0, -0.0, 1.0, -1.5, 0.1 + 0.2, 1e-7, 2.5e-5, 1e15, 1e16, 1.2345678901234567e17, 3.552e8, 18.3e4,
          float("nan"), float("inf"), float("-inf"), 123456789.0, 1e300, 5e-324]  # fmt: skip


def _pandas(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, header=False, lineterminator=LINE_END)


def _random_frame(rng: random.Random, n: int) -> pd.DataFrame:
    columns: dict[str, object] = {}
    for i in range(rng.randint(2, 7)):
        kind = rng.choice(["str", "str_missing", "object", "float", "int"])
        if kind == "str":
            columns[f"c{i}"] = pd.Series([rng.choice(TEXTS) for _ in range(n)], dtype="str")
        elif kind == "str_missing":
            columns[f"c{i}"] = pd.Series([rng.choice([*TEXTS, None]) for _ in range(n)], dtype="str")
        elif kind == "object":
            columns[f"c{i}"] = pd.Series([rng.choice([*TEXTS, None, float("nan")]) for _ in range(n)], dtype=object)
        elif kind == "float":
            columns[f"c{i}"] = [rng.choice(FLOATS) * rng.choice([1, -1, 7.25]) for _ in range(n)]
        else:
            columns[f"c{i}"] = np.array([rng.randint(-(2**62), 2**62) // rng.choice([1, 10**15]) for _ in range(n)])
    return pd.DataFrame(columns)


@pytest.mark.parametrize("seed", range(40))
def test_rows_text_is_pandas_to_csv_on_random_frames(seed: int) -> None:
    rng = random.Random(seed)
    df = _random_frame(rng, rng.randint(1, 60))
    assert df.dtypes.map(str).isin(["str", "object", "float64", "int64"]).all()
    text = rows_text(df, LINE_END)
    assert text is not None  # every column here is of a kind rows_text writes itself
    assert text == _pandas(df)


def test_columns_it_does_not_write_are_left_to_pandas() -> None:
    mixed = pd.DataFrame({"a": ["x", 1, 2.5, b"b"], "b": ["p", "q", "r", "s"]}, dtype=object)
    flags = pd.DataFrame({"a": [True, False], "b": ["p", "q"]})
    dates = pd.DataFrame({"a": pd.to_datetime(["2026-01-01", None]), "b": ["p", "q"]})
    lone = pd.DataFrame({"a": ["", "x"]})  # one column: an empty cell alone on its row is quoted
    for df in (mixed, flags, dates, lone):
        assert rows_text(df, LINE_END) is None
        assert csv_text(df, list(df.columns)).text == _pandas(_escaped(df, list(df.columns)))


@pytest.mark.parametrize("seed", range(10))
def test_csv_text_is_the_escaped_frame_to_csv(seed: int) -> None:
    rng = random.Random(seed)
    df = _random_frame(rng, 30)
    columns = [*df.columns, "absent"]  # a column the frame lacks comes out empty
    rng.shuffle(columns)
    assert csv_text(df, columns).text == _pandas(_escaped(df, columns))
    assert csv_text(df, columns).rows == len(df)
    assert csv_text(df.iloc[0:0], columns).text == ""
