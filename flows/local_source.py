"""The local source: lists inbox report files (.txt .md .html .htm .docx .pdf), keeps their bytes in raw/."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.rows import DocRef, report_id_for
from flows.store import DataStore, RawRef, raw_ref, sha256_hex
from parsers.report import MAX_DOCUMENT_BYTES

INBOX_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
TZ = ZoneInfo("Asia/Shanghai")
MAX_FILE_BYTES = MAX_DOCUMENT_BYTES  # a larger file is reported, not read (nor kept in raw/)


def now_iso() -> str:
    return datetime.now(TZ).isoformat(timespec="seconds")


def list_inbox(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"inbox folder not found: {folder}")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in INBOX_SUFFIXES and p.is_file() and not p.name.startswith(".")
    )


class UnreadableFile(Exception):
    """An inbox file that cannot be read as a document; the message is the report row's reason."""


def read_inbox_file(path: Path) -> bytes:
    """The file's bytes, at most MAX_FILE_BYTES: a larger file is refused unread."""
    try:
        with path.open("rb") as fh:  # read at most the limit: the file may grow after listing
            content = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:  # vanished or unreadable: reported, the run goes on
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from None
    if len(content) > MAX_FILE_BYTES:
        try:
            size = max(path.stat().st_size, len(content))
        except OSError:
            size = len(content)
        raise UnreadableFile(f"file too large ({size} bytes > {MAX_FILE_BYTES}); not read")
    return content


def _raw_meta(ref: DocRef, content: bytes) -> dict:
    """What the sidecar of a local file's bytes in raw/ says about them."""
    return {"url": ref.url, "fetched_at": ref.fetched_at, "file_name": Path(ref.local_path).name, "size": len(content)}


def _kept(ref: DocRef, raw: RawRef) -> DocRef:
    return replace(ref, sha256=raw.sha256, raw_path=raw.rel_path, keep_raw=False)


def keep_in_raw(store: DataStore, ref: DocRef, content: bytes) -> DocRef:
    """`ref` with its bytes kept in raw/ (content-addressed) with their metadata sidecar."""
    suffix = Path(ref.local_path).suffix.lower()
    return _kept(ref, store.put_raw(ref.source, content, suffix, _raw_meta(ref, content)))


class RawKeeper:
    """Keeps the bytes of a batch's local documents in raw/ from a thread of its own while the batch goes
    on parsing: the two file creations of a document wait ~0.5 ms on ext4's journal, shared by every
    process writing raw/, time the parse can use. As a context manager: when the block ends every write
    is done, and `failed` holds the report ids raw/ refused, with the reason."""

    def __init__(self, store: DataStore) -> None:
        self.store = store
        self.failed: dict[str, str] = {}
        self._writes: list[tuple[str, Future]] = []
        self._pool: ThreadPoolExecutor | None = None

    def read_and_keep(self, ref: DocRef) -> tuple[DocRef, bytes]:
        """A document collected with `keep_raw`: its file read again (now), its bytes on their way to
        raw/, and the ref saying where. Raises UnreadableFile."""
        content = read_inbox_file(Path(ref.local_path))
        raw = raw_ref(ref.source, content, Path(ref.local_path).suffix.lower())
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="raw-keeper")
        write = self._pool.submit(self.store.write_raw, raw, content, _raw_meta(ref, content))
        self._writes.append((report_id_for(ref.source, ref.url), write))
        return _kept(ref, raw), content

    def __enter__(self) -> RawKeeper:
        return self

    def __exit__(self, *exc: object) -> None:
        for report_id, write in self._writes:
            try:
                write.result()
            except OSError as error:
                self.failed[report_id] = f"raw document could not be kept: {error}"
        if self._pool is not None:
            self._pool.shutdown()


def collect_local(
    source_id: str, parser: str, folder: Path, store: DataStore | None, city: str = "", keep_later: bool = False
) -> Iterator[DocRef]:
    """One DocRef per inbox file. With a store, the bytes are kept in raw/ (content-addressed), or with
    `keep_later` marked for the parse batch to keep (DocRef.keep_raw; RawKeeper): creating the two
    files of a document costs ~0.5 ms of kernel time on ext4 (~5 s for 10 000 documents), which parse
    workers share while the collecting is one thread. Without a store (dry run) nothing is written.
    A file that cannot be read yields a DocRef with `error`."""
    for path in list_inbox(folder):
        url = path.resolve().as_uri()
        fetched_at = now_iso()
        try:
            content = read_inbox_file(path)
        except UnreadableFile as exc:
            yield DocRef(source_id, url, parser, fetched_at, error=str(exc), city=city)
            continue
        ref = DocRef(source_id, url, parser, fetched_at, sha256_hex(content), "", str(path), city=city)
        if store is None:
            yield ref
        elif keep_later:
            yield replace(ref, keep_raw=True)
        else:
            yield keep_in_raw(store, ref, content)
