"""Measures trigger-to-completion of ingest/daily, served by `changai serve` and run by a process worker.

Everything runs on 127.0.0.1 in temporary folders (PREFECT_HOME, data dir with a copy of data/inbox);
prints one line per run and the medians. Usage: python scripts/bench_trigger.py [--runs N] [--no-worker]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(api_url: str) -> bool:
    sys.path.insert(0, str(ROOT))
    from flows.serve import healthy as probe

    return probe(api_url)


def wait(what: str, check, timeout: float = 300) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if check():
            return time.monotonic() - start
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def trigger(env: dict, data_dir: Path, label: str, dry_run: bool) -> float:
    """`prefect deployment run ... --watch` as a user types it: from Enter to the completed state."""
    cmd = [PREFECT, "deployment", "run", "ingest/daily", "--param", 'sources=["inbox"]']
    cmd += ["--param", f"data_dir={data_dir}", "--param", f"dry_run={'true' if dry_run else 'false'}", "--watch"]
    start = time.monotonic()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    took = time.monotonic() - start
    ok = result.returncode == 0 and "Completed" in result.stdout
    print(f"{label}: trigger to completed {took:5.1f} s{'' if ok else '  FAILED: ' + result.stdout[-500:]}", flush=True)
    return took


def start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        # own session with SIGINT at its default: stopped below like Ctrl-C would (spec notes: a worker
        # started in the background of a non-interactive shell otherwise ignores SIGINT)
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()


def bench_serve(tmp: Path, data: Path, runs: int) -> list[float]:
    api_url = f"http://127.0.0.1:{free_port()}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp / "serve-home"), PREFECT_API_URL=api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    log = tmp / "serve.log"
    t0 = time.monotonic()
    serve = start([sys.executable, "-m", "flows.cli", "serve", "--data-dir", str(data)], env, log)
    try:
        wait("changai serve", lambda: "stop with Ctrl-C" in log.read_text(errors="replace"))
        print(f"changai serve: server started and deployments served after {time.monotonic() - t0:.1f} s")
        return [trigger(env, data, f"serve run {i + 1}", dry_run=i > 0) for i in range(runs)]
    finally:
        t0 = time.monotonic()
        stop(serve)
        print(f"changai serve: stopped (with its server) in {time.monotonic() - t0:.1f} s")


def bench_worker(tmp: Path, data: Path, runs: int) -> list[float]:
    api_url = f"http://127.0.0.1:{free_port()}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp / "worker-home"), PREFECT_API_URL=api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    port = api_url.split(":")[2].split("/")[0]
    procs = [start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", port], env, tmp / "server.log")]
    try:
        print(f"prefect server start: healthy after {wait('the server', lambda: healthy(api_url)):.1f} s")
        for cmd in (["work-pool", "create", "changai", "--type", "process"], ["--no-prompt", "deploy", "--all"]):
            subprocess.run([PREFECT, *cmd], env=env | {"PWD": str(ROOT)}, cwd=ROOT, check=True, capture_output=True)
        procs.append(start([PREFECT, "worker", "start", "--pool", "changai"], env, tmp / "worker.log"))
        wait("the worker", lambda: "started!" in (tmp / "worker.log").read_text(errors="replace"))
        return [trigger(env, data, f"worker run {i + 1}", dry_run=True) for i in range(runs)]
    finally:
        for p in reversed(procs):
            stop(p)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-worker", action="store_true", help="measure changai serve only")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="changai-bench-"))
    data = tmp / "data"
    (data / "inbox").mkdir(parents=True)
    for f in (ROOT / "data" / "inbox").iterdir():
        shutil.copy(f, data / "inbox" / f.name)
    shutil.copy(ROOT / "data" / "sources.toml", data / "sources.toml")
    served = bench_serve(tmp, data, args.runs)
    print(f"serve: median trigger to completed {statistics.median(served):.1f} s (run 1 writes, the others dry runs)")
    if not args.no_worker:
        pooled = bench_worker(tmp, data, args.runs)
        print(f"worker: median trigger to completed {statistics.median(pooled):.1f} s (dry runs)")
    print(f"logs in {tmp}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
