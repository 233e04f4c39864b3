"""A temporary Prefect server for one `changai run`, started before the flow's imports so that the two overlap.

With no PREFECT_API_URL, Prefect starts the same server itself, but only when the flow begins: the run
process first imports Prefect's whole server package (~2 s, only to launch a subprocess) and then waits
for the subprocess to boot (~6-10 s) with nothing else to do. Here the subprocess is launched before
Prefect is imported, the process imports Prefect and the flow (pandas, pandera, the extraction stack)
meanwhile, and then waits only for what is left. Its URL also goes into the environment that Dask worker processes
inherit, so they report to this server instead of each starting one of their own.
Reads and writes nothing itself; the server uses Prefect's database under PREFECT_HOME, as Prefect's would.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

PORT_IN_USE = 3  # uvicorn's exit code when the port was taken between choosing it and binding it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryServer:
    """A Prefect API server subprocess on 127.0.0.1, launched like Prefect's own temporary server."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process = self._launch()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _launch(self) -> subprocess.Popen:
        # the command and environment of prefect.server.api.server.SubprocessASGIServer (no UI, the
        # temporary-server mode); found without importing prefect, which is what this start overlaps
        spec = importlib.util.find_spec("prefect")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("prefect is not installed")
        app_dir = Path(next(iter(spec.submodule_search_locations))).parent
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        args = [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(app_dir),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ]
        return subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL)

    def wait_ready(self, timeout: float) -> str:
        """Block until the server answers /health; its API URL. RuntimeError when it does not come up."""
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code == PORT_IN_USE:
                self.port = _free_port()
                self.process = self._launch()
                continue
            if code is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {code} while starting")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return self.api_url
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def early_server() -> Iterator[TemporaryServer | None]:
    """A TemporaryServer for the block, or None when PREFECT_API_URL is in the environment. Launched before
    Prefect is imported: a server configured elsewhere (a profile, .env) is seen only by use_server()."""
    configured = bool(os.environ.get("PREFECT_API_URL", "").strip())
    if not configured and "prefect.settings" in sys.modules:  # already paid for (an in-process caller, a test)
        from prefect.settings import PREFECT_API_URL

        configured = bool(PREFECT_API_URL.value())
    if configured:
        yield None
        return
    server = TemporaryServer()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def use_server(server: TemporaryServer | None, timeout: float) -> Iterator[None]:
    """Point this process (its settings) and the processes it starts (the environment) at the server, once
    it answers; a server from Prefect's settings (a profile, a test harness) wins, and ours is stopped."""
    from prefect.logging import get_logger
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if server is None or PREFECT_API_URL.value():
        if server is not None:
            server.stop()
        yield
        return

    url = server.wait_ready(timeout)
    get_logger().info("Started temporary Prefect server on %s for this run", url)
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    # and in the settings of threads that do not inherit this one's context: Prefect 3.8's process pool
    # forwards its workers' events from such a thread, which, seeing no server, started a second one
    # (~220 MB and its boot's CPU in the middle of parsing)
    _refresh_global_settings()
    try:
        with temporary_settings({PREFECT_API_URL: url}):
            try:
                yield
            finally:
                _drain()
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
        _refresh_global_settings()


def _refresh_global_settings() -> None:
    """Prefect's process-wide settings (those of a thread without a settings context) re-read from the environment."""
    import prefect.context

    prefect.context.refresh_global_settings_context()


def _drain() -> None:
    """Send the logs and events still queued to the server while it still runs: it stops with the block,
    before the exit hooks that would send them otherwise ("Error logging to API")."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):
            worker.drain_all(timeout=5)
