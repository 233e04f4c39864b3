"""Scale-out for real: the ingest flow on a local Dask cluster of worker processes (prefect-dask) gives the
same tables as the default thread runner; batches are planned and run as flows/batches.py promises."""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest
from prefect import task

import flows.ingest
from flows.batches import BATCH_SIZE, MIN_BATCH, plan_batches
from flows.csvio import read_csv
from tests.conftest import ROOT, SAMPLE_INBOX, assert_same_current_tables, fresh_data_dir, run_ingest

TABLES = ("reports.csv", "indicators.csv", "progress.csv")


def run(flow, data_dir: Path, inbox: Path | None, **params) -> dict:
    return run_ingest(data_dir, inbox, flow, **params)


def assert_same_tables(a: Path, b: Path) -> None:
    assert len(assert_same_current_tables(a, b, TABLES)["indicators.csv"]) > 500


N_REPOSTS = 3  # reposts of each sample report: more documents, but no more cities (each city's charts cost ~1 s)
N_REPORTS = 8 + 8 * N_REPOSTS


def test_plan_batches_sizes() -> None:
    refs = list(range(5000))
    assert plan_batches([], 2) == []
    # threads: batches of BATCH_SIZE, in order, nothing lost
    one = plan_batches(refs, 1)
    assert [len(b) for b in one] == [BATCH_SIZE] * (5000 // BATCH_SIZE) and [r for b in one for r in b] == refs
    # two workers, a big run: still BATCH_SIZE (at least two batches per worker already)
    assert {len(b) for b in plan_batches(refs, 2)} == {BATCH_SIZE}
    # a middling run: two batches per worker
    assert [len(b) for b in plan_batches(refs[: 4 * (MIN_BATCH + 20)], 2)] == [MIN_BATCH + 20] * 4
    # a small run: fewer, larger batches than workers x 2, never below MIN_BATCH
    assert [len(b) for b in plan_batches(refs[:208], 2)] == [MIN_BATCH, MIN_BATCH, 8]
    assert [len(b) for b in plan_batches(refs[:30], 8)] == [30]


@pytest.mark.flow
def test_run_batches_in_flow_thread_and_bounded_on_a_pool(prefect_harness) -> None:
    """Threads: each batch runs in the flow's own thread. Several workers: results come back in submission
    order with at most workers + 1 batches taken before a result is handed out."""
    from prefect import flow, task
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.batches import run_batches

    @task
    def total(batch: list[int], offset: int) -> tuple[int, int]:
        return sum(batch) + offset, threading.get_ident()

    def counted(batches: list[list[int]], taken: list[int]):
        for b in batches:
            taken[0] += 1
            yield b

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=3))
    def check(workers: int) -> list[tuple[int, int, int]]:
        taken = [0]
        out = []
        for got, (value, thread) in enumerate(
            run_batches(total, counted([[i, i] for i in range(10)], taken), workers, 1)
        ):
            out.append((value, thread, taken[0] - got))
        return out

    flow_thread = [threading.get_ident()]  # the flow runs in this thread when called synchronously
    serial = check(1)
    assert [v for v, _, _ in serial] == [2 * i + 1 for i in range(10)]
    assert {t for _, t, _ in serial} == set(flow_thread)
    pooled = check(2)
    assert [v for v, _, _ in pooled] == [2 * i + 1 for i in range(10)]
    assert max(ahead for _, _, ahead in pooled) == 3  # workers + 1 in flight, never more


@task
def pid_total(batch: list[int], offset: int) -> tuple[int, int]:
    """A batch's sum and the process that added it (module level: a spawned pool worker imports it)."""
    return sum(batch) + offset, os.getpid()


