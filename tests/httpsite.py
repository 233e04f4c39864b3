"""Real HTTP servers on 127.0.0.1 serving the fixture sites (tests/fixtures/sites/<family>/), with fault routes.

One ThreadingHTTPServer per site, so every site is its own host:port (its own robots.txt and
per-host delay). Each server logs the requests it answered, for assertions on what was fetched.
Site quirks mirror what the real sites do: the district CMS sends GBK pages under a wrong or
missing charset header, the mirror sends Big5 without a charset, validators differ per site.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"
FAMILIES = ("founder_epaper", "lznews", "trad_mirror", "district_cms", "exported_doc", "other", "faults")
LAST_MODIFIED = formatdate(1670900000, usegmt=True)  # a fixed date: Tue, 13 Dec 2022
HUGE_BYTES = 50 * 1024 * 1024
SLOW_SECONDS = 2.5  # bounded: longer than the test sources' 1 s timeout, short enough for the suite

TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    # served as a generic download, as many CMSs do for Word attachments
    ".docx": "application/octet-stream",
    ".jpg": "image/jpeg",
    ".txt": "text/plain",
}


@dataclass
class SiteConfig:
    charset_header: str | None = "utf-8"  # None: no charset parameter in Content-Type
    article_charset_header: str | None = "__same__"  # a different (wrong) charset for article pages
    etag: bool = True
    last_modified: bool = True
    robots: str = "User-agent: *\nDisallow: /private/\n"
    robots_status: int = 200


SITE_CONFIGS: dict[str, SiteConfig] = {
    "founder_epaper": SiteConfig(last_modified=False),  # ETag only
    "lznews": SiteConfig(etag=False),  # Last-Modified only
    # GBK pages: list pages with no charset in the header, articles with a wrong one (utf-8);
    # no ETag / Last-Modified at all, as many small CMS sites: known articles are not re-asked
    "district_cms": SiteConfig(charset_header=None, article_charset_header="utf-8", etag=False, last_modified=False),
    "trad_mirror": SiteConfig(charset_header=None),  # Big5 and UTF-8 pages, no charset in the header
    "exported_doc": SiteConfig(),
    "other": SiteConfig(),
    "faults": SiteConfig(robots="User-agent: *\nDisallow: /blocked/\n"),
}


@dataclass
class Site:
    family: str
    root: Path
    server: ThreadingHTTPServer
    config: SiteConfig
    log: list[tuple[str, int]] = field(default_factory=list)  # (path, status)
    stamps: list[float] = field(default_factory=list)  # time.monotonic() when each request arrived
    hits: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def statuses(self, path_prefix: str = "/") -> list[int]:
        return [status for path, status in self.log if path.startswith(path_prefix) and path != "/robots.txt"]

    def clear_log(self) -> None:
        with self.lock:
            self.log.clear()


class Handler(BaseHTTPRequestHandler):
    server_version = "FixtureSite/1.0"
    site: Site  # set on the per-site subclass

    def log_message(self, format: str, *args: object) -> None:  # quiet: the Site keeps its own log
        return

    def _record(self, status: int) -> None:
        with self.site.lock:
            self.site.log.append((urlsplit(self.path).path, status))

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self._record(status)
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                self.close_connection = True

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        with self.site.lock:
            self.site.stamps.append(time.monotonic())
            self.site.hits[path] = self.site.hits.get(path, 0) + 1
            hit = self.site.hits[path]
        if path == "/robots.txt":
            cfg = self.site.config
            return self._send(cfg.robots_status, cfg.robots.encode(), {"Content-Type": "text/plain"})
        if self.site.family == "faults" and self._fault(path, hit):
            return None
        return self._file(path)

    # -- static files with validators ------------------------------------------------------------
    def _file(self, path: str) -> None:
        target = (self.site.root / path.lstrip("/")).resolve()
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_file() or self.site.root.resolve() not in target.parents:
            return self._send(404, b"<html><body>404 Not Found</body></html>", {"Content-Type": "text/html"})
        body = target.read_bytes()
        cfg = self.site.config
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers: dict[str, str] = {}
        if cfg.etag:
            headers["ETag"] = etag
        if cfg.last_modified:
            headers["Last-Modified"] = LAST_MODIFIED
        if (cfg.etag and self.headers.get("If-None-Match") == etag) or (
            not cfg.etag and cfg.last_modified and self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            return self._send(304, b"", headers)
        ctype = TYPES.get(target.suffix.lower(), "application/octet-stream")
        if ctype == "text/html":
            is_list = target.name.startswith(("index", "list_", "node_"))
            same = is_list or cfg.article_charset_header == "__same__"
            charset = cfg.charset_header if same else cfg.article_charset_header
            ctype += f"; charset={charset}" if charset else ""
        headers["Content-Type"] = ctype
        return self._send(200, body, headers)

    # -- fault routes ------------------------------------------------------------------------------
    def _fault(self, path: str, hit: int) -> bool:
        if path == "/flaky.html" and hit <= 2:
            self._send(500, b"busy", {"Content-Type": "text/plain"})
            return True
        if path == "/slow.html":
            time.sleep(SLOW_SECONDS)
            self._send(200, b"<html><body>too late</body></html>", {"Content-Type": "text/html"})
            return True
        if path == "/reset.html":
            self._record(0)
            # SO_LINGER 0: close() sends RST, the client sees "connection reset by peer"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return True
        if path in ("/loop.html", "/loop2.html"):
            other = "/loop2.html" if path == "/loop.html" else "/loop.html"
            self._send(302, b"", {"Location": other})
            return True
        if path == "/ftp-redirect.html":
            self._send(302, b"", {"Location": "ftp://127.0.0.1/report.html"})
            return True
        if path == "/image.html":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), {"Content-Type": "image/png"})
            return True
        if path in ("/huge.html", "/huge-chunked.html"):
            declared = path == "/huge.html"
            self._record(200)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if declared:
                self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
            try:  # the client hangs up at its cap; the loop is bounded by HUGE_BYTES anyway
                for _ in range(HUGE_BYTES // len(chunk)):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return True
        return False


def start_site(family: str, root: Path, config: SiteConfig | None = None) -> Site:
    config = config or SITE_CONFIGS[family]
    handler = type(f"{family}Handler", (Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site = Site(family, root, server, config)
    handler.site = site
    threading.Thread(target=server.serve_forever, args=(0.05,), name=f"site-{family}", daemon=True).start()
    return site


class Sites:
    """All fixture sites served from a private copy (tests may edit pages), stopped by close()."""

    def __init__(self, tmp: Path) -> None:
        self.root = tmp / "sites"
        shutil.copytree(SITES, self.root, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
        self.sites = {f: start_site(f, self.root / f) for f in FAMILIES}

    def __getitem__(self, family: str) -> Site:
        return self.sites[family]

    def close(self) -> None:
        for site in self.sites.values():
            site.server.shutdown()
            site.server.server_close()


def sources_toml(sites: Sites, include_faults: bool = False, **overrides: object) -> str:
    """A sources.toml for a data dir that reads every fixture site (fast settings for tests)."""
    fast = {"delay_seconds": 0, "timeout_seconds": 1, "retries": 2, "backoff_seconds": 0, "max_bytes": 1024 * 1024}
    fast.update(overrides)
    common = "\n".join(f"{k} = {v}" for k, v in fast.items())
    entries = [
        ("epaper", "founder_epaper", "/html/2022-12/13/node_1.htm", r"content_\d+\.htm$", r"node_\d+\.htm$"),
        ("lznews-zibo", "lznews", "/luzhong/zibo/", r"/luzhong/zibo/\d{6}/t\d{8}_\d+\.html$", r"index_\d+\.html$"),
        ("mirror", "trad_mirror", "/news/index.html", r"/news/\d{4}/\d{4}/\d+\.html$", ""),
        ("jiangyan", "district_cms", "/tbgz/index.html", r"/tbgz/\d{4}/\d{4}/\d+\.html$", r"list_\d+\.html$"),
        ("taizhou-exports", "exported_doc", "/tzgh/gzdt/index.html", r"/uploadfile/\d{6}/[\w-]+\.(docx|pdf)$", ""),
    ]
    if include_faults:
        entries.append(("faults", "generic", "/index.html", r"/[\w/-]+\.html$", ""))
    blocks = [
        '[[source]]\nid = "inbox"\nkind = "local"\nparser = "local"\nfolder = "inbox"\nenabled = true\n',
    ]
    for sid, family, list_path, link, page in entries:
        site = sites["faults" if sid == "faults" else family]
        lines = [
            "[[source]]",
            f'id = "{sid}"',
            'kind = "http"',
            f'parser = "{family if sid != "faults" else "generic"}"',
            f'list_pages = ["{site.url(list_path)}"]',
            f"link_pattern = '{link}'",
        ]
        if page:
            lines.append(f"page_pattern = '{page}'")
        lines += [common, ""]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)
