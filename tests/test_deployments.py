"""Deployments, parameters and run reports against a real temporary Prefect server (the session harness)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from flows.csvio import read_csv
from flows.deployments import COLLISION_STRATEGY, CONCURRENCY_LIMIT, DEPLOYMENTS, TIMEZONE, build_deployments
from tests.conftest import ROOT

pytestmark = pytest.mark.flow


def client():
    from prefect import get_client

    return get_client(sync_client=True)


def artifacts_of(flow_run_id) -> dict[str, object]:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with client() as c:
        found = c.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    out = {}
    for a in found:
        out[a.key] = json.loads(a.data) if a.type == "table" and isinstance(a.data, str) else a.data
    return out


@pytest.fixture
def applied(prefect_harness, sample_data_dir: Path) -> dict[str, object]:
    """The project's deployments registered on the test server, by name."""
    with client() as c:
        ids = {d.name: d.apply() for d in build_deployments(sample_data_dir)}
        return {name: c.read_deployment(i) for name, i in ids.items()}


def test_deployments_have_schedule_timezone_parameters_and_limit(applied, sample_data_dir: Path) -> None:
    assert set(applied) == {"daily", "weekly-reprocess"}
    daily, weekly = applied["daily"], applied["weekly-reprocess"]
    for dep, cron in ((daily, "30 6 * * *"), (weekly, "0 3 * * 0")):
        (schedule,) = dep.schedules
        assert schedule.active and schedule.schedule.cron == cron and schedule.schedule.timezone == "Asia/Shanghai"
        assert dep.global_concurrency_limit.limit == 1
        assert dep.concurrency_options.collision_strategy.value == "CANCEL_NEW"
        assert dep.entrypoint == "flows.ingest.ingest"
        assert dep.enforce_parameter_schema
        assert dep.description and "Asia/Shanghai" in dep.description
        assert {"changai", "ingest"} <= set(dep.tags)
        assert not dep.paused
    assert daily.parameters == {"data_dir": str(sample_data_dir.resolve())}
    assert weekly.parameters == {"data_dir": str(sample_data_dir.resolve()), "reprocess": True}
    # the typed signature is the UI's form: descriptions, date format, a pattern for source ids
    props = daily.parameter_openapi_schema["properties"]
    assert set(props) == {
        "sources",
        "data_dir",
        "reprocess",
        "since",
        "until",
        "dry_run",
        "inbox",
        "urls",
        "parser",
        "storage",
    }
    assert props["since"]["anyOf"][0]["format"] == "date" and props["since"]["anyOf"][0]["type"] == "string"
    assert props["sources"]["anyOf"][0]["items"]["pattern"].startswith("^[A-Za-z0-9]")
    assert all(p.get("description") for p in props.values())


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ({"since": "2022-13-01"}, "since"),
        ({"sources": ["../etc"]}, "../etc"),
        ({"sources": "inbox"}, "sources"),
        ({"dry_run": "perhaps"}, "dry_run"),
    ],
)
def test_the_server_rejects_bad_parameters_before_a_run_exists(applied, parameters: dict, expected: str) -> None:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.exceptions import PrefectHTTPStatusError

    dep = applied["daily"]
    with client() as c:
        with pytest.raises(PrefectHTTPStatusError) as err:
            c.create_flow_run_from_deployment(dep.id, parameters=parameters)
        runs = c.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])))
    assert err.value.response.status_code == 409
    assert "Validation failed" in err.value.response.text and expected in err.value.response.text
    assert runs == []


def test_the_cli_rejects_bad_parameters_before_a_run_exists(applied) -> None:
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value())
    result = subprocess.run(
        [Path(sys.executable).with_name("prefect"), "deployment", "run", "ingest/daily", "--param", "since=2022-13-01"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())
    assert "Validation failed for field 'since'" in output and "2022-13-01" in output


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"since": "2022-07-01", "until": "2022-06-30"}, "since (2022-07-01) is after until (2022-06-30)"),
        ({"since": "2022-02-30"}, "invalid parameters:\n - since: Input should be a valid date"),
        ({"sources": ["nope"]}, "unknown source id(s): nope"),
    ],
)
def test_values_the_schema_cannot_catch_fail_the_run_at_once(
    prefect_harness, sample_data_dir: Path, today, parameters: dict, message: str
) -> None:
    from flows.ingest import ingest

    today("2026-03-02")
    state = ingest(data_dir=str(sample_data_dir), **parameters, return_state=True)
    assert state.is_failed()
    assert message in state.message
    assert sorted(p.name for p in sample_data_dir.iterdir()) == ["inbox", "sources.toml"]  # nothing touched


