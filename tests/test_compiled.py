"""The opt-in compiled build of the extraction core (CHANGAI_COMPILE=1: setup.py compiles the modules that
pyproject.toml lists with mypyc): the list itself, and, where the core is compiled, that the compiled
modules are current and read every text exactly as their pure-Python sources do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.build import ROOT, compiled_modules, is_compiled

COMPILED = [name for name in compiled_modules() if is_compiled(name)]
needs_compiled = pytest.mark.skipif(
    not COMPILED, reason="the core is pure Python here (build it with CHANGAI_COMPILE=1 pip install -e .)"
)


def _source(name: str) -> Path:
    return ROOT.joinpath(*name.split(".")).with_suffix(".py")


def test_the_compiled_module_list_names_modules_of_the_core() -> None:
    names = compiled_modules()
    assert names and len(set(names)) == len(names)
    missing = [name for name in names if not _source(name).is_file()]
    assert not missing, f"pyproject.toml [tool.changai.compiled] names modules that do not exist: {missing}"
    assert all(name.startswith("parsers.") for name in names)
    # the core's entry points, which the figures measured in benchmarks/README.md are of
    assert {"parsers.extract", "parsers.quantities", "parsers.classify", "parsers.normalize"} <= set(names)


@needs_compiled
def test_every_listed_module_is_compiled_and_newer_than_its_source() -> None:
    """A partial build, or a .py edited after the build (an in-place build keeps running the old code)."""
    assert COMPILED == compiled_modules()
    stale = []
    for name in COMPILED:
        module = __import__(name, fromlist=["_"])
        if Path(module.__file__).stat().st_mtime < _source(name).stat().st_mtime:
            stale.append(name)
    assert not stale, f"rebuild (CHANGAI_COMPILE=1 pip install -e .) or delete the .so of: {stale}"


def _golden_dump(out: Path, *extra: str) -> str:
    seeds = ROOT.parent / "shared" / "seeds"  # read when present, as golden_dump does by default
    command = [sys.executable, "-m", "benchmarks.golden_dump", "--out", str(out), "--n", "150", "--seeds", str(seeds)]
    done = subprocess.run(
        [*command, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@needs_compiled
def test_compiled_output_is_byte_identical_to_pure_python(tmp_path: Path) -> None:
    """Every field of every figure, place, date and text hash of the test fixtures, the seeds and 150
    synthetic reports (benchmarks/golden_dump.py), from the compiled modules and from their sources."""
    compiled_said = _golden_dump(tmp_path / "compiled.jsonl")
    pure_said = _golden_dump(tmp_path / "pure.jsonl", "--pure")
    assert "compiled (mypyc)" in compiled_said and "pure Python" in pure_said
    compiled, pure = (tmp_path / "compiled.jsonl").read_bytes(), (tmp_path / "pure.jsonl").read_bytes()
    assert pure.count(b"\n") > 1000
    if compiled != pure:
        first = next(
            i for i, (a, b) in enumerate(zip(compiled.splitlines(), pure.splitlines(), strict=False)) if a != b
        )
        pytest.fail(f"compiled and pure output differ first at line {first + 1}")
