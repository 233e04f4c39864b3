"""Shared fixtures and helpers: paths, temporary data dirs, a Prefect test harness, running the ingest flow for
real and comparing the current tables it writes, and a clean memory:// filesystem."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE_INBOX = ROOT / "data" / "inbox"

CURRENT_TABLE_FILES = ("reports.csv", "indicators.csv", "progress.csv", "flags.csv")


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


def fresh_data_dir(tmp_path: Path, name: str) -> Path:
    """An empty data dir tmp_path/name with the project's sources.toml."""
    d = tmp_path / name
    d.mkdir()
    shutil.copy(ROOT / "data" / "sources.toml", d / "sources.toml")
    return d


def run_ingest(data_dir: Path, inbox: Path | None = None, flow=None, **params) -> dict:
    """Run the ingest flow (or a variant of it, e.g. ingest.with_options(...)) and return the summary
    of the completed run."""
    if flow is None:
        from flows.ingest import ingest as flow
    state = flow(data_dir=str(data_dir), inbox=str(inbox) if inbox else None, return_state=True, **params)
    assert state.is_completed(), state.message
    return state.result()


def current_tables(data_dir: Path, names: tuple[str, ...] = CURRENT_TABLE_FILES) -> dict:
    """The current tables; fetched_at is when a file was read, so it differs between runs."""
    from flows.csvio import read_csv

    return {name: read_csv(data_dir / name).drop(columns=["fetched_at"], errors="ignore") for name in names}


def assert_same_current_tables(a: Path, b: Path, names: tuple[str, ...] = CURRENT_TABLE_FILES) -> dict:
    """Assert two data dirs hold the same current tables; returns those of `a`."""
    import pandas as pd

    ta, tb = current_tables(a, names), current_tables(b, names)
    for name in names:
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)
    return ta


@pytest.fixture
def clean_memory_fs():
    """memory:// is one filesystem per process: start and leave a test with it empty."""
    from fsspec.implementations.memory import MemoryFileSystem

    def clear() -> None:
        MemoryFileSystem.store.clear()
        MemoryFileSystem.pseudo_dirs[:] = [""]

    clear()
    yield
    clear()
