"""Text normalisation: full-width forms, whitespace, pinyin annotations, traditional -> simplified."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

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


def normalize_text(text: str) -> str:
    """The report's normalised text: every offset (char_start/char_end) points into this."""
    text = ZERO_WIDTH_RE.sub("", text.translate(PRE_NFKC))
    text = unicodedata.normalize("NFKC", text)
    text = remove_pinyin_annotations(text)
    text = to_simplified(text)
    return normalize_whitespace(text)
