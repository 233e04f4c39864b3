"""Whether the current tables still are what the snapshots give: reads and writes data/.changai-current.json.

rebuild_current (flows/current.py) re-derives every current table, the site and datapackage.json from
all snapshots; on 10 000 reports that is most of a run that found nothing new. It records a stamp:
the size and modification time of every snapshot file and current output, and a digest of the code
that derives them. A run that committed nothing skips the rebuild when the stamp still matches —
like make: an edited or deleted table, a new snapshot, a recovered crash or an upgraded changai all
change the stamp, and the rebuild-pending marker of a commit always forces one.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from flows.csvio import atomic_write_bytes

STAMP = ".changai-current.json"
# what the current tables are derived by: a change to any of these files redoes the rebuild
DERIVING_MODULES = (
    "flows/current.py",
    "flows/progress.py",
    "flows/duplicates.py",
    "flows/compare.py",
    "flows/site.py",
    "flows/site_data.py",
    "flows/site_views.py",
    "flows/site_pages.py",
    "flows/charts.py",
    "flows/display.py",
    "validations/flags.py",
    "validations/datapackage.py",
    "validations/schemas.py",
)
# current outputs whose loss or edit must bring a rebuild (the site's pages and charts are checked
# through its index page: a rebuild rewrites them together)
OUTPUTS = (
    "reports.csv",
    "indicators.csv",
    "progress.csv",
    "flags.csv",
    "comparison.csv",
    "coverage.csv",
    "datapackage.json",
    "site/index.html",
)


def code_digest() -> str:
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for rel in DERIVING_MODULES:
        path = root / rel
        h.update(rel.encode())
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def fingerprint(store: Any) -> dict[str, Any]:
    """Sizes and mtimes of the snapshot files and current outputs of a DataStore, and the code digest."""
    from flows.store import SNAPSHOT_TABLES

    snapshots = {}
    for day in store.snapshot_dates():
        for table in SNAPSHOT_TABLES:
            path = store.snapshot_file(day, table)
            if path is not None:
                snapshots[f"{day}/{table}"] = _stat(path)
            else:  # object storage: its size (no cheap modification time on every backend)
                snapshots[f"{day}/{table}"] = [store.files.size(f"snapshots/{day}/{table}.csv")]
    outputs = {name: _stat(store.root / name) for name in OUTPUTS}
    return {"code": code_digest(), "snapshots": snapshots, "outputs": outputs}


def write_stamp(store: Any, counts: dict[str, Any]) -> None:
    """Record that the current tables were just derived from the snapshots as they are now."""
    stamp = {"fingerprint": fingerprint(store), "counts": counts}
    atomic_write_bytes(store.root / STAMP, json.dumps(stamp, ensure_ascii=False, default=str).encode("utf-8"))


def fresh_counts(store: Any) -> dict[str, Any] | None:
    """The recorded row counts when nothing changed since the last rebuild, else None (rebuild)."""
    from flows.store import REBUILD_PENDING

    if (store.root / REBUILD_PENDING).exists():
        return None
    try:
        stamp = json.loads((store.root / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("fingerprint") != fingerprint(store):
        return None
    counts = stamp.get("counts")
    return counts if isinstance(counts, dict) else None


def clear_stamp(store: Any) -> None:
    (store.root / STAMP).unlink(missing_ok=True)
