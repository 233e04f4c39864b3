"""to_simplified, which gives OpenCC only the lines it can change, against OpenCC's t2s on the whole text:
the table of what t2s can change (parsers/data/t2s_changes.txt) against the installed OpenCC's
dictionaries, every dictionary key in context, random strings of traditional characters, witnesses and
their neighbours, and the synthetic reports."""

from __future__ import annotations

import importlib.util
import random
from functools import cache
from pathlib import Path

import opencc
import pytest

from benchmarks.bench_extract import prepare
from benchmarks.synth import generate
from parsers import normalize

ROOT = Path(__file__).resolve().parent.parent


@cache
def _builder():
    spec = importlib.util.spec_from_file_location("build_t2s_changes", ROOT / "scripts" / "build_t2s_changes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _entries() -> list[tuple[str, str]]:
    return _builder().all_entries()


def _whole(text: str) -> str:
    return normalize._t2s().convert(text)


def test_changes_file_is_made_from_the_installed_opencc() -> None:
    """The committed table is what scripts/build_t2s_changes.py makes from this OpenCC's t2s dictionaries
    (after an OpenCC upgrade: rerun the script; until then to_simplified sends every text to OpenCC)."""
    made_from = next(
        line.split(" ", 1)[1]
        for line in normalize.T2S_CHANGES_PATH.read_text(encoding="utf-8").splitlines()
        if line.startswith("version ")
    )
    if made_from != opencc.__version__:
        assert normalize._t2s_changes()[0] is None  # the table is not used: every text goes to OpenCC whole
        pytest.skip(f"table made from OpenCC {made_from}, {opencc.__version__} installed: rerun the script")
    assert normalize.T2S_CHANGES_PATH.read_text(encoding="utf-8") == _builder().current_text()
    pattern, witnesses, _ = normalize._t2s_changes()
    assert pattern is not None and set(witnesses) >= {"覆", "沈", "藉"}


def test_the_dictionaries_read_are_the_configurations() -> None:
    """The normalization dictionary and the conversion group, as t2s.json lists them; no key and no value
    holds a line break (to_simplified converts line by line) and each dictionary has entries."""
    assert _builder().dictionary_files() == [
        "CJK_Compatibility_Ideographs.ocd2",
        "TSPhrases.ocd2",
        "TSCharactersExt.ocd2",
        "TSCharacters.ocd2",
    ]
    for name in _builder().dictionary_files():
        entries = _builder().dictionary_entries(name)
        assert len(entries) > 400, name
        assert not any("\n" in key or "\n" in value for key, value in entries)


def test_every_dictionary_key_converts_as_opencc_converts_it_in_context() -> None:
    """Each key of every t2s dictionary, alone, between simplified text, after a witness's neighbour,
    and on a line of its own among simplified lines: the same text as OpenCC's conversion of the whole."""
    contexts = ["{}", "发展{}工作", "回{}盖", "\n职工{}\n", "全覆盖\n{}思\n覆盖率", "{}{}"]
    changed = 0
    for key, _ in _entries():
        for context in contexts:
            text = context.format(key, key)
            assert normalize.to_simplified(text) == _whole(text), text
        changed += _whole(key) != key
    assert changed > 5000


_SIMPLIFIED = list(
    "的一是在了不和有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处理府研质"
)
_TRADITIONAL = list("發產會業職動勞級黨學組務導線個區織進實總隊設點創體強來領為對經與開關應資們當這並從說過還")
_WITNESSES = list("覆沈藉瞭坏哩甦衹")
_NEIGHBOURS = list("回答批重反拜函明申示信呈命墓按文校思浸默醉重下船香降陷盖率全面")
_OTHER = ["\n", "\n", " ", ",", "。", "2023", "%", "𠁞", "𠀀", "𪚥", "乾隆", "慰藉", "覆盖", "回覆", "沈思", "深沈"]


def _random_text(rng: random.Random, traditional: float) -> str:
    pieces = []
    for _ in range(rng.randint(1, 120)):
        r = rng.random()
        if r < traditional:
            pieces.append(rng.choice(_TRADITIONAL))
        elif r < traditional + 0.1:
            pieces.append(rng.choice(_WITNESSES))
        elif r < traditional + 0.25:
            pieces.append(rng.choice(_NEIGHBOURS))
        elif r < traditional + 0.4:
            pieces.append(rng.choice(_OTHER))
        else:
            pieces.append(rng.choice(_SIMPLIFIED))
    return "".join(pieces)


def test_random_texts_convert_as_opencc_converts_the_whole() -> None:
    """Mostly simplified texts with witnesses (覆 alone and in 回覆), their neighbours, characters beyond
    the BMP (changing and not), a few traditional characters or many (the whole-text path)."""
    rng = random.Random(8)
    unchanged_witness = changed_witness = 0
    for i in range(3000):
        text = _random_text(rng, traditional=(0.0, 0.01, 0.05, 0.5)[i % 4])
        expected = _whole(text)
        assert normalize.to_simplified(text) == expected, text
        unchanged_witness += expected == text and any(ch in text for ch in _WITNESSES)
        changed_witness += expected != text and any(w in text for w in ("回覆", "深沈", "沈思"))
    # both kinds were tried: witnesses OpenCC leaves alone (覆盖), and phrases it changes (回覆 -> 回复)
    assert unchanged_witness > 200 and changed_witness > 200


def test_synthetic_reports_convert_as_opencc_converts_the_whole() -> None:
    lines = changed_lines = 0
    for report in generate(3, 120):
        text = normalize.remove_pinyin_annotations(normalize.to_nfkc(prepare(report).raw_text))
        expected = _whole(text)
        assert normalize.to_simplified(text) == expected, report.name
        lines += text.count("\n") + 1
        changed_lines += sum(a != b for a, b in zip(text.split("\n"), expected.split("\n"), strict=True))
    assert 0 < changed_lines < lines / 2


def test_lone_surrogates_fail_as_in_opencc() -> None:
    for text in ["职工\ud800", "發展\n\udfff覆盖"]:
        with pytest.raises(UnicodeEncodeError) as whole:
            _whole(text)
        with pytest.raises(UnicodeEncodeError) as ours:
            normalize.to_simplified(text)
        assert str(ours.value) == str(whole.value)


def test_another_opencc_version_converts_every_text_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table holds for the OpenCC it was made from; with any other version nothing is passed over."""
    monkeypatch.setattr(opencc, "__version__", "0.0.0")
    normalize._t2s_changes.cache_clear()
    try:
        assert normalize._t2s_changes()[0] is None
        for text in ["发展", "發展\n回覆\n覆盖"]:
            assert normalize.to_simplified(text) == _whole(text)
    finally:
        monkeypatch.undo()
        normalize._t2s_changes.cache_clear()
    assert normalize._t2s_changes()[0] is not None
