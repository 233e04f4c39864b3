"""Fetching against real HTTP servers on 127.0.0.1: discovery, raw storage, conditional re-runs, every fault."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from flows.discover import expand_list_url, extract_links
from flows.fetch import SourceFetchError, collect_http
from flows.http_client import FetchError, FetchSettings, HostThrottle, PoliteClient
from flows.rows import DocRef
from flows.sources import SourceConfig, load_sources, url_source
from flows.store import DataStore
from parsers.report import process_document
from tests.httpsite import Sites, sources_toml


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[Sites]:
    served = Sites(tmp_path)
    yield served
    served.close()


@pytest.fixture
def site_data(tmp_path: Path, sites: Sites) -> Path:
    d = tmp_path / "data"
    (d / "inbox").mkdir(parents=True)
    (d / "sources.toml").write_text(sources_toml(sites, include_faults=True), encoding="utf-8")
    return d


def source(data: Path, sid: str) -> SourceConfig:
    return {s.id: s for s in load_sources(data)}[sid]


def collect(src: SourceConfig, store: DataStore | None) -> tuple[list[DocRef], str]:
    refs: list[DocRef] = []
    try:
        refs.extend(collect_http(src, store, {}))
    except SourceFetchError as exc:
        return refs, str(exc)
    return refs, ""


def by_path(refs: list[DocRef]) -> dict[str, DocRef]:
    return {"/" + r.url.split("/", 3)[3]: r for r in refs}


# -- discovery ---------------------------------------------------------------------------------
def test_list_links_resolve_filter_and_paginate() -> None:
    html = """<html><head><base href="/news/"></head><body>
    <a href="2022/0721/1.html">a</a> <a href="2022/0721/1.html#top">same</a>
    <area href="/news/2022/0722/2.html"> <a href="http://other.example/news/2022/0723/3.html">off-site</a>
    <a href="javascript:void(0)">js</a> <a href="mailto:x@y.z">mail</a> <a href="list_2.html">next</a>
    </body></html>"""
    links = extract_links(html, "http://site.example/index.html", r"/news/\d{4}/\d{4}/\d+\.html$", r"list_\d+\.html$")
    assert links.articles == ["http://site.example/news/2022/0721/1.html", "http://site.example/news/2022/0722/2.html"]
    assert links.pages == ["http://site.example/news/list_2.html"]
    # a source may name the hosts whose links count (a paper with a separate article host)
    wide = extract_links(html, "http://site.example/", r"/news/\d{4}", hosts=("site.example", "other.example"))
    assert "http://other.example/news/2022/0723/3.html" in wide.articles


def test_dated_list_pages_expand_per_day() -> None:
    urls = expand_list_url("http://epaper.example/html/{date:%Y-%m/%d}/node_1.htm", date(2023, 3, 1), days_back=1)
    assert urls == [
        "http://epaper.example/html/2023-03/01/node_1.htm",
        "http://epaper.example/html/2023-02/28/node_1.htm",
    ]
    assert expand_list_url("http://x.example/list.html", date(2023, 3, 1), 5) == ["http://x.example/list.html"]


def test_every_family_site_is_discovered_and_stored(site_data: Path, sites: Sites) -> None:
    store = DataStore(site_data)
    expected = {
        "epaper": {"/html/2022-12/13/content_202355.htm", "/html/2022-12/13/content_202371.htm"},
        "lznews-zibo": {"/luzhong/zibo/202206/t20220628_10455044.html", "/luzhong/zibo/202106/t20210620_9921377.html"},
        "mirror": {"/news/2022/0721/30987.html", "/news/2022/0630/30512.html"},
        "jiangyan": {"/tbgz/2022/1206/8812.html", "/tbgz/2021/1126/7705.html"},
        "taizhou-exports": {"/tzgh/uploadfile/202010/sixin-showcase.docx", "/tzgh/uploadfile/202103/training-2020.pdf"},
    }
    for sid, paths in expected.items():
        refs, failure = collect(source(site_data, sid), store)
        assert failure == ""
        assert set(by_path(refs)) == paths, sid  # pagination and e-paper page layouts followed
        for ref in refs:
            assert not ref.error and ref.raw_path.startswith(f"raw/{sid}/{ref.sha256}")
            meta = store.raw_meta(ref.raw_path)
            assert meta["url"] == ref.url and meta["status"] == 200 and meta["fetched_at"]
            assert meta["content_type"] and "final_url" in meta and "etag" in meta and "last_modified" in meta
            assert store.raw_bytes(ref.raw_path)  # the bytes as received: re-parsable without fetching
    state = json.loads((site_data / "fetch_state" / "epaper.json").read_text(encoding="utf-8"))
    assert len(state["documents"]) == 2 and len(state["list_pages"]) == 2


def test_gbk_page_under_a_wrong_charset_header_reads_correctly(site_data: Path) -> None:
    refs, _ = collect(source(site_data, "jiangyan"), DataStore(site_data))
    ref = by_path(refs)["/tbgz/2022/1206/8812.html"]
    assert ref.declared_charset == "utf-8"  # what the server claims; the bytes are GBK
    content = DataStore(site_data).raw_bytes(ref.raw_path)
    result = process_document(content, ref.url, ref.parser, ref.declared_charset, date(2026, 3, 2))
    assert result.encoding == "gb18030" and result.title.startswith("姜堰:“联盟制”")
    assert "陈玥" not in result.text  # the editor line (GBK-only 玥) is furniture, dropped
    assert (result.place.city, result.place.district) == ("泰州市", "姜堰区")


# -- re-runs -----------------------------------------------------------------------------------
def test_second_run_fetches_nothing_new(site_data: Path, sites: Sites) -> None:
    store = DataStore(site_data)
    first = {sid: collect(source(site_data, sid), store)[0] for sid in ("epaper", "lznews-zibo", "jiangyan")}
    for site in sites.sites.values():
        site.clear_log()
    second = {sid: collect(source(site_data, sid), store)[0] for sid in first}
    for sid in first:
        assert [(r.url, r.sha256, r.raw_path) for r in second[sid]] == [
            (r.url, r.sha256, r.raw_path) for r in first[sid]
        ]
    # ETag (e-paper) and Last-Modified (鲁中网) sites answer every conditional GET with 304
    assert set(sites["founder_epaper"].statuses()) == {304}
    assert set(sites["lznews"].statuses()) == {304}
    # the district site sends no validators: its list pages are read again, its known articles are not
    assert sites["district_cms"].statuses("/tbgz/20") == []
    assert sites["district_cms"].statuses("/tbgz/index") == [200]


def test_changed_article_is_fetched_again(site_data: Path, sites: Sites) -> None:
    store = DataStore(site_data)
    first = by_path(collect(source(site_data, "epaper"), store)[0])
    page = sites.root / "founder_epaper" / "html/2022-12/13/content_202355.htm"
    page.write_text(page.read_text(encoding="utf-8").replace("2000名", "2100名"), encoding="utf-8")
    second = by_path(collect(source(site_data, "epaper"), store)[0])
    changed = "/html/2022-12/13/content_202355.htm"
    assert second[changed].sha256 != first[changed].sha256
    assert (site_data / first[changed].raw_path).exists() and (site_data / second[changed].raw_path).exists()
    unchanged = "/html/2022-12/13/content_202371.htm"
    assert second[unchanged].sha256 == first[unchanged].sha256


# -- faults --------------------------------------------------------------------------------------
FAULT_REASONS = {
    "/missing.html": "HTTP 404 Not Found",
    "/slow.html": "timed out (no answer within 1 s)",
    "/reset.html": "connection reset by the server",
    "/loop.html": "redirect loop",
    "/huge.html": "response too large",
    "/huge-chunked.html": "larger than the 1048576-byte cap",
    "/image.html": "unexpected content type image/png",
    "/blocked/secret.html": "disallowed by robots.txt",
    "/ftp-redirect.html": "redirect to a non-http(s) URL refused: ftp://",
}


def test_each_fault_ends_in_a_clear_reason_and_the_rest_is_fetched(site_data: Path, sites: Sites) -> None:
    refs, failure = collect(source(site_data, "faults"), DataStore(site_data))
    assert failure == ""  # its list page is fine: the source stands, its bad pages are reported one by one
    got = by_path(refs)
    for path, reason in FAULT_REASONS.items():
        assert reason in got[path].error, (path, got[path].error)
        assert got[path].error.startswith("fetch failed: ") and not got[path].raw_path
    assert not got["/good.html"].error and got["/good.html"].raw_path
    # 500, 500, then 200: urllib3 retried it (retries = 2 in the test sources)
    assert not got["/flaky.html"].error
    assert sites["faults"].statuses("/flaky.html") == [500, 500, 200]
    assert sites["faults"].hits["/slow.html"] == 3  # a timed-out request is retried too
    assert "/blocked/secret.html" not in [p for p, _ in sites["faults"].log]  # robots.txt: never requested


def test_failing_list_page_fails_the_source_after_the_others(site_data: Path, sites: Sites) -> None:
    good = source(site_data, "lznews-zibo")
    broken = SourceConfig(**{**good.__dict__, "list_pages": (*good.list_pages, sites["lznews"].url("/gone/"))})
    refs, failure = collect(broken, DataStore(site_data))
    assert len(refs) == 2  # the articles of the working list page still come through
    assert failure == f"list page {sites['lznews'].url('/gone/')}: HTTP 404 Not Found"


@pytest.mark.parametrize(
    ("robots", "status", "reason"),
    [
        ("User-agent: *\nDisallow: /\n", 200, "disallowed by robots.txt"),
        ("", 503, "robots.txt of http://127.0.0.1:"),
    ],
    ids=["robots-disallow", "robots-unreachable"],
)
def test_robots_txt_can_fail_a_source(site_data: Path, sites: Sites, robots: str, status: int, reason: str) -> None:
    sites["lznews"].config.robots, sites["lznews"].config.robots_status = robots, status
    refs, failure = collect(source(site_data, "lznews-zibo"), DataStore(site_data))
    assert refs == [] and reason in failure
    assert sites["lznews"].statuses() == []  # nothing but robots.txt was asked


def test_robots_4xx_means_no_rules(site_data: Path, sites: Sites) -> None:
    sites["lznews"].config.robots_status = 404
    refs, failure = collect(source(site_data, "lznews-zibo"), DataStore(site_data))
    assert failure == "" and len(refs) == 2


def test_unknown_host_fails_the_source_with_a_dns_reason(site_data: Path) -> None:
    src = SourceConfig(
        id="nowhere",
        kind="http",
        parser="generic",
        list_pages=("http://changai-fixture.invalid/news/",),
        link_pattern=r"/news/\d+\.html$",
        retries=0,
        timeout_seconds=2,
    )
    refs, failure = collect(src, DataStore(site_data))
    assert refs == [] and "host not found (DNS lookup failed)" in failure


class RecordingThrottle(HostThrottle):
    """The real throttle, noting each slot it granted and when the request was let go."""

    def __init__(self) -> None:
        super().__init__()
        self.slots: list[float] = []
        self.released: list[float] = []

    def wait(self, host: str, delay: float) -> float:
        slot = super().wait(host, delay)
        self.released.append(time.monotonic())
        self.slots.append(slot)
        return slot


def test_host_delay_spaces_requests_to_one_host(sites: Sites) -> None:
    site = sites["lznews"]
    throttle = RecordingThrottle()
    with PoliteClient(FetchSettings(delay=0.3, retries=0), throttle=throttle) as client:
        for path in ("/luzhong/zibo/", "/luzhong/zibo/index_1.html", "/luzhong/zibo/"):
            client.get(site.url(path))
    assert client.requests_made == 4 and len(site.stamps) == 4  # robots.txt + three pages reached the server
    # The guarantee is on the slots the throttle grants, and no request leaves before its slot.
    # Arrival times at the server carry loopback jitter (a CI run under load saw 0.288 s for 0.3 s).
    assert all(b - a >= 0.3 - 1e-9 for a, b in itertools.pairwise(throttle.slots))
    assert all(released >= slot for slot, released in zip(throttle.slots, throttle.released, strict=True))


def test_throttle_spaces_threads_on_one_host_and_not_across_hosts() -> None:
    throttle = RecordingThrottle()
    workers = [threading.Thread(target=throttle.wait, args=("a.example", 0.2)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert all(b - a >= 0.2 - 1e-9 for a, b in itertools.pairwise(sorted(throttle.slots)))
    first_a = throttle.wait("c.example", 30.0)
    # had hosts shared one queue, this would sleep 30 s and be granted a slot 30 s on
    assert throttle.wait("d.example", 30.0) < first_a + 30.0


def test_crawl_delay_raises_the_host_delay(sites: Sites) -> None:
    sites["other"].config.robots = "User-agent: *\nCrawl-delay: 7\n"
    with PoliteClient(FetchSettings(delay=0.0)) as client:
        url = sites["other"].url("/xzgh/2023/0301/art_5512_1.html")
        assert client.allowed(url)
        assert client.host_delay(url) == 7.0


def test_manual_url_source(site_data: Path, sites: Sites) -> None:
    configured = load_sources(site_data)
    page = sites["lznews"].url("/luzhong/zibo/202206/t20220628_10455044.html")
    # a page on a configured source's site is filed under that source (same report id later)
    assert url_source([page], None, configured).id == "lznews-zibo"
    other = sites["other"].url("/xzgh/2023/0301/art_5512_1.html")
    manual = url_source([other, page], None, configured)
    assert (manual.id, manual.detect_parser) == ("manual", True)
    refs, failure = collect(manual, DataStore(site_data))
    assert failure == ""
    assert [r.parser for r in refs] == ["generic", "lznews"]  # 鲁中网's copyright footer gives it away
    with pytest.raises(ValueError, match="not an http"):
        url_source(["ftp://x.example/a.html"], None, configured)
    forced = url_source([page], "generic", configured)  # --parser wins over the source's own parser
    assert (forced.id, forced.parser, forced.detect_parser) == ("lznews-zibo", "generic", False)
    from flows.cli import build_parser

    args = build_parser().parse_args(["run", "--url", page, "--url", other, "--parser", "generic"])
    assert (args.url, args.parser) == ([page, other], "generic")


def test_manual_url_that_fails_fails_the_run(site_data: Path, sites: Sites) -> None:
    manual = url_source([sites["other"].url("/nope.html")], "generic", [])
    refs, failure = collect(manual, DataStore(site_data))
    assert refs[0].error == "fetch failed: HTTP 404 Not Found" and "HTTP 404" in failure


def test_dry_run_writes_nothing_to_the_data_dir(site_data: Path) -> None:
    before = sorted(p.name for p in site_data.iterdir())
    refs, _ = collect(source(site_data, "mirror"), None)
    assert len(refs) == 2 and all(r.local_path and not r.raw_path for r in refs)
    assert sorted(p.name for p in site_data.iterdir()) == before


def test_client_rejects_non_http_urls() -> None:
    with PoliteClient() as client, pytest.raises(FetchError, match="not an http"):
        client.get("file:///etc/passwd")
