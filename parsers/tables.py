"""Figures in text tables, where the unit sits in a header cell: pipe tables (| 指标 | 2023年 | … rows from
exports) and tables flattened one cell a line by copy-paste (header lines, then a label and its cells)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.quantities import grammar

ROW_RE = re.compile(r"^\s*\|?(.+\|.+?)\|?\s*$")
RULE_RE = re.compile(r"^[\s|:\-]+$")
NUMBER_CELL_RE = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*$")
# a line that is a bare number, after a line break (a cell always has its row's label line above it): where
# a flattened table may be. (A leading literal lets the regex engine skip from line break to line break.)
# a line ending with two blank-separated number cells (涪城区 3.2 156): a row of a table written with blanks
SPACE_CELL_RE = re.compile(r"[ ]\d[\d,.]*%?[ ]\d[\d,.]*%?[ \t]*(?:\n|$)")
FLAT_CELL_RE = re.compile(r"\n[ \t]*\d[\d,.]*[ \t]*(?:\n|$)")
# a table's unit line above its header: 单位:人次、万元、个 (one unit per column, or one for all)
# a pipe table's column that holds each row's unit: | 指标 | 单位 | 目标 | 完成 |
UNIT_HEADERS = frozenset({"单位", "计量单位"})
UNIT_LINE_RE = re.compile(r"^\s*(?:计量)?单位\s*:\s*(\S+?)\s*$")
# an empty cell of a flattened table keeps its column: -, —, /
EMPTY_CELLS = frozenset({"-", "—", "–", "/", "—-", "--"})
# a header or row label of a flattened table: short, no sentence punctuation
MAX_LABEL_CHARS = 30
LABEL_STOPS = frozenset("。,;!?、")
MIN_FLAT_ROWS = 2
TABLE_ANNOUNCED = ("如下。", "如下:", "如下", "见下表。", "见下表:", "见下表", "如下表。", "如下表:", "如下表")
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
    caption: str = ""  # the table's title line (表1 2023年上半年…情况), when a flattened table has one
    row_text: str = ""  # the row's cells joined by " | ", where its lines are not one line of the text


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
    """Figures of pipe tables (| 县区 | 培训(万人次) |): the first row of a run of rows is the header."""
    figures: list[TableFigure] = []
    header: list[tuple[int, str]] | None = None
    unit_column = -1
    caption = ""
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
            unit_column = _unit_column(header)
            caption = _caption_above(text, line_start)
            continue
        absolute = [(line_start + cell_offset, cell) for cell_offset, cell in cells]
        figures += _row_figures(header, unit_column, absolute, line_start, offset - 1, caption)
    return figures


def space_table_figures(text: str) -> list[TableFigure]:
    """Figures of tables whose cells are separated by blanks, as PDF text gives them:

        区县 职工技能培训(万人次) 新建工会组织(家) / 涪城区 3.2 156 / 游仙区 2.1 98

    A header line of short labels, one of them naming a unit (培训(万人次)) or a 单位 column, then at least
    MIN_FLAT_ROWS lines as many cells wide with a number cell each. Rows are read as a pipe table's.
    """
    lines: list[tuple[int, list[tuple[int, str]]]] = []  # (line start, cells)
    offset = 0
    for line in text.split("\n"):
        lines.append((offset, _blank_cells(line, offset)))
        offset += len(line) + 1
    figures: list[TableFigure] = []
    i = 0
    while i < len(lines) - MIN_FLAT_ROWS:
        line_start, header = lines[i]
        if len(header) < 2 or not _is_space_header(header):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and len(lines[j][1]) == len(header) and _is_row_block(lines[j][1]):
            j += 1
        if j - i - 1 < MIN_FLAT_ROWS:
            i += 1
            continue
        caption = _caption_above(text, line_start)
        unit_column = _unit_column(header)
        for row_start, row in lines[i + 1 : j]:
            end = row[-1][0] + len(row[-1][1])
            figures += _row_figures(header, unit_column, row, row_start, end, caption)
        i = j
    return figures


def _blank_cells(line: str, offset: int) -> list[tuple[int, str]]:
    """(offset in the text, cell) of each blank-separated cell of a line."""
    cells = []
    pos = 0
    for part in line.split(" "):
        if part:
            cells.append((offset + pos, part))
        pos += len(part) + 1
    return cells


def _is_space_header(header: list[tuple[int, str]]) -> bool:
    if not all(_is_label(cell) for _, cell in header):
        return False
    return _unit_column(header) != -1 or any(_unit_of(cell) is not None for _, cell in header)


def _unit_column(header: list[tuple[int, str]]) -> int:
    return next((i for i, (_, c) in enumerate(header) if c.strip() in UNIT_HEADERS), -1)


def _row_figures(
    header: list[tuple[int, str]],
    unit_column: int,
    cells: list[tuple[int, str]],
    line_start: int,
    line_end: int,
    caption: str = "",
    row_text: str = "",
) -> list[TableFigure]:
    """The figures of one table row: `cells` are (offset in the text, text); a column's unit is in its
    header, a row's in its label or in the 单位 column."""
    figures: list[TableFigure] = []
    # the row's label is its first cell that is not a number (a 序号 column may come first)
    label_index = next((i for i, (_, c) in enumerate(cells) if not NUMBER_CELL_RE.match(c)), 0)
    row_label = cells[label_index][1].strip()
    row_unit = _unit_of(row_label)
    if row_unit is None and 0 <= unit_column < len(cells):
        # | 职业技能培训 | 万人次 | 8 | 4.62 |: the row's unit in a 单位 column
        named = _unit_of(f"({cells[unit_column][1].strip()})")
        row_unit = (named[0], named[1], row_label) if named is not None else None
    for index, (cell_start, cell) in enumerate(cells[label_index + 1 :], start=label_index + 1):
        m = NUMBER_CELL_RE.match(cell)
        if not m or index == unit_column:
            continue
        column_label = header[index][1].strip() if index < len(header) else ""
        unit = row_unit or _unit_of(column_label)
        if unit is None:
            continue
        if row_unit:  # the row names what is counted, the column when or where (完成数, 2023年)
            label, where = unit[2], column_label
        else:  # the column names what is counted (培训(万人次)), the row where (a district)
            label, where = unit[2] or column_label, row_label
        figures.append(_cell_figure(m, cell_start, unit, label, where, line_start, line_end, caption, row_text))
    return figures


