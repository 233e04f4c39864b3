"""The ingest flow's default task runner (`--task-runner auto`): threads, with a process pool next to the flow's
own thread for the parse phase of a run large enough to pay for one (flows/runners.py parse_runner).
Reads and writes nothing."""

from __future__ import annotations

from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

# Below this many documents a run parses in its own process: starting two spawned workers (each imports
# Prefect, pandas and the parsers) costs ~3 s, about what two cores save on 700 documents at ~9 ms each
# (benchmarks/README.md, "Whole run"). A daily run of a few reports never starts a worker.
AUTO_MIN_DOCUMENTS = 1000


class AutoTaskRunner(ThreadPoolTaskRunner):
    """Threads for what the flow itself submits (collecting documents); the parse batches of a run of
    AUTO_MIN_DOCUMENTS or more are shared by the flow's own thread and a process for every other core of
    this machine, when it has more than one (PoolBesideFlow)."""


class PoolBesideFlow(ProcessPoolTaskRunner):
    """Prefect's process pool, whose batches the flow's own thread parses alongside (flows/batches.py
    run_batches): the flow's process is there anyway, and a worker process costs ~245 MB (Prefect, pandas
    and the parsers' tables imported again), so cores - 1 of them keep every core busy for ~245 MB less."""

    parses_in_flow = True