@pytest.mark.flow
def test_run_batches_shares_work_between_the_flow_thread_and_a_pool(prefect_harness) -> None:
    """auto's PoolBesideFlow: a worker process and the flow's own thread both parse batches; results come
    back in submission order, and at most 2 x workers + 2 batches are taken before a result is handed out."""
    from prefect import flow

    from flows.auto_runner import PoolBesideFlow
    from flows.batches import run_batches
    from flows.runners import parallelism

    def counted(batches: list[list[int]], taken: list[int]):
        for b in batches:
            taken[0] += 1
            yield b

    @flow
    def check() -> list[tuple[int, int, int]]:
        taken, out = [0], []
        with PoolBesideFlow(max_workers=1) as pool:
            workers = parallelism(pool)
            assert workers == 2
            for got, (value, pid) in enumerate(
                run_batches(pid_total, counted([[i, i] for i in range(12)], taken), workers, 1, runner=pool)
            ):
                out.append((value, pid, taken[0] - got))
        return out

    results = check()
    assert [v for v, _, _ in results] == [2 * i + 1 for i in range(12)]
    pids = [pid for _, pid, _ in results]
    # the pool's first batches cannot be back before the flow's thread, with nothing to wait on, parses one
    assert os.getpid() in pids and len(set(pids)) == 2
    assert max(ahead for _, _, ahead in results) <= 2 * 1 + 2


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample reports and reposts of them (other bytes, the same story: duplicates)."""
    folder = tmp_path_factory.mktemp("inbox")
    for f in SAMPLE_INBOX.iterdir():
        shutil.copy(f, folder / f.name)
        for k in range(N_REPOSTS):
            repost = f.read_bytes() + f"\n\n(转载自{f.stem}，第{k + 1}次转载)\n".encode()
            (folder / f"{f.stem}-repost{k}{f.suffix}").write_bytes(repost)
    return folder


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few documents, so that a test-sized inbox keeps both workers busy (several batches).
    Every document is read at the same second: which copy of a story is the original falls back to
    fetched_at, and two runs whose reading crosses a second boundary at different files differ there."""
    import flows.batches
    import flows.local_source

    monkeypatch.setattr(flows.batches, "MIN_BATCH", 8)
    monkeypatch.setattr(flows.local_source, "now_iso", lambda: "2026-03-02T08:00:00+08:00")


@pytest.mark.flow
def test_dask_runner_gives_the_same_tables(prefect_harness, inbox: Path, tmp_path: Path, today, small_batches) -> None:
    from distributed import Client, LocalCluster

    from flows.ingest import ingest
    from flows.runners import make_task_runner

    today("2026-03-02")
    threads = fresh_data_dir(tmp_path, "threads")
    run(ingest, threads, inbox)
    dask = fresh_data_dir(tmp_path, "dask")
    on_dask = ingest.with_options(task_runner=make_task_runner("dask", workers=2))
    summary = run(on_dask, dask, inbox)
    assert summary["reports_read"] == N_REPORTS and summary["duplicates"] > 0
    assert_same_tables(threads, dask)
    snapshot = Path(summary["snapshot_path"])
    ours = threads / "snapshots" / "2026-03-02"
    assert (snapshot / "indicators.csv").read_bytes() == (ours / "indicators.csv").read_bytes()
    pd.testing.assert_frame_equal(
        read_csv(snapshot / "reports.csv").drop(columns=["fetched_at"]),
        read_csv(ours / "reports.csv").drop(columns=["fetched_at"]),
    )
    # a second run on a cluster finds nothing new and keeps the tables as they are
    again = run(on_dask, dask, inbox)
    assert again["reports_read"] == 0 and again["indicators_added"] == 0
    assert_same_tables(threads, dask)
    # re-parsing everything the next day on an existing cluster (by its scheduler address) adds and
    # withdraws nothing, and the batches did run on that cluster's workers
    today("2026-03-03")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_cluster = ingest.with_options(task_runner=make_task_runner("dask", cluster.scheduler_address))
        again = run(on_cluster, dask, None, reprocess=True)
        with Client(cluster) as client:
            # how many parse tasks reached "memory" (finished with a result) on this cluster's scheduler
            done = client.run_on_scheduler(
                lambda dask_scheduler: dask_scheduler.task_prefixes["parse_batch"].state_counts["memory"]
            )
    assert again["reports_read"] == N_REPORTS and again["indicators_added"] == 0
    assert again["indicators_retracted"] == 0
    assert done == 4  # 32 documents on two workers: 4 batches of 8
    assert_same_tables(threads, dask)


