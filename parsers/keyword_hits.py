"""Which taxonomy keywords can match in a sentence (reads the taxonomy via parsers.classify; no I/O)."""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import ahocorasick_rs

from parsers.classify import taxonomy
from parsers.periods import markers

# What a regular expression reads as more than a literal character.
_SPECIAL: Final = frozenset("\\.^$*+?{}[]()|")
# Escapes that stand for a class or a position; any other escaped letter or digit (\x41, \1) is not read here.
_CLASS_ESCAPES: Final = frozenset("dDsSwWbBAZ")

# (groups of words, one word of each group is in every match; whether one word of the single group is a match)
Requirement = tuple[tuple[tuple[str, ...], ...], bool]


def _plain(word: str) -> bool:
    return bool(word) and _SPECIAL.isdisjoint(word)


def required_words(source: str) -> Requirement:
    """The words every match of the regex `source` contains, as groups of alternatives: a string the pattern
    matches holds at least one word of each group ((参与|参加)\\S{0,12}(竞赛|比赛) needs one of 参与, 参加 and
    one of 竞赛, 比赛). The flag is True when the pattern is a plain alternation (补贴|补助|奖励): then a
    string holding one of its words is a match. Whatever is not read here (an optional part, a class, a
    nested group) is left out, so the groups are what a match needs, never more; ((), False): nothing known.
    """
    alternatives = source.split("|")
    if all(_plain(word) for word in alternatives):
        return (tuple(alternatives),), True
    groups: list[tuple[str, ...]] = []
    run = ""  # the literal characters read since the last group or special token
    i, n = 0, len(source)
    while i < n:
        ch, literal, words = source[i], "", None
        if ch == "|":
            return (), False  # an alternation of sequences: no word is needed by every branch
        if ch == "(":
            j = source.find(")", i)
            inner = source[i + 1 : j]
            if j == -1 or "(" in inner or (inner.startswith("?") and not inner.startswith(("?:", "?=", "?!", "?<"))):
                return (), False  # nested groups, named groups, inline flags
            inner = inner[2:] if inner.startswith("?:") else inner
            if all(_plain(word) for word in inner.split("|")):  # (a lookaround starts with ?: not plain)
                words = tuple(inner.split("|"))
            i = j + 1
        elif ch == "[":
            j = source.find("]", i + 2)  # (a class holds at least one character: []] closes at the second ])
            if j == -1 or "\\" in source[i:j]:
                return (), False
            i = j + 1
        elif ch == "\\":
            if i + 1 >= n or (source[i + 1].isalnum() and source[i + 1] not in _CLASS_ESCAPES):
                return (), False  # \x41, \u4e00, a back-reference: not read here
            i += 2
        elif ch in _SPECIAL:  # . ^ $ (a quantifier after nothing is an error in re)
            i += 1
        else:
            literal = ch
            i += 1
        if i < n and source[i] in "?*+{":  # quantified: may be absent, or is left out with its repeats
            if source[i] == "{":
                j = source.find("}", i)
                if j == -1:
                    return (), False
                i = j + 1
            else:
                i += 1
            if i < n and source[i] in "?+":  # lazy or possessive
                i += 1
            literal, words = "", None
        if literal:
            run += literal
            continue
        if run:
            groups.append((run,))
            run = ""
        if words:
            groups.append(words)
    if run:
        groups.append((run,))
    return tuple(groups), False


@cache
def _requirements() -> dict[str, Requirement]:
    """required_words of every presence pattern and sentence gate of the taxonomy, by pattern source."""
    tax = taxonomy()
    patterns = [p for _, p in tax.regex_presence if p is not None]
    patterns += [gate for gates in tax.sentence_gates for gate in gates]
    return {p.pattern: required_words(p.pattern) for p in patterns}


@cache
def _literal_automaton() -> ahocorasick_rs.AhoCorasick:
    """An automaton of every literal keyword of the taxonomy (Taxonomy.literal_ids: word -> keyword ids), and
    of the words its pattern keywords and sentence gates need (_requirements).

    One Aho-Corasick pass over a sentence finds every word it contains, overlapping ones too
    (省劳模 and 劳模), in compiled code: a substring test per keyword, or a regex alternation (which
    reports no overlapping words), would cost Python work per keyword or per match. The same pass tells
    which pattern keywords and gates can match at all, and answers a gate that is a plain alternation.
    """
    # a DFA (~330 words: well under 1 MB) scans a sentence in half the time of the default NFA
    return ahocorasick_rs.AhoCorasick(list(_automaton_words()), implementation=ahocorasick_rs.Implementation.DFA)


