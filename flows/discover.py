"""Article and pagination links of a list page (pure: HTML text + its URL -> absolute URLs), and list-URL templates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from parsers.registry import host_matches

# Links that are never pages: scripts, mail, phone numbers.
SKIP_HREF_RE = re.compile(r"^\s*(javascript:|mailto:|tel:|#)", re.I)
# e-paper list pages are per issue: "…/html/{date:%Y-%m/%d}/node_1.htm"
DATE_TEMPLATE_RE = re.compile(r"\{date(?::[^}]*)?\}")


@dataclass
class ListLinks:
    articles: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # further list pages (pagination, e-paper page layouts)


def _hrefs(html: str, base_url: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    base = soup.find("base", href=True)
    base_url = urljoin(base_url, str(base["href"])) if base else base_url
    out: list[str] = []
    # <area href> too: e-paper page images link their articles through image maps
    for tag in soup.find_all(("a", "area"), href=True):
        href = str(tag["href"]).strip()
        if not href or SKIP_HREF_RE.match(href):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if urlsplit(url).scheme in ("http", "https"):
            out.append(url)
    return list(dict.fromkeys(out))


def extract_links(
    html: str, base_url: str, link_pattern: str, page_pattern: str = "", hosts: tuple[str, ...] = ()
) -> ListLinks:
    """Absolute article URLs matching `link_pattern` and list-page URLs matching `page_pattern`,
    in page order, on the allowed hosts (default: the list page's own host and port)."""
    own = urlsplit(base_url).netloc.lower()
    article_re = re.compile(link_pattern)
    page_re = re.compile(page_pattern) if page_pattern else None
    links = ListLinks()
    for url in _hrefs(html, base_url):
        parts = urlsplit(url)
        on_site = host_matches(parts.hostname or "", hosts) if hosts else parts.netloc.lower() == own
        if not on_site:
            continue  # other sites' links (ads, partner portals) are not this source's articles
        if article_re.search(url):
            links.articles.append(url)
        elif page_re is not None and page_re.search(url) and url != base_url:
            links.pages.append(url)
    return links


def expand_list_url(template: str, today: date, days_back: int = 0) -> list[str]:
    """'…/html/{date:%Y-%m/%d}/node_1.htm' -> one URL per day from today back `days_back` days;
    a URL without {date} comes back as is."""
    if not DATE_TEMPLATE_RE.search(template):
        return [template]
    return [template.format(date=today - timedelta(days=n)) for n in range(days_back + 1)]
