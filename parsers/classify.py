"""Which indicator a figure counts, and its label, from parsers/data/taxonomy.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from parsers.segments import Span

TAXONOMY_PATH = Path(__file__).parent / "data" / "taxonomy.toml"
OTHER = "other"
# After a figure, a conjunction starts the next conjunct: 省劳模52人和市劳模200人
CONJUNCTION_RE = re.compile(r"以及|[和及与]")
LABEL_STRIP_RE = re.compile(r"^[“”\"'《》()\[\]【】\s的和及与等各类]+|[“”\"'《》()\[\]【】\s的和及与等]+$")
LABEL_STOP_RE = re.compile(r"[的,;。、:()]")
# Verbs and framings that open an item and are not part of the counted noun.
LEADING_VERB_RE = re.compile(
    r"^(?:.*?(?:累计|先后|共|已|达到|达|新增|新建|新发展|发展|培育|选树|建成|创成|创建|成立|组建|开展|完成|实现|发放|拨付|"
    r"筹集|使用|投入|举办|组织|培训|帮助|推动|推选出|推选|招募|遴选|确定了|确定|设立|建立|出台|调整|打造|命名|评选|"
    r"获得|荣获|取得|产生|提供|覆盖|录入|拿出|安排了|安排|涌现出|催生|吸纳|其中))"
)


@dataclass(frozen=True)
class Keyword:
    indicator: str
    pattern: re.Pattern[str]
    weight: float
    kind: str  # noun | predicate | before


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    category: str
    units: frozenset[str]
    requires: re.Pattern[str] | None
    blockers: tuple[str, ...]
    default_period: str
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Taxonomy:
    indicators: dict[str, Indicator]
    keywords: tuple[Keyword, ...]
    scoring: dict
    scope_re: re.Pattern[str]

    def units_of(self, indicator: str) -> frozenset[str]:
        return self.indicators[indicator].units


@cache
def taxonomy() -> Taxonomy:
    data = tomllib.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))
    scoring = data["scoring"]
    indicators: dict[str, Indicator] = {}
    keywords: list[Keyword] = []
    for entry in data["indicator"]:
        ind = Indicator(
            id=entry["id"],
            name=entry["name"],
            category=entry["category"],
            units=frozenset(entry.get("units", [])),
            requires=re.compile(entry["requires"]) if entry.get("requires") else None,
            blockers=tuple(entry.get("blockers", [])),
            default_period=entry.get("default_period", ""),
            labels=entry.get("label", {}),
        )
        indicators[ind.id] = ind
        for word in entry.get("strong", []):
            keywords.append(Keyword(ind.id, re.compile(word), scoring["strong"], "noun"))
        for word in entry.get("weak", []):
            keywords.append(Keyword(ind.id, re.compile(word), scoring["weak"], "noun"))
        for word in entry.get("predicates", []):
            keywords.append(Keyword(ind.id, re.compile(word), scoring["predicate"], "predicate"))
        for word in entry.get("before", []):
            keywords.append(Keyword(ind.id, re.compile(re.escape(word) + "$"), scoring["strong"], "before"))
    scope_words = sorted(scoring["scope_words"], key=len, reverse=True)
    scope_re = re.compile("(" + "|".join(map(re.escape, scope_words)) + ")$")
    return Taxonomy(indicators, tuple(keywords), scoring, scope_re)


@dataclass(frozen=True)
class Classification:
    indicator: str
    label: str
    score: float
    keyword: str


def _hits(keyword: Keyword, text: str) -> list[re.Match[str]]:
    return list(keyword.pattern.finditer(text))


def classify(
    text: str,
    start: int,
    end: int,
    unit: str,
    item: Span,
    clause: Span,
    sentence: Span,
    prev_end: int = 0,
    next_start: int | None = None,
) -> Classification:
    """Score every indicator whose units allow `unit` by its keywords around the figure.

    The figure's own list item counts most (the noun right after it, 104个订单班, or right
    before it, 创设党组织104个); predicates bind the whole clause (…参与各类竞赛); nouns
    elsewhere in the sentence count a little.
    """
    tax = taxonomy()
    sc = tax.scoring
    # a neighbouring figure's own noun is not ours: 省劳模52人和市劳模200人
    left = text[max(item.start, prev_end) : start]
    right = text[end : min(item.end, next_start if next_start is not None else item.end)]
    right = CONJUNCTION_RE.split(right, maxsplit=1)[0]
    clause_text = text[clause.start : clause.end]
    sentence_text = text[sentence.start : sentence.end]
    item_text = left + right
    best: Classification | None = None
    for kw in tax.keywords:
        ind = tax.indicators[kw.indicator]
        if unit not in ind.units:
            continue
        if ind.blockers and any(b in item_text for b in ind.blockers):
            continue
        if ind.requires is not None and not ind.requires.search(sentence_text):
            continue
        score = 0.0
        matched = ""
        match_end_in_left = -1
        if kw.kind == "before":
            m = kw.pattern.search(left)
            if m:
                score, matched = kw.weight, m.group(0)
        else:
            for m in kw.pattern.finditer(left):
                proximity = 0.5 * (1 - min(len(left) - m.end(), 20) / 20)
                s = kw.weight * sc["item_factor"] + proximity + 0.02 * len(m.group(0))
                if s > score:
                    score, matched, match_end_in_left = s, m.group(0), m.start()
            for m in kw.pattern.finditer(right):
                proximity = 0.6 * (1 - min(m.start(), 20) / 20)
                s = kw.weight * sc["item_factor"] + proximity + 0.02 * len(m.group(0))
                if s > score:
                    score, matched, match_end_in_left = s, m.group(0), -1
            if score == 0.0:
                factor = 0.9 if kw.kind == "predicate" else sc["clause_factor"]
                for m in kw.pattern.finditer(clause_text):
                    if kw.kind == "predicate" and clause.start + m.start() < end:
                        continue  # a predicate follows the list it applies to
                    s = kw.weight * factor + 0.02 * len(m.group(0))
                    if s > score:
                        score, matched = s, m.group(0)
            if score == 0.0:
                factor = 0.3 if kw.kind == "predicate" else sc["sentence_factor"]
                m = kw.pattern.search(sentence_text)
                if m:
                    score, matched = kw.weight * factor + 0.02 * len(m.group(0)), m.group(0)
        if score and (best is None or score > best.score):
            label = ind.labels.get(matched, matched)
            if match_end_in_left >= 0:
                scope = tax.scope_re.search(left[:match_end_in_left])
                # 全市技术工人 is the city's total, not a 市级 category
                if scope and not left[: scope.start()].endswith("全") and not label.startswith(scope.group(1)):
                    label = scope.group(1) + label
            best = Classification(kw.indicator, label, score, matched)
    if best is None or best.score < sc["threshold"]:
        return Classification(OTHER, other_label(left, right), best.score if best else 0.0, "")
    return best


def other_label(left: str, right: str) -> str:
    """The counted noun for a figure no indicator claims: the words after it, else before it."""
    after = LABEL_STOP_RE.split(right, maxsplit=1)[0]
    after = LABEL_STRIP_RE.sub("", after)[:10]
    if len(after) >= 2:
        return after
    before = LEADING_VERB_RE.sub("", left)
    before = LABEL_STRIP_RE.sub("", before)[-10:]
    return before
