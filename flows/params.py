"""Typed ingest parameters (pydantic): the same checks for `changai run`, deployments, the UI and the flow itself."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

# Source ids become folder names under raw/ and values in CSV rows: keep them plain. The pattern is
# part of the deployment's parameter schema, so the Prefect server rejects `--param sources='["../x"]'`
# before it creates a run.
SourceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
# Prefect's server checks deployment parameters against the JSON schema but not its "format", so the
# pattern is what rejects `--param since=2022-13-01` before a run exists; the flow catches 2022-02-30.
IsoDate = Annotated[
    date,
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"}),
]
DataDir = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Folder = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
# Only http(s) pages are fetched (no file:, ftp:, data: URLs from a form or a CLI argument).
PageUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/$.?#][^\s]*$", strip_whitespace=True)]
ParserId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
# where raw/ and snapshots/ live: a folder, or an fsspec URL (s3://bucket/prefix needs s3fs, gcs:// gcsfs)
Storage = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class InvalidParameters(ValueError):
    """Parameters that cannot make a sensible run; the message names every problem."""


class IngestParams(BaseModel):
    """The ingest flow's parameters as one value, checked field by field and across fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[SourceId] | None = None
    data_dir: DataDir = "data"
    reprocess: bool = False
    since: IsoDate | None = None
    until: IsoDate | None = None
    dry_run: bool = False
    inbox: Folder | None = None
    urls: list[PageUrl] | None = None
    parser: ParserId | None = None
    storage: Storage | None = None

    @field_validator("parser")
    @classmethod
    def _known_parser(cls, value: str | None) -> str | None:
        from parsers.registry import PARSER_MODULES

        if value is not None and value not in PARSER_MODULES:
            raise ValueError(f"unknown parser {value!r}; known: {', '.join(sorted(PARSER_MODULES))}")
        return value

    @field_validator("storage")
    @classmethod
    def _openable_storage(cls, value: str | None) -> str | None:
        from flows.fs import check_location

        return check_location(value) if value is not None else None

    @field_validator("sources")
    @classmethod
    def _not_empty(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise ValueError("give at least one source id, or leave it unset (null) for every enabled source")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> IngestParams:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until}): the window is empty")
        if self.reprocess and self.inbox:
            raise ValueError("inbox has no effect with reprocess (reprocess reads the stored raw documents)")
        if self.parser and not self.urls:
            raise ValueError("parser applies to urls: give the pages to fetch with it")
        if self.urls and self.reprocess:
            raise ValueError("urls fetches pages; reprocess re-parses stored ones: choose one")
        return self

    def check_sources(self, configured: list[str]) -> None:
        """Every requested source must be configured in the data dir's sources.toml."""
        unknown = [s for s in self.sources or () if s not in configured]
        if unknown:
            raise InvalidParameters(
                f"unknown source id(s): {', '.join(unknown)}; configured in {self.data_dir}/sources.toml: "
                f"{', '.join(configured) or '(none)'}"
            )


def check_params(**values: object) -> IngestParams:
    """IngestParams from raw values, or InvalidParameters with one readable line per problem."""
    try:
        return IngestParams(**values)
    except ValidationError as exc:
        raise InvalidParameters(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """'since: Input should be a valid date ...; sources.0: String should match pattern ...'"""
    parts = []
    for err in exc.errors(include_url=False):
        message = err["msg"].removeprefix("Value error, ")
        if not err["loc"]:  # a check across fields: its message names them
            parts.append(message)
            continue
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {message} (got {err.get('input')!r})")
    return "invalid parameters: " + "; ".join(parts)
