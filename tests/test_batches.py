"""flows/batches.py's scheduling with the flow's thread beside a pool, on a pool whose batches finish when the
test says (one each time the flow's thread parses a batch of its own), so the order of events is exact."""

from __future__ import annotations

import concurrent.futures
from collections import deque
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from flows.batches import FLOW_FIRST, run_batches


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

    def __init__(self, pool: SteppedPool, warming: int = 0) -> None:
        """`warming`: own batches during which the pool finishes nothing (its workers still importing)."""
        self.fn = add
        self.pool = pool
        self.warming = warming
        self.queued_at_own_start: list[int] = []
        self.own: list[list[int]] = []
        self.left = lambda: 0  # batches not taken yet (set by the test)
        self.left_at_own_start: list[int] = []

    def __call__(self, batch: list[int], offset: int) -> int:
        self.queued_at_own_start.append(len(self.pool.queued))
        self.left_at_own_start.append(self.left())
        self.own.append(batch)
        if len(self.own) > self.warming:
            self.pool.finish_one()
        return add(batch, offset)


def counted(batches: list[list[int]]) -> tuple[Iterator[list[int]], Callable[[], int]]:
    """An iterator over `batches` and how many it has not given out yet."""
    it = iter(batches)
    given = [0]

    def gen() -> Iterator[list[int]]:
        for b in it:
            given[0] += 1
            yield b

    return gen(), lambda: len(batches) - given[0]


@pytest.mark.parametrize("warming", [0, 3])
@pytest.mark.parametrize("n_batches", [1, 2, 3, 5, 12, 31])
def test_flow_thread_starts_its_own_batch_only_with_the_pool_full(n_batches: int, warming: int) -> None:
    """The pool is refilled with what the flow handed out before the flow's thread parses a batch of its own
    (~2 s in a real run): a worker whose queue ran dry would idle all that time. Results keep their order.
    `warming`: a pool that returns nothing during the flow's first batches (spawned workers importing)."""
    pool = SteppedPool()
    task = FlowThreadTask(pool, warming)
    batches = [[i, i] for i in range(n_batches)]
    given, task.left = counted(batches)
    results = list(run_batches(task, given, 2, 1, runner=pool))
    assert results == [2 * i + 1 for i in range(n_batches)]
    assert len(task.own) >= max(min(n_batches, FLOW_FIRST), (n_batches - 2) // 2), "the flow's thread parsed too few"
    # the first batches are the flow thread's: it starts on them at once, while the pool's workers start
    assert task.own[:FLOW_FIRST] == batches[:FLOW_FIRST]
    # two batches per worker, one running and one waiting, whenever the flow's thread takes one of its own;
    # fewer only when no batch is left to give the pool
    for queued, left in zip(task.queued_at_own_start, task.left_at_own_start, strict=True):
        assert queued == 2 or (left == 0 and queued < 2), (task.queued_at_own_start, task.left_at_own_start)
