"""Indicator extraction: normalised report text -> Mention rows (figure, indicator, period, evidence)."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from parsers.classify import OTHER, classify, taxonomy
from parsers.keyword_hits import KeywordHits
from parsers.model import Mention
from parsers.periods import PeriodContext, period_of
from parsers.quantities import Quantity, scan
from parsers.segments import SpanIndex
from parsers.tables import (
    FLAT_CELL_RE,
    SPACE_CELL_RE,
    TableFigure,
    block_table_figures,
    flat_table_figures,
    space_table_figures,
    table_figures,
)

# Bump when extraction output can change for the same text: rows carry it, and the weekly
# reprocess re-extracts stored documents whose rows were made by an older version.
EXTRACTOR_VERSION = "2.5.0"
MAX_FIGURES_PER_DOCUMENT: Final = 5000


def extract(text: str) -> list[Mention]:
    """Every figure of a normalised report text, classified, with its evidence sentence."""
    mentions = _extract_prose(text)
    for i, m in enumerate(mentions):
        if m.indicator != "other":
            continue  # (most figures: only an unclassified figure is read again)
        line_start, line_end = _line_of(text, m.char_start)
        if text[line_start:line_end].strip() == m.mention:
            mentions[i] = _reread_with_label(m, text)
    figures = table_figures(text) if "|" in text else []
    if FLAT_CELL_RE.search(text) is not None:  # (a line that is a bare number: most texts have none)
        figures += flat_table_figures(text)
        figures += block_table_figures(text)
    if SPACE_CELL_RE.search(text) is not None:  # (a number between blanks at a line's end: PDF table rows)
        figures += space_table_figures(text)
    if figures:
        taken = [(m.char_start, m.char_end) for m in mentions]
        for fig in figures:
            if not any(s < fig.end and fig.start < e for s, e in taken):
                mentions.append(_table_mention(text, fig))
        mentions.sort(key=lambda m: m.char_start)
    return mentions[:MAX_FIGURES_PER_DOCUMENT]


def _line_of(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (end if end != -1 else len(text))


def _row_label(text: str, line_start: int) -> str:
    """The nearest line above without digits: the row label of a table flattened one cell per line."""
    end = line_start - 1
    for _ in range(6):
        if end <= 0:
            return ""
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line and not any(ch.isdigit() for ch in line):
            return line if len(line) <= 30 else ""
        end = start - 1
    return ""


def _reread_with_label(mention: Mention, text: str) -> Mention:
    """A figure alone on its line (a flattened table: 补贴性职业技能培训 / 6 万人次 / 6.8 万人次)
    is read with the label line above it, as the sentence the two make."""
    line_start, _ = _line_of(text, mention.char_start)
    label = _row_label(text, line_start)
    if not label:
        return mention
    read = _extract_prose(f"{label}{mention.mention}。")
    if not read:
        return mention
    return replace(mention, indicator=read[-1].indicator, label=read[-1].label, period=read[-1].period)


def _table_mention(text: str, fig: TableFigure) -> Mention:
    """A table cell read as the sentence its headers make: 2023年,补贴性职业技能培训6.1万人次。"""
    unit_text = "人次" if fig.unit == "人次" else fig.unit
    caption = f"{fig.caption}," if fig.caption else ""  # 表1 2023年上半年…: the table's period
    sentence = f"{caption}{fig.column_label},{fig.row_label}{fig.number}{unit_text}。"
    read = _extract_prose(sentence)
    cls = read[-1] if read else None  # (the cell is the sentence's last figure)
    return Mention(
        mention=fig.number,
        value=fig.value,
        value_high=None,
        unit=fig.unit,
        qualifier="exact",
        indicator=cls.indicator if cls else "other",
        label=cls.label if cls else fig.row_label,
        period=cls.period if cls else "unknown",
        evidence=fig.row_text or text[fig.line_start : fig.line_end].strip(),
        char_start=fig.start,
        char_end=fig.end,
    )


def _extract_prose(text: str) -> list[Mention]:
    index = SpanIndex(text)
    hits = KeywordHits(text)
    tax = taxonomy()
    mentions: list[Mention] = []
    previous_period: str | None = None
    previous_class = None
    previous_sentence = -1
    sentence_text = ""
    sentence_markers = 0
    marker_words: list[tuple[str, ...]] = []
    quantities = scan(text)[:MAX_FIGURES_PER_DOCUMENT]
    for i, q in enumerate(quantities):
        sentence, clause, item = index.locate(q.number_start)
        prev_end = quantities[i - 1].end if i else 0
        next_start = quantities[i + 1].start if i + 1 < len(quantities) else None
        if sentence.start != previous_sentence:
            previous_period = previous_class = None
            sentence_text = text[sentence.start : sentence.end].strip()  # the evidence of its figures
            # the period marker lists with a word in the sentence: most marker questions end there (the keyword
            # automaton holds every marker word)
            sentence_markers = hits.marker_lists(sentence.start, sentence.end)
            marker_words = hits.marker_words(sentence.start, sentence.end)  # (the same pass: which words)
        candidates = hits.for_unit(sentence.start, sentence.end, q.unit)
        cls = classify(
            text, q.start, q.end, q.unit, item, clause, sentence, prev_end, next_start, previous_class, candidates
        )
        period = period_of(
            text,
            PeriodContext(q.start, q.end, item, clause, sentence),
            q.unit,
            tax.indicators[cls.indicator].default_period,
            previous_period,
            prev_end if previous_period is not None else -1,
            sentence_markers,
            marker_words,
        )
        if not (period == "change" and _compares(text, item.start, q.start)):
            # (比上年末增加4.2万人,其中技能人才52.6万人: a part after a comparison belongs to the total before it)
            previous_period, previous_class = period, cls
        previous_sentence = sentence.start
        if cls.indicator != OTHER:
            _share_with_list(mentions, quantities, i, text, cls.indicator, cls.label)
        evidence = sentence_text
        if q.surface not in evidence:  # a sentence that wraps across lines: keep the figure's line
            evidence = text[max(0, q.start - 60) : q.end + 60]
        # positional, in Mention's field order: its dataclass __init__ runs in the interpreter, and keyword
        # arguments cost it a name look-up each (~9 000 instructions per figure with them, ~3 500 without)
        mentions.append(
            Mention(
                q.surface,  # mention
                q.value,
                q.value_high,
                q.unit,
                q.qualifier,
                cls.indicator,
                cls.label,
                period,
                evidence,
                q.start,  # char_start
                q.end,  # char_end
            )
        )
    return mentions


# between two figures of one list that share the noun after the last: 1000元、2000元、3000元一次性奖励
LIST_SEPARATORS = frozenset({"、", "和", "及", "与", "或"})


def _share_with_list(
    mentions: list[Mention], quantities: list[Quantity], i: int, text: str, indicator: str, label: str
) -> None:
    """Give the unclassified figures of a list the indicator of its last figure, whose noun follows it (分别给予
    1000元、2000元、3000元一次性奖励): mentions[j] was made from quantities[j]."""
    j = i - 1
    while (
        j >= 0
        and mentions[j].indicator == OTHER
        and mentions[j].unit == quantities[i].unit
        and text[quantities[j].end : quantities[j + 1].start] in LIST_SEPARATORS
    ):
        mentions[j] = replace(mentions[j], indicator=indicator, label=label)
        j -= 1


def _compares(text: str, item_start: int, start: int) -> bool:
    """Whether the figure's item states it as a comparison (比上年增加, 较上届, 同比增长)."""
    return text.find("比", item_start, start) != -1 or text.find("较", item_start, start) != -1
