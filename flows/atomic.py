"""Atomic file writes, without pandas: reads nothing, writes a file through a temp file renamed over it.

Moved out of flows/csvio.py (which re-exports them) so that the site's page worker (flows/site_pages.py)
writes pages the same way without importing pandas (~55 MB a process).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

TEMP_SUFFIX = ".tmp"


def temp_name_prefix(target: Path) -> str:
    """Temp files of a write to `target` are `.<name>.<random>.tmp` in the same folder (recover() removes them)."""
    return f".{target.name}."


@contextmanager
def atomic_file(path: Path, mode: str = "wb", durable: bool = True, **open_args: Any) -> Iterator[IO]:
    """A temp file in `path`'s folder, renamed over `path` when the block ends without error (removed
    otherwise): readers see old or new, never half. durable=False skips the fsyncs: still atomic for
    a killed process, and the caller makes the file durable later (raw documents: one filesystem
    sync just before the commit that uses them)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_name_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, mode, **open_args) as f:
            yield f
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """`data` written to `path` atomically (atomic_file)."""
    with atomic_file(path, durable=durable) as f:
        f.write(data)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a crash after it cannot bring the old entry back)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
