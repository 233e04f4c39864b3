"""Reads and checks data/sources.toml: the list of configured sources."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from parsers.registry import PARSER_MODULES
from validations.rules import SOURCE_ID_RE

SOURCES_FILE = "sources.toml"
MANUAL_SOURCE_ID = "manual"  # pages fetched with `changai run --url` that belong to no configured source
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
    list_pages: tuple[str, ...] = ()  # http: pages that link to reports; {date:%Y-%m/%d} for dated e-papers
    link_pattern: str = ""  # http: regex a report URL must match
    page_pattern: str = ""  # http: regex of further list pages to follow (pagination, e-paper page layouts)
    hosts: tuple[str, ...] = ()  # http: hosts whose links count (default: each list page's own host)
    max_pages: int = 3  # http: list pages read per configured list page (pagination limit)
    max_articles: int = 100  # http: article URLs considered per run
    days_back: int = 0  # http: for {date} list pages, also read this many earlier days
    delay_seconds: float = 1.0  # http: politeness delay per host (robots.txt Crawl-delay may raise it)
    timeout_seconds: float = 20.0  # http: connect / read timeout
    max_bytes: int = 10 * 1024 * 1024  # http: response size cap
    retries: int = 3  # http: retries on 5xx, 429, timeouts, dropped connections (with backoff)
    backoff_seconds: float = 1.0  # http: backoff factor between retries
    urls: tuple[str, ...] = ()  # http: fetch exactly these pages, no discovery (`changai run --url`)
    detect_parser: bool = False  # http: pick the family parser per page (host, then page signature)
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
        if entry["kind"] == "http" and not entry.get("link_pattern"):
            raise SourceConfigError(f"{where}: an http source needs 'link_pattern' (regex of its article URLs)")
        for key in ("link_pattern", "page_pattern"):
            try:
                re.compile(entry.get(key, ""))
            except re.error as exc:
                raise SourceConfigError(f"{where}: {key} is not a valid regex: {exc}") from exc
        for page in entry.get("list_pages", []):
            if not str(page).lower().startswith(("http://", "https://")):  # never file:, ftp:, data: …
                raise SourceConfigError(f"{where}: list page {page!r} is not an http(s) URL")
        if not re.fullmatch(SOURCE_ID_RE, str(entry["id"])):  # it names the raw/<source>/ folder
            raise SourceConfigError(f"{where}: id must be letters, digits, _ . - (it names a folder)")
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


def select_sources(
    all_sources: list[SourceConfig], wanted: list[str] | None, include_manual: bool = False
) -> list[SourceConfig]:
    """The enabled sources, or the ones named. "manual" (pages of `--url` runs) is always a known
    name, and `include_manual` adds it to the default selection (a reprocess re-parses its pages)."""
    manual = SourceConfig(id=MANUAL_SOURCE_ID, kind="http", parser="generic", detect_parser=True)
    if not wanted:
        chosen = [s for s in all_sources if s.enabled]
        add = include_manual and MANUAL_SOURCE_ID not in {s.id for s in chosen}
        return [*chosen, manual] if add else chosen
    by_id = {MANUAL_SOURCE_ID: manual} | {s.id: s for s in all_sources}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        raise SourceConfigError(f"unknown source id(s): {', '.join(unknown)}; configured: {', '.join(by_id)}")
    return [by_id[w] for w in wanted]


def url_source(
    urls: list[str], parser: str | None, configured: list[SourceConfig], wanted: list[str] | None = None
) -> SourceConfig:
    """The source a `changai run --url URL [--parser ID]` run fetches its pages as.

    The pages are filed under the configured http source named with --source, else the one whose
    hosts or list pages share the URL's host (so a page later found by that source keeps its
    report id), else under the source id "manual". Without --parser the configured source's
    parser is used, or, for "manual", the family parser detected from the page (generic if none).
    """
    from urllib.parse import urlsplit

    from parsers.registry import host_matches

    if parser and parser not in PARSER_MODULES:
        raise SourceConfigError(f"unknown parser {parser!r} (known: {sorted(PARSER_MODULES)})")
    bad = [u for u in urls if urlsplit(u).scheme not in ("http", "https") or not urlsplit(u).hostname]
    if bad:
        raise SourceConfigError(f"not an http(s) URL: {', '.join(bad)}")
    match: SourceConfig | None = None
    if wanted:
        match = select_sources(configured, wanted)[0]
    else:
        url_hosts = {(urlsplit(u).hostname or "").lower() for u in urls}
        for s in configured:
            if s.kind != "http":
                continue
            # every page on this source's hosts, or on its list pages' host:port (pages of
            # several sites go under "manual")
            if s.hosts:
                fits = all(host_matches(h, s.hosts) for h in url_hosts)
            else:
                fits = {urlsplit(u).netloc.lower() for u in urls} <= {urlsplit(u).netloc.lower() for u in s.list_pages}
            if fits:
                match = s
                break
    if match is not None and match.kind == "http":
        return replace(
            match,
            urls=tuple(urls),
            parser=parser or match.parser,
            detect_parser=match.detect_parser and parser is None,
            enabled=True,
        )
    return SourceConfig(
        id=MANUAL_SOURCE_ID,
        kind="http",
        parser=parser or "generic",
        urls=tuple(urls),
        detect_parser=parser is None,
        delay_seconds=1.0,
    )
