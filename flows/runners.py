"""Task runners for the ingest flow: auto (default), Prefect's thread or process pool, or a Dask cluster. Reads nothing.

`changai run --task-runner auto|threads|processes|dask [--dask-address tcp://host:8786]` picks one (or
CHANGAI_TASK_RUNNER and CHANGAI_DASK_ADDRESS). Parsing and extraction are CPU-bound Python: threads share
one core (the GIL), a process pool uses every core of this machine (Prefect's own ProcessPoolTaskRunner,
nothing to install), Dask worker processes every core of every machine in the cluster (prefect-dask).
`auto` parses a small run in the flow's own process and a large one on a process pool of the other cores
with the flow's thread alongside (flows/auto_runner.py). Collecting documents (disk, network) always stays
in threads of the flow's own process, which also owns the data dir.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

RUNNERS = ("auto", "threads", "processes", "dask")
THREAD_WORKERS = 4  # collect tasks wait on disk and network; parse batches hold the GIL anyway
CONNECT_TIMEOUT = 5.0  # seconds to wait for a --dask-address scheduler before giving up


class RunnerError(ValueError):
    """A task runner that cannot be used as asked; the message says why and what to do."""


def choose(kind: str | None, address: str | None) -> tuple[str, str | None]:
    """The runner kind and scheduler address from the CLI flags, else CHANGAI_TASK_RUNNER / CHANGAI_DASK_ADDRESS.

    Nothing given means auto; an address alone means dask; another runner with an address is a
    contradiction and refused.
    """
    kind = (kind or os.environ.get("CHANGAI_TASK_RUNNER", "")).strip().lower() or None
    address = (address or os.environ.get("CHANGAI_DASK_ADDRESS", "")).strip() or None
    if kind is None:
        kind = "dask" if address else "auto"
    if kind not in RUNNERS:
        raise RunnerError(f"unknown task runner {kind!r} (one of: {', '.join(RUNNERS)})")
    if kind != "dask" and address:
        raise RunnerError(f"a Dask scheduler address ({address}) needs --task-runner dask")
    return kind, address


def check_dask(address: str | None) -> None:
    """Fail fast, before Prefect starts: prefect-dask missing, or a scheduler that does not answer."""
    import importlib.util

    if importlib.util.find_spec("prefect_dask") is None:
        raise RunnerError("the dask task runner needs prefect-dask: pip install 'changai[dask]'")
    if not address:
        return
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or not parts.port:
        raise RunnerError(f"not a Dask scheduler address (tcp://HOST:PORT): {address!r}")
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RunnerError(f"cannot reach the Dask scheduler at {address}: {reason}") from None


def make_task_runner(kind: str = "auto", address: str | None = None, workers: int | None = None) -> Any:
    """A Prefect task runner. `dask` without an address starts a local cluster of worker processes
    (one single-threaded worker per core, no dashboard) when the first batch is submitted, and stops it
    with the parse phase."""
    if kind == "auto":
        from flows.auto_runner import AutoTaskRunner

        return AutoTaskRunner(max_workers=THREAD_WORKERS)
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=THREAD_WORKERS)
    if kind == "processes":
        from prefect.task_runners import ProcessPoolTaskRunner

        # spawned workers import the flow's modules once each (~2-3 s), then parse batch after batch
        return ProcessPoolTaskRunner(max_workers=workers or os.cpu_count() or 2)
    if kind != "dask":
        raise RunnerError(f"unknown task runner {kind!r} (one of: {', '.join(RUNNERS)})")
    # the scheduler and nannies log every worker start and stop at INFO; worker processes inherit this
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise RunnerError("the dask task runner needs prefect-dask: pip install 'changai[dask]'") from exc
    if address:
        return DaskTaskRunner(address=address)
    n = workers or os.cpu_count() or 2
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": n, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    )


def _flow_runner() -> Any:
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    return getattr(ctx, "task_runner", None)


def _is_dask(runner: Any) -> bool:
    return type(runner).__name__ == "DaskTaskRunner"


def parallelism(runner: Any) -> int:
    """How many parse batches `runner` runs at once: 1 for threads (the GIL) or none, the pool's
    processes, the cluster's worker threads on Dask. Starts (or connects to) a Dask cluster, so ask only
    when there is work."""
    from prefect.task_runners import ProcessPoolTaskRunner

    if isinstance(runner, ProcessPoolTaskRunner):
        # no public accessor in Prefect 3.8; PoolBesideFlow: its processes and the flow's thread
        return max(1, runner._max_workers) + int(getattr(runner, "parses_in_flow", False))
    if not _is_dask(runner):
        return 1
    try:
        return max(1, sum(runner.client.nthreads().values()))
    except Exception:  # a cluster that does not answer yet: plan for two workers
        return 2


def parses_on_this_machine() -> bool:
    """Whether the flow's parse batches run on this machine (threads, a process pool), where they can
    read the inbox's files; a Dask worker may sit on another machine."""
    return not _is_dask(_flow_runner())


@contextlib.contextmanager
def parse_runner(documents: int) -> Iterator[Any]:
    """The task runner for a run's parse batches. The flow's own thread pool as it is (batches run in
    the flow's thread), except under `auto` with `documents` >= AUTO_MIN_DOCUMENTS on a machine of
    several cores: a process pool of its other cores, the flow's thread parsing alongside. For a
    process pool or a Dask cluster, a copy of the flow's (Prefect's TaskRunner.duplicate). Either pool
    lives for the parse phase only: its worker processes (~245 MB each) or local cluster are gone before
    the commit and the rebuild, which make the run's peak, and the flow's own copy, never submitted to,
    never starts a worker. A cluster given by address stays up; only this run's connection to it closes."""
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.auto_runner import AUTO_MIN_DOCUMENTS, AutoTaskRunner, PoolBesideFlow

    runner = _flow_runner()
    cores = os.cpu_count() or 1
    if isinstance(runner, AutoTaskRunner) and documents >= AUTO_MIN_DOCUMENTS and cores > 1:
        with PoolBesideFlow(max_workers=cores - 1) as pool:
            yield pool
        return
    if runner is None or isinstance(runner, ThreadPoolTaskRunner):
        yield runner
        return
    with runner.duplicate() as own:
        yield own


@contextlib.contextmanager
def collect_runner() -> Iterator[Any]:
    """A thread-pool task runner in this process for collecting documents: the flow's own when it is one,
    else a pool for the duration of the block. A Dask worker may sit on another machine without the inbox
    folder, and the data dir's raw store and fetch state belong to the process that holds the lock."""
    from prefect.task_runners import ThreadPoolTaskRunner

    runner = _flow_runner()
    if isinstance(runner, ThreadPoolTaskRunner):
        yield runner
        return
    with ThreadPoolTaskRunner(max_workers=THREAD_WORKERS) as pool:
        yield pool


def is_loopback(address: str) -> bool:
    """Whether a scheduler address is on this machine (its workers can reach a temporary server here)."""
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")
