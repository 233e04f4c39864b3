"""Text normalisation: full-width forms, whitespace, pinyin annotations, traditional -> simplified."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from parsers.columns import repair_two_column_lines
from parsers.quantities import grammar
from parsers.segments import SENTENCE_END, wrap_width_of_lines

# Characters NFKC would turn into something unhelpful, replaced first (㎡ -> m2 otherwise).
PRE_NFKC = str.maketrans({"㎡": "平方米", "\u2028": "\n", "\u2029": "\n", "\u00ad": ""})
ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH_CHARS}]")

# Pinyin added after ambiguous characters on mirror sites: 發(fā), 產(chǎn), 為(wei), 業(yè).
# A syllable is an optional initial and a final, with or without tone marks / a tone digit.
_INITIALS = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINALS = (
    "(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|üan|van|ai|ei|ao|ou|an|en|in|un|ün|vn"
    "|ia|ie|iu|ua|uo|ue|üe|ve|ui|er|a|o|e|i|u|ü|v)"
)
PINYIN_SYLLABLE_RE = re.compile(f"^{_INITIALS}{_FINALS}[1-5]?$")
# The "(" comes first so the regex engine can skip to it; the look-behind then checks what precedes it.
PINYIN_ANNOTATION_RE = re.compile(r"\((?<=[\u3400-\u9fff]\()([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń]{1,7}[1-5]?)\)")
_TONE_STRIP = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜń", "aaaaeeeeiiiioooouuuuüüüün")

HORIZONTAL_SPACE_CHARS = " \t\u00a0\u3000\u2002\u2003\u2009"
MANY_BLANK_LINES_RE = re.compile(r"\n{3,}")


@cache
def _compatibility_forms() -> tuple[re.Pattern[str], dict[str, str]]:
    """The characters normalize_text changes one by one before NFKC, and what each becomes.

    PRE_NFKC's replacements, zero-width characters dropped, and every other character of the Basic
    Multilingual Plane that NFKC changes (full-width ，：％１, ideographic space) as NFKC writes it.
    Replacing a character by its own NFKC form leaves the NFKC of the whole text as it was (both
    decompose alike), and the text is then mostly normalised already, which
    unicodedata.normalize detects in one quick pass instead of recomposing all of it (0.5 ms for
    8 KB of Chinese with full-width punctuation).
    """
    table: dict[str, str] = {}
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue  # surrogates are not characters
        ch = chr(cp)
        form = unicodedata.normalize("NFKC", ch)
        if form != ch:
            table[ch] = form
    table.update({chr(k): v for k, v in PRE_NFKC.items()})
    table.update(dict.fromkeys(ZERO_WIDTH_CHARS, ""))
    return re.compile("[" + re.escape("".join(sorted(table))) + "]"), table


# what to_nfkc changes besides NFKC's own changes (NFKC keeps all but ㎡ as they are)
_CHANGED_BEFORE_NFKC = tuple(chr(k) for k in PRE_NFKC) + tuple(ZERO_WIDTH_CHARS)


def to_nfkc(text: str) -> str:
    """PRE_NFKC, zero-width characters removed, then NFKC: the first step of normalize_text."""
    # A text that is NFKC already once its no-break spaces are blanks (their NFKC), and holds nothing
    # PRE_NFKC or the zero-width list changes, is its own result: unicodedata's quick check reads it at a
    # few instructions a character, the class search below at ~15 (two thirds of the synthetic texts)
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    if unicodedata.is_normalized("NFKC", text) and not any(ch in text for ch in _CHANGED_BEFORE_NFKC):
        return text
    pattern, table = _compatibility_forms()
    return unicodedata.normalize("NFKC", pattern.sub(lambda m: table[m.group()], text))


@cache
def _t2s():
    import opencc  # imported lazily: ~30 ms, and only needed when text is normalised

    return opencc.OpenCC("t2s")


def _drop_pinyin(match: re.Match[str]) -> str:
    syllable = match.group(1).lower().translate(_TONE_STRIP)
    return "" if PINYIN_SYLLABLE_RE.match(syllable) else match.group(0)


def remove_pinyin_annotations(text: str) -> str:
    """發(fā)展 -> 發展; (GDP) and (2022) stay."""
    return PINYIN_ANNOTATION_RE.sub(_drop_pinyin, text)


# What OpenCC's t2s conversion can change, from its dictionaries (scripts/build_t2s_changes.py)
T2S_CHANGES_PATH = Path(__file__).parent / "data" / "t2s_changes.txt"


@cache
def _t2s_changes() -> tuple[re.Pattern[str] | None, dict[str, tuple[str, str]], frozenset[str]]:
    """What OpenCC's t2s may change (parsers/data/t2s_changes.txt): a pattern for the characters where
    it may change a line; for each witness character, the characters before and after it that may make
    it part of a changing phrase; the changing characters beyond the Basic Multilingual Plane.

    OpenCC writes each matched dictionary key's first value and copies everything else, so a line in
    which no changing key (value != key) occurs comes out as it went in. Every changing key holds one
    of the file's characters, or is one of its phrases, which holds its witness character (覆 in 回覆,
    沈 in 沈思). Where a phrase occurs, its first witness stands after the phrase's character before it
    (回 for 回覆), or, first in the phrase, before the phrase's second character (思 for 沈思): a witness
    with neither neighbour (覆 in 覆盖) starts no phrase there. Beyond the BMP the pattern matches every
    character and the set decides: `re` tries a class listing ~900 of them one by one (300x slower),
    one range it tests at once. Lone surrogates match too: OpenCC cannot encode them, so the whole text
    goes to it to fail as before. The pattern is None when the installed OpenCC is not the version the
    file was made from: then every text goes to OpenCC whole.
    """
    import opencc

    chars: list[str] = []
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    version = ""
    for line in T2S_CHANGES_PATH.read_text(encoding="utf-8").splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "version":
            version = rest
        elif kind == "chars":
            chars.append(rest)
        elif kind == "phrase":
            key, witness = rest.split(" ")
            first = key.index(witness)
            before.setdefault(witness, "")
            after.setdefault(witness, "")
            if first:
                before[witness] += key[first - 1]
            else:
                after[witness] += key[1]
    if version != opencc.__version__:
        return None, {}, frozenset()
    listed = "".join(chars) + "".join(before)
    bmp = "".join(ch for ch in listed if ord(ch) <= 0xFFFF)
    pattern = re.compile("[" + re.escape(bmp) + r"\ud800-\udfff\U00010000-\U0010ffff]")
    astral = frozenset(ch for ch in listed if ord(ch) > 0xFFFF)
    return pattern, {witness: (before[witness], after[witness]) for witness in before}, astral


def to_simplified(text: str) -> str:
    """OpenCC t2s of the text, given only the lines it can change (OpenCC costs ~15 ns a character,
    finding what it can change ~5; in the simplified synthetic reports ~3 % of the lines go to it).

    No dictionary key holds a line break, so OpenCC converts each line as if alone: the lines to convert
    go to it in one call, joined by line breaks, and come back as as many lines.
    """
    pattern, witnesses, astral = _t2s_changes()
    if pattern is None:
        return _t2s().convert(text)
    bounds: list[int] = []  # start, end of each line to convert
    to_convert = 0  # characters of the lines to convert
    search = pattern.search
    size = len(text)
    pos = 0
    while True:
        m = search(text, pos)
        if m is None:
            break
        at = m.start()
        ch = text[at]
        code = ord(ch)
        if code > 0xFFFF and ch not in astral:
            pos = at + 1
            continue
        if 0xD800 <= code <= 0xDFFF:
            return _t2s().convert(text)
        neighbours = witnesses.get(ch)
        if neighbours is not None and not (
            (at > 0 and text[at - 1] in neighbours[0]) or (at + 1 < size and text[at + 1] in neighbours[1])
        ):
            pos = at + 1  # a witness that starts no phrase here: look further along the line
            continue
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        if end < 0:
            end = size
        if len(bounds) >= 16 and 2 * to_convert > start:
            # most of the text so far needs it (a traditional text): one conversion of the whole costs less
            return _t2s().convert(text)
        bounds.append(start)
        bounds.append(end)
        to_convert += end - start
        pos = end
    if not bounds:
        return text
    lines = [text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    converted = _t2s().convert("\n".join(lines)).split("\n")
    parts: list[str] = []
    last = 0
    for i, line in enumerate(converted):
        parts.append(text[last : bounds[2 * i]])
        parts.append(line)
        last = bounds[2 * i + 1]
    parts.append(text[last:])
    return "".join(parts)


_OTHER_SPACES = tuple(HORIZONTAL_SPACE_CHARS.replace(" ", ""))
_SPACES_OTHER_THAN_ONE_BLANK = ("  ", *_OTHER_SPACES)


def normalize_whitespace(text: str) -> str:
    return "\n".join(_whitespace_lines(text))


TAB_CELL_NUMBER_RE = re.compile(r"^\s*[\d,.]+\s*(?:%|[\u4e00-\u9fff]{0,3})\s*$")


def tab_tables_to_pipes(text: str) -> str:
    """A table copied from a web page comes with a tab between its cells (区县<TAB>培训(万人次)<TAB>…): two or
    more lines in a row with as many tabs inside them, one cell a number, are written as pipe-table rows
    (| 区县 | 培训(万人次) |) for parsers/tables.py. Any other tab is a blank, as normalize_whitespace makes it."""
    lines = text.split("\n")
    tabbed = ["\t" in line.strip(" \t") for line in lines]
    i = 0
    while i < len(lines):
        if not tabbed[i]:
            i += 1
            continue
        width = lines[i].strip(" \t").count("\t")
        j = i + 1  # the rows as wide as the header
        while j < len(lines) and tabbed[j] and lines[j].strip(" \t").count("\t") == width:
            j += 1
        rows = [lines[k].strip(" \t").split("\t") for k in range(i, j)]
        if j - i >= 2 and any(TAB_CELL_NUMBER_RE.match(cell) for row in rows[1:] for cell in row):
            for k, cells in zip(range(i, j), rows, strict=True):
                lines[k] = "| " + " | ".join(cell.strip() for cell in cells) + " |"
        i = j
    return "\n".join(lines)


def _whitespace_lines(text: str) -> list[str]:
    """The lines of normalize_whitespace(text): each stripped, runs of blank lines made one, none at either end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        text = tab_tables_to_pipes(text)
    # a run of horizontal space never spans a line break: one substitution for the whole text. It changes
    # nothing where the only horizontal space is single blanks, which substring tests find faster than
    # the regex scans (most texts, NFKC having made the other spaces blanks)
    if any(space in text for space in _SPACES_OTHER_THAN_ONE_BLANK):
        # every run of HORIZONTAL_SPACE_CHARS becomes one blank, by str.replace: each other space becomes a
        # blank, then runs of blanks halve until none is left. A regex substitution ([…]+ -> " ") gave the
        # same text ~10x slower: it rebuilt the text around every single blank too (NFKC makes each
        # full-width indent 　　 two blanks, so most texts get here)
        for space in _OTHER_SPACES:
            if space in text:
                text = text.replace(space, " ")
        while "  " in text:
            text = text.replace("  ", " ")
    # the stripped lines, joined, with MANY_BLANK_LINES_RE.sub("\n\n", …) and .strip(): a run of blank lines
    # is one blank line, and none is left at either end (the lines are stripped already)
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    if lines and not lines[-1]:
        lines.pop()
    return lines or [""]


