"""Text normalisation: full-width forms, whitespace, pinyin annotations, traditional -> simplified."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from parsers.columns import repair_two_columns
from parsers.segments import SENTENCE_END, wrap_width

# Characters NFKC would turn into something unhelpful, replaced first (㎡ -> m2 otherwise).
PRE_NFKC = str.maketrans({"㎡": "平方米", "\u2028": "\n", "\u2029": "\n", "\u00ad": ""})
ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

# Pinyin added after ambiguous characters on mirror sites: 發(fā), 產(chǎn), 為(wei), 業(yè).
# A syllable is an optional initial and a final, with or without tone marks / a tone digit.
_INITIALS = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINALS = (
    "(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|üan|van|ai|ei|ao|ou|an|en|in|un|ün|vn"
    "|ia|ie|iu|ua|uo|ue|üe|ve|ui|er|a|o|e|i|u|ü|v)"
)
PINYIN_SYLLABLE_RE = re.compile(f"^{_INITIALS}{_FINALS}[1-5]?$")
PINYIN_ANNOTATION_RE = re.compile(r"(?<=[\u3400-\u9fff])\(([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń]{1,7}[1-5]?)\)")
_TONE_STRIP = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜń", "aaaaeeeeiiiioooouuuuüüüün")

HORIZONTAL_SPACE_RE = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009]+")
MANY_BLANK_LINES_RE = re.compile(r"\n{3,}")


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


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalize_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [HORIZONTAL_SPACE_RE.sub(" ", line).strip() for line in text.split("\n")]
    return MANY_BLANK_LINES_RE.sub("\n\n", "\n".join(lines)).strip()


def join_wrapped_lines(text: str) -> str:
    """Undo hard line wraps of PDF text and e-paper columns (…会同产改协调\n小组各成员单位…).

    Only where the document is hard-wrapped (most long lines end without punctuation), and
    only between a full-width line and a line that continues with text, so headings, list
    items and paragraphs keep their breaks. "62563\n人次" becomes "62563人次".
    """
    width = wrap_width(text)
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # a line never starts with a comma or a closing mark: the break is a wrap
        continues = nxt[:1] != "" and nxt[0] in ",、;:。)”%"
        joins = continues or (
            (len(line) >= width or line[-1:].isdigit())
            and line[-1:] not in SENTENCE_END + ":;"
            and nxt[:1] != ""
            and ("\u4e00" <= nxt[0] <= "\u9fff" or nxt[0].isdigit() or nxt[0] in "“(《")
        )
        out.append("" if joins else "\n")
    return "".join(out[:-1]) if out else ""


def normalize_text(text: str) -> str:
    """The report's normalised text: every offset (char_start/char_end) points into this."""
    text = ZERO_WIDTH_RE.sub("", text.translate(PRE_NFKC))
    text = unicodedata.normalize("NFKC", text)
    text = remove_pinyin_annotations(text)
    text = to_simplified(text)
    return join_wrapped_lines(repair_two_columns(normalize_whitespace(text)))
