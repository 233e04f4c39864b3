"""Text fingerprints for near-duplicate reports: 64-bit SimHash of character 5-gram shingles (pure, no I/O).

A story reposted by a mirror or another site differs from the original in its furniture (a few
lines), its script (traditional; normalisation makes it simplified) and its pinyin notes (removed
by normalisation). Over the normalised text with punctuation and spaces dropped, such copies
keep almost all of their 5-grams, so their SimHashes differ in a few bits (Charikar 2002; Manku
et al. 2007 use 64 bits and a distance of 3 for web pages). Different reports of the same city
share phrases but not whole runs of text with the same figures, and land far apart.
"""

from __future__ import annotations

import re
from collections import Counter
from hashlib import blake2b

import numpy as np

SHINGLE = 5  # characters: long enough that a 5-gram of Chinese text is specific to a passage
BITS = 64
MIN_CHARS = 120  # shorter texts (a caption, a notice) collide too easily: no fingerprint
DUPLICATE_DISTANCE = 6  # bits of 64; see tests/test_duplicates.py for the measured separation
_KEEP_RE = re.compile(r"[\W_]+", re.UNICODE)


def _shingles(compact: str) -> Counter[str]:
    # slices made by map() in C: a generator expression cost ~0.3 ms per report
    n = len(compact) - SHINGLE + 1
    return Counter(map(compact.__getitem__, map(slice, range(n), range(SHINGLE, n + SHINGLE))))


def _hash(shingle: str) -> bytes:
    return blake2b(shingle.encode("utf-8"), digest_size=8).digest()


def simhash(text: str) -> str:
    """16 hex digits, or "" for a text too short to fingerprint.

    Bit i of the result is set when the shingles whose 64-bit BLAKE2b hash (big-endian) has bit i set
    outweigh, by count, those where it is clear. The hashes are read as one array and their bits
    unpacked by numpy: per shingle, only the hash itself is Python work (a report has ~3 000).
    """
    compact = _KEEP_RE.sub("", text)
    if len(compact) < MIN_CHARS:
        return ""
    counts = _shingles(compact)
    digests = b"".join(map(_hash, counts))
    # big-endian hashes -> little-endian bytes, so that unpacking each byte's bits little end first
    # gives bit 0 to bit 63 of every hash in order
    hashes = np.frombuffer(digests, dtype=">u8").astype("<u8")
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    weights = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    score = 2 * (weights @ bits.astype(np.int64)) - weights.sum()  # sum of +w (bit set) and -w (clear)
    packed = np.packbits(score > 0, bitorder="little")
    return f"{int.from_bytes(packed.tobytes(), 'little'):016x}"


def distance(a: str, b: str) -> int:
    """Hamming distance of two fingerprints (BITS + 1 when either is missing)."""
    if not a or not b:
        return BITS + 1
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_near_duplicate(a: str, b: str, max_distance: int = DUPLICATE_DISTANCE) -> bool:
    return distance(a, b) <= max_distance
