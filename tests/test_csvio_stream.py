"""write_csv streams to its file; the bytes must be exactly csv_bytes' (the audit compares them)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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
