"""YAML phrase lists: the packaged ones load; broken ones fail naming file and key."""

from __future__ import annotations

import re

import pytest

from fixfirst.errors import ConfigError
from fixfirst.insight.lexicon_files import (
    CaselessText,
    ContactReasons,
    PromiseLanguage,
    RootCauseTerms,
    any_of,
    default_coaching_targets,
    default_contact_reasons,
    default_promise_language,
    default_root_cause_terms,
    load_yaml_model,
)
from fixfirst.model import Behaviour


def test_packaged_lists_load_and_coaching_targets_are_real_behaviours():
    assert default_contact_reasons().reasons
    assert default_root_cause_terms().policies
    assert default_promise_language().chase
    assert set(default_coaching_targets().targets) <= {b.value for b in Behaviour}


@pytest.mark.parametrize(
    ("model", "body", "message"),
    [
        (
            ContactReasons,
            "version: 1\nreasons:\n  billing:\n    keywords: ['(unclosed']\n",
            "reasons.billing.keywords",
        ),
        (PromiseLanguage, "version: 1\npromise: []\nchase: ['x']\ndone: ['y']\n", "promise"),
        (
            RootCauseTerms,
            "version: 1\npolicies: []\nsystems: []\ngeneric_policy_pattern: 'no group'\n",
            "generic_policy_pattern",
        ),
        (ContactReasons, "version: 2\nreasons: {}\n", "version"),
    ],
)
def test_broken_yaml_names_file_and_key(tmp_path, model, body, message):
    path = tmp_path / "broken.yaml"
    path.write_text(body)
    with pytest.raises(ConfigError) as error:
        load_yaml_model(path, model)
    assert "broken.yaml" in str(error.value) and message in str(error.value)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\bno record of (?:your|the) (?:order|repair)", "There is NO RECORD of your Order. No record of the repair."),
        (r"return window", "The Return Window closed; the return window is 30 days."),
        (r"\b(?:our|the) ((?:[a-z0-9-]+ ){0,2}[a-z0-9-]+) polic(?:y|ies)\b", "OUR Late-Fee Policy; refund policies"),
        (r"\S+ Policy", "İstanbul office: our Refund POLICY applies"),  # a capital in the pattern
        (r"refund", "İstanbul REFUND desk: refund"),  # lower-casing 'İ' adds a character
    ],
)
def test_caseless_text_finds_what_a_case_insensitive_search_finds_at_the_same_offsets(pattern: str, text: str) -> None:
    caseless = CaselessText(text)
    expected = [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert expected, "each case must match somewhere"
    assert [(m.start(), m.end()) for m in caseless.finditer(pattern)] == expected
    first = caseless.search(pattern)
    assert first is not None and (first.start(), first.end()) == expected[0]
    assert caseless.count(pattern) == len(expected)
    assert CaselessText("nothing here").search(pattern) is None


def test_any_of_joins_patterns_and_refuses_what_cannot_be_joined() -> None:
    joined = any_of((r"refund", r"return window"))
    assert joined is not None and CaselessText("RETURN WINDOW").search(joined) is not None
    assert any_of(()) is None
    assert any_of((r"(a)\1", r"(?i)b")) is None  # a global flag in the middle is an error once joined



def test_any_of_refuses_back_references_which_joining_would_point_at_another_pattern() -> None:
    # Joined, "\1" of the second pattern names the first pattern's group, and "bb" no longer
    # matches: as a screen it would rule out a text the pattern itself matches.
    assert re.search(r"(b)\1", "bb") is not None
    assert re.search(r"(?:(x)y)|(?:(b)\1)", "bb") is None
    assert any_of((r"(x)y", r"(b)\1")) is None
    assert any_of((r"(x)y", r"(b)?(?(1)c|d)")) is None  # a group condition too
    assert any_of((r"(x)y", r"(b)c")) is not None  # plain groups join safely
