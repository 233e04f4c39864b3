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

import numpy as np

SHINGLE = 5  # characters: long enough that a 5-gram of Chinese text is specific to a passage
BITS = 64
MIN_CHARS = 120  # shorter texts (a caption, a notice) collide too easily: no fingerprint
DUPLICATE_DISTANCE = 6  # bits of 64; see tests/test_duplicates.py for the measured separation
_KEEP_RE = re.compile(r"[\W_]+", re.UNICODE)

# The shingle hash: FNV-1a (64-bit) over the shingle's code points, one 64-bit word each, then
# splitmix64's finaliser so that every output bit depends on every character. Both are a few
# integer operations, so numpy computes them for every shingle of a report at once (a
# cryptographic hash per shingle in Python cost ~1.6 ms a report, the largest cost of a run
# after extraction). Changing them changes every fingerprint: bump parsers.extract.EXTRACTOR_VERSION.
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MIX_1 = 0xBF58476D1CE4E5B9
MIX_2 = 0x94D049BB133111EB


def shingle_hashes(compact: str) -> np.ndarray:
    """The 64-bit hash of every SHINGLE-character run of `compact`, in order (uint64; wraps mod 2**64)."""
    points = np.frombuffer(compact.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    n = len(points) - SHINGLE + 1
    h = np.full(n, FNV_OFFSET, dtype=np.uint64)
    for k in range(SHINGLE):
        h ^= points[k : k + n]
        h *= np.uint64(FNV_PRIME)
    h ^= h >> np.uint64(30)
    h *= np.uint64(MIX_1)
    h ^= h >> np.uint64(27)
    h *= np.uint64(MIX_2)
    h ^= h >> np.uint64(31)
    return h


def simhash(text: str) -> str:
    """16 hex digits, or "" for a text too short to fingerprint.

    Bit i of the result is set when more shingles (counted with repeats) have bit i of their hash
    set than clear. The bits of all hashes are unpacked at once by numpy.
    """
    compact = _KEEP_RE.sub("", text)
    if len(compact) < MIN_CHARS:
        return ""
    hashes = shingle_hashes(compact).astype("<u8")  # little-endian bytes: byte 0 holds bits 0-7
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    score = 2 * bits.sum(axis=0, dtype=np.int64) - len(hashes)  # (+1 per set bit) + (-1 per clear bit)
    packed = np.packbits(score > 0, bitorder="little")
    return f"{int.from_bytes(packed.tobytes(), 'little'):016x}"


def distance(a: str, b: str) -> int:
    """Hamming distance of two fingerprints (BITS + 1 when either is missing)."""
    if not a or not b:
        return BITS + 1
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_near_duplicate(a: str, b: str, max_distance: int = DUPLICATE_DISTANCE) -> bool:
    return distance(a, b) <= max_distance
