"""Which indicator a figure counts, and its label, from parsers/data/taxonomy.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Final, NamedTuple

from parsers.segments import BMP, SPACE_TABLE, Span

TAXONOMY_PATH: Final = Path(__file__).parent / "data" / "taxonomy.toml"
OTHER: Final = "other"


def _class_first(chars: str, words: tuple[str, ...], chars_first: bool = True) -> re.Pattern[str]:
    """The pattern `[chars]|word|word…` (or `word|…|[chars]`), written to start with one character class.

    A search for an alternation that holds a character class tries a match at every position; one that
    starts with a class skips to the next candidate in C. The first character is read by the class, and
    a look-behind at it picks up each alternative in the same order, so every match is the same.
    """
    firsts = "".join(dict.fromkeys(chars + "".join(w[0] for w in words)))
    char_alt = f"(?<=[{re.escape(chars)}])"
    word_alts = [f"(?<={re.escape(w[0])}){re.escape(w[1:])}" for w in words]
    alternatives = [char_alt, *word_alts] if chars_first else [*word_alts, char_alt]
    return re.compile(f"[{re.escape(firsts)}](?:{'|'.join(alternatives)})")


# After a figure, a conjunction starts the next conjunct: 省劳模52人和市劳模200人 (以及|[和及与])
CONJUNCTION_RE: Final = _class_first("和及与", ("以及",), chars_first=False)
LABEL_STRIP_RE: Final = re.compile(r"^[“”\"'《》()\[\]【】\s的和及与等各类]+|[“”\"'《》()\[\]【】\s的和及与等]+$")
LABEL_STOP_RE: Final = re.compile(r"[的,;。、:()]")
# Verbs and framings that open an item and are not part of the counted noun.
LEADING_VERB_RE: Final = re.compile(
    r"^(?:.*?(?:累计|先后|共|已|达到|达|新增|新建|新发展|发展|培育|选树|建成|创成|创建|成立|组建|开展|完成|实现|发放|拨付|"
    r"筹集|使用|投入|举办|组织|培训|帮助|推动|推选出|推选|评选出|选出|招募|遴选|确定了|确定|设立|建立|出台|调整|打造|命名|评选|"
    r"获得|荣获|取得|产生|提供|覆盖|录入|拿出|安排了|安排|涌现出|催生|吸纳|其中))"
)


@dataclass(frozen=True)
class Keyword:
    indicator: str
    pattern: re.Pattern[str]
    weight: float
    kind: str  # noun | predicate | before
    requires: re.Pattern[str] | None = None  # must occur in the sentence for this keyword to count

    @property
    def literal(self) -> str | None:
        """The pattern's text when it is a plain word (no match without it in the string), else None."""
        source = self.pattern.pattern
        return source if re.escape(source) == source else None


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    category: str
    units: frozenset[str]
    requires: re.Pattern[str] | None
    requires_before: re.Pattern[str] | None
    requires_scope: str  # sentence | window: where `requires` must occur
    blockers: tuple[str, ...]
    default_period: str
    labels: dict[str, str] = field(default_factory=dict)


class Scoring:
    """The taxonomy's [scoring] factors as typed fields. Compiled, this is a native class and arithmetic on its
    floats runs unboxed; a dict's values are objects, and each product or sum with one made a float object."""

    __slots__ = (
        "clause_factor",
        "item_factor",
        "predicate_clause_factor",
        "predicate_sentence_factor",
        "selection_sentence_factor",
        "sentence_factor",
        "strong",
        "threshold",
        "topic_factor",
    )

    def __init__(self, scoring: dict) -> None:
        # (float() of the TOML's floats is the same value; an integer written there compares and multiplies
        # as its float does)
        self.item_factor: float = float(scoring["item_factor"])
        self.clause_factor: float = float(scoring["clause_factor"])
        self.sentence_factor: float = float(scoring["sentence_factor"])
        self.predicate_clause_factor: float = float(scoring["predicate_clause_factor"])
        self.predicate_sentence_factor: float = float(scoring["predicate_sentence_factor"])
        self.selection_sentence_factor: float = float(scoring["selection_sentence_factor"])
        self.strong: float = float(scoring["strong"])
        self.threshold: float = float(scoring["threshold"])
        self.topic_factor: float = float(scoring["topic_factor"])


