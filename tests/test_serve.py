"""`changai serve` end to end: real processes, a real Prefect server on a free port, runs triggered by hand.

Slow by nature (a Prefect server starts once per test, ~10-40 s on a loaded machine); no timings asserted.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flows.csvio import read_csv
from flows.serve import healthy
from tests.conftest import ROOT

pytestmark = pytest.mark.flow

WAIT = 240.0  # generous: two cores shared with other test runs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, check: Callable[[], Any], timeout: float = WAIT, proc: subprocess.Popen | None = None) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited ({proc.returncode}) while waiting for {what}")
        try:
            value = check()
        except Exception:
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def clean_env(tmp_path: Path, api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        CHANGAI_TODAY="2026-03-02",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def api(api_url: str) -> Iterator[Any]:
    from prefect import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        yield client


def start_serve(data_dir: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--data-dir", str(data_dir)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(proc: subprocess.Popen, sig: int) -> int:
    proc.send_signal(sig)
    try:
        return proc.wait(120)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("serve did not stop within 120 s") from None


def wait_final(client: Any, flow_run_id: Any) -> Any:
    return wait_for(
        "the flow run to finish",
        lambda: (run := client.read_flow_run(flow_run_id)).state.is_final() and run,
    )


def test_serve_starts_a_server_runs_manual_triggers_and_stops_it(tmp_path: Path, sample_data_dir: Path) -> None:
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.client.schemas.objects import StateType

    api_url = f"http://127.0.0.1:{free_port()}/api"
    env = clean_env(tmp_path, api_url)
    log = tmp_path / "serve.log"
    proc = start_serve(sample_data_dir, env, log)
    try:
        with api(api_url) as client:
            daily = wait_for("ingest/daily", lambda: client.read_deployment_by_name("ingest/daily"), proc=proc)
            assert daily.parameters == {"data_dir": str(sample_data_dir.resolve())}

            # a manual run with parameters through the Prefect client
            run = client.create_flow_run_from_deployment(daily.id, parameters={"sources": ["inbox"]})
            run = wait_final(client, run.id)
            assert run.state.is_completed(), run.state.message
            assert run.state.message.endswith("figures from 8 reports")
            snap = sample_data_dir / "snapshots" / "2026-03-02"
            assert {p.name for p in snap.iterdir()} == {
                "reports.csv",
                "indicators.csv",
                "retracted.csv",
                "rejected.csv",
            }
            assert len(read_csv(sample_data_dir / "reports.csv")) == 8
            assert read_csv(sample_data_dir / "runs.csv")["flow_run_id"].tolist() == [str(run.id)]
            arts = client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
            )
            assert {a.key for a in arts} == {"ingest-sources", "ingest-summary"}
            md = next(a.data for a in arts if a.key == "ingest-summary")
            assert "| 淮安市 | 江苏省 | 2 |" in md

            # logs reach the server in batches, shortly after the state; UTF-8 stays readable
            def city_logged() -> bool:
                logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
                return any("淮安市: new reports 2, new figures" in entry.message for entry in logs)

            wait_for("the run's log lines", city_logged, timeout=60)

            # the same through the prefect CLI, as a user types it in another terminal
            result = subprocess.run(
                [
                    str(Path(sys.executable).with_name("prefect")),
                    "deployment",
                    "run",
                    "ingest/daily",
                    "--param",
                    'sources=["inbox"]',
                    "--param",
                    "dry_run=true",
                    "--watch",
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=WAIT,
            )
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
            assert "Completed" in result.stdout

            # the server's scheduler has planned the next daily runs for 06:30 Shanghai time
            def scheduled():
                return client.read_flow_runs(
                    deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[daily.id])),
                    flow_run_filter=FlowRunFilter(
                        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
                    ),
                )

            upcoming = wait_for("scheduled runs", scheduled, proc=proc)
            shanghai = ZoneInfo("Asia/Shanghai")
            starts = sorted(r.expected_start_time.astimezone(shanghai) for r in upcoming)
            assert {(t.hour, t.minute) for t in starts} == {(6, 30)}
            assert starts[0].utcoffset() == timedelta(hours=8)
    finally:
        code = stop(proc, signal.SIGTERM)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, output[-3000:]
    pid = int(re.search(r"server healthy after [\d.]+ s \(pid (\d+)", output).group(1))
    assert "server stopped" in output
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not healthy(api_url)


def test_serve_uses_a_running_server_and_leaves_it_and_the_schedules_on(tmp_path: Path, sample_data_dir: Path) -> None:
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = clean_env(tmp_path, api_url)
    server_log = open(tmp_path / "server.log", "wb")  # closed in finally
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for("the test's Prefect server", lambda: healthy(api_url), proc=server)
        log = tmp_path / "serve.log"
        proc = start_serve(sample_data_dir, env, log)
        try:
            with api(api_url) as client:
                wait_for("both deployments", lambda: len(client.read_deployments()) == 2, proc=proc)
        finally:
            code = stop(proc, signal.SIGINT)  # Ctrl-C
        output = log.read_text(encoding="utf-8", errors="replace")
        assert code == 0, output[-3000:]
        assert f"using the Prefect server at {api_url}" in output and "stopping the Prefect server" not in output
        assert healthy(api_url)  # not ours to stop
        with api(api_url) as client:
            for dep in client.read_deployments():
                assert not dep.paused and all(s.active for s in dep.schedules), dep.name  # pause_on_shutdown=False
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)
        server_log.close()


def test_serve_refuses_a_missing_data_dir_and_a_remote_url_it_cannot_start(tmp_path: Path, capsys) -> None:
    from flows.serve import run

    handlers = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    assert run(tmp_path / "missing", api_url="http://127.0.0.1:9/api") == 1
    assert f"data dir {tmp_path / 'missing'} not found" in capsys.readouterr().err
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources.toml").write_text('[[source]]\nid = "x"\nkind = "ftp"\nparser = "local"\n')
    assert run(tmp_path / "data", api_url="http://127.0.0.1:9/api") == 1
    assert "kind must be one of" in capsys.readouterr().err
    (tmp_path / "data" / "sources.toml").unlink()
    # .invalid never resolves (RFC 6761): nothing answers, and serve only starts servers on this machine
    assert run(tmp_path / "data", api_url="http://prefect.invalid:4200/api") == 1
    assert "changai serve only starts one on this machine" in capsys.readouterr().err
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers  # restored
