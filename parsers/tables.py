"""Figures in text tables (| 指标 | 2023年 | … rows from exports): the unit sits in a header cell."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.quantities import grammar

ROW_RE = re.compile(r"^\s*\|?(.+\|.+?)\|?\s*$")
RULE_RE = re.compile(r"^[\s|:\-]+$")
NUMBER_CELL_RE = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*$")
# 补贴性职业技能培训(万人次), 新建工会组织(家), 资金(亿元), 占比(%)
HEADER_UNIT_RE = re.compile(r"[(\[]\s*(万亿|亿|千万|百万|万|千)?\s*([^()\[\]\s]{1,4})\s*[)\]]\s*$")


@dataclass(frozen=True)
class TableFigure:
    start: int  # offsets of the number in the text
    end: int
    number: str
    value: float
    unit: str
    row_label: str  # the row's first cell, without its unit
    column_label: str  # the header cell of the column
    line_start: int
    line_end: int


def _cells(line: str) -> list[tuple[int, str]] | None:
    """(offset in line, text) of each cell of a pipe-table row, or None."""
    if line.count("|") < 2:
        return None
    cells = []
    pos = 0
    for part in line.split("|"):
        cells.append((pos, part))
        pos += len(part) + 1
    if cells and not cells[0][1].strip():
        cells = cells[1:]
    if cells and not cells[-1][1].strip():
        cells = cells[:-1]
    return cells if len(cells) >= 2 else None


def _unit_of(label: str) -> tuple[str, float, str] | None:
    """(canonical unit, scale, label without the unit) from a header such as 培训(万人次)."""
    m = HEADER_UNIT_RE.search(label)
    if not m:
        return None
    g = grammar()
    unit = g.units.get(m.group(2))
    if unit is None:
        return None
    scale = g.scales[m.group(1)] if m.group(1) else 1
    return unit, float(scale), label[: m.start()].strip()


def table_figures(text: str) -> list[TableFigure]:
    figures: list[TableFigure] = []
    header: list[tuple[int, str]] | None = None
    offset = 0
    for line in text.split("\n"):
        line_start = offset
        offset += len(line) + 1
        cells = _cells(line)
        if cells is None:
            header = None
            continue
        if RULE_RE.match(line):
            continue
        if header is None:
            header = cells
            continue
        row_label = cells[0][1].strip()
        row_unit = _unit_of(row_label)
        for index, (cell_offset, cell) in enumerate(cells[1:], start=1):
            m = NUMBER_CELL_RE.match(cell)
            if not m:
                continue
            column_label = header[index][1].strip() if index < len(header) else ""
            unit = row_unit or _unit_of(column_label)
            if unit is None:
                continue
            canonical, scale, label = unit
            number = m.group(1) + (m.group(2) or "")
            start = line_start + cell_offset + m.start(1)
            value = round(float(number.replace(",", "")) * scale, 6)
            figures.append(
                TableFigure(
                    start,
                    start + len(number),
                    number,
                    value,
                    canonical,
                    label if row_unit else row_label,
                    column_label,
                    line_start,
                    offset - 1,
                )
            )
    return figures
