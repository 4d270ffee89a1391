"""YAML phrase lists: the packaged ones load; broken ones fail naming file and key."""

from __future__ import annotations

import pytest

from fixfirst.errors import ConfigError
from fixfirst.insight.lexicon_files import (
    ContactReasons,
    PromiseLanguage,
    RootCauseTerms,
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
