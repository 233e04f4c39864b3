"""Build script: pure Python by default; with CHANGAI_COMPILE=1 the extraction core is compiled by mypyc.

Reads the module list from pyproject.toml ([tool.changai.compiled] modules); writes C sources and
the compiled modules under build/ (setuptools' build_ext). The default `pip install .` and
`pip install -e ".[test]"` build nothing here. A compiled build (`CHANGAI_COMPILE=1 pip install .`)
gets mypy into its isolated build environment from build_support/backend.py, and installs each listed
module as a C extension next to its .py source (the extension is what `import` picks).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    """Dotted names of the modules a compiled build compiles (pyproject.toml [tool.changai.compiled])."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data["tool"]["changai"]["compiled"]["modules"])


def ext_modules() -> list:
    if os.environ.get("CHANGAI_COMPILE", "") != "1" or os.environ.get("CHANGAI_LISTING_BUILD_REQUIRES") == "1":
        return []  # a pure build, or the backend asking setuptools for its requirements (mypy not there yet)
    from mypyc.build import mypycify  # only in a compiled build: backend.py adds mypy to the build requirements

    paths = [str(Path(*name.split("."))) + ".py" for name in compiled_modules()]
    # one shared library for the group (changai_core__mypyc...so), so calls between the modules stay in C
    # the build environment holds mypy, not the runtime dependencies: ahocorasick_rs and opencc are typed Any
    return mypycify(["--ignore-missing-imports", *paths], opt_level="3", group_name="changai_core")


setup(ext_modules=ext_modules())
