"""Write parsers/data/t2s_changes.txt: what OpenCC's t2s conversion can change, read from its dictionaries.

Usage:
    python scripts/build_t2s_changes.py [--out parsers/data/t2s_changes.txt] [--check]

Reads the t2s configuration of the installed `opencc` package (its normalization and conversion
dictionaries, .ocd2) and dumps each dictionary as text with the `opencc_dict` tool the wheel ships.
OpenCC writes a matched key's first value and copies every other character, so a text in which no
*changing* key (first value != key) occurs converts to itself. The file lists, for that test:

- `chars …`: every single-character changing key (the traditional characters, ~5 100; 100 a line);
- `phrase K W`: every longer changing key holding none of those characters (深沈 -> 深沉, 回覆 -> 回复),
  with W, a character of K (where K and its value first differ): a text without W cannot hold K.

parsers.normalize.to_simplified converts only the lines holding a listed character or phrase (no key
holds a line break, so OpenCC converts each line on its own); it trusts the file only for the OpenCC
version written in it. --check compares the file with the installed OpenCC's dictionaries instead of
writing it (exit 1 when they differ; tests/test_simplified.py does the same).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "parsers" / "data" / "t2s_changes.txt"


def _share_dir() -> Path:
    import opencc

    return Path(opencc.__file__).parent / "clib" / "share" / "opencc"


def _dict_tool() -> Path:
    import opencc

    return Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"


def dictionary_files(config: str = "t2s.json") -> list[str]:
    """The .ocd2 files the configuration reads: its normalization dictionaries, then its conversion chain's."""
    data = json.loads((_share_dir() / config).read_text(encoding="utf-8"))
    files: list[str] = []

    def walk(node: dict) -> None:
        if node.get("type") == "group":
            for child in node["dicts"]:
                walk(child)
        else:
            files.append(node["file"])

    for step in [*data.get("normalization", []), *data.get("conversion_chain", [])]:
        walk(step["dict"])
    return files


def dictionary_entries(name: str) -> list[tuple[str, str]]:
    """(key, first value) of every entry of one .ocd2 dictionary, dumped as text by opencc_dict."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dict.txt"
        subprocess.run(
            [str(_dict_tool()), "-i", str(_share_dir() / name), "-o", str(out), "-f", "ocd2", "-t", "text"],
            check=True,
            capture_output=True,
        )
        entries = []
        for line in out.read_text(encoding="utf-8").splitlines():
            key, values = line.split("\t")
            entries.append((key, values.split(" ")[0]))
        return entries


def all_entries() -> list[tuple[str, str]]:
    return [entry for name in dictionary_files() for entry in dictionary_entries(name)]


def changes(entries: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """The single changing characters, and the longer changing keys without one (each with its witness)."""
    chars = {key for key, value in entries if value != key and len(key) == 1}
    phrases: dict[str, str] = {}
    for key, value in entries:
        if value != key and len(key) > 1 and not chars.intersection(key):
            differ = next((i for i, (a, b) in enumerate(zip(key, value, strict=False)) if a != b), 0)
            phrases[key] = key[min(differ, len(key) - 1)]
    return "".join(sorted(chars)), sorted(phrases.items())


def render(version: str, chars: str, phrases: list[tuple[str, str]]) -> str:
    lines = [
        "# What OpenCC's t2s conversion can change (scripts/build_t2s_changes.py; do not edit by hand).",
        "# chars: changing single-character keys; phrase KEY WITNESS: a longer changing key with none of them.",
        f"version {version}",
        *(f"chars {chars[i : i + 100]}" for i in range(0, len(chars), 100)),
        *(f"phrase {key} {witness}" for key, witness in phrases),
    ]
    return "\n".join(lines) + "\n"


def current_text() -> str:
    import opencc

    chars, phrases = changes(all_entries())
    return render(opencc.__version__, chars, phrases)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--check", action="store_true", help="compare instead of writing")
    args = p.parse_args(argv)
    text = current_text()
    if args.check:
        same = args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from the installed OpenCC'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    chars = sum(len(line) - 6 for line in text.splitlines() if line.startswith("chars "))
    print(f"wrote {args.out}: {chars} characters, {text.count(chr(10) + 'phrase ')} phrases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