@pytest.mark.flow
def test_process_pool_runner_gives_the_same_tables(
    prefect_harness, inbox: Path, tmp_path: Path, today, small_batches, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--task-runner processes`: Prefect's own process pool, nothing to install, every core of this machine."""
    from prefect import get_client

    from flows.ingest import ingest
    from flows.runners import make_task_runner

    today("2026-03-02")
    threads = fresh_data_dir(tmp_path, "threads")
    run(ingest, threads, inbox)
    procs = fresh_data_dir(tmp_path, "procs")
    on_pool = ingest.with_options(task_runner=make_task_runner("processes", workers=2))
    # the pool's worker processes parse, then end before the commit and the rebuild (the run's peak)
    children: dict[str, int] = {}

    def parsing(*args, **kwargs):
        for n, result in enumerate(real_run_batches(*args, **kwargs)):
            if n == 0:
                children["while parsing"] = len(multiprocessing.active_children())
            yield result

    def rebuilding(*args, **kwargs):
        children["at the rebuild"] = len(multiprocessing.active_children())
        return real_rebuild(*args, **kwargs)

    real_run_batches, real_rebuild = flows.ingest.run_batches, flows.ingest.rebuild_if_stale
    monkeypatch.setattr(flows.ingest, "run_batches", parsing)
    monkeypatch.setattr(flows.ingest, "rebuild_if_stale", rebuilding)
    state = on_pool(data_dir=str(procs), inbox=str(inbox), return_state=True)
    assert children == {"while parsing": 2, "at the rebuild": 0}
    assert state.is_completed(), state.message
    summary = state.result()
    assert summary["reports_read"] == N_REPORTS and summary["duplicates"] > 0
    assert_same_tables(threads, procs)
    ours = threads / "snapshots" / "2026-03-02" / "indicators.csv"
    assert (Path(summary["snapshot_path"]) / "indicators.csv").read_bytes() == ours.read_bytes()
    # two workers: 32 documents in 4 batches of 8, each a task run of this flow run that completed
    with get_client(sync_client=True) as client:
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        )
    batches = [r for r in runs if r.name.startswith("parse-extract-batch")]
    assert len(batches) == 4 and all(r.state.is_completed() for r in batches)


@pytest.mark.flow
@pytest.mark.parametrize("threshold", [16, 33])
def test_auto_runner_parses_a_large_run_on_a_process_pool(
    prefect_harness, inbox: Path, tmp_path: Path, today, small_batches, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    """The default runner (auto): 32 documents reach a threshold of 16, and parse on a process for every
    other core with the flow's own thread alongside; they stay under 33, and parse in the flow's own
    process. The tables are those of threads either way."""
    import flows.auto_runner
    from flows import live
    from flows.ingest import ingest
    from flows.runners import make_task_runner

    today("2026-03-02")
    threads = fresh_data_dir(tmp_path, "threads")
    run(ingest.with_options(task_runner=make_task_runner("threads")), threads, inbox)
    monkeypatch.setattr(flows.auto_runner, "AUTO_MIN_DOCUMENTS", threshold)
    seen: list[int] = []
    real_run_batches = flows.ingest.run_batches

    def parsing(*args, **kwargs):
        for result in real_run_batches(*args, **kwargs):
            seen.append(len(multiprocessing.active_children()))
            yield result

    monkeypatch.setattr(flows.ingest, "run_batches", parsing)
    auto = fresh_data_dir(tmp_path, "auto")
    # documents parsed in this process report one by one (live.each); a pool's batch reports when it is back
    one_by_one = []
    with live.listening(lambda event, fields: one_by_one.append(fields["n"] == 1) if event == "parsed" else None):
        summary = run(ingest, auto, inbox)  # the flow's default task runner
    cores = os.cpu_count() or 1
    pooled = threshold <= N_REPORTS and cores > 1
    assert summary["reports_read"] == N_REPORTS
    assert max(seen) == (cores - 1 if pooled else 0)
    assert len(one_by_one) < N_REPORTS if pooled else one_by_one == [True] * N_REPORTS
    assert any(one_by_one)  # the flow's thread parses, pool or not
    assert_same_tables(threads, auto)


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens there once the socket is closed


def test_cli_runner_flags_fail_before_prefect_starts(tmp_path: Path) -> None:
    """Bad runner choices exit 2 with one clear line, in well under Prefect's start-up, writing nothing."""
    from tests.test_cli import changai

    data = fresh_data_dir(tmp_path, "d")
    address = f"tcp://127.0.0.1:{_closed_port()}"
    base = ("run", "--inbox", str(SAMPLE_INBOX), "--data-dir", str(data))
    result = changai(*base, "--task-runner", "dask", "--dask-address", address, cwd=ROOT)
    assert result.returncode == 2, result.stderr
    assert f"changai run: cannot reach the Dask scheduler at {address}: Connection refused" in result.stderr
    # the address alone means dask, from the flag or from the environment
    result = changai(*base, "--dask-address", address, cwd=ROOT)
    assert result.returncode == 2 and "cannot reach the Dask scheduler" in result.stderr
    result = changai(*base, cwd=ROOT, env_extra={"CHANGAI_DASK_ADDRESS": address})
    assert result.returncode == 2 and "cannot reach the Dask scheduler" in result.stderr
    result = changai(*base, "--dask-address", "http://127.0.0.1:8786", cwd=ROOT)
    assert result.returncode == 2 and "not a Dask scheduler address (tcp://HOST:PORT)" in result.stderr
    result = changai(*base, "--task-runner", "threads", "--dask-address", address, cwd=ROOT)
    assert result.returncode == 2 and f"a Dask scheduler address ({address}) needs --task-runner dask" in result.stderr
    result = changai(*base, cwd=ROOT, env_extra={"CHANGAI_TASK_RUNNER": "ray"})
    assert result.returncode == 2
    assert "unknown task runner 'ray' (one of: auto, threads, processes, dask)" in result.stderr
    result = changai(*base, "--task-runner", "ray", cwd=ROOT)
    assert result.returncode == 2 and "invalid choice: 'ray'" in result.stderr
    assert not (data / "snapshots").exists() and not (data / "reports.csv").exists()


@pytest.mark.flow
@pytest.mark.parametrize("runner", ["dask", "processes"])
def test_cli_pooled_run_shares_one_temporary_server(tmp_path: Path, runner: str) -> None:
    """`changai run --task-runner dask|processes` with no Prefect server: the flow's temporary server is the
    only one (a worker process, or the thread forwarding a process pool's events, starting its own would
    cost ~10 s and ~220 MB and record its task runs where nobody looks)."""
    from tests.test_cli import changai

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE_INBOX / "huaian-2022-06-15.txt", inbox)
    data = fresh_data_dir(tmp_path, "d")
    env = {"PREFECT_LOGGING_LEVEL": "INFO", "CHANGAI_PROGRESS": "0"}  # worker processes inherit the level
    result = changai(
        "run", "--task-runner", runner, "--inbox", str(inbox), "--data-dir", str(data), cwd=ROOT, env_extra=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "reports read: 1 (ok 1, rejected 0)" in result.stdout
    assert runner != "dask" or "Creating a new Dask cluster" in result.stderr
    assert re.search(r"Task run 'parse-extract-batch-\w+' - Finished in state Completed", result.stderr)
    # the run's own server (flows/prefect_server.py), and no worker started Prefect's temporary server
    assert result.stderr.count("Started temporary Prefect server on http://127.0.0.1:") == 1, result.stderr[-3000:]
    assert "Starting temporary server" not in result.stderr, result.stderr[-3000:]
    assert len(read_csv(data / "indicators.csv")) > 20
