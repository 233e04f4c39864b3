"""Parser registry: parser id (as named in data/sources.toml) -> the source family's parse function."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

from parsers.model import ParsedPage

ParseFn = Callable[[bytes, str, str | None], ParsedPage]

# parser id -> module under parsers/sources/. Adding a source family: write the module,
# add it here, add a fixture folder under tests/fixtures/parsers/<id>/ and a sources.toml entry.
PARSER_MODULES: dict[str, str] = {
    "local": "parsers.sources.local_file",
    "founder_epaper": "parsers.sources.founder_epaper",
    "lznews": "parsers.sources.lznews",
    "trad_mirror": "parsers.sources.trad_mirror",
    "district_cms": "parsers.sources.district_cms",
    "exported_doc": "parsers.sources.exported_doc",
    "generic": "parsers.sources.generic",
}


class UnknownParserError(KeyError):
    pass


@cache
def get_parser(parser_id: str) -> ParseFn:
    try:
        module = importlib.import_module(PARSER_MODULES[parser_id])
    except KeyError:
        raise UnknownParserError(f"unknown parser {parser_id!r}; known: {', '.join(sorted(PARSER_MODULES))}") from None
    return module.parse


def parser_ids() -> list[str]:
    return sorted(PARSER_MODULES)


@cache
def parser_hosts(parser_id: str) -> tuple[str, ...]:
    """Hosts a family parser is written for (its module's HOSTS); () when it serves any host."""
    return tuple(getattr(importlib.import_module(PARSER_MODULES[parser_id]), "HOSTS", ()))


def host_matches(host: str, domains: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def parser_for_host(host: str) -> str | None:
    """The family parser written for this host (news.lznews.cn -> lznews), else None."""
    for parser_id in PARSER_MODULES:
        if (hosts := parser_hosts(parser_id)) and host_matches(host, hosts):
            return parser_id
    return None
