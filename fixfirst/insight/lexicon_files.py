"""Load and validate the insight stage's YAML phrase lists, with errors that name file and key.

Phrase lists are data so a company can adapt them (its own policy names, its own contact reasons)
without touching code; pydantic checks them on load and every regex is compiled up front so a bad
pattern fails at start-up, not half way through a report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fixfirst.errors import ConfigError

_M = TypeVar("_M", bound=BaseModel)


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"invalid regular expression {pattern!r}: {error}") from error
    return patterns


@lru_cache(maxsize=8192)
def ignore_case(pattern: str) -> re.Pattern[str]:
    """A phrase-list pattern compiled once (case-insensitive): insights match millions of texts."""
    return re.compile(pattern, re.IGNORECASE)


#: A numbered or named back-reference or a group condition: joining patterns would change its group.
_BACK_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


@lru_cache(maxsize=1024)
def any_of(patterns: tuple[str, ...]) -> str | None:
    """One pattern that matches wherever any of `patterns` does, to rule a text out with one search
    before trying each pattern; None when they cannot be joined (a pattern with its own global flags
    or group references), and then every pattern must be tried.

    Exact as a filter: if some pattern matches at a position, the alternation matches there or earlier.
    """
    if not patterns or any(_BACK_REFERENCE.search(p) for p in patterns):
        return None  # joined, "\\1" would name another pattern's group
    joined = "|".join(f"(?:{p})" for p in patterns)
    try:
        re.compile(joined)
    except re.error:
        return None
    return joined


@lru_cache(maxsize=8192)
def _on_lower_case(pattern: str) -> re.Pattern[str] | None:
    """`pattern` compiled to run case-sensitively on lower-cased text, when that finds what the
    case-insensitive pattern finds in the original: it has no upper-case letter (`\\S`, `\\W` or a
    capital in a company's phrase keep the case-insensitive search)."""
    return None if any(ch.isupper() for ch in pattern) else re.compile(pattern)


class CaselessText:
    """A text prepared for case-insensitive phrase search.

    Why: Python's `re` searches several times slower with IGNORECASE (a policy-name scan of 10,000
    contacts: 2.1 s against 0.3 s), and insights run dozens of phrase patterns over every contact.
    So the text is lower-cased once and each lower-case pattern searches it case-sensitively.
    Offsets are the original text's: where lower-casing changes the length (a dotted capital I),
    and for patterns with capitals, the original is searched with IGNORECASE instead. Groups read
    from the lower-cased text.
    """

    __slots__ = ("lower", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        lower = text.lower()
        self.lower = lower if len(lower) == len(text) else None

    def _prepared(self, pattern: str) -> tuple[re.Pattern[str], str]:
        if self.lower is not None and (compiled := _on_lower_case(pattern)) is not None:
            return compiled, self.lower
        return ignore_case(pattern), self.text

    def search(self, pattern: str) -> re.Match[str] | None:
        compiled, text = self._prepared(pattern)
        return compiled.search(text)

    def finditer(self, pattern: str) -> Iterator[re.Match[str]]:
        compiled, text = self._prepared(pattern)
        return compiled.finditer(text)

    def count(self, pattern: str) -> int:
        """Non-overlapping matches of `pattern`."""
        compiled, text = self._prepared(pattern)
        return len(compiled.findall(text))


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ContactReason(_Strict):
    description: str = ""
    keywords: list[str] = Field(min_length=1)

    _valid = field_validator("keywords")(_check_patterns)


class ContactReasons(_Strict):
    version: Literal[1]
    refer_back: list[str] = []
    reference_patterns: list[str] = []
    reasons: dict[str, ContactReason] = Field(min_length=1)

    _valid = field_validator("refer_back")(_check_patterns)

    @field_validator("reference_patterns")
    @classmethod
    def _one_group_each(cls, patterns: list[str]) -> list[str]:
        _check_patterns(patterns)
        for pattern in patterns:
            if re.compile(pattern).groups != 1:
                raise ValueError(f"reference pattern {pattern!r} needs exactly one capture group")
        return patterns


class NamedTerm(_Strict):
    name: str = Field(min_length=1)
    patterns: list[str] = Field(min_length=1)

    _valid = field_validator("patterns")(_check_patterns)


class RootCauseTerms(_Strict):
    version: Literal[1]
    policies: list[NamedTerm]
    generic_policy_pattern: str
    systems: list[NamedTerm]

    @field_validator("generic_policy_pattern")
    @classmethod
    def _one_group(cls, pattern: str) -> str:
        _check_patterns([pattern])
        if re.compile(pattern).groups != 1:
            raise ValueError("generic_policy_pattern needs exactly one capture group (the policy's name)")
        return pattern


class PromiseLanguage(_Strict):
    version: Literal[1]
    promise: list[str] = Field(min_length=1)
    chase: list[str] = Field(min_length=1)
    done: list[str] = Field(min_length=1)

    _valid = field_validator("promise", "chase", "done")(_check_patterns)


class CoachingTarget(_Strict):
    direction: Literal["less", "more"]
    advice: str = Field(min_length=1)
    best_example: str = Field(min_length=1)


class CoachingTargets(_Strict):
    version: Literal[1]
    targets: dict[str, CoachingTarget] = Field(min_length=1)


class Stopwords(_Strict):
    version: Literal[1]
    words: list[str]


def load_yaml_model(path: Path | str, model: type[_M]) -> _M:
    """Parse one YAML file into `model`; any problem becomes a ConfigError naming file and key."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(
            f"{path}: cannot read YAML ({error}); fix the file or point to another one"
        ) from error
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"key {'.'.join(str(p) for p in item['loc']) or '(top level)'}: {item['msg']}"
            for item in error.errors()
        )
        raise ConfigError(f"{path}: {problems}") from error


def _packaged(name: str) -> Path:
    return Path(str(resources.files("fixfirst.insight") / "lexicons" / name))


@cache
def default_contact_reasons() -> ContactReasons:
    return load_yaml_model(_packaged("contact_reasons.yaml"), ContactReasons)


@cache
def default_root_cause_terms() -> RootCauseTerms:
    return load_yaml_model(_packaged("root_cause_terms.yaml"), RootCauseTerms)


@cache
def default_promise_language() -> PromiseLanguage:
    return load_yaml_model(_packaged("promise_language.yaml"), PromiseLanguage)


@cache
def default_coaching_targets() -> CoachingTargets:
    return load_yaml_model(_packaged("coaching.yaml"), CoachingTargets)


@cache
def default_stopwords() -> frozenset[str]:
    return frozenset(load_yaml_model(_packaged("stopwords.yaml"), Stopwords).words)
