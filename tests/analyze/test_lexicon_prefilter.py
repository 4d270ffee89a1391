"""The one-scan lexicon prefilter must skip only regex runs that would find nothing.

Why these tests: the prefilter exists for speed, so a bug in it would not crash - it would silently
drop lexicon hits and change verdicts. Each test compares it with the plain, slow reading.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import build_artifacts, load_lexicon
from fixfirst.analyze.artifacts import lower_same_length
from fixfirst.analyze.lexicon import (
    CompiledCategory,
    Lexicon,
    LexiconCategory,
    TriggerPrefilter,
    _trie_regex,
    pattern_requirements,
)


def lexicon_of(**patterns: list[str]) -> Lexicon:
    categories = {name: LexiconCategory(patterns=tuple(p)) for name, p in patterns.items()}
    return Lexicon(categories, {name: ("test",) for name in categories})


def can_match(category: CompiledCategory, lowered: str) -> bool:
    assert category.regex is not None
    return any(m.end() > m.start() for m in category.regex.finditer(lowered))


def gate_passes(category: CompiledCategory, lowered: str) -> bool:
    return category.gate is None or category.gate.search(lowered) is not None


def test_trie_regex_matches_exactly_the_words_and_prefers_the_longest() -> None:
    words = ["ref", "refund", "refunded", "re.fund", "team", "tea", "x"]
    trie = re.compile(_trie_regex(words))
    for word in words:
        assert trie.fullmatch(word), word
    for other in ["re", "refu", "refunde", "reXfund", "te", "teams", ""]:
        assert not trie.fullmatch(other), other
    assert re.findall(f"(?=({_trie_regex(words)}))", "refunded tea") == ["refunded", "tea"]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"the (?:\w+ )?team", ({"the "}, {"team"})),
        ("(?:escalate|pass) (?:it|this) to", ({"escalate", "pass"}, {"it", "this"}, {" to"})),
        ("can't help", ({"can"}, {"t help"})),  # the apostrophe becomes a class: it splits the run
        ("(?:abc)?def", ({"def"},)),  # optional parts require nothing
        (r"\d+ days", ({" days"},)),
        ("(?i:refund)", ()),  # case-insensitive groups are not read: no requirement
        ("x|yz", ()),  # a branch with no usable string requires nothing
    ],
)
def test_pattern_requirements(pattern: str, expected: tuple[set[str], ...]) -> None:
    assert [set(clause) for clause in pattern_requirements(pattern)] == [set(c) for c in expected]


def test_candidates_skip_a_category_whose_other_required_word_is_missing() -> None:
    lexicon = lexicon_of(other_team=[r"the (?:\w+ )?team"], plain=["refund"])
    prefilter = lexicon.prefilter("agent")
    [other_team, plain] = prefilter.categories
    assert prefilter.candidates("the dog ate it") == []  # old gate ("the ") passes, "team" is missing
    assert gate_passes(other_team, "the dog ate it")
    assert prefilter.candidates("the support team has your refund") == [other_team, plain]


PATTERNS = [
    r"the (?:\w+ )?team",
    "(?:escalate|pass) (?:it|this) to",
    "can't (?:help|do)",
    r"ref(?:und)?s?",
    r"\d+ (?:hours?|days?)",
    "dm(?:'s)?",
    r"a+b{2,}c",
    "tea|team|te",
    r"(?<=x)yz",
    r"(?i:ab)c",
    "x|yz",
    "(?:q|rs)tu",
]
ALPHABET = list("abcdefhimnopqrstuxyz1 ''") + ["team", "the ", "ref", "und", "dm", "days", "can", "pass", "to"]


def test_candidates_never_drop_a_category_that_matches_and_equal_the_old_gates_or_fewer() -> None:
    lexicon = lexicon_of(**{f"c{i}": [p] for i, p in enumerate(PATTERNS)}, mixed=PATTERNS)
    prefilter = lexicon.prefilter("agent")
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 14)))
        lowered = lower_same_length(text)
        chosen = prefilter.candidates(lowered)
        for category in prefilter.categories:
            if gate_passes(category, lowered) and can_match(category, lowered):
                assert category in chosen, (category.name, text)
            if category in chosen:
                assert gate_passes(category, lowered), (category.name, text)
        assert chosen == [c for c in prefilter.categories if c in chosen]  # order kept


def test_prefilter_is_built_from_company_categories(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        "categories:\n  acme_loyalty:\n    new: true\n    speaker: agent\n    patterns: ['gold (?:star|lock) club']\n",
        encoding="utf-8",
    )
    lexicon = load_lexicon([tmp_path])
    names = [c.name for c in lexicon.prefilter("agent").candidates("join the gold star club today")]
    assert "acme_loyalty" in names
    assert "acme_loyalty" not in [c.name for c in lexicon.prefilter("agent").candidates("gold medal")]
    assert "acme_loyalty" not in [c.name for c in lexicon.prefilter("customer").categories]


def brute_force_hits(lexicon: Lexicon, side: str, text: str, links, quotes) -> dict[str, tuple]:
    """Every category regex run on every turn, no gate and no prefilter: the slow reference."""
    lowered = lower_same_length(text)
    hits = {}
    for category in lexicon.pattern_categories(side):
        found = tuple(
            m.span()
            for m in category.regex.finditer(lowered)
            if m.end() > m.start()
            and any(s <= m.start() < e for s, e in links) == category.in_links
            and not any(s <= m.start() < e for s, e in quotes)
        )
        if found:
            hits[category.name] = found
    return hits


def test_artifact_hits_equal_running_every_category_on_every_turn() -> None:
    lexicon = load_lexicon()
    convo = conversation(
        ("c", "I've been charged twice and nobody replies!! Tried reinstalling the app on my iPhone, still broken :("),
        ("a", "Sorry to hear that. Please DM us your order number and we'll look into it right away."),
        ("c", 'Already did. Your agent said "we will refund you" and then nothing. Wi-Fi is fine.'),
        (
            "a",
            "Thanks, I can see the order. Our billing team will reach out within 24 hours: "
            "https://help.example.com/billing-refunds",
        ),
        (
            "a",
            "You can also clear your cache and cookies, then restart your browser. "
            "More info here: www.example.com/steps",
        ),
    )
    doc = build_artifacts(convo, lexicon)
    seen = set()
    for turn in doc.turns:
        side = "agent" if turn.is_agent else "customer"
        assert turn.hits == brute_force_hits(lexicon, side, turn.text, turn.links, turn.quotes)
        assert list(turn.hits) == [c.name for c in lexicon.pattern_categories(side) if c.name in turn.hits]
        seen |= set(turn.hits)
    assert len(seen) >= 8  # the example exercises many categories, links and a quote


def test_prefilter_without_any_literal_lets_every_category_through() -> None:
    prefilter = TriggerPrefilter(lexicon_of(short=["a|b"], digits=[r"\d+"]).pattern_categories("agent"))
    assert [c.name for c in prefilter.candidates("")] == ["short", "digits"]
