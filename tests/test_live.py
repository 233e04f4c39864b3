"""Live progress of a real flow run in this process: the events, and the bars drawn from them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from flows import live
from flows.live_display import _display, progress_display

pytestmark = pytest.mark.flow


def test_a_run_emits_progress_events_and_draws_bars(prefect_harness, sample_data_dir: Path, today) -> None:
    from rich.console import Console

    from flows.ingest import ingest

    today("2026-03-02")
    events: list[tuple[str, dict]] = []
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120)
    with live.listening(lambda event, fields: events.append((event, fields))), _display(console):
        ingest(data_dir=str(sample_data_dir))
    names = [e for e, _ in events]
    assert names[0] == "sources" and events[0][1] == {"total": 1}
    assert ("source_done", {"source": "inbox", "discovered": 8, "new": 8, "ok": True}) in events
    assert ("parse_total", {"total": 8}) in events
    assert sum(f["n"] for e, f in events if e == "parsed") == 8
    assert [f["name"] for e, f in events if e == "stage"] == ["validate", "commit"]
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buf.getvalue())
    assert "source inbox: 8 documents, 8 new or changed\n" in drawn
    assert re.search(r"parsing and extracting +━+ 8/8", drawn)
    assert live._listeners == []  # both listeners removed again


def test_a_failing_listener_never_breaks_the_run() -> None:
    def broken(event: str, fields: dict) -> None:
        raise RuntimeError("display gone")

    with live.listening(broken):
        live.emit("parsed", n=1)  # swallowed, listener dropped
        assert live._listeners == []


def test_no_bars_unless_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANGAI_PROGRESS", "0")
    with progress_display():
        assert live._listeners == []
