"""Finds a CJK font file on this machine and registers it with matplotlib, so chart labels never draw as tofu."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Families in order of preference: Debian's fonts-noto-cjk first (what .ci/run installs), then
# other packages and the system fonts of macOS and Windows.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "SimHei",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)
# matplotlib's font list is cached on first use; a font installed after that (apt-get install
# fonts-noto-cjk on a machine that already drew a chart) is only found by looking at the files.
FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
FILE_PATTERNS = (
    "NotoSansCJK*",
    "SourceHanSans*",
    "NotoSansSC*",
    "wqy-microhei*",
    "wqy-zenhei*",
    "PingFang*",
    "msyh*",
    "simhei*",
)
# Characters the charts draw: a font must have every one of them to be used.
SAMPLE_TEXT = "产业工人队伍建设改革淮安淄博秦皇岛泰州姜堰区培训人次万亿元累计年度劳模工会"
ENV_VAR = "CHANGAI_CJK_FONT"
INSTALL_HINT = (
    "install a CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk) or set CHANGAI_CJK_FONT to a "
    ".ttf/.otf/.ttc file with Chinese glyphs"
)


class CJKFontMissing(RuntimeError):
    """No font with Chinese glyphs could be found: charts would show boxes instead of characters."""


@dataclass(frozen=True)
class CJKFont:
    family: str
    path: str


def covers(path: str, text: str = SAMPLE_TEXT) -> bool:
    """True when the font file has a glyph for every character of text (first face of a collection)."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text if not ch.isspace())


def _candidate_files() -> list[Path]:
    found: list[Path] = []
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for pattern in FILE_PATTERNS:
            found.extend(sorted(root.rglob(pattern)))
    return [p for p in found if p.suffix.lower() in (".ttf", ".otf", ".ttc", ".otc")]


def _known(font_manager) -> dict[str, str]:
    """family -> file among the fonts matplotlib knows, for the preferred families."""
    known: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.name in PREFERRED_FAMILIES and entry.weight in (400, "normal", "regular", "Regular"):
            known.setdefault(entry.name, entry.fname)
    for entry in font_manager.fontManager.ttflist:
        if entry.name in PREFERRED_FAMILIES:
            known.setdefault(entry.name, entry.fname)
    return known


def _pick(font_manager) -> CJKFont | None:
    known = _known(font_manager)
    for family in PREFERRED_FAMILIES:
        path = known.get(family)
        if path and covers(path):
            return CJKFont(family, path)
    return None


@cache
def find_cjk_font() -> CJKFont:
    """The CJK font charts use, registered with matplotlib; raises CJKFontMissing when there is none."""
    from matplotlib import font_manager

    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        path = Path(override).expanduser()
        if not path.is_file() or not covers(str(path)):
            raise CJKFontMissing(f"{ENV_VAR}={override} is not a font file with Chinese glyphs")
        before = {e.name for e in font_manager.fontManager.ttflist}
        font_manager.fontManager.addfont(str(path))
        names = [e.name for e in font_manager.fontManager.ttflist if e.fname == str(path)]
        family = next((n for n in PREFERRED_FAMILIES if n in names), None) or next(
            (n for n in names if n not in before), names[0]
        )
        return CJKFont(family, str(path))
    picked = _pick(font_manager)
    if picked:
        return picked
    for path in _candidate_files():
        try:
            font_manager.fontManager.addfont(str(path))
        except (OSError, RuntimeError, ValueError):
            continue
    picked = _pick(font_manager)
    if picked:
        return picked
    raise CJKFontMissing(f"no font with Chinese glyphs found for the charts: {INSTALL_HINT}")
