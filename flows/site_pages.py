"""The report site's pages: the Jinja environment, a page written as its template yields it, and a second
process writing some of the pages; reads pickled page jobs, writes data/site/*.html.

After parsing, a rebuild runs on one core; the city pages of a 10 000-report site are ~4 s of it
(looking up ~190 000 figures' sentences and sources, rendering ~200 MB of HTML). build_site
(flows/site.py) hands a share of the city pages to a `python -m flows.site_pages` process started at
its beginning, so that its imports overlap the site's reading: each page's context (its CityView,
series and figures with the cells and sources they read, flows/site_views.py) is pickled to a file
in a temp folder and the file's name written to the worker's stdin, a line each; the worker renders
the page with the same templates into the same folder and says which pages it wrote when its stdin
closes. A figure travels as its row's cells (flows/site_views.py Figure.__reduce__), not the lookup of
every figure: ~6 µs a point to pickle against ~21 µs to render it. The worker imports no pandas
(~30 MB, one page's objects at a time).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from flows.atomic import atomic_file
from flows.display import PERIOD_NAMES
from flows.site_html import evidence_block, figure, kpi_card, series_rows

TEMPLATES = Path(__file__).parent / "templates"
# the page worker; a test swaps it for a command that fails
WORKER_COMMAND = [sys.executable, "-m", "flows.site_pages"]
# seconds finish() waits for the worker after the last page was handed over (a 10 000-report site's share
# takes ~3 s): a worker stuck on something is stopped and reported rather than holding the run forever
WORKER_TIMEOUT = 1800.0


def environment():
    """The Jinja environment of every page (the same in the page worker)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["period_names"] = PERIOD_NAMES
    env.globals["evidence_block"] = evidence_block
    env.globals["figure"] = figure
    env.globals["series_rows"] = series_rows
    env.globals["kpi_card"] = kpi_card
    return env


def write_page(path: Path, pieces: Iterator[str], batch: int = 50_000) -> None:
    """A page written as its template yields it (the bytes of render()): render() first holds every
    piece, millions of small strings on the index page (~100 MB at 10 000 reports).
    No fsync per page (330 of them cost ~2 s): build_site syncs them all at once."""
    with atomic_file(path, "w", durable=False, encoding="utf-8", newline="") as f:
        for part in iter(lambda: list(islice(pieces, batch)), []):
            f.write("".join(part))


class SitePagesError(RuntimeError):
    """The page worker failed: the pages it was handed may be missing or old (the rebuild is to be redone)."""


def split_pages(weights: list[int], share: float) -> list[bool]:
    """Which items go to the worker (True), in order, so that it gets about `share` of the total weight:
    each item to the side that leaves the worker's part nearer its share (both get big and small pages)."""
    worker = total = 0.0
    out = []
    for w in weights:
        total += w
        to_worker = abs(worker + w - share * total) <= abs(worker - share * total)
        out.append(to_worker)
        worker += w if to_worker else 0
    return out


class PageWorker:
    """A `python -m flows.site_pages` process writing the pages submitted to it, from start() on;
    finish() waits for it.

    Use as a context manager: leaving the block without finish() (an error in the caller) stops the
    worker and removes the jobs it did not read."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._folder: Path | None = None
        self._stderr: IO[bytes] | None = None
        self._submitted: list[str] = []

    @property
    def started(self) -> bool:
        return self._proc is not None

    def start(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="changai-pages-"))
        self._stderr = (self._folder / "stderr").open("w+b")
        self._proc = subprocess.Popen(
            WORKER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, cwd=TEMPLATES.parents[1]
        )

    def __enter__(self) -> PageWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, path: Path, template: str, context: dict[str, Any]) -> None:
        """Hand the started worker a page: `template` rendered with `context` into `path`."""
        assert self._proc is not None and self._proc.stdin is not None and self._folder is not None
        job = self._folder / f"{len(self._submitted)}.pkl"
        with job.open("wb") as f:
            pickle.dump((str(path), template, context), f, protocol=pickle.HIGHEST_PROTOCOL)
        self._submitted.append(str(path))
        try:
            self._proc.stdin.write(f"{job}\n".encode())
            self._proc.stdin.flush()
        except BrokenPipeError:  # the worker is gone: finish() says why
            pass

    def finish(self) -> None:
        """Wait for the worker to write every page submitted; SitePagesError if it did not."""
        assert self._proc is not None and self._stderr is not None
        try:  # closes its stdin: the worker ends once every page is written
            out, _ = self._proc.communicate(timeout=WORKER_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            out, _ = self._proc.communicate()
            raise SitePagesError(
                f"the site's page worker (pid {self._proc.pid}) did not finish {len(self._submitted)} pages "
                f"within {WORKER_TIMEOUT:g} s: stopped"
            ) from None
        written = None
        if self._proc.returncode == 0:
            try:
                written = json.loads(out.decode("utf-8"))
            except ValueError:
                pass
        if written != self._submitted:
            self._stderr.seek(0)
            detail = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise SitePagesError(
                f"the site's page worker (pid {self._proc.pid}) exited with {self._proc.returncode} after writing "
                f"{len(written or [])} of {len(self._submitted)} pages: " + (" | ".join(detail) or "no message")
            )

    def close(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.kill()  # only when the caller failed before finish()
            self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout, self._stderr):
            if stream is not None:
                stream.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


def serve(lines: Iterator[bytes]) -> list[str]:
    """The worker's loop: each line names a job file (path, template, context); the page is written and
    the file removed. Returns the pages written, in order."""
    env = environment()
    written = []
    for line in lines:
        job = Path(line.decode("utf-8").rstrip("\n"))
        with job.open("rb") as f:
            path, template, context = pickle.load(f)
        job.unlink()
        write_page(Path(path), env.get_template(template).generate(**context))
        written.append(path)
        del context  # one page's objects at a time
    return written


if __name__ == "__main__":
    pages = serve(iter(sys.stdin.buffer.readline, b""))
    sys.stdout.write(json.dumps(pages))
    sys.stdout.flush()
    os._exit(0)  # nothing left to clean up: skip the interpreter's teardown of the page objects
