"""Which taxonomy keywords can match in a sentence (reads the taxonomy via parsers.classify; no I/O)."""

from __future__ import annotations

import re
from functools import cache

import ahocorasick_rs

from parsers.classify import taxonomy


@cache
def _literal_automaton() -> ahocorasick_rs.AhoCorasick:
    """An automaton of every literal keyword of the taxonomy (Taxonomy.literal_ids: word -> keyword ids).

    One Aho-Corasick pass over a sentence finds every word it contains, overlapping ones too
    (省劳模 and 劳模), in compiled code: a substring test per keyword, or a regex alternation (which
    reports no overlapping words), would cost Python work per keyword or per match.
    """
    # a DFA (289 words: well under 1 MB) scans a sentence in half the time of the default NFA
    return ahocorasick_rs.AhoCorasick(list(taxonomy().literal_ids), implementation=ahocorasick_rs.Implementation.DFA)


class KeywordHits:
    """Which keywords can match in a sentence of one text, so a figure scores only those."""

    def __init__(self, text: str) -> None:
        self._tax = taxonomy()
        self._automaton = _literal_automaton()
        self._text = text
        self._span = (-1, -1)
        self._sentence = ""
        self._literal: list[int] = []  # literal keywords the current sentence contains
        # gate results of the current sentence by id(pattern): hashing a re.Pattern hashes its compiled code
        self._gate_results: dict[int, bool] = {}
        self._by_unit: dict[str, list[int]] = {}

    def _start_sentence(self, start: int, end: int) -> None:
        if (start, end) == self._span:
            return
        self._span, self._sentence, self._gate_results, self._by_unit = (start, end), self._text[start:end], {}, {}
        literal_ids = self._tax.literal_ids
        found = set(self._automaton.find_matches_as_strings(self._sentence, overlapping=True))
        self._literal = [i for word in found for i in literal_ids[word]]  # each word once: a sentence may repeat one

    def _kept(self, ids: list[int], presence: tuple[tuple[int, re.Pattern[str] | None], ...]) -> list[int]:
        """`ids` (literal keywords found) and the pattern keywords of `presence` whose text occurs, without
        those whose sentence gates fail, in keyword order."""
        tax, sentence, gate_results = self._tax, self._sentence, self._gate_results
        ids = ids + [i for i, pattern in presence if pattern is None or pattern.search(sentence)]
        kept = []
        for i in ids:
            for gate in tax.sentence_gates[i]:
                ok = gate_results.get(id(gate))
                if ok is None:
                    ok = gate_results[id(gate)] = gate.search(sentence) is not None
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
        return self._kept(self._literal, self._tax.regex_presence)


@cache
def _regex_presence_for_unit(unit: str) -> tuple[tuple[int, re.Pattern[str] | None], ...]:
    """The pattern keywords whose indicator counts in `unit`, with their presence patterns."""
    tax = taxonomy()
    return tuple((i, p) for i, p in tax.regex_presence if unit in tax.keyword_units[i])
