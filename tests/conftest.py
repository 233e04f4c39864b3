"""Shared fixtures: paths, a temporary data dir with the sample inbox, and a Prefect test harness."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE_INBOX = ROOT / "data" / "inbox"


def shared_or_skip() -> Path:
    if not (SHARED / "seeds").is_dir() or not (SHARED / "gold" / "seeds").is_dir():
        pytest.skip("../shared is not present (seeds and gold are read-only inputs kept outside the project)")
    return SHARED


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data dir whose sources.toml points the inbox source at ./inbox."""
    d = tmp_path / "data"
    (d / "inbox").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "sources.toml", d / "sources.toml")
    return d


@pytest.fixture
def sample_data_dir(data_dir: Path) -> Path:
    for f in SAMPLE_INBOX.iterdir():
        if f.is_file():
            shutil.copy(f, data_dir / "inbox" / f.name)
    return data_dir


@pytest.fixture(scope="session")
def prefect_harness():
    """A real temporary Prefect server for the session, with flow heartbeats off (~1 s per flow)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch):
    """Set the snapshot day (Asia/Shanghai) the flow uses."""

    def set_day(day: str) -> None:
        monkeypatch.setenv("CHANGAI_TODAY", day)

    return set_day
