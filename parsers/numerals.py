"""Chinese and Arabic numeral strings -> numbers (pure functions, no data files)."""

from __future__ import annotations

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
SCALE_WORDS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)


def parse_arabic(text: str) -> float:
    """'1,234.5' -> 1234.5."""
    return float(text.replace(",", ""))


def _parse_section(text: str) -> int | None:
    """A section below 万: '一千二百零五' -> 1205, '十二' -> 12, '一千二' -> 1200 (colloquial)."""
    if not text:
        return 0
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0 and CN_DIGITS[ch] != 0:
                return None  # two digits in a row without a unit: 十四五, 三三两两
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if unit >= last_unit:
                return None  # 千千, 十百: not a well-formed numeral
            total += (1 if digit is None else digit) * unit
            if digit == 0:
                return None
            digit = None
            last_unit = unit
        else:
            return None
    if digit:
        # colloquial tail: 一千二 = 1200, 三百五 = 350 (the digit takes the next lower unit)
        if text[-1] in CN_DIGITS and len(text) >= 2 and text[-2] in CN_SMALL_UNITS and last_unit >= 100:
            total += digit * (last_unit // 10)
        else:
            total += digit
    return total


def parse_chinese(text: str) -> int | None:
    """Chinese numeral -> int, or None when the string is not a well-formed numeral.

    Handles 两, 〇/零, positional digit strings (一〇五 = 105), sections with 万 and 亿.
    """
    if not text:
        return None
    if all(ch in CN_DIGITS for ch in text):
        if len(text) == 1:
            return CN_DIGITS[text]
        # positional style (一〇五, 二〇二二); a leading 零 makes it an id, not a count
        if text[0] in "零〇○":
            return None
        if not any(ch in "零〇○" for ch in text):
            return None  # 三三, 十四五-like strings without units are not numerals
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total = 0
    rest = text
    for big_char, big in (("亿", CN_BIG_UNITS["亿"]), ("万", CN_BIG_UNITS["万"])):
        if big_char in rest:
            head, _, rest = rest.partition(big_char)
            if big_char in rest:
                return None
            value = _parse_section(head) if head else 1
            if value is None:
                return None
            total += value * big
            if rest and rest[0] in CN_DIGITS and len(rest) == 1:
                # 三万五 = 35000: a lone trailing digit takes the next lower unit
                return total + CN_DIGITS[rest] * big // 10
    tail = _parse_section(rest)
    if tail is None:
        return None
    return total + tail


def is_scale_only(text: str) -> bool:
    """True for numerals made of scale characters only (十, 百, 千, 万, 亿, 千万)."""
    return bool(text) and all(ch in SCALE_WORDS for ch in text)
