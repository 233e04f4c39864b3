"""The ingest flow's default task runner (`--task-runner auto`): threads, with a process pool for the parse
phase of a run large enough to pay for one (flows/runners.py parse_runner). Reads and writes nothing."""

from __future__ import annotations

from prefect.task_runners import ThreadPoolTaskRunner

# Below this many documents a run parses in its own process: starting two spawned workers (each imports
# Prefect, pandas and the parsers) costs ~3 s, about what two cores save on 700 documents at ~9 ms each
# (benchmarks/README.md, "Whole run"). A daily run of a few reports never starts a worker.
AUTO_MIN_DOCUMENTS = 1000


class AutoTaskRunner(ThreadPoolTaskRunner):
    """Threads for what the flow itself submits (collecting documents); the parse batches of a run of
    AUTO_MIN_DOCUMENTS or more go to a process per core of this machine when it has more than one."""
