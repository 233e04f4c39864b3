"""Bytes -> str for Chinese documents: BOM, declared charset, <meta charset>, then detection."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# GB2312 and GBK labels are decoded as GB18030, their superset: real pages labelled gb2312
# routinely contain GBK-only characters (e.g. 镕, 堃) that strict gb2312 rejects.
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
    "iso-8859-1": "windows-1252",
}
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept (binary, or too garbled)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    how: str  # bom | header | meta | utf-8 | detected | fallback


def _canonical(label: str) -> str | None:
    label = label.strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return SUPERSETS.get(label, SUPERSETS.get(name, name))


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", content_type, re.IGNORECASE)
    return m.group(1) if m else None


def looks_binary(data: bytes) -> bool:
    """NUL bytes or known binary signatures (PNG, PDF, ZIP, GIF, JPEG) in the first KB."""
    head = data[:1024]
    if head.startswith((b"\x89PNG", b"%PDF", b"PK\x03\x04", b"GIF8", b"\xff\xd8\xff")):
        return True
    return b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _cjk_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:4000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    letters = sum(1 for ch in sample if ch.isalpha())
    return cjk / letters if letters else 0.0


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, declared: str | None = None, *, sniff_meta: bool = True) -> Decoded:
    """Decode document bytes, never silently producing mojibake.

    Order: BOM; the declared charset (HTTP header) if the bytes decode strictly with it;
    a <meta charset> likewise; strict UTF-8; GB18030 vs Big5 by which yields real Chinese;
    charset-normalizer; else DecodeError.
    """
    if looks_binary(data):
        raise DecodeError("binary content (not a text or HTML document)")
    for bom, enc in BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(enc, errors="replace"), enc, "bom")
    candidates: list[tuple[str, str]] = []
    if declared and (enc := _canonical(declared)):
        candidates.append((enc, "header"))
    if sniff_meta:
        m = META_CHARSET_RE.search(data[:4096])
        if m and (enc := _canonical(m.group(1).decode("ascii", "ignore"))):
            candidates.append((enc, "meta"))
    for enc, how in candidates:
        text = _strict(data, enc)
        # a page labelled UTF-8 that is really GBK fails strict decoding and falls through
        if text is not None:
            return Decoded(text, enc, how)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "utf-8")
    options = [(enc, t) for enc in ("gb18030", "big5hkscs") if (t := _strict(data, enc)) is not None]
    if options:
        enc, text = max(options, key=lambda o: _score_chinese(o[1]))
        if _cjk_ratio(text) > 0.3:
            return Decoded(text, enc, "detected")
    from charset_normalizer import from_bytes  # lazy: only for the rare undecidable document

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        text = str(best)
        return Decoded(text, best.encoding, "detected")
    raise DecodeError("no text encoding fits these bytes")


# The most frequent characters of Chinese news text, in both scripts: a decoding that
# yields many of them is the right one (GBK bytes read as Big5 give rare characters).
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
)
_COMMON |= set("們這個為產業發實會來點時學動們對開關經區無現應從與後說當長過還進樣種們將業務歲聯")


def _score_chinese(text: str) -> float:
    sample = text[:4000]
    cjk = [ch for ch in sample if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return 0.0
    return sum(1 for ch in cjk if ch in _COMMON) / len(cjk)
