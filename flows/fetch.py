"""The http source: discovers article URLs on list pages, fetches new or changed ones into raw/, yields DocRefs.

Reads list pages and articles over HTTP (flows/http_client.py), writes raw/<source>/<sha256>.<ext>
with a JSON sidecar of fetch metadata, and data/fetch_state/<source>.json (flows/fetch_state.py).
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from flows.discover import DATE_TEMPLATE_RE, expand_list_url, extract_links
from flows.fetch_state import FetchState, PageState
from flows.http_client import DOCUMENT_TYPES, HTML_TYPES, FetchError, FetchResult, FetchSettings, PoliteClient, now_iso
from flows.rows import DocRef
from flows.sources import SourceConfig
from flows.store import DataStore, sha256_hex
from parsers.decode import DecodeError, decode_bytes
from parsers.detect import detect_parser
from parsers.registry import host_matches, parser_hosts

TZ_LOGGER = "changai.fetch"
SUFFIX_BY_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
KNOWN_SUFFIXES = (".html", ".htm", ".shtml", ".txt", ".md", ".pdf", ".docx")


class SourceFetchError(RuntimeError):
    """The source as a whole failed (a list page, its robots.txt or its host); one-line message."""


def _logger() -> logging.Logger | logging.LoggerAdapter:
    try:
        from prefect import get_run_logger

        return get_run_logger()
    except Exception:  # outside a flow or task run (tests of this module, scripts)
        return logging.getLogger(TZ_LOGGER)


def settings_for(source: SourceConfig) -> FetchSettings:
    return FetchSettings(
        timeout=source.timeout_seconds,
        max_bytes=source.max_bytes,
        retries=source.retries,
        backoff=source.backoff_seconds,
        delay=source.delay_seconds,
    )


def _today() -> date:
    import os

    from flows.http_client import TZ

    override = os.environ.get("CHANGAI_TODAY", "").strip()
    return date.fromisoformat(override) if override else datetime.now(TZ).date()


def raw_suffix(url: str, content_type: str) -> str:
    path = urlsplit(url).path.lower()
    for suffix in KNOWN_SUFFIXES:
        if path.endswith(suffix):
            return suffix
    return SUFFIX_BY_TYPE.get(content_type, ".html")


# -- discovery -------------------------------------------------------------------------------
def discover(client: PoliteClient, source: SourceConfig, state: FetchState) -> tuple[list[str], list[str]]:
    """(article URLs in page order, failures) from the source's list pages and their pagination.

    Each configured list page is followed through at most `max_pages` list pages. A list page
    answered 304 reuses the links stored from its last fetch. A dated template
    (…/html/{date:%Y-%m/%d}/node_1.htm) fails only when no day of it could be read (no issue
    on a Sunday is not a failure).
    """
    log = _logger()
    articles: dict[str, None] = {}
    failures: list[str] = []
    today = _today()
    for template in source.list_pages:
        expansions = expand_list_url(template, today, source.days_back)
        day_failures: list[str] = []
        for start in expansions:
            pending, seen, fetched = [start], set(), 0
            while pending and fetched < source.max_pages:
                page = pending.pop(0)
                if page in seen:
                    continue
                seen.add(page)
                fetched += 1
                try:
                    links, more = _list_page_links(client, source, state, page)
                except FetchError as exc:
                    if page == start:
                        day_failures.append(f"list page {page}: {exc.reason}")
                    else:  # a pagination page that went away ends the walk, the source is fine
                        log.warning("source %s: pagination page %s skipped: %s", source.id, page, exc.reason)
                    continue
                articles.update(dict.fromkeys(links))
                pending.extend(p for p in more if p not in seen)
        dated = bool(DATE_TEMPLATE_RE.search(template))
        if day_failures and (not dated or len(day_failures) == len(expansions)):
            failures.extend(day_failures if not dated else day_failures[:1])
    return list(articles), failures


def _list_page_links(
    client: PoliteClient, source: SourceConfig, state: FetchState, page: str
) -> tuple[list[str], list[str]]:
    prev = state.list_pages.get(page)
    result = client.get(page, accept=HTML_TYPES, conditional=prev.validators() if prev else None)
    if result.not_modified and prev is not None:
        prev.checked_at = now_iso()
        return prev.links, prev.pages
    try:
        html = decode_bytes(result.content, result.charset).text
    except DecodeError as exc:
        raise FetchError(f"list page cannot be decoded: {exc}", "type") from exc
    found = extract_links(html, result.final_url, source.link_pattern, source.page_pattern, source.hosts)
    state.list_pages[page] = PageState(
        etag=result.headers.get("etag", ""),
        last_modified=result.headers.get("last-modified", ""),
        content_type=result.content_type,
        charset=result.charset or "",
        final_url=result.final_url,
        fetched_at=result.fetched_at,
        checked_at=result.fetched_at,
        links=found.articles,
        pages=found.pages,
    )
    return found.articles, found.pages


# -- documents -------------------------------------------------------------------------------
def _ref_from_state(source: SourceConfig, url: str, prev: PageState) -> DocRef:
    return DocRef(
        source.id,
        url,
        prev.parser or source.parser,
        prev.fetched_at,
        prev.sha256,
        prev.raw_path,
        declared_charset=prev.charset or None,
        city=source.city,
    )


def _keep(source: SourceConfig, result: FetchResult, store: DataStore | None) -> tuple[str, str, str]:
    """(sha256, raw_path, local_path): into raw/ with its sidecar, or a temp file in a dry run."""
    suffix = raw_suffix(result.final_url, result.content_type)
    digest = sha256_hex(result.content)
    if store is None:  # dry run: nothing in the data dir; the parse step (same process) reads this temp file
        folder = tempfile.mkdtemp(prefix="changai-dry-run-")
        atexit.register(shutil.rmtree, folder, True)
        tmp = Path(folder) / f"{digest}{suffix}"
        tmp.write_bytes(result.content)
        return digest, "", str(tmp)
    meta = {
        "url": result.url,
        "final_url": result.final_url,
        "status": result.status,
        "fetched_at": result.fetched_at,
        "etag": result.headers.get("etag", ""),
        "last_modified": result.headers.get("last-modified", ""),
        "content_type": result.headers.get("content-type", ""),
        "charset": result.charset or "",
        "size": len(result.content),
        "source": source.id,
    }
    ref = store.put_raw(source.id, result.content, suffix, meta)
    return ref.sha256, ref.rel_path, ""


def fetch_document(
    client: PoliteClient, source: SourceConfig, url: str, state: FetchState, store: DataStore | None
) -> DocRef:
    """One article: a known URL is asked with its validators (or not at all when the server gave
    none); a 304 or an unchanged body yields the stored document. Failures become DocRef.error."""
    prev = state.documents.get(url)
    stored = prev is not None and prev.sha256 and (store is None or (store.root / prev.raw_path).exists())
    if stored and prev is not None:
        if not (prev.etag or prev.last_modified):
            return _ref_from_state(source, url, prev)  # seen before, no way to ask "changed?": not re-fetched
    conditional = prev.validators() if stored and prev is not None else None
    try:
        result = client.get(url, accept=DOCUMENT_TYPES, conditional=conditional)
    except FetchError as exc:
        return DocRef(source.id, url, source.parser, now_iso(), error=f"fetch failed: {exc.reason}", city=source.city)
    if result.not_modified and stored and prev is not None:
        prev.checked_at = result.fetched_at
        return _ref_from_state(source, url, prev)
    if result.not_modified:  # 304 to an unconditional GET: a broken server
        return DocRef(source.id, url, source.parser, result.fetched_at, error="HTTP 304 without a stored copy")
    if not result.content:
        return DocRef(source.id, url, source.parser, result.fetched_at, error="empty response", city=source.city)
    sha, raw_path, local_path = _keep(source, result, store)
    parser = source.parser
    if source.detect_parser:
        parser = detect_parser(result.content, result.final_url, result.charset, default=source.parser)
    state.documents[url] = PageState(
        sha256=sha,
        raw_path=raw_path,
        etag=result.headers.get("etag", ""),
        last_modified=result.headers.get("last-modified", ""),
        content_type=result.content_type,
        charset=result.charset or "",
        final_url=result.final_url,
        fetched_at=result.fetched_at,
        checked_at=result.fetched_at,
        parser=parser,
    )
    return DocRef(
        source.id,
        url,
        parser,
        result.fetched_at,
        sha,
        raw_path,
        local_path,
        declared_charset=result.charset,
        city=source.city,
    )


def _check_hosts(source: SourceConfig) -> None:
    """Sanity check: a family parser written for given hosts, pointed at another host, is logged."""
    hosts = parser_hosts(source.parser)
    if not hosts:
        return
    for url in (*source.list_pages, *source.urls):
        host = urlsplit(url).hostname or ""
        if not host_matches(host, hosts):
            _logger().warning(
                "source %s: parser %s is written for %s, not %s; pages may parse badly",
                source.id,
                source.parser,
                ", ".join(hosts),
                host,
            )


def collect_http(source: SourceConfig, store: DataStore | None, known: dict) -> Iterator[DocRef]:
    """One DocRef per article URL of an http source (or per URL of a manual `--url` run).

    Documents that fail come back with `error` (a report row with the reason); when a list page,
    its robots.txt or its host fails, the documents found elsewhere are yielded first and then
    SourceFetchError says which list page failed and why. `known` (report id -> content hash,
    parser, extractor version) is decided on by the caller; fetching needs only its own state.
    """
    del known  # the flow compares hashes with the stored reports; the fetch state decides requests
    state = FetchState(store.root if store is not None else None, source.id)
    _check_hosts(source)
    failures: list[str] = []
    with PoliteClient(settings_for(source)) as client:
        try:
            if source.urls:
                urls = list(dict.fromkeys(source.urls))
            else:
                urls, failures = discover(client, source, state)
                if failures and not urls:
                    raise SourceFetchError("; ".join(failures))
            for url in urls[: source.max_articles]:
                ref = fetch_document(client, source, url, state, store)
                if ref.error and source.urls:
                    failures.append(f"{url}: {ref.error}")
                yield ref
        finally:
            if store is not None:
                state.save()
    if failures:
        raise SourceFetchError("; ".join(failures))
