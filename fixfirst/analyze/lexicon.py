"""Phrase lists and rules as data: YAML files validated by pydantic, compiled once per run.

Why data and not code: a company adds its own stock apology lines, policy names or private
channels by dropping a YAML file in a directory (``lexicon_dirs``) - no code change, no fork.
Every error names the file, the key and how to fix it, because the person editing these files is
usually a QA lead, not the engineer who wrote the detector.
"""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from fixfirst.errors import ConfigError

BUILTIN_LEXICON_DIR = Path(__file__).with_name("lexicons")


class LexiconCategory(BaseModel):
    """One named list: regex ``patterns`` (matched case-insensitively on word boundaries) or
    plain ``words``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = ""
    patterns: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    speaker: Literal["agent", "customer", "any"] = Field(
        default="any", description="Whose turns are scanned; skipping the other side keeps the engine fast."
    )
    in_links: bool = Field(
        default=False, description="Match inside URLs only (link slugs), not in the prose."
    )
    new: bool = Field(default=False, description="Set in a company file to define a category of its own.")

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for position, pattern in enumerate(patterns):
            if not pattern.strip():
                raise ValueError(f"pattern #{position} is empty; remove it")
            try:
                compiled = re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(
                    f"pattern #{position} {pattern!r} is not a valid regular expression ({exc}); "
                    "escape special characters such as ( ) ? + with a backslash"
                ) from exc
            if compiled.match(""):
                raise ValueError(
                    f"pattern #{position} {pattern!r} matches the empty string; make it specific"
                )
        return patterns

    @model_validator(mode="after")
    def _has_entries(self) -> LexiconCategory:
        if not self.patterns and not self.words:
            raise ValueError("a category needs at least one entry under `patterns` or `words`")
        return self


class LexiconFile(BaseModel):
    """A YAML file of categories.

    ``mode: extend`` adds entries to built-in categories, ``replace`` swaps them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    mode: Literal["extend", "replace"] = "extend"
    categories: dict[str, LexiconCategory] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class CompiledCategory:
    """A category ready for matching: one alternation regex (fast) or a frozen word set."""

    name: str
    regex: re.Pattern[str] | None
    words: frozenset[str]
    triggers: frozenset[str] | None
    sources: tuple[str, ...]
    #: One regex over the trigger strings: a single C-level scan decides whether to run ``regex``.
    gate: re.Pattern[str] | None = None
    speaker: str = "any"
    in_links: bool = False


class Lexicon:
    """All categories of one run, merged from built-ins and company directories, compiled once."""

    def __init__(self, categories: dict[str, LexiconCategory], sources: dict[str, tuple[str, ...]]) -> None:
        self.categories = categories
        self.sources = sources
        self._compiled: dict[str, CompiledCategory] = {}
        self._by_speaker: dict[str, list[CompiledCategory]] = {}
        for name, category in categories.items():
            regex = compile_category(category.patterns) if category.patterns else None
            triggers = category_triggers(category.patterns) if category.patterns else None
            self._compiled[name] = CompiledCategory(
                name,
                regex,
                frozenset(w.lower() for w in category.words),
                triggers,
                sources.get(name, ()),
                re.compile("|".join(re.escape(t) for t in sorted(triggers, key=len, reverse=True)))
                if triggers
                else None,
                category.speaker,
                category.in_links,
            )

    def __contains__(self, name: object) -> bool:
        return name in self._compiled

    def names(self) -> frozenset[str]:
        return frozenset(self._compiled)

    def get(self, name: str) -> CompiledCategory:
        try:
            return self._compiled[name]
        except KeyError:
            raise ConfigError(
                f"lexicon category {name!r} is not defined; known: {', '.join(sorted(self._compiled))}"
            ) from None

    def pattern_categories(self, speaker: str | None = None) -> list[CompiledCategory]:
        """Categories with patterns; with ``speaker``, only those scanned on that side's turns."""
        if speaker is None:
            return [c for c in self._compiled.values() if c.regex is not None]
        cached = self._by_speaker.get(speaker)
        if cached is None:
            cached = [c for c in self.pattern_categories() if c.speaker in ("any", speaker)]
            self._by_speaker[speaker] = cached
        return cached


_WORD_START = re.compile(r"[\w(]")
_NO_END_BOUNDARY = ("\\.", "/", "-", "=")
_APOSTROPHE = "['\u2019]"


def lower_pattern(pattern: str) -> str:
    """Lower-case a regex without touching escapes (``\\W`` must stay ``\\W``).

    Matching lower-cased patterns against lower-cased text is ~2x faster than ``re.IGNORECASE``.
    """
    out, escaped = [], False
    for char in pattern:
        out.append(char if escaped else char.lower())
        escaped = char == "\\" and not escaped
    return "".join(out)


def _body(pattern: str) -> str:
    # Straight apostrophes in YAML also match typographic ones (’), common in tweets and e-mail.
    return lower_pattern(pattern).replace("'", _APOSTROPHE)


