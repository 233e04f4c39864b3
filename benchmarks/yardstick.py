"""The issue's yardstick: a bare regex-and-cn2an figure finder, timed on the core's own inputs.

Issue 8 sets the core's bar (1 000 reports/s) beside what "a bare regex-and-cn2an script that does
far less" reaches on the issue's machine (about 2 400 reports/s): a ratio of about 0.42. This
machine's speed changes from session to session (the same compiled core has taken 1.06 ms and
1.72 ms a report on two days), so bench_extract times this script in the same passes as the core
and prints the core's rate as a share of it: a figure that travels between machines.

The script finds a number (Arabic, or a run of Chinese numerals converted by cn2an) with an
optional 万/亿 and one of a few units, and nothing else: no normalising, no sentences, no
indicator, period or place. Reads nothing; writes nothing.
"""

from __future__ import annotations

import re

import cn2an

# a number, an optional 万/亿, and a unit it must be followed by (a bare Chinese 一 is not a figure)
FIGURE = re.compile(r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)([万亿]?)(%|[人家个项元名次所])")
SCALE = {"": 1.0, "万": 1e4, "亿": 1e8}
ISSUE_MACHINE_RATIO = 1000 / 2400  # the issue's bar over its bare script's rate


def bare_figures(text: str) -> list[tuple[float, str, int]]:
    """(value, unit, offset) of every number-with-unit in `text`."""
    found = []
    for match in FIGURE.finditer(text):
        number, scale, unit = match.groups()
        if number[0].isdigit():
            value = float(number)
        else:
            try:
                value = float(cn2an.cn2an(number, "smart"))
            except (ValueError, KeyError):  # cn2an rejects runs like 一一 or 十十 (KeyError from its unit table)
                continue
        found.append((value * SCALE[scale], unit, match.start()))
    return found


def run_yardstick(texts: list[str]) -> int:
    """One pass over `texts`; returns how many figures the bare script found."""
    return sum(len(bare_figures(text)) for text in texts)