@cache
def _automaton_words() -> tuple[str, ...]:
    """The words of _literal_automaton, each once."""
    words = dict.fromkeys(taxonomy().literal_ids)
    for groups, _ in _requirements().values():
        for group in groups:
            words.update(dict.fromkeys(group))
    # and every period marker word: the pass tells which marker lists a sentence holds (KeywordHits.marker_lists)
    words.update(dict.fromkeys(markers().bits_by_word))
    return tuple(words)


class KeywordHits:
    """Which keywords can match in a sentence of one text, so a figure scores only those."""

    def __init__(self, text: str) -> None:
        self._tax = taxonomy()
        self._automaton = _literal_automaton()
        self._gates = _gates()
        self._text = text
        self._span = (-1, -1)
        self._sentence = ""
        self._found: set[str] = set()  # the automaton's words that the current sentence contains
        self._literal: list[int] = []  # literal keywords the current sentence contains
        self._markers = 0  # the period marker lists with a word in the current sentence (KeywordHits.marker_lists)
        self._marker_count = markers().lists
        # per marker list (periods.Words.index), its words in the current sentence (KeywordHits.marker_words)
        self._marker_words: list[tuple[str, ...]] = [()] * self._marker_count
        # pattern keywords that the current sentence may match: a word of their first required group is in it
        self._may_match: set[int] = set()
        self._unread = _unread_patterns()
        self._word_info = _word_info()
        # gate results of the current sentence by id(pattern): hashing a re.Pattern hashes its compiled code
        self._gate_results: dict[int, bool] = {}
        self._by_unit: dict[str, list[int]] = {}

    def _start_sentence(self, start: int, end: int) -> None:
        if (start, end) == self._span:
            return
        self._span, self._sentence, self._gate_results, self._by_unit = (start, end), self._text[start:end], {}, {}
        found = self._found = set(self._automaton.find_matches_as_strings(self._sentence, overlapping=True))
        # each word once (a sentence may repeat one); a word that only a pattern or a gate needs names no keyword
        literal: list[int] = []
        mask = 0
        present: list[tuple[str, ...]] = [()] * self._marker_count
        may_match: set[int] = set()
        info = self._word_info
        for word in found:
            ids, bits, needing, lists = info[word]
            if ids:
                literal.extend(ids)
            if bits:
                mask |= bits
                for index in lists:  # each list holding the word (most words are in one)
                    present[index] = present[index] + (word,)
            if needing:
                may_match.update(needing)
        self._literal, self._markers, self._may_match = literal, mask, may_match
        self._marker_words = present

    def words(self, start: int, end: int) -> set[str]:
        """The automaton's words that text[start:end] holds: every literal keyword, every word a pattern
        keyword or gate needs, every period marker word, that occurs in the sentence."""
        self._start_sentence(start, end)
        return self._found

    def marker_lists(self, start: int, end: int) -> int:
        """The period marker lists (their periods.Words.bit) with a word in text[start:end], as a bit mask,
        found along with the sentence's literal keywords."""
        self._start_sentence(start, end)
        return self._markers

    def marker_words(self, start: int, end: int) -> list[tuple[str, ...]]:
        """Per period marker list (its periods.Words.index), the words of it that text[start:end] holds, from
        the same pass as marker_lists (a list with none has ()): periods.period_of's `present`."""
        self._start_sentence(start, end)
        return self._marker_words

    def _matches(self, pattern: re.Pattern[str], requirement: Requirement) -> bool:
        """pattern.search(sentence), answered from the sentence's words where they settle it."""
        found = self._found
        for group in requirement[0]:
            if found.isdisjoint(group):
                return False  # a word every match needs is missing (most pattern keywords, most sentences)
        return requirement[1] or pattern.search(self._sentence) is not None

    def _kept(self, ids: list[int], presence: tuple[_Pattern, ...]) -> list[int]:
        """`ids` (literal keywords found) and the pattern keywords of `presence` whose text occurs, without
        those whose sentence gates fail, in keyword order."""
        gates, gate_results, may_match, unread = self._gates, self._gate_results, self._may_match, self._unread
        # (a pattern keyword not in may_match lacks every word of its first group: _matches would say no)
        ids = ids + [
            i
            for i, pattern, needs in presence
            if pattern is None or ((i in may_match or i in unread) and self._matches(pattern, needs))
        ]
        kept = []
        for i in ids:
            for gate, needs in gates[i]:
                ok = gate_results.get(id(gate))
                if ok is None:
                    ok = gate_results[id(gate)] = self._matches(gate, needs)
                if not ok:
                    break
            else:
                kept.append(i)
        kept.sort()
        return kept

    def for_unit(self, start: int, end: int, unit: str) -> list[int]:
        """candidates(start, end) left to the keywords whose indicator counts in `unit` (classify skips
        the others); kept per sentence, as the figures of a sentence come one after another."""
        self._start_sentence(start, end)
        ids = self._by_unit.get(unit)
        if ids is None:
            units = self._tax.keyword_units
            literal = [i for i in self._literal if unit in units[i]]
            ids = self._by_unit[unit] = self._kept(literal, _regex_presence_for_unit(unit))
        return ids

    def candidates(self, start: int, end: int) -> list[int]:
        """Keyword ids that can count for a figure in the sentence text[start:end], in keyword order (the
        order classify breaks ties in). Every keyword left out would be skipped or score 0 in classify:
        a literal keyword the sentence does not contain, a pattern keyword whose text is not in it, a
        keyword whose sentence requirement (taxonomy `requires`) the sentence does not meet."""
        self._start_sentence(start, end)
        return self._kept(self._literal, _regex_presence())