def _bounded(pattern: str) -> str:
    """Wrap a pattern in word boundaries where it starts/ends with a word, so "dm" never matches "admin".

    URL fragments such as "/categories" or "community\\." keep their own edges.
    """
    prefix = r"(?<![\w@])" if _WORD_START.match(pattern) else ""
    suffix = "" if pattern.endswith(_NO_END_BOUNDARY) else r"(?!\w)"
    return f"{prefix}(?:{_body(pattern)}){suffix}"


_MIN_TRIGGER = 3


def _triggers(items: list) -> frozenset[str] | None:
    """Strings one of which every match must contain (``None``: cannot tell, always run the regex).

    Walks the parsed regex: a literal run is a trigger; an alternation needs a trigger in every
    branch; a sequence keeps its most selective element.
    """
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        selective = bool(candidate) and all(len(t) >= _MIN_TRIGGER for t in candidate)  # type: ignore[union-attr]
        if selective and (best is None or min(map(len, candidate)) > min(map(len, best))):  # type: ignore[arg-type]
            best = candidate

    for op, av in list(items) + [(None, None)]:
        if op is sre_constants.LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider(frozenset({"".join(run)}))
            run = []
        if op is sre_constants.SUBPATTERN:
            consider(_triggers(av[-1]))
        elif op is sre_constants.BRANCH:
            branches = [_triggers(b) for b in av[1]]
            if all(b is not None for b in branches):
                consider(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
            consider(_triggers(av[2]))
    return best


def category_triggers(patterns: Sequence[str]) -> frozenset[str] | None:
    """Cheap substring gate for a category: if none of these occurs in the text, no pattern can match."""
    triggers: set[str] = set()
    for pattern in patterns:
        found = _triggers(sre_parse.parse(_body(pattern)))
        if found is None:
            return None
        triggers |= found
    return frozenset(triggers)


def compile_category(patterns: Sequence[str]) -> re.Pattern[str]:
    """One regex per category, matched against lower-cased text.

    Patterns that start with a word share one leading ``\\b`` test, so the engine rejects most
    positions (inside words) once instead of once per pattern - the main cost of the default engine.
    """
    worded = [p for p in patterns if _WORD_START.match(p)]
    others = [_bounded(p) for p in patterns if not _WORD_START.match(p)]
    parts = []
    if worded:
        alternatives = "|".join(
            f"(?:{_body(p)})" + ("" if p.endswith(_NO_END_BOUNDARY) else r"(?!\w)") for p in worded
        )
        parts.append(rf"\b(?<!@)(?:{alternatives})")
    parts.extend(others)
    return re.compile("|".join(parts))


def _read_file(path: Path) -> LexiconFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}); fix the indentation or quoting") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: top level must be a mapping with a `categories:` key")
    try:
        return LexiconFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = ".".join(str(part) for part in error["loc"]) or "(top level)"
            hint = _hint(error["type"], key)
            problems.append(f"{path}: key '{key}': {error['msg']}{hint}")
        raise ConfigError("; ".join(problems)) from exc


def _hint(error_type: str, key: str) -> str:
    if error_type == "extra_forbidden":
        return (
            " (fix: allowed keys are version, mode, categories and, per category,"
            " description, patterns, words, speaker, in_links, new)"
        )
    if error_type == "literal_error" and key == "mode":
        return " (fix: use `extend` or `replace`)"
    if error_type == "missing":
        return " (fix: add this key)"
    return ""


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise ConfigError(
            f"{directory}: lexicon directory does not exist; pass an existing folder of *.yaml files"
        )
    return sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"})


def load_lexicon(lexicon_dirs: Sequence[str | Path] | Iterable[str | Path] = ()) -> Lexicon:
    """Built-in lexicons, then each company directory in order (later files extend or replace earlier)."""
    return _load_cached(tuple(str(Path(d).resolve()) for d in lexicon_dirs))


@lru_cache(maxsize=16)
def _load_cached(lexicon_dirs: tuple[str, ...]) -> Lexicon:
    merged: dict[str, LexiconCategory] = {}
    sources: dict[str, tuple[str, ...]] = {}
    for path in _files(BUILTIN_LEXICON_DIR):
        for name, category in _read_file(path).categories.items():
            if name in merged:
                raise ConfigError(f"{path}: key 'categories.{name}': defined twice in built-in lexicons")
            merged[name] = category
            sources[name] = (str(path),)
    for directory in lexicon_dirs:
        for path in _files(Path(directory)):
            lexicon_file = _read_file(path)
            for name, category in lexicon_file.categories.items():
                if name not in merged and not category.new:
                    raise ConfigError(
                        f"{path}: key 'categories.{name}': unknown category (fix: use one of "
                        f"{', '.join(sorted(merged))}, or set `new: true` to define your own)"
                    )
                if name in merged and lexicon_file.mode == "extend":
                    base = merged[name]
                    merged[name] = base.model_copy(
                        update={
                            "patterns": base.patterns + category.patterns,
                            "words": base.words + category.words,
                        }
                    )
                    sources[name] = sources[name] + (str(path),)
                else:
                    merged[name] = category
                    sources[name] = (str(path),)
    return Lexicon(merged, sources)
