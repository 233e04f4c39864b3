"""Reading-order repair for pages read across two columns (yearbooks, e-paper): left lines, then right."""

from __future__ import annotations

MIN_BLOCK_LINES = 10
MIN_SKIP_LINKS = 6


class _Pairs:
    """The two-character strings (no line break) occurring in a text: `"合肥" in pairs`.

    Built per first character on demand: the characters that follow it anywhere in the text. The
    pairs asked about start with a line's last character, mostly 。, so a few scans of the text
    replace the set of every pair in it. The characters are kept as code points: a one-character str of a
    Han character is a new object, hashed, for every occurrence.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._after: dict[str, frozenset[int]] = {}

    def __contains__(self, pair: str) -> bool:
        return self.follows(pair[0], pair[1])

    def follows(self, first: str, second: str) -> bool:
        """first + second in self, without making the pair (`first` and `second`: one character each)."""
        after = self._after.get(first)
        if after is None:
            # the character after each occurrence of `first` (none after one that ends the text), found by
            # str.find: splitting the text at `first` copied all of it for every character asked about
            text = self._text
            last = len(text) - 1
            found: set[int] = set()
            i = text.find(first)
            while i != -1:
                if i < last:
                    found.add(ord(text[i + 1]))
                i = text.find(first, i + 1)
            found.discard(10)  # no pair within a line has a line break (\n)
            after = self._after[first] = frozenset(found)
        return ord(second) in after


def _links(lasts: list[str], firsts: list[str], bigrams: _Pairs, step: int) -> list[bool]:
    """For each line, whether its last character and the first of the line `step` below form a
    character pair the document uses elsewhere (…合 / 肥市… -> 合肥). `lasts` and `firsts`: each line's
    last and first character, taken once for both steps (no line is empty)."""
    return [bigrams.follows(lasts[i], firsts[i + step]) for i in range(len(lasts) - step)]


def repair_two_columns(text: str) -> str:
    """Undo line-by-line interleaving of two text columns (see repair_two_column_lines)."""
    lines = text.split("\n")
    repaired = repair_two_column_lines(lines)
    return text if repaired is lines else "\n".join(repaired)


def repair_two_column_lines(all_lines: list[str]) -> list[str]:
    """Undo line-by-line interleaving of two text columns.

    A page extracted across two columns alternates a line of the left column with a line of the
    right one. Then a line continues not in the next line but in the one after it, which shows in
    the document's own character pairs: the pair across line i -> i+2 is one the text uses
    elsewhere far more often than the pair across i -> i+1. Such a block is rewritten as the left
    column's lines followed by the right column's (without the blank lines); any other text is returned
    unchanged, as the same list. The lines of a text (normalize_text passes them from step to step instead
    of joining and splitting the whole text again).
    """
    lines = [line for line in all_lines if line.strip()]
    if len(lines) < MIN_BLOCK_LINES:
        return all_lines
    # A pair of characters (no line break in it) occurs within some line exactly when it occurs in
    # the lines joined by line breaks.
    bigrams = _Pairs("\n".join(lines))
    lasts = [line[-1] for line in lines]
    firsts = [line[0] for line in lines]
    skip = _links(lasts, firsts, bigrams, 2)
    if sum(skip) < MIN_SKIP_LINKS:
        return all_lines
    adjacent = _links(lasts, firsts, bigrams, 1)
    if sum(skip) < 3 * max(1, sum(adjacent)):
        return all_lines
    start = skip.index(True)  # the first line whose continuation is two lines down
    head, block = lines[:start], lines[start:]
    streams: list[list[str]] = [[block[0]], [block[1]]]
    last = 1
    for line in block[2:]:
        fits = [(s[-1][-1] + line[0]) in bigrams for s in streams]
        # a line continues the column whose last line it completes; when that is unclear the
        # columns alternate
        target = fits.index(True) if fits.count(True) == 1 else 1 - last
        streams[target].append(line)
        last = target
    return [*head, *streams[0], *streams[1]]
