"""Progress bars for `changai run` on a terminal, fed by the flow's live events; reads and writes nothing else.

Drawn on stderr so stdout (the run report) stays clean when piped; off when stderr is not a terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from flows import live

STAGES = {"validate": "validating tables", "commit": "writing the snapshot and current tables"}


def wanted() -> bool:
    """On a terminal, unless CHANGAI_PROGRESS=0 (CI logs, screen readers)."""
    if os.environ.get("CHANGAI_PROGRESS", "").strip() in ("0", "false", "no", "off"):
        return False
    return sys.stderr.isatty()


def progress_display(enabled: bool | None = None) -> Any:
    """A context manager showing live progress while the flow runs in this process (or doing nothing)."""
    return _display() if (wanted() if enabled is None else enabled) else nullcontext()


@contextmanager
def _display(console: Any = None) -> Iterator[Any]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def on_event(event: str, fields: dict[str, Any]) -> None:
        if event == "sources":
            tasks["sources"] = progress.add_task("reading sources", total=fields["total"])
            tasks["sources_total"] = fields["total"]
        elif event == "source_done" and "sources" in tasks:
            state = "" if fields.get("ok", True) else " FAILED"
            progress.console.print(
                f"source {fields['source']}: {fields['discovered']} documents, {fields['new']} new or changed{state}",
                highlight=False,
                markup=False,
            )
            progress.advance(tasks["sources"])
        elif event == "parse_total":
            if "sources" in tasks:  # a reprocess reads no source: nothing more will come for this bar
                progress.update(tasks["sources"], completed=tasks["sources_total"])
            tasks["parse"] = progress.add_task("parsing and extracting", total=fields["total"])
        elif event == "parsed" and "parse" in tasks:
            progress.advance(tasks["parse"], fields.get("n", 1))
        elif event == "stage":
            if "stage" in tasks:
                progress.update(tasks["stage"], completed=1)
            tasks["stage"] = progress.add_task(STAGES.get(fields["name"], fields["name"]), total=1)

    with progress, live.listening(on_event):
        yield progress