@dataclass(frozen=True)
class Taxonomy:
    indicators: dict[str, Indicator]
    keywords: tuple[Keyword, ...]
    scoring: dict
    # scope words (市级, 全国), longest first: the one a label's left part ends with is put before the label
    scope_words: tuple[str, ...]
    scope_by_last: dict[str, tuple[str, ...]]  # last character -> the scope words ending with it, longest first
    literal_ids: dict[str, tuple[int, ...]]  # literal keyword text -> ids of the keywords that are that text
    literal_by_first: dict[str, tuple[str, ...]]  # first character -> literal keywords starting with it
    literal_first_chars: frozenset[str]  # the keys of literal_by_first
    # pattern keywords with what must occur in a sentence for them to match in it (None: always scored)
    regex_presence: tuple[tuple[int, re.Pattern[str] | None], ...]
    # per keyword id, patterns the whole sentence must match for classify not to skip the keyword
    sentence_gates: tuple[tuple[re.Pattern[str], ...], ...]
    keyword_units: tuple[frozenset[str], ...]  # per keyword id, the units its indicator counts in
    keyword_literals: tuple[str | None, ...]  # per keyword id, Keyword.literal
    factors: Scoring  # `scoring`'s numbers, typed

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
            requires_before=re.compile(entry["requires_before"]) if entry.get("requires_before") else None,
            requires_scope=entry.get("requires_scope", "sentence"),
            blockers=tuple(entry.get("blockers", [])),
            default_period=entry.get("default_period", ""),
            labels=entry.get("label", {}),
        )
        indicators[ind.id] = ind
        for word in entry.get("strong", []):
            keywords.append(Keyword(ind.id, re.compile(word), scoring["strong"], "noun"))
        for word in entry.get("weak", []):
            keywords.append(Keyword(ind.id, re.compile(word), scoring["weak"], "noun"))
        for item in entry.get("contextual", []):
            # a word that names this indicator only in the right company: 补贴 beside 培训
            keywords.append(
                Keyword(
                    ind.id,
                    re.compile(item["word"]),
                    float(item.get("weight", scoring["contextual"])),
                    "noun",
                    re.compile(item["requires"]),
                )
            )
        for word in entry.get("predicates", []):
            keywords.append(Keyword(ind.id, re.compile(word), scoring["predicate"], "predicate"))
        for word in entry.get("before", []):
            keywords.append(Keyword(ind.id, re.compile(re.escape(word) + "$"), scoring["strong"], "before"))
    scope_words = tuple(sorted(scoring["scope_words"], key=len, reverse=True))
    if any("\n" in word or not word for word in scope_words):
        raise ValueError("taxonomy scope_words: a scope word is a word, with no line break")
    literal_ids: dict[str, list[int]] = {}
    regex_presence: list[tuple[int, re.Pattern[str] | None]] = []
    for i, kw in enumerate(keywords):
        source = kw.pattern.pattern
        if kw.kind != "before" and kw.requires is None and re.escape(source) == source:
            literal_ids.setdefault(source, []).append(i)
        else:
            regex_presence.append((i, _presence(kw.pattern)))
    by_first: dict[str, list[str]] = {}
    for word in literal_ids:
        by_first.setdefault(word[0], []).append(word)
    return Taxonomy(
        indicators,
        tuple(keywords),
        scoring,
        scope_words,
        {last: tuple(w for w in scope_words if w[-1] == last) for last in dict.fromkeys(w[-1] for w in scope_words)},
        {w: tuple(ids) for w, ids in literal_ids.items()},
        {c: tuple(ws) for c, ws in by_first.items()},
        frozenset(by_first),
        tuple(regex_presence),
        tuple(_sentence_gates(kw, indicators[kw.indicator]) for kw in keywords),
        tuple(indicators[kw.indicator].units for kw in keywords),
        tuple(kw.literal for kw in keywords),
        Scoring(scoring),
    )


# What makes a pattern's match depend on where its subject string ends: anchors and lookarounds.
_BOUNDARY_SENSITIVE_RE: Final = re.compile(r"[$^]|\\[bBAZ]|\(\?[=!<]")
_TRAILING_LOOKAHEAD_RE: Final = re.compile(r"\(\?=(?:\[[^\]]*\]|[^()\[\]])*\)$")  # (?=[,;。、)]|$) at the end


