"""write_csv streams to its file; the bytes must be exactly csv_bytes' (the audit compares them)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flows import csvio
from flows.csvio import csv_bytes, read_csv, write_csv


def test_streamed_file_equals_csv_bytes_and_reads_back(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "a": ["=1+1", "'quoted", "-60", "+1", "plain", "行一\r\n行二", None],
            "b": [1.5, -2.0, 3.0, float("nan"), 0.0, 1e12, 7.0],
            "c": ["x", "y", "z", "@home", "\tTab", "", "中文"],
        }
    )
    original = df.copy()
    path = tmp_path / "t.csv"
    write_csv(path, df, ["a", "b", "c", "missing"])
    assert path.read_bytes() == csv_bytes(df, ["a", "b", "c", "missing"])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(df, original)  # the caller's frame is not changed by the escaping
    back = read_csv(path)
    assert back["a"].tolist() == ["=1+1", "'quoted", "-60", "+1", "plain", "行一\r\n行二", ""]
    assert back["c"].tolist() == ["x", "y", "z", "@home", "\tTab", "", "中文"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_usecols_reads_only_those_columns_in_that_order(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    write_csv(path, pd.DataFrame({"a": ["=x", "y"], "b": ["1", "2"], "c": ["p", "q"]}), ["a", "b", "c"])
    back = read_csv(path, usecols=["c", "a", "absent"])
    assert list(back.columns) == ["c", "a", "absent"]
    assert back["a"].tolist() == ["=x", "y"] and back["absent"].tolist() == ["", ""]
    assert list(read_csv(tmp_path / "none.csv", usecols=["c"]).columns) == ["c"]


@pytest.mark.parametrize("seed", range(12))
def test_written_in_blocks_the_bytes_are_csv_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    # write_csv joins the rows itself (flows/csvrows.py) a block at a time, pandas writing the blocks it
    # leaves; blocks of 7 rows cut the frames below several times, some blocks of each kind
    monkeypatch.setattr(csvio, "WRITE_BLOCK_ROWS", 7)
    rng = random.Random(seed)
    n = rng.randint(0, 40)
    texts = ["", "plain", "中文，句子", "a,b", 'say "hi"', "x\r\ny", "=1+1", "'q", "-60", "+1", "@x", None]
    df = pd.DataFrame(
        {
            "text": pd.Series([rng.choice(texts) for _ in range(n)], dtype="str"),
            "value": [rng.choice([0.0, -1.5, 1e16, 3.552e8, float("nan")]) for _ in range(n)],
            "count": np.array([rng.randint(-5, 10**12) for _ in range(n)], dtype=np.int64),
            # numbers among the text in some blocks only: those blocks go through to_csv
            "mixed": pd.Series(
                [rng.choice([*texts, 7, 2.5]) if rng.random() < 0.1 else "t" for _ in range(n)], dtype=object
            ),
        }
    )
    columns = ["value", "text", "absent", "mixed", "count"]
    path = tmp_path / "t.csv"
    write_csv(path, df, columns)
    assert path.read_bytes() == csv_bytes(df, columns)
    lone = pd.DataFrame({"a": ["", "x", "", "=y"] * 3})  # one column: an empty cell alone on its row is quoted
    write_csv(path, lone, ["a"])
    assert path.read_bytes() == csv_bytes(lone, ["a"])
