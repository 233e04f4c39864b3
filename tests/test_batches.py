"""flows/batches.py's scheduling with the flow's thread beside a pool, on a pool whose batches finish when the
test says (one each time the flow's thread parses a batch of its own), so the order of events is exact."""

from __future__ import annotations

import concurrent.futures
from collections import deque
from types import SimpleNamespace
from typing import Any

import pytest

from flows.batches import run_batches


def add(batch: list[int], offset: int) -> int:
    return sum(batch) + offset


class SteppedPool:
    """Stands in for PoolBesideFlow: submit queues a batch; finish_one runs the oldest queued batch."""

    parses_in_flow = True

    def __init__(self) -> None:
        self.queued: deque[tuple[concurrent.futures.Future, Any, dict]] = deque()

    def submit(self, task: Any, parameters: dict) -> SimpleNamespace:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self.queued.append((future, task, parameters))
        # the shape of Prefect's process-pool future: result(), and the concurrent future it wraps
        return SimpleNamespace(wrapped_future=future, result=lambda: self.wait_for(future))

    def wait_for(self, future: concurrent.futures.Future) -> Any:
        """What waiting on a running batch does: the pool gets on with its queue until that one is done."""
        while not future.done():
            self.finish_one()
        return future.result()

    def finish_one(self) -> None:
        if self.queued:
            future, task, parameters = self.queued.popleft()
            future.set_result(task.fn(**parameters))


class FlowThreadTask:
    """A task as run_batches calls it: `.fn` for the pool, a call for the flow's own thread. Each own batch
    notes how many batches the pool has queued when it starts, and lets the pool finish one meanwhile."""

    def __init__(self, pool: SteppedPool) -> None:
        self.fn = add
        self.pool = pool
        self.queued_at_own_start: list[int] = []

    def __call__(self, batch: list[int], offset: int) -> int:
        self.queued_at_own_start.append(len(self.pool.queued))
        self.pool.finish_one()
        return add(batch, offset)


@pytest.mark.parametrize("n_batches", [1, 2, 5, 12, 31])
def test_flow_thread_starts_its_own_batch_only_with_the_pool_full(n_batches: int) -> None:
    """The pool is refilled with what the flow handed out before the flow's thread parses a batch of its own
    (~2 s in a real run): a worker whose queue ran dry would idle all that time. Results keep their order."""
    pool = SteppedPool()
    task = FlowThreadTask(pool)
    batches = [[i, i] for i in range(n_batches)]
    results = list(run_batches(task, iter(batches), 2, 1, runner=pool))
    assert results == [2 * i + 1 for i in range(n_batches)]
    assert len(task.queued_at_own_start) >= (n_batches - 2) // 2, "the flow's thread parsed too few"
    # two batches per worker, one running and one waiting, whenever the flow's thread takes one of its own
    assert set(task.queued_at_own_start) <= {2}, task.queued_at_own_start
