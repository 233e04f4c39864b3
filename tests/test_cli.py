"""The `changai` command as a user runs it: a real process with Prefect's embedded server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.flow


def changai(*args: str, cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_run_then_progress_validate_sources(tmp_path: Path) -> None:
    inbox = tmp_path / "reports"
    shutil.copytree(ROOT / "data" / "inbox", inbox)
    data = tmp_path / "out"
    result = changai(
        "run", "--inbox", str(inbox), "--data-dir", str(data), cwd=ROOT, env_extra={"CHANGAI_TODAY": "2026-03-02"}
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "reports read: 8" in result.stdout
    assert re.search(r"^inbox +ok +8 +8 +0 +8 +0 +\d+ +\d+ +0", result.stdout, flags=re.MULTILINE)  # per-source row
    assert "new figures per city: " in result.stdout and "new report: 淮安市 2022-12-13" in result.stdout
    assert "parsing and extracting" not in result.stderr  # no progress bars when not on a terminal
    assert "snapshot: " in result.stdout and "2026-03-02" in result.stdout
    assert (data / "snapshots" / "2026-03-02" / "indicators.csv").exists()

    progress = changai(
        "progress", "--city", "淮安", "--indicator", "training_person_times", "--data-dir", str(data), cwd=ROOT
    )
    assert progress.returncode == 0, progress.stderr
    assert "183,000" in progress.stdout and "126,000" in progress.stdout

    valid = changai("validate", "--data-dir", str(data), cwd=ROOT)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    (data / "indicators.csv").write_text(
        (data / "indicators.csv").read_text(encoding="utf-8-sig").replace(",人次,", ",斤,", 1), encoding="utf-8-sig"
    )
    invalid = changai("validate", "--data-dir", str(data), cwd=ROOT)
    assert invalid.returncode == 1 and "indicators.csv" in invalid.stdout and "isin" in invalid.stdout

    sources = changai("sources", "--data-dir", str(ROOT / "data"), cwd=ROOT)
    assert sources.returncode == 0 and "inbox" in sources.stdout
    (data / "sources.toml").write_text((ROOT / "data" / "sources.toml").read_text(encoding="utf-8"), encoding="utf-8")
    sources = changai("sources", "--data-dir", str(data), cwd=ROOT)
    assert sources.returncode == 0
    (row,) = [line for line in sources.stdout.splitlines() if "│ inbox" in line]
    assert re.search(r"│ \d{4}-\d\d-\d\d \d\d:\d\d ok +│ \d{4}-\d\d-\d\d \d\d:\d\d +│ 8/0/0 ", row), row


def test_run_fails_with_a_reason_when_a_source_fails(tmp_path: Path) -> None:
    result = changai("run", "--inbox", str(tmp_path / "missing"), "--data-dir", str(tmp_path / "d"), cwd=ROOT)
    assert result.returncode == 1
    assert "source inbox failed: FileNotFoundError: inbox folder not found" in result.stderr


def test_bad_arguments_fail_before_running(tmp_path: Path) -> None:
    result = changai("run", "--since", "2022-13-01", cwd=ROOT)
    assert result.returncode == 2 and "not a date" in result.stderr
    result = changai("run", "--source", "nope", "--data-dir", str(ROOT / "data"), "--dry-run", cwd=ROOT)
    assert result.returncode != 0 and "unknown source id(s): nope" in result.stderr
    result = changai("run", "--since", "2022-07-01", "--until", "2022-06-30", "--data-dir", str(tmp_path), cwd=ROOT)
    assert result.returncode == 2
    assert "invalid parameters: since (2022-07-01) is after until (2022-06-30)" in result.stderr
    assert not tmp_path.joinpath("snapshots").exists()
