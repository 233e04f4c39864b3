"""The local source: lists inbox report files (.txt .md .html .htm .docx .pdf), keeps their bytes in raw/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.rows import DocRef
from flows.store import DataStore, sha256_hex
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


def collect_local(
    source_id: str, parser: str, folder: Path, store: DataStore | None, city: str = ""
) -> Iterator[DocRef]:
    """One DocRef per inbox file. With a store, the bytes are kept in raw/ (content-addressed);
    without one (dry run) nothing is written. A file that cannot be read yields a DocRef with `error`."""
    for path in list_inbox(folder):
        url = path.resolve().as_uri()
        fetched_at = now_iso()
        try:
            with path.open("rb") as fh:  # read at most the limit: the file may grow after listing
                content = fh.read(MAX_FILE_BYTES + 1)
            if len(content) > MAX_FILE_BYTES:
                size = max(path.stat().st_size, len(content))
                error = f"file too large ({size} bytes > {MAX_FILE_BYTES}); not read"
                yield DocRef(source_id, url, parser, fetched_at, error=error, city=city)
                continue
        except OSError as exc:  # vanished or unreadable: reported, the run goes on
            yield DocRef(
                source_id, url, parser, fetched_at, error=f"cannot read file: {exc.strerror or exc}", city=city
            )
            continue
        if store is None:
            yield DocRef(source_id, url, parser, fetched_at, sha256_hex(content), "", str(path), city=city)
            continue
        ref = store.put_raw(
            source_id,
            content,
            path.suffix.lower(),
            {"url": url, "fetched_at": fetched_at, "file_name": path.name, "size": len(content)},
        )
        yield DocRef(source_id, url, parser, fetched_at, ref.sha256, ref.rel_path, str(path), city=city)
