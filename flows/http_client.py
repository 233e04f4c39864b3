"""Polite HTTP GETs for http sources: urllib3 retries, robots.txt, per-host delay, size and type checks."""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from parsers.decode import charset_from_content_type

TZ = ZoneInfo("Asia/Shanghai")
USER_AGENT = "changai/0.1 (industrial-workforce reform tracker; honours robots.txt)"  # ASCII: headers are latin-1
ROBOTS_MAX_BYTES = 512 * 1024
REDIRECT_CODES = (301, 302, 303, 307, 308)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
DOCUMENT_TYPES = HTML_TYPES | {
    "text/plain",
    "text/markdown",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Attachments often come as application/octet-stream; accepted only when the URL says what they are.
OCTET_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
MAX_CRAWL_DELAY = 30.0  # seconds: a robots.txt Crawl-delay above this is capped, not obeyed to the letter


class FetchError(Exception):
    """A URL could not be fetched; `reason` is one line for a report row or a failed source."""

    def __init__(self, reason: str, kind: str = "http", status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # http | network | timeout | robots | size | type | redirect | url
        self.status = status


@dataclass
class FetchResult:
    url: str  # as requested
    final_url: str  # after redirects
    status: int  # 200, or 304 for a conditional GET that found the page unchanged
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # the ones that matter, lower-case names
    fetched_at: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        return charset_from_content_type(self.headers.get("content-type"))


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 20.0  # seconds to connect and between bytes of the response
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 3  # for 5xx, 429, timeouts and dropped connections (urllib3 Retry)
    backoff: float = 1.0  # urllib3 backoff factor: waits backoff * 2**(n-1) s between tries
    delay: float = 1.0  # seconds between two requests to one host
    max_redirects: int = 5
    user_agent: str = USER_AGENT


class HostThrottle:
    """At most one request per `delay` seconds per host, across threads (sources run in parallel)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, delay: float) -> float:
        """Sleep until this host's next free slot and return the slot (a `time.monotonic()` time)."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + delay
        if slot > now:
            time.sleep(slot - now)
        return slot


THROTTLE = HostThrottle()  # one per process: two sources on one host share its delay


def now_iso() -> str:
    return datetime.now(TZ).isoformat(timespec="seconds")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _network_reason(exc: Exception, timeout: float) -> FetchError:
    """A one-line reason for a requests/urllib3 failure (the retries are spent by then)."""
    text = repr(exc)
    if isinstance(exc, requests.exceptions.Timeout) or "timed out" in text.lower():
        return FetchError(f"timed out (no answer within {timeout:g} s)", "timeout")
    if "NameResolutionError" in text or "Name or service not known" in text or "getaddrinfo" in text:
        host = ""
        if isinstance(exc, requests.exceptions.RequestException) and exc.request is not None:
            host = urlsplit(exc.request.url or "").hostname or ""
        return FetchError(f"host not found (DNS lookup failed){': ' + host if host else ''}", "network")
    if "ConnectionResetError" in text or "Connection reset" in text or "RemoteDisconnected" in text:
        return FetchError("connection reset by the server", "network")
    if "ConnectionRefusedError" in text or "Connection refused" in text:
        return FetchError("connection refused", "network")
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return FetchError("connection broken while reading the response", "network")
    return FetchError(f"connection failed: {type(exc).__name__}", "network")


class PoliteClient:
    """One requests Session per source run. Retries live in urllib3's Retry on the adapter (the
    Prefect tasks have none), so a page is tried 1 + `retries` times with exponential backoff."""

    def __init__(self, settings: FetchSettings | None = None, throttle: HostThrottle = THROTTLE) -> None:
        self.settings = s = settings or FetchSettings()
        self.throttle = throttle
        retry = Retry(
            total=s.retries,
            connect=s.retries,
            read=s.retries,
            status=s.retries,
            other=0,
            redirect=False,  # redirects are followed by hand below (scheme and loop checks)
            allowed_methods=frozenset({"GET", "HEAD"}),
            status_forcelist=(429, 500, 502, 503, 504),
            backoff_factor=s.backoff,
            backoff_max=30,
            respect_retry_after_header=True,
            retry_after_max=60,  # a server asking for an hour's pause does not stall the run
            raise_on_status=False,  # the last 5xx response comes back and is reported as such
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=4)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(
            {"User-Agent": s.user_agent, "Accept-Language": "zh-CN,zh;q=0.9", "Accept-Encoding": "gzip, deflate"}
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._robots_errors: dict[str, FetchError] = {}
        self._robots_lock = threading.Lock()
        self.requests_made = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- robots.txt ------------------------------------------------------------------------
    def robots(self, url: str) -> urllib.robotparser.RobotFileParser:
        """The parsed robots.txt of the URL's origin, fetched once per client.

        RFC 9309: a 4xx robots.txt means no rules (allow all); a 5xx or an unreachable one means
        "assume complete disallow", which raises FetchError(kind="robots").
        """
        origin = origin_of(url)
        with self._robots_lock:
            if origin in self._robots:
                return self._robots[origin]
            if origin in self._robots_errors:
                raise self._robots_errors[origin]
            parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
            try:
                result = self._get(origin + "/robots.txt", None, None, ROBOTS_MAX_BYTES, check_robots=False)
                lines = result.content.decode("utf-8", errors="replace").splitlines()
                parser.parse(lines)
            except FetchError as exc:
                if exc.status is not None and 400 <= exc.status < 500:
                    parser.allow_all = True
                else:
                    error = FetchError(f"robots.txt of {origin} unreachable ({exc.reason}): not crawling it", "robots")
                    self._robots_errors[origin] = error
                    raise error from exc
            self._robots[origin] = parser
            return parser

    def allowed(self, url: str) -> bool:
        return self.robots(url).can_fetch(self.settings.user_agent, url)

    def host_delay(self, url: str) -> float:
        delay = self.settings.delay
        parser = self._robots.get(origin_of(url))
        crawl_delay = parser.crawl_delay(self.settings.user_agent) if parser is not None else None
        if crawl_delay:
            delay = max(delay, min(float(crawl_delay), MAX_CRAWL_DELAY))
        return delay

    # -- GET ---------------------------------------------------------------------------------
    def get(
        self, url: str, *, accept: frozenset[str] | None = DOCUMENT_TYPES, conditional: dict[str, str] | None = None
    ) -> FetchResult:
        """GET a page politely: robots.txt, host delay, retries, http(s)-only redirects, caps.

        `conditional`: {"etag": …, "last_modified": …} of the previous fetch; a 304 comes back as
        a FetchResult with status 304 and no content. Raises FetchError with a one-line reason.
        """
        return self._get(url, accept, conditional, self.settings.max_bytes, check_robots=True)

    def _get(
        self,
        url: str,
        accept: frozenset[str] | None,
        conditional: dict[str, str] | None,
        max_bytes: int,
        check_robots: bool,
    ) -> FetchResult:
        s = self.settings
        current, seen = url, [url]
        headers: dict[str, str] = {}
        if conditional:
            if conditional.get("etag"):
                headers["If-None-Match"] = conditional["etag"]
            if conditional.get("last_modified"):
                headers["If-Modified-Since"] = conditional["last_modified"]
        for _ in range(s.max_redirects + 1):
            if urlsplit(current).scheme not in ("http", "https"):
                raise FetchError(f"not an http(s) URL: {current}", "url")
            if check_robots and not self.allowed(current):
                raise FetchError(f"disallowed by robots.txt: {current}", "robots")
            self.throttle.wait(urlsplit(current).netloc, self.host_delay(current) if check_robots else s.delay)
            try:
                self.requests_made += 1
                resp = self.session.get(
                    current, headers=headers, timeout=(s.timeout, s.timeout), stream=True, allow_redirects=False
                )
            except requests.exceptions.RequestException as exc:
                raise _network_reason(exc, s.timeout) from exc
            with resp:
                if resp.status_code in REDIRECT_CODES:
                    location = resp.headers.get("Location", "")
                    if not location:
                        raise FetchError(f"HTTP {resp.status_code} redirect without a Location", "redirect")
                    target = urljoin(current, location)
                    if urlsplit(target).scheme not in ("http", "https"):
                        raise FetchError(f"redirect to a non-http(s) URL refused: {target}", "redirect")
                    if target in seen:
                        raise FetchError(f"redirect loop: {' -> '.join([*seen, target])}", "redirect")
                    seen.append(target)
                    current = target
                    continue
                return self._read(url, current, resp, accept, max_bytes)
        raise FetchError(f"too many redirects (more than {s.max_redirects}) from {url}", "redirect")

    def _read(
        self, url: str, final_url: str, resp: requests.Response, accept: frozenset[str] | None, max_bytes: int
    ) -> FetchResult:
        s = self.settings
        kept = {k.lower(): v for k, v in resp.headers.items() if k.lower() in ("etag", "last-modified", "content-type")}
        result = FetchResult(url, final_url, resp.status_code, b"", kept, now_iso())
        if resp.status_code == 304:
            return result
        if resp.status_code >= 400:
            tries = f" (after {s.retries} retries)" if resp.status_code >= 500 and s.retries else ""
            raise FetchError(f"HTTP {resp.status_code} {resp.reason or ''}".rstrip() + tries, "http", resp.status_code)
        ctype = result.content_type
        if accept is not None and ctype and ctype not in accept:
            octet_ok = ctype == "application/octet-stream" and urlsplit(final_url).path.lower().endswith(OCTET_SUFFIXES)
            if not octet_ok:
                raise FetchError(f"unexpected content type {ctype}", "type", resp.status_code)
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"response too large ({int(declared)} bytes declared, cap {max_bytes})", "size")
        chunks: list[bytes] = []
        total = 0
        # the read timeout is per socket read; a server dripping bytes also meets a total deadline
        deadline = time.monotonic() + max(60.0, 4 * s.timeout)
        try:
            for chunk in resp.iter_content(64 * 1024):
                total += len(chunk)
                if total > max_bytes:
                    raise FetchError(f"response larger than the {max_bytes}-byte cap", "size")
                if time.monotonic() > deadline:
                    raise FetchError("download too slow (total time limit reached)", "timeout")
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise _network_reason(exc, s.timeout) from exc
        result.content = b"".join(chunks)
        return result
