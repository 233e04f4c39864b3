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
from functools import cache

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


def shingle_hashes(points: np.ndarray) -> np.ndarray:
    """The 64-bit hash of every SHINGLE-character run of these code points (uint64), in order (wraps mod 2**64)."""
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
    set than clear. The bits are counted a byte of the hashes at a time: how many hashes hold each
    byte value (a histogram of 256) times the bits of that value.
    """
    points = _compact_points(text)
    if len(points) < MIN_CHARS:
        return ""
    hashes = shingle_hashes(points).astype("<u8")  # little-endian bytes: byte 0 holds bits 0-7
    by_byte = hashes.view(np.uint8).reshape(-1, 8)
    bits_of = _bits_of_bytes()
    set_bits = np.concatenate([np.bincount(by_byte[:, j], minlength=256) @ bits_of for j in range(8)])
    score = 2 * set_bits - len(hashes)  # (+1 per set bit) + (-1 per clear bit)
    packed = np.packbits(score > 0, bitorder="little")
    return f"{int.from_bytes(packed.tobytes(), 'little'):016x}"


def _compact_points(text: str) -> np.ndarray:
    """The code points of `text` without what _KEEP_RE removes (punctuation, spaces, _), as uint64.

    By a table over the Basic Multilingual Plane: _KEEP_RE.sub over a report cost more than the
    hashing (every character's Unicode category looked up by the regex engine). A text with a
    character beyond it (rare: 𠀀) takes the regex."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")  # a lone surrogate: dropped
    if len(points) and int(points.max()) > 0xFFFF:
        return np.frombuffer(_KEEP_RE.sub("", text).encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    return points[_kept_in_bmp()[points]].astype(np.uint64)


@cache
def _kept_in_bmp() -> np.ndarray:
    """kept[c]: code point c (of the BMP) stays in the compact text, as _KEEP_RE decides (~30 ms, once)."""
    return np.array([_KEEP_RE.fullmatch(chr(c)) is None for c in range(0x10000)], dtype=bool)


@cache
def _bits_of_bytes() -> np.ndarray:
    """256 x 8: the bits (0-7, least significant first) of each byte value."""
    return np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little").astype(np.int64)


def distance(a: str, b: str) -> int:
    """Hamming distance of two fingerprints (BITS + 1 when either is missing)."""
    if not a or not b:
        return BITS + 1
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_near_duplicate(a: str, b: str, max_distance: int = DUPLICATE_DISTANCE) -> bool:
    return distance(a, b) <= max_distance
