"""Text fingerprints for near-duplicate reports: 64-bit SimHash of character 5-gram shingles (pure, no I/O).

A story reposted by a mirror or another site differs from the original in its furniture (a few
lines), its script (traditional; normalisation makes it simplified) and its pinyin notes (removed
by normalisation). Over the normalised text with punctuation and spaces dropped, such copies
keep almost all of their 5-grams, so their SimHashes differ in a few bits (Charikar 2002; Manku
et al. 2007 use 64 bits and a distance of 3 for web pages). Different reports of the same city
share phrases but not whole runs of text with the same figures, and land far apart.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import numpy as np

SHINGLE = 5  # characters: long enough that a 5-gram of Chinese text is specific to a passage
BITS = 64
MIN_CHARS = 120  # shorter texts (a caption, a notice) collide too easily: no fingerprint
DUPLICATE_DISTANCE = 6  # bits of 64; see tests/test_duplicates.py for the measured separation
_KEEP_RE = re.compile(r"[\W_]+", re.UNICODE)


def _shingles(text: str) -> Counter[str]:
    compact = _KEEP_RE.sub("", text)
    return Counter(compact[i : i + SHINGLE] for i in range(len(compact) - SHINGLE + 1))


def simhash(text: str) -> str:
    """16 hex digits, or "" for a text too short to fingerprint."""
    if len(_KEEP_RE.sub("", text)) < MIN_CHARS:
        return ""
    counts = _shingles(text)
    keys = list(counts)
    hashes = np.array(
        [int.from_bytes(hashlib.blake2b(k.encode("utf-8"), digest_size=8).digest(), "big") for k in keys],
        dtype=np.uint64,
    )
    weights = np.array([counts[k] for k in keys], dtype=np.int64)
    bits = ((hashes[:, None] >> np.arange(BITS, dtype=np.uint64)) & np.uint64(1)).astype(np.int64)
    score = (weights[:, None] * (2 * bits - 1)).sum(axis=0)
    value = 0
    for i in range(BITS):
        if score[i] > 0:
            value |= 1 << i
    return f"{value:016x}"


def distance(a: str, b: str) -> int:
    """Hamming distance of two fingerprints (BITS + 1 when either is missing)."""
    if not a or not b:
        return BITS + 1
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_near_duplicate(a: str, b: str, max_distance: int = DUPLICATE_DISTANCE) -> bool:
    return distance(a, b) <= max_distance
