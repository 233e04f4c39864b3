"""One document end to end, without I/O: bytes -> parsed page -> place, date -> extracted figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from parsers.dates import find_publish_date, make_date
from parsers.decode import DecodeError
from parsers.extract import EXTRACTOR_VERSION, MAX_FIGURES_PER_DOCUMENT, extract
from parsers.figure_place import FigurePlace, figure_place, section_place, section_places
from parsers.model import Mention, ParsedPage, Place
from parsers.places import resolve_report_place
from parsers.registry import get_parser
from parsers.segments import Span, SpanIndex, sentence_spans

# Limits for untrusted input (README "Data safety and validation"). Real reports are a few KB of
# text with sentences under 400 characters; extraction time grows with figures x sentence length,
# so these bound one hostile document to seconds: 20 MiB of bytes (an e-paper page with its
# markup fits), 1 million characters of text, 10 000 characters in one sentence, and
# parsers.extract.MAX_FIGURES_PER_DOCUMENT figures.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 1_000_000
MAX_SENTENCE_CHARS = 10_000


@dataclass
class ReportResult:
    parser: str
    status: str  # ok | no_indicators | rejected
    reason: str = ""
    title: str = ""
    text: str = ""
    publish_date: str = ""
    date_source: str = ""
    place: Place | None = None
    encoding: str = ""
    mentions: list[Mention] = field(default_factory=list)
    extractor_version: str = EXTRACTOR_VERSION


def locate_figures(text: str, mentions: list[Mention], report_place: Place | None) -> None:
    """Give each figure its own place when its clause is about the province, the country or a district."""
    index = SpanIndex(text)
    previous: Mention | None = None
    previous_sentence: Span | None = None
    sections = section_places(text) if mentions else []
    for m in mentions:
        sentence = index.sentence_at(m.char_start)
        clause = index.clause_at(m.char_start)
        found = figure_place(text, clause.start, sentence.start, m.char_start, report_place)
        other = section_place(sections, m.char_start, report_place) if found.scope == "report" and sections else None
        if other is not None:  # a section about another city: its clause is read against that city
            found = figure_place(text, clause.start, sentence.start, m.char_start, other)
            if found.scope == "report":
                found = FigurePlace("district" if other.level == "county" else "section", other)
        m.scope, m.place = found.scope, found.place
        if (
            found.scope == "report"
            and previous is not None
            and previous_sentence == sentence
            and text[clause.start : m.char_start].lstrip().startswith("其中")
        ):
            m.scope, m.place = previous.scope, previous.place  # a sub-total is where its total is
        previous, previous_sentence = m, sentence


def complete_date(page: ParsedPage, url: str, latest: date) -> tuple[str, str]:
    """The page's own date when plausible, else one found in the text or URL."""
    if page.publish_date:
        parts = page.publish_date.replace("/", "-").replace(".", "-").split("-")
        if len(parts) >= 3 and (iso := make_date(parts[0], parts[1], parts[2][:2], latest)):
            return iso, page.date_source or "page"
    return find_publish_date(page.text, url, latest)


def _over_limits(text: str) -> str:
    """Why a text is too large to extract safely, or ""."""
    if len(text) > MAX_TEXT_CHARS:
        return f"text too long ({len(text)} characters > {MAX_TEXT_CHARS})"
    longest = max((s.end - s.start for s in sentence_spans(text)), default=0)
    if longest > MAX_SENTENCE_CHARS:
        return f"a sentence of {longest} characters (> {MAX_SENTENCE_CHARS}): not prose, not extracted"
    return ""


def process_document(
    content: bytes, url: str, parser_id: str, declared_charset: str | None = None, today: date | None = None
) -> ReportResult:
    """Never raises for bad input: a document that cannot be read comes back `rejected` with why."""
    today = today or date.today()
    if len(content) > MAX_DOCUMENT_BYTES:
        return ReportResult(parser_id, "rejected", f"document too large ({len(content)} bytes > {MAX_DOCUMENT_BYTES})")
    if not content.strip():
        return ReportResult(parser_id, "rejected", "empty document")
    try:
        page = get_parser(parser_id)(content, url, declared_charset)
    except DecodeError as exc:
        return ReportResult(parser_id, "rejected", f"cannot decode: {exc}")
    except RecursionError:
        return ReportResult(parser_id, "rejected", "cannot parse: markup nested too deeply")
    except Exception as exc:  # a parser bug must not stop the run; the reason is kept
        return ReportResult(parser_id, "rejected", f"parser {parser_id} failed: {type(exc).__name__}: {exc}")
    if not page.text.strip():
        return ReportResult(parser_id, "rejected", "no text in document", title=page.title, encoding=page.encoding)
    if too_big := _over_limits(page.text):
        return ReportResult(parser_id, "rejected", too_big, title=page.title, encoding=page.encoding)
    publish_date, date_source = complete_date(page, url, today)
    place = resolve_report_place(page.title, page.text, page.place_hints)
    mentions = extract(page.text)
    locate_figures(page.text, mentions, place)
    status, reason = "ok", ""
    if not mentions:
        status, reason = "no_indicators", "no figures found in the text"
    notes = []
    if len(mentions) >= MAX_FIGURES_PER_DOCUMENT:
        notes.append(f"only the first {MAX_FIGURES_PER_DOCUMENT} figures were extracted (limit per document)")
    if not publish_date:
        notes.append("no publish date found in page, text or URL")
    elif date_source.startswith("text:latest"):
        notes.append(f"publish date guessed from the latest date the text mentions ({publish_date})")
    if place is None:
        notes.append("no city recognised")
    if notes:
        reason = "; ".join([r for r in [reason, *notes] if r])
    return ReportResult(
        parser_id, status, reason, page.title, page.text, publish_date, date_source, place, page.encoding, mentions
    )
