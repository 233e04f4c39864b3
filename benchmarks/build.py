"""Which build of the extraction core this process runs (mypyc-compiled or pure Python), and a switch
to the pure-Python sources; reads the compiled module list from pyproject.toml ([tool.changai.compiled]).

`CHANGAI_COMPILE=1 pip install …` installs each listed module as a C extension beside its .py source,
and `import` prefers the extension. force_pure() makes this process import the .py sources of those
modules instead, so one tree can be measured or compared both ways (benchmarks/bench_extract.py
--pure, tests/test_compiled.py).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compiled_modules() -> list[str]:
    """Dotted names of the modules a compiled build compiles."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data["tool"]["changai"]["compiled"]["modules"])


def is_compiled(module_name: str) -> bool:
    """Whether `module_name` would be (or was) imported from a C extension rather than its .py source."""
    module = sys.modules.get(module_name)
    origin = getattr(module, "__file__", None) if module is not None else None
    if origin is None:
        spec = importlib.util.find_spec(module_name)
        origin = spec.origin if spec is not None else None
    return origin is not None and origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def describe() -> str:
    """'compiled (mypyc): 11 of 11 core modules' or 'pure Python' — printed with every measurement."""
    names = compiled_modules()
    compiled = sum(is_compiled(name) for name in names)
    return f"compiled (mypyc): {compiled} of {len(names)} core modules" if compiled else "pure Python"


class _PureSources(importlib.abc.MetaPathFinder):
    """Finds the listed modules as their .py sources, ahead of the extension the path finder would pick."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(names)

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: object = None):
        if fullname not in self.names or not path:
            return None
        leaf = fullname.rpartition(".")[2] + ".py"
        for entry in path:
            source = Path(entry) / leaf
            if source.is_file():
                return importlib.util.spec_from_file_location(fullname, source)
        return None


def force_pure() -> None:
    """Import the compiled modules from their .py sources in this process (call before importing them)."""
    names = compiled_modules()
    loaded = [name for name in names if name in sys.modules]
    if loaded:
        raise RuntimeError(f"force_pure() after these were imported: {', '.join(loaded)}")
    if not any(isinstance(finder, _PureSources) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PureSources(names))