def _in_sentence(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """`pattern` when a match in any part of a sentence is also a match in the whole sentence, else None."""
    return None if _BOUNDARY_SENSITIVE_RE.search(pattern.pattern) else pattern


def _presence(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A pattern that matches a sentence whenever `pattern` matches any part of it (参赛 for 参赛(?=[,;。、]|$)),
    or None when there is none to be had."""
    source = _TRAILING_LOOKAHEAD_RE.sub("", pattern.pattern)  # a trailing lookahead only narrows
    return _in_sentence(re.compile(source)) if source else None


def _sentence_gates(kw: Keyword, ind: Indicator) -> tuple[re.Pattern[str], ...]:
    """Patterns a sentence must match for classify to score `kw` for a figure in it: the tests classify
    makes on the sentence itself, and those on its parts (window, left) that a sentence test implies."""
    gates: list[re.Pattern[str] | None] = []
    if ind.requires is not None:
        gates.append(ind.requires if ind.requires_scope != "window" else _in_sentence(ind.requires))
    if ind.requires_before is not None:
        gates.append(_in_sentence(ind.requires_before))
    if kw.requires is not None:
        gates.append(_in_sentence(kw.requires))
    return tuple(g for g in gates if g is not None)


class Classification(NamedTuple):
    """What a figure counts (a tuple: one is made per figure, with _new as parsers.segments makes a Span)."""

    indicator: str
    label: str
    score: float
    keyword: str


_new: Final = tuple.__new__


# The counted noun after a figure (104个订单班, 4200多名农民工…) ends at a particle, a
# punctuation mark or a verb; only keywords inside it describe what is counted.
NP_STOP_RE: Final = _class_first(
    "的,;。、:()“”《》",
    (
        *("实现", "参与", "参加", "获得", "获评", "取得", "通过", "进行", "开展", "加入", "入会", "组成", "参赛"),
        *("提供", "成为", "列入", "入选", "展示", "亮相", "成功", "现场", "完成", "达到", "被", "享受", "受益"),
        *("签订", "覆盖", "分别", "均", "共", "累计", "协调", "解决", "摘", "走进", "在", "为", "于", "中"),
        *("增加", "增长", "提高", "提升", "减少", "下降", "降低"),  # 由80万人增加到120万人
    ),
)
MAX_NP_CHARS: Final = 16
ASIDE_RE: Final = re.compile(r"\((?:其中|含|包括)")
# Nouns that hold a one-character stop of NP_STOP_RE (3个公共实训基地, 12个职工服务中心, 300家中小企业,
# 在岗职工): the noun goes on through them.
NP_COMPOUNDS: Final = tuple(
    "公共 中心 中小 中央 中外 中资 中级 中国 中华 中医 中职 中专 中介 在岗 在职 在线 在校 在编 为民 均衡".split()
)
_NP_COMPOUND_STOPS: Final = frozenset(ch for w in NP_COMPOUNDS for ch in w if NP_STOP_RE.fullmatch(ch))


def _np_stop(right: str, pos: int = 0) -> re.Match[str] | None:
    """NP_STOP_RE.search(right, pos), passing over a one-character stop inside one of NP_COMPOUNDS."""
    stop = NP_STOP_RE.search(right, pos)
    while stop is not None and stop.group() in _NP_COMPOUND_STOPS:
        at = stop.start()
        ch = stop.group()
        if not any(at >= w.index(ch) and right.startswith(w, at - w.index(ch)) for w in NP_COMPOUNDS if ch in w):
            break
        stop = NP_STOP_RE.search(right, stop.end())
    return stop


# 鹏鼎学院等近20个产业学院: what comes before 等 are examples, not the counted thing.
EXAMPLES_END_RE: Final = re.compile(r"^.*等(?![级次于待同额候])(?:等)?")  # not 等级, 等次, 等于
# words that state a level or a total but name nothing: 累计达到173个, 总数达到1015个
MARKERS_ONLY_RE: Final = re.compile(
    r"^(?:(?:全市|全区|全县|全省|全年|今年|去年|当年|本年|上半年|下半年|年内|年底|年末|\d{4}年(?:底|末)?|"
    r"目前|截至目前|现|已|共|共计|总计|累计|总数|总量|规模|人数|数量|分别|均|"
    r"达到|达|为|增至|增加|增长|新增|超过|突破|扩大|升至|约|有|"
    r"提高|提升|减少|下降|降低|到|至|的|比\d{4}年|比上年末|比上年底|比上年|比上届|较上年末|较上年|同比)\s*)+$"
)
# a clause that only links its figure to the previous clause's topic: 达到12.6万人, 总数突破300家
TOPIC_LINK_RE: Final = re.compile(
    r"\s*(?:(?:总数|总量|规模|人数|数量|累计|共计|总计|已|均|分别|目前|现)\s*)*"
    r"(?:(?:达到|达|增至|增加到|增长到|增长至|提高到|提高至|提升到|提升至|扩大到|扩大至|突破|超过|升至|为)\s*"
    r"|(?:约)?占(?:到)?[\u4e00-\u9fff]{1,10}?(?:的|比重|比例)?(?:为|达|达到)?\s*)"
)
CLAUSE_DELIMITERS: Final = frozenset("，,；;：:")
# a share of a whole, its subject in the clause before: (一线职工38.6万人,)占职工总数的72.3%
SHARE_OF: Final = ("占", "约占")
SHARE_OF_RE: Final = re.compile(r"(?:约)?占(?:到)?[\u4e00-\u9fff]{1,10}?(?:的|比重|比例)?(?:为|达|达到)?")
SUBJECT_HAS_RE: Final = re.compile(r"[\u4e00-\u9fff]{1,6}(?:有|共有|已有)")


def _subject_has(left: str) -> bool:
    """SUBJECT_HAS_RE.fullmatch(left), tried only on 2 to 8 characters ending with 有."""
    return 2 <= len(left) <= 8 and left.endswith("有") and SUBJECT_HAS_RE.fullmatch(left) is not None


# 株洲有5人入选: the words right after a figure (blanks aside) that select it into a named category
GRANT_BEFORE: Final = ("授予", "授予了")
SELECTION_AFTER: Final = ("入选", "获评", "当选", "被评为", "被命名为", "荣获", "获得", "获")
# 省级以上…工作室46家,市级156家: a level word alone continues the previous figure's noun
LEADING_SCOPE_RE: Final = re.compile(r"^(?:全国|国家级|省部级|省级|市级|县级|区级|省|市|县|区)(?:以上)?")
QUOTED_RE: Final = re.compile(r"“([^”]{2,12})”|「([^」]{2,12})」")
# A left part that is a level alone (其中 aside): 省级以上, 市级. A set of the strings, as every one is a
# whole left part (stripped: no line break at its end for a regex's $ to stand before)
_SCOPE_LEVELS: Final = (
    *("全国", "国家级", "省部级", "省级", "自治区级", "市级", "州级", "盟级", "地级"),
    *("县级", "区级", "旗级", "县区级", "镇级", "乡镇级", "企业级", "校级"),
)
SCOPE_ONLY: Final = frozenset(level + tail for level in _SCOPE_LEVELS for tail in ("", "以上", "以下"))


class Context:
    """The text around one figure, cut to what can describe it.

    left, right, noun_after and events are read for every keyword scored; the clause, the sentence
    and the window are cut from the text only when a keyword reaches them (most figures are settled
    by their own item), and `*_start`/`*_end` keep their offsets for substring tests without a copy.
    The cut parts and the two tests are computed on first use and kept (plain fields and properties,
    not a caching descriptor: the compiled build turns this into a native class without a __dict__).
    """

    def __init__(
        self, text: str, left: str, right: str, noun_after: str, start: int, end: int, clause: Span, sentence: Span
    ) -> None:
        self.text = text
        self.left = left  # the figure's list item before it, after any 'X等' examples and the previous figure
        self.right = right  # the item after it, up to the next figure
        self.noun_after = noun_after  # the counted noun right after the unit (may be empty)
        self.start, self.end = start, end
        self.clause_start, self.clause_end = clause.start, clause.end
        self.sentence_start, self.sentence_end = sentence.start, sentence.end
        self.clause_offset_of_end = end - clause.start  # where the figure ends, relative to the clause start
        # counted in 次/场: the verb phrase after it names the event. text[start:end].rstrip()[-1:] in ("次", "场"),
        # read at the figure's last character unless that is whitespace (a figure ends with its unit)
        last = ord(text[end - 1]) if end > start else 32
        if last < BMP and not SPACE_TABLE[last]:
            self.events = last == 0x6B21 or last == 0x573A  # 次, 场
        else:
            self.events = text[start:end].rstrip()[-1:] in ("次", "场")
        self._clause: str | None = None
        self._sentence: str | None = None
        self._window: str | None = None
        self._has_own_noun: bool | None = None
        self._selected: bool | None = None
        self._topic_start = -2  # not yet read

    @property
    def topic_start(self) -> int:
        """Where the clause before the figure's own starts, when the figure's clause names nothing before it
        (高技能人才总量稳步增长，达到12.6万人: the previous clause is its topic); -1 otherwise."""
        if self._topic_start == -2:
            self._topic_start = -1
            text, clause_start = self.text, self.clause_start
            if clause_start > self.sentence_start and TOPIC_LINK_RE.fullmatch(text, clause_start, self.start):
                before = clause_start - 1  # the previous clause ends at the delimiter before this one
                while before > self.sentence_start and text[before - 1] not in CLAUSE_DELIMITERS:
                    before -= 1
                if before < clause_start - 1:
                    self._topic_start = before
        return self._topic_start

    @property
    def clause(self) -> str:
        if self._clause is None:
            self._clause = self.text[self.clause_start : self.clause_end]
        return self._clause

    @property
    def sentence(self) -> str:
        if self._sentence is None:
            self._sentence = self.text[self.sentence_start : self.sentence_end]
        return self._sentence

    @property
    def clause_left(self) -> str:
        """The clause before the figure (read once per figure at most: not kept)."""
        return self.text[self.clause_start : self.start]

    @property
    def window(self) -> str:
        """40 characters before the figure through 10 after (for contextual keywords)."""
        if self._window is None:
            self._window = self.text[max(self.sentence_start, self.start - 40) : min(self.sentence_end, self.end + 10)]
        return self._window

    @property
    def has_own_noun(self) -> bool:
        if self._has_own_noun is None:
            self._has_own_noun = self._own_noun()
        return self._has_own_noun

    def _own_noun(self) -> bool:
        if len(self.noun_after) >= 2:
            return True
        left = MARKERS_ONLY_RE.sub("", self.left.strip())
        if left.startswith(SHARE_OF) and SHARE_OF_RE.fullmatch(left):
            return False  # 占职工总数的72.3%: the whole it is a share of, not what it counts
        if _subject_has(left):
            return False  # 株洲有5人: a subject, not what is counted
        # two Han characters ([\u4e00-\u9fff]), counted up to the second (was a regex removing the others)
        han = 0
        for ch in left:
            if "\u4e00" <= ch <= "\u9fff":
                han += 1
                if han == 2:
                    return True
        return False

    @property
    def selected(self) -> bool:
        """株洲有5人入选, 全市有11人获评全国劳模: the category is named elsewhere in the sentence."""
        if self._selected is None:
            # (str.lstrip drops what \s matches: both test str.isspace)
            self._selected = (
                self.right.lstrip().startswith(SELECTION_AFTER)
                or _subject_has(self.left.strip())
                or (self.left.rstrip().endswith(GRANT_BEFORE) and "称号" in self.right)
            )  # (授予300名同志“市劳动模范”称号: the title after names what they are)
        return self._selected


def context_of(
    text: str, start: int, end: int, item: Span, clause: Span, sentence: Span, prev_end: int, next_start: int | None
) -> Context:
    left = text[max(item.start, prev_end) : start]
    if prev_end > item.start:
        left = CONJUNCTION_RE.split(left)[-1]  # 10项创新成果和1个…: before 和 is the previous figure's noun
    if "等" in left:  # (EXAMPLES_END_RE needs one)
        left = EXAMPLES_END_RE.sub("", left)
    item_end = min(item.end, next_start) if next_start is not None else item.end
    right = text[end:item_end]
    if "(" in right:
        # 职工书屋326家(其中省级示范点42家): an aside in brackets after the figure counts its part, not it
        aside = ASIDE_RE.search(right)
        if aside is not None:
            right = right[: aside.start()]
    if next_start is not None and next_start <= item.end:
        # 省劳模52人和市劳模200人: after a conjunction starts the next figure's own noun
        right = CONJUNCTION_RE.split(right, maxsplit=1)[0]
    # 40个项目的技能大赛, 价值10.5万元的关爱服务礼包: the noun may follow a 的 (the first stop is one
    # character when it is 的: the character class comes first in NP_STOP_RE)
    stop = _np_stop(right)
    if stop is None:
        noun_after = right
    elif stop.group() == "的":
        after = _np_stop(right, stop.end())
        tail = right[stop.end() : after.start()] if after is not None else right[stop.end() :]
        noun_after = (right[: stop.start()] + "的" + tail) if stop.start() else tail
    else:
        noun_after = right[: stop.start()]
    noun_after = noun_after[:MAX_NP_CHARS]
    if noun_after[:1] in ("以", "左", "上", "余", "多"):
        noun_after = ""  # 60%以上, 1万人左右: a qualifier, not a noun
    return Context(text, left, right, noun_after, start, end, clause, sentence)


def _score_keyword(kw: Keyword, ctx: Context, sc: Scoring, literal: str | None = None) -> tuple[float, str, int]:
    """(score, matched text, position of the match in ctx.left or -1) for one keyword.

    `literal` is kw.literal when known: a part without that word cannot match, and a substring test
    is cheaper than starting a regex scan that finds nothing.
    """
    if kw.kind == "before":
        m = kw.pattern.search(ctx.left)
        return (kw.weight, m.group(0), -1) if m else (0.0, "", -1)
    best = (0.0, "", -1)
    if kw.kind == "predicate":
        # a predicate after the figure applies to what it counts: 4200多名农民工…实现学历提升
        for m in kw.pattern.finditer(ctx.right) if literal is None or literal in ctx.right else ():
            s = kw.weight + 0.6 * (1 - min(m.start(), 20) / 20) + 0.02 * len(m.group(0))
            if s > best[0]:
                best = (s, m.group(0), -1)
    else:
        if ctx.events or ctx.selected:
            # 两次举办“昆山工匠”技能大赛, 3人获评全国劳动模范: what follows names the thing
            for m in kw.pattern.finditer(ctx.right) if literal is None or literal in ctx.right else ():
                s = kw.weight * sc.item_factor + 0.4 * (1 - min(m.start(), 20) / 20) + 0.02 * len(m.group(0))
                if s > best[0]:
                    best = (s, m.group(0), -1)
        for m in kw.pattern.finditer(ctx.noun_after) if literal is None or literal in ctx.noun_after else ():
            s = kw.weight * sc.item_factor + 0.6 * (1 - min(m.start(), 20) / 20) + 0.02 * len(m.group(0))
            if s > best[0]:
                best = (s, m.group(0), -1)
    for m in kw.pattern.finditer(ctx.left) if literal is None or literal in ctx.left else ():
        distance = len(ctx.left) - m.end()
        if ctx.noun_after and kw.kind == "noun" and distance > 2:
            continue  # 技工院校教师8个职称系列: the noun after the figure is what is counted
        s = kw.weight * sc.item_factor + 0.5 * (1 - min(distance, 20) / 20) + 0.02 * len(m.group(0))
        if s > best[0]:
            best = (s, m.group(0), m.start())
    if best[0] or (ctx.has_own_noun and kw.kind == "noun"):
        return best
    # no word of its own in the item: the clause (a verb after the list), then the sentence
    factor = sc.predicate_clause_factor if kw.kind == "predicate" else sc.clause_factor
    for m in kw.pattern.finditer(ctx.clause) if literal is None or literal in ctx.clause else ():
        if kw.kind == "predicate" and m.start() < ctx.clause_offset_of_end:
            continue  # a predicate follows the list it applies to
        s = kw.weight * factor + 0.02 * len(m.group(0))
        if s > best[0]:
            best = (s, m.group(0), -1)
    if best[0]:
        return best
    topic = ctx.topic_start
    if topic >= 0 and kw.kind != "predicate":
        m = kw.pattern.search(ctx.text, topic, ctx.clause_start)
        if m:
            return (kw.weight * sc.topic_factor + 0.02 * len(m.group(0)), m.group(0), -1)
    m = kw.pattern.search(ctx.sentence)
    if m:
        factor = sc.predicate_sentence_factor if kw.kind == "predicate" else sc.sentence_factor
        if ctx.selected:
            factor = sc.selection_sentence_factor
        return (kw.weight * factor + 0.02 * len(m.group(0)), m.group(0), -1)
    return best


def _score_word(kw: Keyword, word: str, ctx: Context, sc: Scoring) -> tuple[float, str, int]:
    """_score_keyword for a keyword that is a plain word which cannot overlap itself (every literal
    keyword of the taxonomy, checked in _plans): the same scores from str.find instead of regex scans.

    A word's matches are then all its occurrences. Along the right and the noun, a score falls with
    the match's start and ties keep the first, so the first occurrence decides; along the left it
    rises towards the figure, so the last occurrence decides, or the first when even the last is 20 or
    more characters away (all tie then). Clause and sentence scores do not depend on where it occurs.
    """
    weight, n = kw.weight, len(word)
    predicate = kw.kind == "predicate"
    score, left_pos = 0.0, -1
    if predicate:
        # a predicate after the figure applies to what it counts: 4200多名农民工…实现学历提升
        i = ctx.right.find(word)
        if i != -1:
            s = weight + 0.6 * (1 - min(i, 20) / 20) + 0.02 * n
            if s > score:  # (max(score, s), without a call to the builtin)
                score = s
    else:
        if ctx.events or ctx.selected:
            # 两次举办“昆山工匠”技能大赛, 3人获评全国劳动模范: what follows names the thing
            i = ctx.right.find(word)
            if i != -1:
                s = weight * sc.item_factor + 0.4 * (1 - min(i, 20) / 20) + 0.02 * n
                if s > score:
                    score = s
        i = ctx.noun_after.find(word)
        if i != -1:
            s = weight * sc.item_factor + 0.6 * (1 - min(i, 20) / 20) + 0.02 * n
            if s > score:
                score = s
    left = ctx.left
    j = left.rfind(word)
    if j != -1:
        distance = len(left) - (j + n)
        if not predicate and ctx.noun_after and distance > 2:
            j = -1  # 技工院校教师8个职称系列: the noun after the figure is what is counted
        elif distance >= 20:
            j = left.find(word)
            distance = len(left) - (j + n)
        if j != -1:
            s = weight * sc.item_factor + 0.5 * (1 - min(distance, 20) / 20) + 0.02 * n
            if s > score:
                score, left_pos = s, j
    if score:
        return score, word, left_pos
    if not predicate and ctx.has_own_noun:
        return 0.0, "", -1
    # no word of its own in the item: the clause (a verb after the list), then the sentence
    text = ctx.text
    if predicate:  # a predicate follows the list it applies to
        in_clause = text.find(word, max(ctx.end, ctx.clause_start), ctx.clause_end) != -1
        s = weight * sc.predicate_clause_factor + 0.02 * n
    else:
        in_clause = text.find(word, ctx.clause_start, ctx.clause_end) != -1
        s = weight * sc.clause_factor + 0.02 * n
    if in_clause and s > 0.0:
        return s, word, -1
    topic = ctx.topic_start
    if topic >= 0 and not predicate and text.find(word, topic, ctx.clause_start) != -1:
        return weight * sc.topic_factor + 0.02 * n, word, -1
    if text.find(word, ctx.sentence_start, ctx.sentence_end) != -1:
        factor = sc.predicate_sentence_factor if predicate else sc.sentence_factor
        if ctx.selected:
            factor = sc.selection_sentence_factor
        return weight * factor + 0.02 * n, word, -1
    return 0.0, "", -1


@cache
def _plans() -> tuple[tuple[Keyword, Indicator, str | None], ...]:
    """Per keyword id: the keyword, its indicator, and its word when _score_word can score it."""
    tax = taxonomy()
    plans = []
    for kw, literal in zip(tax.keywords, tax.keyword_literals, strict=True):
        overlaps = literal is not None and any(literal[:k] == literal[-k:] for k in range(1, len(literal)))
        fast = literal is not None and not overlaps and kw.kind in ("noun", "predicate")
        plans.append((kw, tax.indicators[kw.indicator], literal if fast else None))
    return tuple(plans)


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
    previous: Classification | None = None,
    candidates: list[int] | None = None,
) -> Classification:
    """Score every indicator whose units allow `unit` by its keywords around the figure.

    The figure's own list item counts most: the counted noun right after it (104个订单班) or the
    words right before it (创设党组织104个); predicates after it (…实现学历提升, …参与各类竞赛)
    outrank nouns; the clause and the sentence count only when the item has no noun of its own.
    """
    tax = taxonomy()
    sc = tax.factors
    plans = _plans()
    ctx = context_of(text, start, end, item, clause, sentence, prev_end, next_start)
    item_text: str | None = None
    best_score = 0.0
    best: tuple[Indicator, str, int] | None = None  # indicator, matched text, left position
    keyword_ids = candidates if candidates is not None else range(len(tax.keywords))
    for kw_id in keyword_ids:
        kw, ind, word = plans[kw_id]
        if unit not in ind.units:
            continue
        if ind.blockers:
            if item_text is None:
                item_text = ctx.left + ctx.right
            if any(b in item_text for b in ind.blockers):
                continue
        if ind.requires is not None and not ind.requires.search(
            ctx.window if ind.requires_scope == "window" else ctx.sentence
        ):
            continue
        if ind.requires_before is not None and not ind.requires_before.search(ctx.left):
            continue
        if kw.requires is not None and not kw.requires.search(ctx.window):
            continue
        if word is not None:
            score, matched, left_pos = _score_word(kw, word, ctx, sc)
        else:
            score, matched, left_pos = _score_keyword(kw, ctx, sc, tax.keyword_literals[kw_id])
        if score and (best is None or score > best_score):
            best_score, best = score, (ind, matched, left_pos)
    best_class = None if best is None else _labelled(best[0], best[1], best[2], best_score, ctx, tax)
    if (
        previous is not None
        and previous.indicator != OTHER
        and not ctx.noun_after
        and _scope_only(ctx.left.strip())
        and unit in tax.units_of(previous.indicator)
    ):
        scope = ctx.left.strip()
        base = LEADING_SCOPE_RE.sub("", previous.label) if previous.label else previous.keyword
        label = scope + (base or previous.keyword)
        return _new(Classification, (previous.indicator, label, previous.score, previous.keyword))
    if previous is not None and previous.indicator != OTHER and unit in tax.units_of(previous.indicator):
        # (inheritable: the previous figure's indicator counts in this unit)
        if not ctx.has_own_noun and (best_class is None or best_class.score < sc.strong):
            # 新命名…创新工作室26个,累计达到173个 / 总数达到1015个: a total with no noun of its own
            return _new(Classification, (previous.indicator, previous.label, previous.score, previous.keyword))
        if _subtotal(ctx.clause_left) and (best_class is None or best_class.score < sc.strong):
            # 其中一线职工24名: a sub-total counts what its total counts
            label = other_label(ctx.left, ctx.noun_after) or previous.label
            return _new(Classification, (previous.indicator, label, 0.0, ""))
    if best_class is None or best_class.score < sc.threshold:
        score = best_class.score if best_class else 0.0
        return _new(Classification, (OTHER, other_label(ctx.left, ctx.noun_after), score, ""))
    return best_class


def _labelled(ind: Indicator, matched: str, left_pos: int, score: float, ctx: Context, tax: Taxonomy) -> Classification:
    """The winning keyword's classification: its canonical label, a quoted title around it, a scope word before it."""
    label = ind.labels.get(matched, matched)
    quoted = _quoted_name_with(matched, ctx)
    if quoted:
        label = quoted  # “无锡工匠” vs “无锡大工匠”: a named title keeps series apart
    if left_pos >= 0:
        scope = _scope_suffix(ctx.left[:left_pos], tax.scope_by_last)
        # 全市技术工人 is the city's total, not a 市级 category
        if scope is not None and not ctx.left[: scope[0]].endswith("全") and not label.startswith(scope[1]):
            label = scope[1] + label
    return _new(Classification, (ind.id, label, score, matched))


def _scope_suffix(left: str, by_last: dict[str, tuple[str, ...]]) -> tuple[int, str] | None:
    """(start, word) of the scope word `left` ends with (before a final line break), the longest: what a
    search for (word|word…)$ with the words longest first finds (the leftmost match, and every match ends
    where $ stands), by endswith instead of a regex search that tries every position. `by_last`: the words
    by their last character, longest first (Taxonomy.scope_by_last)."""
    end = len(left) - 1 if left.endswith("\n") else len(left)
    words = by_last.get(left[end - 1 : end])
    if words is None:
        return None  # (most lefts)
    for word in words:
        if left.endswith(word, 0, end):
            return end - len(word), word
    return None


def _scope_only(left: str) -> bool:
    """The stripped left part is a level word alone, after a leading 其中 (其中省级: a part of the total)."""
    return (left[2:] if left.startswith("其中") else left) in SCOPE_ONLY


def _subtotal(clause_left: str) -> bool:
    """其中 or 含 before the figure in its clause: a sub-total."""
    return "其中" in clause_left or "含" in clause_left


def _quoted_name_with(word: str, ctx: Context) -> str:
    """The quoted title containing the matched keyword, if the figure's own item quotes one."""
    for part in (ctx.left, ctx.noun_after):
        if "“" not in part and "「" not in part:
            continue  # (QUOTED_RE needs an opening mark)
        for m in QUOTED_RE.finditer(part):
            name = m.group(1) or m.group(2)
            if word and word in name:
                return name
    return ""


def other_label(left: str, right: str) -> str:
    """The counted noun for a figure no indicator claims: the words after it, else before it."""
    after = LABEL_STOP_RE.split(right, maxsplit=1)[0]
    after = LABEL_STRIP_RE.sub("", after)[:10]
    if len(after) >= 2:
        return after
    before = LEADING_VERB_RE.sub("", left)
    before = LABEL_STRIP_RE.sub("", before)[-10:]
    return before