def block_table_figures(text: str) -> list[TableFigure]:
    """Figures of tables written a cell a line with a blank line after each row, as parsers/html_text.py
    writes an HTML <table> (<td> and <tr> are blocks):

        序号 / 指标名称 / 单位 / 完成数 / (blank) / 1 / 职工技能培训 / 万人次 / 5.62 / (blank) / 2 / …

    A block of labels is the header; at least MIN_FLAT_ROWS blocks of as many lines follow, each with a
    number cell. Rows are then read as a pipe table's (a 序号 column, a 单位 column, units in headers).
    """
    blocks: list[list[tuple[int, str]]] = [[]]
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append((offset, line))
        elif blocks[-1]:
            blocks.append([])
        offset += len(line) + 1
    figures: list[TableFigure] = []
    i = 0
    while i < len(blocks) - MIN_FLAT_ROWS:
        header = blocks[i]
        columns = len(header)
        if columns < 2 or not all(_is_label(cell) for _, cell in header):
            i += 1
            continue
        rows = []
        j = i + 1
        while j < len(blocks) and len(blocks[j]) == columns and _is_row_block(blocks[j]):
            rows.append(blocks[j])
            j += 1
        if len(rows) < MIN_FLAT_ROWS:
            i += 1
            continue
        caption = _caption_above(text, header[0][0])
        unit_column = _unit_column(header)
        for row in rows:
            end = row[-1][0] + len(row[-1][1])
            row_text = " | ".join(cell.strip() for _, cell in row)
            figures += _row_figures(header, unit_column, row, row[0][0], end, caption, row_text)
        i = j
    return figures


def _is_row_block(block: list[tuple[int, str]]) -> bool:
    """Cells of one table row: short lines without sentence punctuation, one of them a number."""
    short = all(len(cell.strip()) <= MAX_LABEL_CHARS and not any(ch in LABEL_STOPS for ch in cell) for _, cell in block)
    return short and any(NUMBER_CELL_RE.match(cell) for _, cell in block)


def _caption_above(text: str, start: int) -> str:
    """The title or announcing sentence on the last non-blank line before `start`, when it is one."""
    end = start - 1
    while end > 0 and text[end - 1] == "\n":
        end -= 1
    line = text[text.rfind("\n", 0, max(end, 0)) + 1 : max(end, 0)]
    return line.strip().rstrip("。:") if _is_caption(line) else ""


def _is_cell(line: str) -> bool:
    return NUMBER_CELL_RE.match(line) is not None or line.strip() in EMPTY_CELLS