@cache
def _word_info() -> dict[str, tuple[tuple[int, ...], int, tuple[int, ...], tuple[int, ...]]]:
    """Per word of the automaton: the literal keywords that are that word (Taxonomy.literal_ids), the bits of
    the period marker lists that hold it (periods.PeriodMarkers.bits_by_word), the pattern keywords whose
    first required group holds it (a sentence without a word of that group cannot match them), and the
    indices of the marker lists that hold it (the set bits' positions)."""
    literal_ids, bits = taxonomy().literal_ids, markers().bits_by_word
    needing: dict[str, list[int]] = {}
    for i, pattern, (groups, _) in _regex_presence():
        if pattern is not None and groups:
            for word in groups[0]:
                needing.setdefault(word, []).append(i)
    return {
        word: (
            literal_ids.get(word, ()),
            bits.get(word, 0),
            tuple(needing.get(word, ())),
            tuple(k for k in range(bits.get(word, 0).bit_length()) if bits.get(word, 0) >> k & 1),
        )
        for word in _automaton_words()
    }


@cache
def _unread_patterns() -> frozenset[int]:
    """The pattern keywords whose presence pattern gives no required word (always searched)."""
    return frozenset(i for i, pattern, (groups, _) in _regex_presence() if pattern is not None and not groups)


# A pattern keyword: its id, its presence pattern (None: always scored) and the words that pattern needs.
_Pattern = tuple[int, re.Pattern[str] | None, Requirement]


@cache
def _regex_presence() -> tuple[_Pattern, ...]:
    """Taxonomy.regex_presence with the words each presence pattern needs."""
    needs = _requirements()
    return tuple((i, p, needs[p.pattern] if p is not None else ((), False)) for i, p in taxonomy().regex_presence)


@cache
def _regex_presence_for_unit(unit: str) -> tuple[_Pattern, ...]:
    """The pattern keywords whose indicator counts in `unit`, with their presence patterns."""
    units = taxonomy().keyword_units
    return tuple(entry for entry in _regex_presence() if unit in units[entry[0]])


@cache
def _gates() -> tuple[tuple[tuple[re.Pattern[str], Requirement], ...], ...]:
    """Per keyword id, its sentence gates (Taxonomy.sentence_gates) with the words each needs."""
    needs = _requirements()
    return tuple(tuple((gate, needs[gate.pattern]) for gate in gates) for gates in taxonomy().sentence_gates)