def test_prefect_yaml_deploys_the_same_schedules_to_a_work_pool(applied) -> None:
    """prefect.yaml (the work-pool route) deploys with `prefect deploy` and matches flows/deployments.py."""
    from prefect.settings import PREFECT_API_URL

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    by_name = {d["name"]: d for d in spec["deployments"]}
    assert set(by_name) == {d.name for d in DEPLOYMENTS}
    for d in DEPLOYMENTS:
        entry = by_name[d.name]
        assert entry["schedules"] == [{"cron": d.cron, "timezone": TIMEZONE}]
        assert entry["concurrency_limit"] == {"limit": CONCURRENCY_LIMIT, "collision_strategy": COLLISION_STRATEGY}
        assert entry["parameters"] == {"data_dir": "data", **d.parameters}
        assert " ".join(entry["description"].split()) == " ".join(d.description.split())

    pool = "changai"
    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), PWD=str(ROOT))
    prefect = str(Path(sys.executable).with_name("prefect"))
    for cmd in (
        [prefect, "work-pool", "create", pool, "--type", "process"],
        [prefect, "--no-prompt", "deploy", "--all"],
    ):
        result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0 or "already exists" in result.stdout, result.stdout + result.stderr
    with client() as c:
        for d in DEPLOYMENTS:
            deployed = c.read_deployment_by_name(f"ingest/{d.name}")
            served = applied[d.name]
            assert deployed.work_pool_name == pool
            assert deployed.pull_steps == [
                {"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}
            ]
            assert [s.schedule for s in deployed.schedules] == [s.schedule for s in served.schedules]
            assert deployed.concurrency_options == served.concurrency_options
            assert deployed.global_concurrency_limit.limit == served.global_concurrency_limit.limit
            assert deployed.parameter_openapi_schema == served.parameter_openapi_schema
            assert set(deployed.tags) == set(served.tags)


def add_source(data_dir: Path, text: str) -> None:
    with open(data_dir / "sources.toml", "a", encoding="utf-8") as f:
        f.write("\n" + text)


def test_run_report_artifacts_and_a_failing_source(prefect_harness, sample_data_dir: Path, today) -> None:
    """One source fails, the other lands; the run ends Failed with the reason, and both artifacts say so."""
    from flows.ingest import ingest

    today("2026-03-02")
    add_source(sample_data_dir, '[[source]]\nid = "gone"\nkind = "local"\nparser = "local"\nfolder = "gone-folder"\n')
    (sample_data_dir / "inbox" / "empty.txt").write_bytes(b"")
    state = ingest(data_dir=str(sample_data_dir), return_state=True)
    summary = state.result(raise_on_failure=False)
    assert state.is_failed()
    assert state.message == f"gone: FileNotFoundError: inbox folder not found: {sample_data_dir / 'gone-folder'}"

    arts = artifacts_of(state.state_details.flow_run_id)
    table = {row["source"]: row for row in arts["ingest-sources"]}
    assert table["inbox"] == {
        "source": "inbox",
        "status": "ok",
        "discovered": 9,
        "fetched": 9,
        "unchanged": 0,
        "new_reports": 8,
        "updated_reports": 0,
        "figures": summary["indicators_extracted"],
        "new_figures": summary["indicators_extracted"],
        "rejected": 1,
        "failures": "empty document",
    }
    assert table["gone"]["status"] == "FAILED" and "inbox folder not found" in table["gone"]["failures"]
    assert table["gone"]["discovered"] == 0 and table["gone"]["figures"] == 0

    md = arts["ingest-summary"]
    assert md.startswith("# changai ingest — snapshot 2026-03-02")
    assert "| 淮安市 | 江苏省 | 2 |" in md and "| 秦皇岛市 | 河北省 | 1 |" in md
    assert "淮安市 2022-12-13: 淮安产改向纵深挺进" in md
    assert "source gone failed: FileNotFoundError" in md
    assert "document rejected (inbox):" in md and "empty.txt — empty document" in md

    # the run log keeps one row per source, and `changai sources` reads it without a server
    runs = read_csv(sample_data_dir / "runs.csv")
    assert runs[["source", "status"]].values.tolist() == [["inbox", "ok"], ["gone", "failed"]]
    assert runs["flow_run_id"].tolist() == [str(state.state_details.flow_run_id)] * 2
    from flows.source_status import source_status

    status = {s["source"]: s for s in source_status(sample_data_dir)}
    assert status["inbox"]["last_status"] == "ok" and status["inbox"]["reports_ok"] == 8
    assert status["inbox"]["reports_rejected"] == 1 and status["inbox"]["figures"] == summary["indicators_extracted"]
    assert status["gone"]["last_status"] == "failed" and status["gone"]["last_success"] == ""
    assert "inbox folder not found" in status["gone"]["last_reason"]


def test_second_run_reports_only_what_changed(prefect_harness, sample_data_dir: Path, today) -> None:
    from flows.ingest import ingest

    today("2026-03-02")
    ingest(data_dir=str(sample_data_dir))
    zibo = sample_data_dir / "inbox" / "zibo-2022-06-28.htm"
    zibo.write_text(zibo.read_text(encoding="utf-8").replace("2300家", "2400家"), encoding="utf-8")
    today("2026-03-03")
    state = ingest(data_dir=str(sample_data_dir), return_state=True)
    report = state.result()["report"]
    (inbox,) = report["sources"]
    assert (inbox["discovered"], inbox["unchanged"], inbox["new_reports"], inbox["updated_reports"]) == (8, 7, 0, 1)
    assert [c["city"] for c in report["cities"]] == ["淄博市"]
    assert report["cities"][0]["new_figures"] >= 1 and report["cities"][0]["retracted"] >= 1
    assert report["new_reports"] == []
    assert any("figures withdrawn" in a and "zibo-2022-06-28.htm" in a for a in report["anomalies"])
    runs = read_csv(sample_data_dir / "runs.csv")
    assert len(runs) == 2 and runs["new_reports"].tolist() == ["8", "0"]


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    """Any connection to a non-loopback address fails the test (the Prefect test server is on 127.0.0.1)."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else ""
        if isinstance(address, tuple) and not (host.startswith("127.") or host in ("::1", "localhost")):
            raise NetworkUsed(f"network access to {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only(socket.getaddrinfo))


def _loopback_only(real):
    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1") and not str(host).startswith("127."):
            raise NetworkUsed(f"name lookup of {host}")
        return real(host, *args, **kwargs)

    return getaddrinfo


def test_backfill_recreates_identical_tables_from_raw_documents(
    prefect_harness, sample_data_dir: Path, today, no_network
) -> None:
    """The inbox is gone and the current tables deleted: a reprocess of a date window re-parses the
    stored raw documents only, and the re-derived tables equal the originals."""
    from flows.ingest import ingest

    today("2026-03-02")
    assert ingest(data_dir=str(sample_data_dir))["reports_read"] == 8
    tables = ("reports.csv", "indicators.csv", "progress.csv")
    before = {name: read_csv(sample_data_dir / name) for name in tables}
    shutil.rmtree(sample_data_dir / "inbox")
    for name in tables:
        (sample_data_dir / name).unlink()

    today("2026-03-09")
    state = ingest(
        data_dir=str(sample_data_dir), reprocess=True, since="2022-01-01", until="2022-06-30", return_state=True
    )
    summary = state.result()
    assert state.is_completed(), state.message
    window = before["reports.csv"][before["reports.csv"]["publish_date"].between("2022-01-01", "2022-06-30")]
    assert summary["reports_read"] == len(window) == 2  # 淮安 2022-06-15 and 淄博 2022-06-28
    assert summary["indicators_added"] == 0 and summary["indicators_retracted"] == 0
    assert summary["report"]["sources"][0]["fetched"] == 0  # nothing read from the source
    for name in tables:
        after = read_csv(sample_data_dir / name)
        key = list(after.columns[:2])
        pd_equal(after.sort_values(key).reset_index(drop=True), before[name].sort_values(key).reset_index(drop=True))
    snap = read_csv(sample_data_dir / "snapshots" / "2026-03-09" / "reports.csv")
    assert sorted(snap["report_id"]) == sorted(window["report_id"])


def pd_equal(a, b) -> None:
    import pandas.testing as pdt

    pdt.assert_frame_equal(a, b)


def test_the_network_guard_blocks_remote_addresses(no_network) -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("203.0.113.7", 80), timeout=1)
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("www.example.com", 443)