def _is_label(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= MAX_LABEL_CHARS and not any(ch in LABEL_STOPS for ch in stripped) and not _is_cell(line)


def _unit_line_units(line: str) -> list[str]:
    """The units a 单位:人次、万元、个 line names, in column order ([] when the line is not one)."""
    m = UNIT_LINE_RE.match(line)
    return m.group(1).split("、") if m else []


def flat_table_figures(text: str) -> list[TableFigure]:
    """Figures of tables flattened one cell a line (a web or PDF table copied as text):

        县区 / 职业技能培训(人次) / 培训补贴(万元) / 新建创新工作室(个) / 潞州区 / 18650 / 1126.5 / 5 / 上党区 / …

    A run of label lines is the header (the row-label column's header, then one header a column) and
    the first row's label; the cells that follow say how many columns there are. Rows go on while a
    label is followed by exactly that many cells; at least two rows make a table. A column's unit is in
    its header, else in a 单位: line above the header.
    """
    lines = text.split("\n")
    starts: list[int] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    figures: list[TableFigure] = []
    i = 0
    while i < len(lines):
        if not _is_cell(lines[i]) or i == 0 or not _is_label(lines[i - 1]):
            i += 1
            continue
        columns = 0
        while i + columns < len(lines) and _is_cell(lines[i + columns]):
            columns += 1
        first_label = i - 1
        header_start = first_label - columns - 1  # the row-label column's header, then the columns'
        if columns < 1 or header_start < 0 or not all(_is_label(lines[j]) for j in range(header_start, first_label)):
            i += columns
            continue
        rows = [first_label]
        j = i + columns
        while (
            j + columns < len(lines)
            and _is_label(lines[j])
            and all(_is_cell(lines[j + 1 + c]) for c in range(columns))
            and (j + columns + 1 == len(lines) or not _is_cell(lines[j + columns + 1]))
        ):
            rows.append(j)
            j += columns + 1
        if len(rows) < MIN_FLAT_ROWS:
            i += columns
            continue
        figures += _flat_table(lines, starts, header_start, columns, rows)
        i = j
    return figures


def _flat_table(
    lines: list[str], starts: list[int], header_start: int, columns: int, rows: list[int]
) -> list[TableFigure]:
    headers = [lines[header_start + 1 + c].strip() for c in range(columns)]
    above = header_start - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    line_units = _unit_line_units(lines[above]) if above >= 0 else []
    caption_line = above - 1 if line_units else above
    caption = ""
    if caption_line >= 0 and _is_caption(lines[caption_line]):
        caption = lines[caption_line].strip().rstrip("。:")
    units: list[tuple[str, float, str] | None] = []
    for c, header in enumerate(headers):
        unit = _unit_of(header)
        if unit is None and line_units:
            named = line_units[c] if len(line_units) == columns else line_units[0] if len(line_units) == 1 else ""
            unit = _unit_of(f"({named.strip()})")  # the unit named alone, read as a header's (万元) is
            if unit is not None:
                unit = (unit[0], unit[1], header)
        units.append(unit)
    figures = []
    for row in rows:
        row_label = lines[row].strip()
        row_unit = _unit_of(row_label)  # 职业技能培训(万人次) / 6.1 / 6.8 under year headers
        for c in range(columns):
            k = row + 1 + c
            m = NUMBER_CELL_RE.match(lines[k])
            unit = row_unit or units[c]
            if m is None or unit is None:
                continue
            # the label names what is counted and the other heading where (a district) or when (a year)
            where = headers[c] if row_unit else row_label
            figures.append(
                _cell_figure(m, starts[k], unit, unit[2], where, starts[k], starts[k] + len(lines[k]), caption)
            )
    return figures


def _cell_figure(
    m: re.Match[str],
    cell_start: int,
    unit: tuple[str, float, str],
    label: str,
    where: str,
    line_start: int,
    line_end: int,
    caption: str = "",
    row_text: str = "",
) -> TableFigure:
    """The figure of a number cell (NUMBER_CELL_RE's match in a cell that starts at cell_start) in its unit."""
    canonical, scale, _ = unit
    number = m.group(1) + (m.group(2) or "")
    start = cell_start + m.start(1)
    value = round(float(number.replace(",", "")) * scale, 6)
    return TableFigure(
        start, start + len(number), number, value, canonical, label, where, line_start, line_end, caption, row_text
    )


def _is_caption(line: str) -> bool:
    """A title line over a table, or a sentence that announces it (2023年重点指标完成情况如下。)."""
    stripped = line.strip()
    if stripped.endswith(TABLE_ANNOUNCED):
        return 0 < len(stripped) <= 80
    return 0 < len(stripped) <= 60 and stripped[-1] not in "。,;:!?"
