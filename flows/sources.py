"""Reads and checks data/sources.toml: the list of configured sources."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from parsers.registry import PARSER_MODULES

SOURCES_FILE = "sources.toml"
KINDS = ("local", "http")


class SourceConfigError(ValueError):
    pass


@dataclass(frozen=True)
class SourceConfig:
    id: str
    kind: str
    parser: str
    enabled: bool = True
    city: str = ""
    folder: str = ""  # local: folder relative to the data dir (or absolute)
    list_pages: tuple[str, ...] = ()  # http: pages that link to reports
    link_pattern: str = ""  # http: regex a report URL must match
    hosts: tuple[str, ...] = ()  # http: hosts the parser is meant for (sanity check)
    max_pages: int = 3  # http: pagination limit per list page
    delay_seconds: float = 1.0  # http: politeness delay per host
    options: dict = field(default_factory=dict)


def parse_sources(data: dict) -> list[SourceConfig]:
    entries = data.get("source", [])
    seen: set[str] = set()
    out: list[SourceConfig] = []
    known = {f.name for f in SourceConfig.__dataclass_fields__.values()}
    for i, entry in enumerate(entries):
        where = f"source #{i + 1} ({entry.get('id', '?')})"
        for key in ("id", "kind", "parser"):
            if not entry.get(key):
                raise SourceConfigError(f"{where}: missing '{key}'")
        if entry["kind"] not in KINDS:
            raise SourceConfigError(f"{where}: kind must be one of {KINDS}, not {entry['kind']!r}")
        if entry["parser"] not in PARSER_MODULES:
            raise SourceConfigError(f"{where}: unknown parser {entry['parser']!r} (known: {sorted(PARSER_MODULES)})")
        if entry["id"] in seen:
            raise SourceConfigError(f"{where}: duplicate id {entry['id']!r}")
        if entry["kind"] == "local" and not entry.get("folder"):
            raise SourceConfigError(f"{where}: a local source needs 'folder'")
        if entry["kind"] == "http" and not entry.get("list_pages"):
            raise SourceConfigError(f"{where}: an http source needs 'list_pages'")
        seen.add(entry["id"])
        extra = {k: v for k, v in entry.items() if k not in known}
        fields = {k: (tuple(v) if isinstance(v, list) else v) for k, v in entry.items() if k in known}
        out.append(SourceConfig(**fields, options=extra))
    return out


def load_sources(data_dir: Path) -> list[SourceConfig]:
    """The data dir's sources.toml; a data dir without one gets the inbox source only."""
    path = Path(data_dir) / SOURCES_FILE
    if not path.exists():
        return [SourceConfig(id="inbox", kind="local", parser="local", folder="inbox")]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError(f"{path}: {exc}") from exc
    return parse_sources(data)


def select_sources(all_sources: list[SourceConfig], wanted: list[str] | None) -> list[SourceConfig]:
    if not wanted:
        return [s for s in all_sources if s.enabled]
    by_id = {s.id: s for s in all_sources}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        raise SourceConfigError(f"unknown source id(s): {', '.join(unknown)}; configured: {', '.join(by_id)}")
    return [by_id[w] for w in wanted]