PAGE_NUMBER_RE = re.compile(
    r"^(?:[—\-–_]{1,3}\s*\d{1,4}\s*[—\-–_]{1,3}|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)


def _page_number(line: str) -> bool:
    """PAGE_NUMBER_RE.match(line), tried only on a line that starts as a page number can (most lines of
    a text start with a Han character)."""
    first = line[:1]
    return (first in _PAGE_NUMBER_FIRST or first.isdecimal()) and PAGE_NUMBER_RE.match(line) is not None


_PAGE_NUMBER_FIRST = frozenset("—-–_第")  # (a dash, 第, or a digit: \d is str.isdecimal)


def drop_page_furniture(text: str) -> str:
    lines = text.split("\n")
    kept = _drop_page_furniture_lines(lines)
    return text if kept is lines else "\n".join(kept)


def _drop_page_furniture_lines(lines: list[str]) -> list[str]:
    """Remove page numbers (— 9 —, 第3页) and the running headers/footers around them.

    PDF text repeats a short header or footer at every page break, often mid-sentence:
    "…省级11个。全\n\n— 9 —\n\n政府工作报告\n\n年为5130名农民工…". A short line that recurs and
    stands next to a page number is page furniture too. The lines of a text; the same list when nothing goes.
    """
    numbers = {i for i, line in enumerate(lines) if _page_number(line.strip())}
    if not numbers:
        return lines
    counts: dict[str, int] = {}
    for line in lines:
        key = line.strip()
        if key:
            counts[key] = counts.get(key, 0) + 1
    drop = set(numbers)
    for i in numbers:
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and not lines[j].strip():
                j += step
            if 0 <= j < len(lines) and len(lines[j].strip()) <= 16 and counts.get(lines[j].strip(), 0) >= 2:
                drop.add(j)
    kept: list[str] = []
    for i, line in enumerate(lines):
        if i in drop:
            # the blank lines around a page break belong to the break, not to the text
            while kept and not kept[-1].strip():
                kept.pop()
            continue
        if not line.strip() and kept and (i - 1) in drop:
            continue
        kept.append(line)
    return kept


def join_wrapped_lines(text: str) -> str:
    """Undo hard line wraps of PDF text and e-paper columns (…会同产改协调\n小组各成员单位…).

    Only where the document is hard-wrapped (most long lines end without punctuation), and
    only between a full-width line and a line that continues with text, so headings, list
    items and paragraphs keep their breaks. "62563\n人次" becomes "62563人次".
    """
    return _join_wrapped(text.split("\n"))


_NO_JOIN_AFTER = SENTENCE_END + ":;"  # (made once: the sum was made for every line)


@cache
def _unit_starts() -> frozenset[str]:
    """The first characters of the grammar's scales and units (parsers/data/grammar.toml). A short line ending
    in a digit joins the next line only when that line goes on with the figure's scale or unit ("62563\n人次", a
    PDF table cell wrapped before its unit). Otherwise the two lines are cells of a table flattened one cell a
    line ("18650\n1126.5", "5\n上党区") and must not fuse."""
    g = grammar()
    return g.scale_first | g.unit_first


def _blank_separated_cells(line: str) -> bool:
    """A row of a table in PDF text (东湖区 1.6 14 — 示范): three or more blank-separated cells and no
    sentence punctuation. Such a line is never a wrapped part of a sentence (joining rows fused 512.5 and
    the next row's 2)."""
    return line.count(" ") >= 2 and not any(mark in line for mark in "。,;:!?")


def _join_wrapped(lines: list[str]) -> str:
    """join_wrapped_lines of the text these lines make."""
    width = wrap_width_of_lines(lines)
    unit_starts = _unit_starts()
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # a line never starts with a comma or a closing mark: the break is a wrap
        continues = nxt[:1] != "" and nxt[0] in ",、;:。)”%"
        joins = continues or (
            (len(line) >= width or (line[-1:].isdigit() and nxt[:1] in unit_starts))
            and line[-1:] not in _NO_JOIN_AFTER
            and nxt[:1] != ""
            and ("\u4e00" <= nxt[0] <= "\u9fff" or nxt[0].isdigit() or nxt[0] in "“(《")
            and not _blank_separated_cells(line)
            and not _blank_separated_cells(nxt)
        )
        out.append("" if joins else "\n")
    return "".join(out[:-1]) if out else ""


def normalize_text(text: str) -> str:
    """The report's normalised text: every offset (char_start/char_end) points into this."""
    text = to_nfkc(text)
    text = remove_pinyin_annotations(text)
    text = to_simplified(text)
    # join_wrapped_lines(repair_two_columns(drop_page_furniture(normalize_whitespace(text)))), its steps
    # passing the text's lines on instead of each joining and splitting all of it again
    return _join_wrapped(repair_two_column_lines(_drop_page_furniture_lines(_whitespace_lines(text))))
