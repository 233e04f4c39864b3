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
