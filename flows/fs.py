"""Where raw documents and snapshots live: a local folder, or any fsspec URL (s3://, gcs://, memory://).

Reads and writes files under one base location, addressed by '/'-separated relative paths:

- LocalStorage (a folder): a write goes to a temp file in the same folder and is renamed into
  place, so readers see the old file or the new one; `durable=False` skips the fsyncs and
  `sync()` later makes a whole batch durable with one filesystem sync.
- FsspecStorage (an fsspec URL): each file is one upload (an object store replaces an object in
  one PUT), so readers see the old object or the new one, never a part. There is no folder rename,
  so callers order their writes (flows/store.py uploads a snapshot's reports.csv last).

s3:// needs `pip install s3fs`, gcs:// `pip install gcsfs`: fsspec finds them by protocol.
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO, Any

from flows.csvio import atomic_write_bytes, fsync_dir, fsync_file

LOCAL_PROTOCOLS = ("file", "local")


def is_url(location: str | Path) -> bool:
    return isinstance(location, str) and "://" in location


def protocol_of(location: str) -> str:
    return location.split("://", 1)[0].lower() if is_url(location) else ""


def check_rel(rel: str) -> str:
    """Relative '/'-paths only, no '..': a stored path (from a table a user may edit) stays inside the base."""
    parts = PurePosixPath(rel).parts
    if not rel or rel.startswith("/") or "\\" in rel or ".." in parts or ":" in rel:
        raise ValueError(f"not a relative storage path: {rel!r}")
    return rel


class Storage:
    """One base location; every path given to a method is relative to it."""

    base: str
    local: bool = False

    def url(self, rel: str) -> str:
        """Where a file is, for people (a path or a URL)."""
        raise NotImplementedError

    def exists(self, rel: str) -> bool:
        return self.size(rel) is not None

    def size(self, rel: str) -> int | None:
        """Size in bytes, None when there is no such file."""
        raise NotImplementedError

    def read_bytes(self, rel: str) -> bytes:
        """The file's bytes; FileNotFoundError when it is not there."""
        raise NotImplementedError

    def open_read(self, rel: str) -> IO[bytes]:
        """A binary file object to stream from (FileNotFoundError when missing)."""
        raise NotImplementedError

    def write_bytes(self, rel: str, data: bytes, *, once: bool = False, durable: bool = True) -> bool:
        """Replace the file atomically; with `once` (write-once keys such as content-addressed raw
        documents) a file already there with this size is kept. True when written."""
        if once and self.size(rel) == len(data):
            return False
        self._put(rel, data, durable)
        return True

    def _put(self, rel: str, data: bytes, durable: bool) -> None:
        raise NotImplementedError

    def list_dir(self, rel: str = "") -> list[tuple[str, bool]]:
        """(name, is_dir) of the entries directly under `rel`, sorted; empty when it does not exist."""
        raise NotImplementedError

    def remove(self, rel: str) -> None:
        """Delete a file (no error when it is missing)."""
        raise NotImplementedError

    def sync(self, rels: Iterable[str]) -> None:
        """Make the files written with durable=False durable (a no-op where every upload already is)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base!r})"


class LocalStorage(Storage):
    local = True

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.base = str(self.root)

    def path(self, rel: str) -> Path:
        return self.root / check_rel(rel)

    def url(self, rel: str) -> str:
        return str(self.path(rel))

    def size(self, rel: str) -> int | None:
        try:
            st = self.path(rel).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return st.st_size if stat.S_ISREG(st.st_mode) else None

    def read_bytes(self, rel: str) -> bytes:
        return self.path(rel).read_bytes()

    def open_read(self, rel: str) -> IO[bytes]:
        return self.path(rel).open("rb")

    def _put(self, rel: str, data: bytes, durable: bool) -> None:
        atomic_write_bytes(self.path(rel), data, durable=durable)  # temp file + rename (flows/csvio.py)

    def list_dir(self, rel: str = "") -> list[tuple[str, bool]]:
        folder = self.path(rel) if rel else self.root
        try:
            return sorted((p.name, p.is_dir()) for p in folder.iterdir())
        except (FileNotFoundError, NotADirectoryError):
            return []

    def remove(self, rel: str) -> None:
        self.path(rel).unlink(missing_ok=True)

    def sync(self, rels: Iterable[str]) -> None:
        sync_files(self.root, [self.path(r) for r in rels])


class FsspecStorage(Storage):
    """Any fsspec filesystem: s3:// (s3fs), gcs:// (gcsfs), memory:// (tests), ..."""

    def __init__(self, url: str, **options: Any) -> None:
        from fsspec.core import url_to_fs

        self.base = url.rstrip("/")
        self.fs, root = url_to_fs(self.base, **options)
        self.root = root.rstrip("/")

    def _p(self, rel: str) -> str:
        return f"{self.root}/{check_rel(rel)}"

    def url(self, rel: str) -> str:
        return f"{self.base}/{check_rel(rel)}"

    def size(self, rel: str) -> int | None:
        try:
            info = self.fs.info(self._p(rel))
        except FileNotFoundError:
            return None
        return None if info.get("type") == "directory" else int(info.get("size") or 0)

    def read_bytes(self, rel: str) -> bytes:
        return bytes(self.fs.cat_file(self._p(rel)))

    def open_read(self, rel: str) -> IO[bytes]:
        return self.fs.open(self._p(rel), "rb")

    def _put(self, rel: str, data: bytes, durable: bool) -> None:
        # one PUT of the whole object (s3fs switches to a multipart upload for large ones, which
        # also becomes visible only when complete): readers never see a partial file
        self.fs.pipe_file(self._p(rel), data)

    def list_dir(self, rel: str = "") -> list[tuple[str, bool]]:
        path = self._p(rel) if rel else self.root
        try:
            entries = self.fs.ls(path, detail=True)
        except FileNotFoundError:
            return []
        out = set()
        for entry in entries:
            name = entry["name"].rstrip("/")
            if name != path.rstrip("/"):  # some backends list a folder's own marker
                out.add((name.rsplit("/", 1)[-1], entry.get("type") == "directory"))
        return sorted(out)

    def remove(self, rel: str) -> None:
        try:
            self.fs.rm_file(self._p(rel))
        except FileNotFoundError:
            pass


