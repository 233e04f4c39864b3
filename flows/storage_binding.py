"""Which storage holds a data dir's raw/ and snapshots/: data/storage.json, written by the first write run.

Reads and writes data/storage.json ({"storage": URL}). Once a data dir is bound to a storage URL,
every command on it (runs, scheduled deployments, validate, site) uses that storage without being
told, and a run naming another storage fails: mixing two stores would fork the history (the run
would see none of the documents stored in the other and read them all again).
"""

from __future__ import annotations

import json
from pathlib import Path

from flows.csvio import atomic_write_bytes
from flows.fs import check_location, is_url, protocol_of

BINDING = "storage.json"


class StorageMismatchError(ValueError):
    """The storage asked for is not the one the data dir's raw/ and snapshots/ are in."""


def normalise(location: str | None) -> str | None:
    if location is None or not str(location).strip():
        return None
    location = str(location).strip()
    return location.rstrip("/") if is_url(location) else str(Path(location).resolve())


def bound_storage(data_dir: Path) -> str | None:
    """The storage recorded in data_dir/storage.json, or None (raw/ and snapshots/ in the data dir)."""
    try:
        value = json.loads((Path(data_dir) / BINDING).read_text(encoding="utf-8")).get("storage")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError, AttributeError) as exc:
        raise StorageMismatchError(f"{Path(data_dir) / BINDING} is unreadable: {exc}") from None
    return normalise(value) if isinstance(value, str) else None


def _is_data_dir(location: str, data_dir: Path) -> bool:
    if protocol_of(location) in ("file", "local"):
        location = location.split("://", 1)[1]
    return not is_url(location) and Path(location).resolve() == Path(data_dir).resolve()


def _has_local_history(data_dir: Path) -> bool:
    return any(
        (Path(data_dir) / name).is_dir() and any((Path(data_dir) / name).iterdir()) for name in ("raw", "snapshots")
    )


def resolve_storage(data_dir: Path | str, requested: str | None = None) -> str | None:
    """The storage to use: `requested`, else the bound one; None means the data dir itself."""
    data_dir = Path(data_dir)
    bound = bound_storage(data_dir)
    wanted = normalise(requested)
    if wanted is None:
        return bound
    if _is_data_dir(wanted, data_dir):
        wanted = None
    if wanted == bound:
        return bound
    where = bound or f"the data dir itself ({data_dir}/raw, {data_dir}/snapshots)"
    if bound is not None or (wanted is not None and _has_local_history(data_dir)):
        raise StorageMismatchError(
            f"{data_dir} keeps its raw documents and snapshots in {where}, not {requested}; "
            f"copy them over and edit {data_dir / BINDING} to move them"
        )
    return check_location(wanted) if wanted else None


def bind_storage(data_dir: Path | str, storage: str | None) -> None:
    """Record `storage` for the data dir (once: a bound data dir keeps its storage)."""
    if storage is None or bound_storage(Path(data_dir)) == storage:
        return
    body = json.dumps({"storage": storage}, ensure_ascii=False, indent=1) + "\n"
    atomic_write_bytes(Path(data_dir) / BINDING, body.encode("utf-8"))
