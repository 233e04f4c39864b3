"""In-process progress events from the ingest flow to whoever listens (the CLI's progress bars); no-op otherwise.

The flow runs in the `changai run` process (its tasks in threads), so a plain callback list is enough;
a served or worker-run flow has no listener and these calls cost nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

Listener = Callable[[str, dict[str, Any]], None]
T = TypeVar("T")

_listeners: list[Listener] = []
_lock = threading.Lock()


def emit(event: str, **fields: Any) -> None:
    """Tell the listeners; a listener that raises is dropped quietly — progress display never breaks a run.

    Events: sources(total), source_done(source, discovered, new, ok), parse_total(total), parsed(n),
    stage(name).
    """
    if not _listeners:
        return
    for listener in list(_listeners):
        try:
            listener(event, fields)
        except Exception:
            with _lock:
                if listener in _listeners:
                    _listeners.remove(listener)


def each(items: Iterable[T], event: str) -> Iterator[T]:
    """The items, emitting `event` (n=1) after each one has been handled by the loop body."""
    for item in items:
        yield item
        emit(event, n=1)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)
