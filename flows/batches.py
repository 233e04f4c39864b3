"""Cutting a run's documents into parse batches and running them on the flow's task runner. Reads and writes nothing.

Sizes come from measured costs (shared spec notes, benchmarks/README.md): a Prefect task costs ~30 ms
to record and a Dask task ~0.1 s more to ship, while parsing takes ~5 ms per report. A batch of
100-250 reports (0.5-1.5 s of work) keeps those overheads at a few per cent, and what waits in memory
small: a batch's result (rows, and its figures written out as CSV text) is ~12 MB at 250 reports, and a
few of them are held at a time while a pool parses (a 10 000-report run's process tree peaked at 1 017 MB
with batches of 500, 903 MB with 250).
"""

from __future__ import annotations

import gc
import inspect
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

from flows import live

BATCH_SIZE = 250  # documents per parse task at most (see above)
MIN_BATCH = 100  # a smaller run is cut into fewer batches than workers rather than into tiny ones
# Batches the flow's own thread parses first, beside a process pool: a spawned worker imports Prefect, pandas
# and the parsers (~3 s) before its first batch, and the pool's first results used to come first in order,
# so a 10 000-report run's flow thread parsed two batches and then waited ~2.7 s for them.
FLOW_FIRST = 2

T = TypeVar("T")


def plan_batches(refs: Sequence[T], workers: int) -> list[list[T]]:
    """Batches of at most BATCH_SIZE in the given order; with several workers, at least two batches per
    worker (so a slow batch does not leave the others idle) while each still holds MIN_BATCH documents."""
    if not refs:
        return []
    size = BATCH_SIZE
    if workers > 1:
        size = max(MIN_BATCH, min(BATCH_SIZE, -(-len(refs) // (2 * workers))))
    return [list(refs[i : i + size]) for i in range(0, len(refs), size)]


def run_batches(task: Any, batches: Iterable[list[T]], workers: int, *args: Any, runner: Any = None) -> Iterator[Any]:
    """`task(batch, *args)` for every batch, results in submission order.

    With one worker (the thread runner: the GIL) each batch runs in the flow's own thread, as a plain
    task call. With several (a process pool, Dask), on `runner` (default: the flow's task runner),
    workers + 1 batches are in flight: every worker stays busy while the flow handles the result in
    hand, and at most that many results wait in memory. Batches are taken from `batches` only as they
    are submitted.
    """
    if workers <= 1:
        for batch in batches:
            yield task(batch, *args)
        return
    # _result collects garbage after every batch from another process; what the run holds from before
    # (Prefect, pandas, the parsers' tables: millions of objects) is set aside for the parse phase, so
    # each full collection scans only what came since: ~0.25 s -> a few ms each, on the run's busiest thread
    gc.freeze()
    try:
        if getattr(runner, "parses_in_flow", False):
            yield from _run_with_flow_thread(task, iter(batches), workers - 1, args, runner)
        else:
            yield from _run_on_pool(task, batches, workers, args, runner)
    finally:
        gc.unfreeze()


def _run_on_pool(task: Any, batches: Iterable[list[T]], workers: int, args: tuple, runner: Any) -> Iterator[Any]:
    """Every batch on `runner`, workers + 1 in flight, results in submission order."""
    pending: deque[tuple[Any, int]] = deque()
    for batch in batches:
        if runner is None:
            future = task.submit(batch, *args)
        else:
            future = runner.submit(task, parameters=_parameters(task, batch, *args))
        pending.append((future, len(batch)))
        if len(pending) > workers:
            yield _result(*pending.popleft())
    while pending:
        yield _result(*pending.popleft())


def _run_with_flow_thread(task: Any, batches: Iterator[list[T]], pool: int, args: tuple, runner: Any) -> Iterator[Any]:
    """`pool` worker processes and the flow's own thread parse, results in submission order.

    The first FLOW_FIRST batches are the flow thread's, parsed while the pool's workers start. After that
    the pool always holds two batches per worker (one running, one waiting), so a worker never idles
    while the flow's thread parses a batch of its own, validates results or waits. The flow's thread
    parses the next batch whenever the oldest one is not back yet, as long as fewer than 2 * pool + 2
    results wait to be handed out; otherwise it waits for the oldest.
    """
    # [future, result, documents, batch]: a pool batch (future), or the flow thread's, parsed (result) or
    # set aside to parse when it is the oldest (batch); in submission order
    pending: deque[list[Any]] = deque()
    for batch in islice(batches, FLOW_FIRST):
        pending.append([None, None, len(batch), batch])
    more, limit = len(pending) == FLOW_FIRST, 2 * pool + 2
    while True:
        # the pool's queue counts its batches not done yet: one done but behind an older batch in order
        # leaves its worker free
        in_pool = sum(1 for future, *_ in pending if future is not None and not _done(future))
        while more and in_pool < 2 * pool and len(pending) < limit:
            batch = next(batches, None)
            if batch is None:
                more = False
                break
            pending.append([runner.submit(task, parameters=_parameters(task, batch, *args)), None, len(batch), None])
            in_pool += 1
        handed = False
        while pending and _ready(pending[0]):
            handed = True
            future, result, n, _ = pending.popleft()
            yield result if future is None else _result(future, n)
        if not pending and not more:
            return
        if handed:
            # refill the pool first: a batch of the flow's own takes ~2 s, during which a worker with an
            # empty queue would idle (a 10 000-report run: the worker was idle a third of the parse phase)
            continue
        oldest = pending[0]
        if oldest[3] is not None:  # a batch set aside for the flow's thread, now the oldest: parse it
            oldest[1], oldest[3] = task(oldest[3], *args), None
            continue
        if more and len(pending) < limit:
            batch = next(batches, None)
            if batch is not None:
                pending.append([None, task(batch, *args), len(batch), None])  # per-document progress: live.each
                continue
            more = False
        # the oldest is a pool batch still running: wait for it
        future, _, n, _ = pending.popleft()
        yield _result(future, n)


def _ready(entry: list[Any]) -> bool:
    """A pending batch whose result can be handed out: the flow thread's, parsed, or the pool's, done."""
    future, _, _, aside = entry
    return aside is None and (future is None or _done(future))


def _done(future: Any) -> bool:
    # Prefect's process-pool futures wrap a concurrent.futures.Future (PrefectConcurrentFuture)
    wrapped = getattr(future, "wrapped_future", None)
    return bool(wrapped is not None and wrapped.done())


def _parameters(task: Any, *args: Any) -> dict[str, Any]:
    # a task runner's submit takes parameters by name, as a task run records them
    return dict(inspect.signature(task.fn).bind(*args).arguments)


def _result(future: Any, n: int) -> Any:
    result = future.result()
    # Prefect's process-pool and Dask futures sit in reference cycles (done callbacks) that keep the
    # batch's rows alive until a full garbage collection, which a run holding many objects rarely
    # triggers: without this the run process grew ~40 MB per batch of 500 on a process pool
    gc.collect()
    # the batch was parsed in another process, where nobody listens to its per-document progress
    live.emit("parsed", n=n)
    return result
