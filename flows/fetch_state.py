"""Per-source fetch state, data/fetch_state/<source>.json: seen URLs, validators, content hashes, list links."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flows.csvio import atomic_write_bytes

STATE_DIR = "fetch_state"
STATE_VERSION = 1


@dataclass
class PageState:
    """What the last successful fetch of a URL returned."""

    sha256: str = ""  # content hash of the stored raw document ("" for list pages)
    raw_path: str = ""  # raw/<source>/<sha256>.<ext>, relative to the data dir
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    charset: str = ""
    final_url: str = ""
    fetched_at: str = ""  # last time the server sent the body
    checked_at: str = ""  # last time the URL was requested (a 304 updates this only)
    parser: str = ""
    links: list[str] = field(default_factory=list)  # list pages: the article links found on them
    pages: list[str] = field(default_factory=list)  # list pages: the further list pages found on them

    def validators(self) -> dict[str, str]:
        return {"etag": self.etag, "last_modified": self.last_modified}


class FetchState:
    """One JSON file per source, so sources fetched in parallel never write the same file.

    It is a cache of what was fetched, not a record of what was processed: the reports tables
    decide that. Losing the file costs one full re-fetch, nothing else.
    """

    def __init__(self, data_dir: Path | str | None, source: str) -> None:
        # no data dir (a dry run): the state lives in memory for this run only
        self.path = Path(data_dir) / STATE_DIR / f"{source}.json" if data_dir is not None else None
        self.documents: dict[str, PageState] = {}
        self.list_pages: dict[str, PageState] = {}
        self._load()

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # a damaged cache is rebuilt by the next fetch
        known = set(PageState.__dataclass_fields__)
        for key, target in (("documents", self.documents), ("list_pages", self.list_pages)):
            for url, entry in (data.get(key) or {}).items():
                target[url] = PageState(**{k: v for k, v in entry.items() if k in known})

    def save(self) -> None:
        if self.path is None:
            return
        data = {
            "version": STATE_VERSION,
            "documents": {u: asdict(p) for u, p in sorted(self.documents.items())},
            "list_pages": {u: asdict(p) for u, p in sorted(self.list_pages.items())},
        }
        atomic_write_bytes(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
