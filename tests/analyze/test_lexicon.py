from pathlib import Path

import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import analyze, load_lexicon
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
    assert [f.text for f in after.findings if f.label == "scripted_empathy"] == ["We regret the hassle"]
    assert after.has("hollow_apology")


def test_company_policy_name_makes_a_stonewall(tmp_path: Path) -> None:
    convo = conversation(("c", "Refund please"), ("a", "Sorry, the Gold Lock rule applies."))
    write(
        tmp_path, "acme.yaml", "categories:\n  capability_no:\n    patterns: ['the gold lock rule applies']\n"
    )
    [result] = analyze([convo], lexicon_dirs=[tmp_path])
    assert [f.text for f in result.findings if f.label == "policy_stonewall"] == [
        "the Gold Lock rule applies"
    ]


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
