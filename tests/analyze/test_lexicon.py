from pathlib import Path

import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import analyze, load_lexicon, read_document
from fixfirst.errors import ConfigError


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("yaml_text", "expected_fragments"),
    [
        (
            "categories:\n  stock_apolgy:\n    patterns: ['so sad']\n",
            ["bad.yaml", "categories.stock_apolgy", "unknown category", "new: true"],
        ),
        (
            "categories:\n  stock_apology:\n    patterns: ['sorry (for']\n",
            ["bad.yaml", "categories.stock_apology.patterns", "not a valid regular expression"],
        ),
        (
            "categories:\n  stock_apology:\n    pattern: ['sorry']\n",
            ["bad.yaml", "categories.stock_apology.pattern", "allowed keys"],
        ),
        (
            "mode: merge\ncategories:\n  stock_apology:\n    patterns: ['x']\n",
            ["bad.yaml", "key 'mode'", "extend"],
        ),
        ("categories:\n  stock_apology:\n    description: empty\n", ["bad.yaml", "at least one entry"]),
        ("- just\n- a list\n", ["bad.yaml", "top level must be a mapping"]),
    ],
)
def test_lexicon_errors_name_file_key_and_fix(
    tmp_path: Path, yaml_text: str, expected_fragments: list[str]
) -> None:
    write(tmp_path, "bad.yaml", yaml_text)
    with pytest.raises(ConfigError) as info:
        load_lexicon([tmp_path])
    for fragment in expected_fragments:
        assert fragment in str(info.value)


def test_company_lexicon_adds_its_own_stock_apology_line(tmp_path: Path) -> None:
    convo = conversation(
        ("c", "Parcel missing"), ("a", "We regret the hassle caused. Please try again later.")
    )
    [before] = analyze([convo])
    assert not before.has("scripted_empathy")
    write(
        tmp_path,
        "acme.yaml",
        "mode: extend\ncategories:\n  stock_apology:\n    patterns: ['we regret the hassle']\n",
    )
    [after] = analyze([convo], lexicon_dirs=[tmp_path])
    assert [f.text for f in after.findings if f.label == "scripted_empathy"] == ["We regret the hassle caused."]
    assert after.has("hollow_apology")


def test_company_policy_name_feeds_the_learned_stonewall_cue(tmp_path: Path) -> None:
    """A company's policy name added to `policy_reason` fires that cue, and the stonewall model's
    learned weight for the cue raises its score; the n-grams of the sentence still count too, so one
    cue alone moves the score without deciding the verdict by itself."""
    convo = conversation(("c", "Refund please"), ("a", "The Gold Lock rule applies, so we can't refund it."))
    before = read_document(convo, load_lexicon())
    write(tmp_path, "acme.yaml", "categories:\n  policy_reason:\n    patterns: ['gold lock']\n")
    after = read_document(convo, load_lexicon([tmp_path]))
    assert "policy_reason" not in before.turns[1].hits and "policy_reason" in after.turns[1].hits
    assert before.reading is not None and after.reading is not None
    score_before = before.reading.behaviours["policy_stonewall"].score
    assert after.reading.behaviours["policy_stonewall"].score > 5 * score_before


def test_replace_mode_swaps_a_category(tmp_path: Path) -> None:
    write(
        tmp_path, "acme.yaml", "mode: replace\ncategories:\n  stock_apology:\n    patterns: ['only this']\n"
    )
    lexicon = load_lexicon([tmp_path])
    assert lexicon.categories["stock_apology"].patterns == ("only this",)


def test_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_lexicon([tmp_path / "nope"])


def test_typographic_apostrophes_match_straight_ones() -> None:
    [result] = analyze([conversation(("c", "x"), ("a", "We’re sorry to hear that."))])
    assert result.has("scripted_empathy")


def test_uppercase_escape_survives_lowercasing() -> None:
    from fixfirst.analyze.lexicon import lower_pattern

    assert lower_pattern(r"Sorry\W+Now\S") == r"sorry\W+now\S"
