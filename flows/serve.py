"""`changai serve`: find or start a Prefect server on 127.0.0.1, then serve the deployments until Ctrl-C/SIGTERM.

When nothing answers at PREFECT_API_URL (default http://127.0.0.1:4200/api) it starts
`prefect server start` as a child process — schedules need a real server, the temporary one Prefect
starts by itself cannot schedule — and stops it again on the way out. The child's log is written to
<PREFECT_HOME>/changai-server-<port>.log. Reads the deployments from flows/deployments.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_API_URL = "http://127.0.0.1:4200/api"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
STARTUP_TIMEOUT = 120.0  # a fresh server takes ~10 s on an idle 2-core machine, several times that when loaded


class ServeError(RuntimeError):
    """The server could not be found or started; the message says what to do."""


def health_url(api_url: str) -> str:
    return api_url.rstrip("/") + "/health"


def ui_url(api_url: str) -> str:
    return api_url.rstrip("/").removesuffix("/api")


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    """True when a Prefect server answers its health check at api_url."""
    try:
        with urllib.request.urlopen(health_url(api_url), timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"true"
    except (OSError, ValueError, urllib.error.URLError):
        return False


def _prefect_command() -> list[str]:
    script = Path(sys.executable).with_name("prefect")
    if script.exists():
        return [str(script)]
    found = shutil.which("prefect")
    return [found] if found else [sys.executable, "-m", "prefect"]


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if changai serve dies without cleaning up (kill -9, OOM)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class LocalServer:
    """A `prefect server start` this process started, and must stop."""

    process: subprocess.Popen
    api_url: str
    log_path: Path

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGINT (the server's graceful shutdown, ~1 s), then SIGTERM, then SIGKILL."""
        for send, wait in ((signal.SIGINT, timeout), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
            if self.process.poll() is not None:
                break
            self.process.send_signal(send)
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        return self.process.returncode


def start_server(api_url: str, prefect_home: Path, timeout: float = STARTUP_TIMEOUT) -> LocalServer:
    """Start `prefect server start` for api_url (a loopback address) and wait until it is healthy."""
    parts = urlsplit(api_url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    if host not in LOOPBACK_HOSTS:
        raise ServeError(
            f"no Prefect server answers at {api_url}, and changai serve only starts one on this machine "
            f"(127.0.0.1): start that server, or unset PREFECT_API_URL to use a local one"
        )
    prefect_home.mkdir(parents=True, exist_ok=True)
    log_path = prefect_home / f"changai-server-{port}.log"
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)  # the server itself needs none; a stale value only confuses its banner
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # offline machines: no telemetry errors in the log
    command = [*_prefect_command(), "server", "start", "--host", "127.0.0.1" if host == "localhost" else host]
    command += ["--port", str(port)]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            # Own session: Ctrl-C in the terminal reaches changai serve only, which stops the runner
            # first and then this server (in that order, so the runner can report its shutdown).
            start_new_session=True,
            # preexec_fn is unsafe once threads run; serve starts the server before it starts any
            preexec_fn=_die_with_parent,
        )
    server = LocalServer(process, api_url, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(api_url):
            return server
        if process.poll() is not None:
            raise ServeError(
                f"prefect server exited with code {process.returncode} before it was healthy; "
                f"last lines of {log_path}:\n{server.log_tail()}"
            )
        time.sleep(0.5)
    server.stop()
    raise ServeError(f"prefect server did not answer at {health_url(api_url)} within {timeout:.0f} s; see {log_path}")


def configured_api_url() -> tuple[str, bool]:
    """PREFECT_API_URL from the environment or the active Prefect profile, else the local default.

    Returns (url, explicit): explicit is False when the default was used.
    """
    from prefect.settings import PREFECT_API_URL

    value = PREFECT_API_URL.value()
    return (value, True) if value else (DEFAULT_API_URL, False)


def _raise_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def check_data_dir(data_dir: Path) -> str:
    """Why runs from this data dir would fail at once, or "" — said before anything starts."""
    from flows.sources import SourceConfigError, load_sources

    if not data_dir.is_dir():
        return f"data dir {data_dir} not found: run changai serve from your clone (it holds data/) or pass --data-dir"
    try:
        load_sources(data_dir)
    except SourceConfigError as exc:
        return str(exc)
    return ""


def run(data_dir: Path, api_url: str | None = None, startup_timeout: float = STARTUP_TIMEOUT) -> int:
    """Serve until stopped; returns the exit code (0 after Ctrl-C/SIGTERM, 1 when it cannot start)."""
    data_dir = Path(data_dir).resolve()
    problem = check_data_dir(data_dir)
    if problem:
        print(f"changai serve: {problem}", file=sys.stderr)
        return 1
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    # A background job of a non-interactive shell starts with SIGINT ignored; serve must still stop on it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Until the Prefect runner installs its own SIGTERM handler, SIGTERM unwinds through `finally` too.
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        return _run(data_dir, api_url, startup_timeout)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(data_dir: Path, api_url: str | None, startup_timeout: float) -> int:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    url, _ = (api_url, True) if api_url else configured_api_url()
    server: LocalServer | None = None
    try:
        if healthy(url):
            print(f"changai serve: using the Prefect server at {url}", flush=True)
        else:
            print(f"changai serve: no Prefect server at {url}; starting one (`prefect server start`)…", flush=True)
            started = time.monotonic()
            server = start_server(url, Path(PREFECT_HOME.value()), startup_timeout)
            print(
                f"changai serve: server healthy after {time.monotonic() - started:.1f} s "
                f"(pid {server.process.pid}, log {server.log_path})",
                flush=True,
            )
        print(f"changai serve: Prefect UI at {ui_url(url)}", flush=True)
        # Flow runs are started in subprocesses that read the environment; this process reads settings.
        os.environ["PREFECT_API_URL"] = url
        with temporary_settings({PREFECT_API_URL: url}):
            _serve(data_dir)
        return 0
    except ServeError as exc:
        print(f"changai serve: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except SystemExit as exc:  # SIGTERM before the runner took over
        return 0 if exc.code == 128 + signal.SIGTERM else int(exc.code or 0)
    finally:
        if server is not None:
            # a second Ctrl-C must not leave the server half stopped; this takes a few seconds at most
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            print(f"changai serve: stopping the Prefect server it started (pid {server.process.pid})", flush=True)
            code = server.stop()
            print(f"changai serve: server stopped (exit code {code})", flush=True)


def _serve(data_dir: Path) -> None:
    import asyncio

    from prefect.runner import Runner

    from flows.deployments import DEPLOYMENTS, TIMEZONE, build_deployments

    class QuietStopRunner(Runner):
        def handle_sigterm(self, *args: object, **kwargs: object) -> None:
            # Prefect's own handler calls the sync stop() from inside the running event loop, which
            # leaves a never-awaited coroutine and skips the loop's cleanup; stop the way Ctrl-C does.
            signal.raise_signal(signal.SIGINT)

    # pause_on_shutdown=False: stopping serve must not pause the schedules (and drop upcoming runs).
    runner = QuietStopRunner(name="changai-serve", pause_on_shutdown=False)
    for deployment in build_deployments(data_dir):
        runner.add_deployment(deployment)
    print(f"changai serve: data dir {data_dir}", flush=True)
    for spec in DEPLOYMENTS:
        extra = f", parameters {spec.parameters}" if spec.parameters else ""
        print(f"changai serve: serving ingest/{spec.name} (cron '{spec.cron}' {TIMEZONE}{extra})", flush=True)
    print(
        "changai serve: trigger a run with  prefect deployment run 'ingest/daily' --param sources='[\"inbox\"]'"
        "  — stop with Ctrl-C",
        flush=True,
    )
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        print("changai serve: stopped serving (schedules stay active on the server)", flush=True)