def open_storage(location: str | Path, **options: Any) -> Storage:
    """A Storage for a folder or a URL; plain paths and file:// URLs are local folders."""
    location = str(location)
    protocol = protocol_of(location)
    if not protocol:
        return LocalStorage(location)
    if protocol in LOCAL_PROTOCOLS:
        return LocalStorage(location.split("://", 1)[1])
    return FsspecStorage(location, **options)


def check_location(location: str) -> str:
    """The location when it can be opened here; ValueError naming the package a URL needs otherwise."""
    protocol = protocol_of(location)
    if not protocol or protocol in LOCAL_PROTOCOLS:
        return location
    from fsspec.registry import get_filesystem_class

    try:
        get_filesystem_class(protocol)
    except ValueError:
        raise ValueError(f"no fsspec filesystem for {protocol}:// (in {location!r})") from None
    except ImportError as exc:  # fsspec knows the protocol; its package is not installed
        raise ValueError(f"{protocol}:// needs an extra package: {exc}") from None
    return location


def sync_files(root: Path, paths: list[Path]) -> None:
    """Make these files (written without fsync) and their folders' entries durable.

    Linux: one syncfs(2) of the filesystem holding `root` — a few ms for a whole batch, where two
    fsyncs per raw document cost ~3-13 ms each here (5 000 of them made a 2 500-report commit
    take ~13 s). Falls back to os.sync(), and to one fsync per file and folder elsewhere.
    """
    if not paths:
        return
    if sys.platform.startswith("linux"):
        if _syncfs(root):
            return
        os.sync()
        return
    for p in paths:
        if p.exists():
            fsync_file(p)
    for folder in {p.parent for p in paths}:
        fsync_dir(folder)


def _syncfs(root: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(root if root.exists() else root.parent, os.O_RDONLY)
    except (OSError, AttributeError):
        return False
    try:
        return libc.syncfs(fd) == 0
    except AttributeError:  # a libc without syncfs
        return False
    finally:
        os.close(fd)
