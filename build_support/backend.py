"""PEP 517 build backend: setuptools' own, plus mypy as a build requirement when CHANGAI_COMPILE=1.

Reads only the environment. pip builds in an isolated environment holding the backend's build
requirements; setup.py needs mypy (mypyc) there only for a compiled build, so mypy is asked for
only then and a default install neither downloads nor needs it (setuptools documents this way of
adding dynamic build requirements: a thin in-tree backend that wraps setuptools.build_meta).
"""

from __future__ import annotations

import os

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 (every hook not redefined below is setuptools' own)

# the mypyc the compiled core was built, tested and measured with (2.4.1)
MYPY_REQUIREMENT = "mypy>=2.4"
LISTING_ENV = "CHANGAI_LISTING_BUILD_REQUIRES"


def _compiling() -> bool:
    return os.environ.get("CHANGAI_COMPILE", "") == "1"


def _requires(setuptools_hook, config_settings) -> list[str]:
    # setuptools runs setup.py to list its own requirements, before mypy is installed: setup.py then
    # compiles nothing (it sees LISTING_ENV)
    os.environ[LISTING_ENV] = "1"
    try:
        requires = setuptools_hook(config_settings)
    finally:
        del os.environ[LISTING_ENV]
    return [*requires, MYPY_REQUIREMENT] if _compiling() else requires


def get_requires_for_build_wheel(config_settings=None):
    return _requires(_setuptools.get_requires_for_build_wheel, config_settings)


def get_requires_for_build_editable(config_settings=None):
    return _requires(_setuptools.get_requires_for_build_editable, config_settings)
