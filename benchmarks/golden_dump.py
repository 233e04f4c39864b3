"""Golden dump of extraction output: reads report fixtures, seeds and synthetic reports; writes JSON lines.

A speed change must not change output. This runs parsers.report.process_document (the ingest
flow's pipeline) over every report the project has at hand and writes every field of every result
and mention as canonical JSON lines (sorted keys, one document header line, then its mentions),
so two dumps compare byte for byte:

    python -m benchmarks.golden_dump --out /tmp/golden-before.jsonl
    ... change code ...
    python -m benchmarks.golden_dump --out /tmp/golden-after.jsonl && cmp /tmp/golden-*.jsonl

Inputs: tests/fixtures (devset, devset2, parser golden pages, fixture sites), data/inbox, the
seeds folder given by --seeds (default ../shared/seeds, read in place and skipped when absent) and
--n synthetic reports from benchmarks.synth (fixed seed). For the synthetic reports the core
functions benchmarks/bench_extract.py times (normalize, dates, places, extract) are dumped too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path

from benchmarks.build import describe, force_pure
from benchmarks.synth import generate

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 3, 2)
REPORT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}
# fixture site folders that are not a family parser's: read with the generic parser
SITE_PARSER_FALLBACK = "generic"


def _canonical(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def fixture_documents() -> Iterator[tuple[str, bytes, str, str, str | None]]:
    """(label, bytes, url, parser id, declared charset) for every report file in the repository."""
    from parsers.registry import PARSER_MODULES

    fixtures = ROOT / "tests" / "fixtures"
    for folder in ("devset/docs", "devset2/docs"):
        for path in sorted((fixtures / folder).glob("*")):
            yield f"{folder}/{path.name}", path.read_bytes(), f"file:///{folder}/{path.name}", "local", None
    for expected in sorted((fixtures / "parsers").glob("*/*.json")):
        meta = json.loads(expected.read_text(encoding="utf-8"))
        for page in sorted(expected.parent.glob(expected.stem + ".*")):
            if page.suffix != ".json":
                label = f"parsers/{expected.parent.name}/{page.name}"
                yield label, page.read_bytes(), meta["url"], expected.parent.name, meta.get("declared_charset")
    sites = fixtures / "sites"
    for path in sorted(sites.rglob("*")):
        if path.is_file() and path.suffix in REPORT_SUFFIXES and path.name != "README.md":
            rel = path.relative_to(sites).as_posix()
            family = rel.split("/", 1)[0]
            parser = family if family in PARSER_MODULES else SITE_PARSER_FALLBACK
            yield f"sites/{rel}", path.read_bytes(), f"http://fixture.test/{rel}", parser, None
    for path in sorted((ROOT / "data" / "inbox").glob("*")):
        if path.is_file():
            yield f"inbox/{path.name}", path.read_bytes(), path.as_uri(), "local", None


def seed_documents(seeds: Path) -> Iterator[tuple[str, bytes, str, str, str | None]]:
    if not seeds.is_dir():
        print(f"golden_dump: no seeds folder at {seeds}, skipped", file=sys.stderr)
        return
    for path in sorted(seeds.iterdir()):
        if path.is_file():
            yield f"seeds/{path.name}", path.read_bytes(), f"file:///seeds/{path.name}", "local", None


def document_lines(label: str, content: bytes, url: str, parser: str, charset: str | None) -> Iterator[str]:
    from parsers.report import process_document

    result = process_document(content, url, parser, charset, TODAY)
    header = {
        "doc": label,
        "parser": result.parser,
        "status": result.status,
        "reason": result.reason,
        "title": result.title,
        "text_sha256": hashlib.sha256(result.text.encode("utf-8")).hexdigest(),
        "text_chars": len(result.text),
        "publish_date": result.publish_date,
        "date_source": result.date_source,
        "place": asdict(result.place) if result.place else None,
        "encoding": result.encoding,
        "extractor_version": result.extractor_version,
        "mentions": len(result.mentions),
    }
    yield _canonical(header)
    for i, m in enumerate(result.mentions):
        yield _canonical({"doc": label, "i": i, **asdict(m)})


def core_lines(label: str, raw_text: str, raw_title: str, url: str) -> Iterator[str]:
    """What benchmarks/bench_extract.py times, function by function."""
    from parsers.dates import find_publish_date
    from parsers.extract import extract
    from parsers.normalize import normalize_text
    from parsers.places import resolve_report_place

    text, title = normalize_text(raw_text), normalize_text(raw_title)
    place = resolve_report_place(title, text)
    yield _canonical(
        {
            "core": label,
            "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "title": title,
            "date": find_publish_date(text, url, TODAY),
            "place": asdict(place) if place else None,
            "figures": [asdict(m) for m in extract(text)],
        }
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="dump extraction output as canonical JSON lines (for byte comparison)")
    p.add_argument("--out", required=True, help="output .jsonl file")
    p.add_argument("--seeds", default=str(ROOT.parent / "shared" / "seeds"), help="folder of seed reports")
    p.add_argument("--n", type=int, default=1000, help="synthetic reports (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="synthetic report seed (default 1)")
    p.add_argument("--pure", action="store_true", help="import the core's .py sources even where it is compiled")
    args = p.parse_args(argv)
    if args.pure:
        force_pure()

    from benchmarks.bench_extract import prepare

    lines = 0
    with open(args.out, "w", encoding="utf-8") as out:
        docs = [*fixture_documents(), *seed_documents(Path(args.seeds))]
        for doc in docs:
            for line in document_lines(*doc):
                out.write(line + "\n")
                lines += 1
        for report in generate(args.seed, args.n):
            url = f"file:///synth/{report.name}"
            for line in document_lines(f"synth/{report.name}", report.content, url, "local", None):
                out.write(line + "\n")
                lines += 1
            core = prepare(report)
            for line in core_lines(f"synth/{report.name}", core.raw_text, core.raw_title, url):
                out.write(line + "\n")
                lines += 1
    print(
        f"golden_dump ({describe()}): {len(docs)} repository/seed documents + {args.n} synthetic -> "
        f"{lines} lines in {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
