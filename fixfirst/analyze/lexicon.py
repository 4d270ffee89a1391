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
    #: Per pattern, literals every match needs (see :func:`pattern_requirements`); ``None``: unknown.
    requirements: tuple[tuple[frozenset[str], ...], ...] | None = None


class Lexicon:
    """All categories of one run, merged from built-ins and company directories, compiled once."""

    def __init__(self, categories: dict[str, LexiconCategory], sources: dict[str, tuple[str, ...]]) -> None:
        self.categories = categories
        self.sources = sources
        self._compiled: dict[str, CompiledCategory] = {}
        self._by_speaker: dict[str, list[CompiledCategory]] = {}
        self._prefilters: dict[str, TriggerPrefilter] = {}
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
                tuple(pattern_requirements(p) for p in category.patterns) if category.patterns else None,
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

    def prefilter(self, speaker: str) -> TriggerPrefilter:
        """The one-scan gate over all of ``speaker``'s pattern categories (built on first use, then reused)."""
        cached = self._prefilters.get(speaker)
        if cached is None:
            cached = TriggerPrefilter(self.pattern_categories(speaker))
            self._prefilters[speaker] = cached
        return cached


def _trie_regex(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, written as a prefix tree, that prefers the longest word.

    Why a tree and not ``a|b|c``: ``re`` tries the alternatives of a plain alternation one by one at
    every position of the text; in a tree each position costs at most one literal test per distinct
    next character, so a scan over hundreds of trigger strings stays about as cheap as over a few.
    At each node the children are tried before "the word ends here", and children start with
    distinct characters, so the match at a position is the longest word starting there.
    """
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_regex(tree)


def _node_regex(node: dict) -> str:
    ends_here = "" in node
    children = sorted(k for k in node if k)
    branches = []
    for char in children:
        child, run = node[char], char
        while len(child) == 1 and "" not in child:  # collapse a chain of single children into a literal run
            (char,) = child
            run += char
            child = child[char]
        rest = _node_regex(child) if child else ""
        branches.append(re.escape(run) + rest)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
    return body


class TriggerPrefilter:
    """Which of a side's categories can match a text, decided by one scan instead of one gate per category.

    Why: the engine scans every turn for ~30 categories; running each category's ``gate`` and then
    its regex on turns where it finds nothing was most of the engine's time. This class compiles one
    lookahead regex over the literal strings of *all* given categories (whatever built-in and
    company files defined), so a single C-level ``findall`` reports, at every position where one of
    them starts, the longest one starting there. Any literal that occurs is such a string or a prefix
    of one, so "literals present" is exactly "literals inside a reported string".

    A category is a candidate when (1) its ``gate`` would pass - one of its ``triggers`` is present,
    as before - and (2) some pattern's :func:`pattern_requirements` hold. (2) is a necessary condition
    for any match, so it only skips regex runs that would have found nothing; (1) keeps the result
    identical to gating one category at a time. Order is kept, so hits are stored in the same order.
    """

    __slots__ = ("categories", "_clauses", "_covers", "_literal_bits", "_plans", "_scanner")

    def __init__(self, categories: Sequence[CompiledCategory]) -> None:
        self.categories = tuple(categories)
        #: clause (a set of strings, one of which must occur) -> its bit in a "clauses satisfied" mask
        self._clauses: dict[frozenset[str], int] = {}
        #: memo: reported string -> mask of the clauses that a string inside it satisfies
        self._covers: dict[str, int] = {}
        self._plans = tuple(self._plan(c) for c in self.categories)
        #: literal string -> mask of the clauses it satisfies
        self._literal_bits: dict[str, int] = {}
        for clause, bit in self._clauses.items():
            for literal in clause:
                self._literal_bits[literal] = self._literal_bits.get(literal, 0) | bit
        literals = self._literal_bits
        self._scanner = re.compile(f"(?=({_trie_regex(literals)}))") if literals else None

    def _bit(self, clause: frozenset[str]) -> int:
        return self._clauses.setdefault(clause, 1 << len(self._clauses))

    def _plan(self, category: CompiledCategory) -> tuple[CompiledCategory, int, bool, int, tuple[int, ...]]:
        """(category, gate clause bit or 0 for "no gate", patterns unknown, one-clause bits, multi-clause masks)."""
        gate = self._bit(category.triggers) if category.gate is not None and category.triggers else 0
        requirements = category.requirements
        unknown = requirements is None or any(not clauses for clauses in requirements)
        single, multi = 0, []
        for clauses in requirements or ():
            if len(clauses) == 1:
                single |= self._bit(clauses[0])
            elif clauses:
                mask = 0
                for clause in clauses:
                    mask |= self._bit(clause)
                multi.append(mask)
        return category, gate, unknown, single, tuple(multi)

    def satisfied(self, lowered: str) -> int:
        """Mask of the clauses that ``lowered`` satisfies (one of their strings occurs in it)."""
        if self._scanner is None:
            return 0
        satisfied, covers = 0, self._covers
        for found in set(self._scanner.findall(lowered)):
            bits = covers.get(found)
            if bits is None:
                bits = covers[found] = self._inside(found)
            satisfied |= bits
        return satisfied

    def _inside(self, found: str) -> int:
        """Mask of the clauses satisfied by a literal inside ``found`` (each substring looked up once)."""
        bits, get = 0, self._literal_bits.get
        for start in range(len(found)):
            for end in range(start + 1, len(found) + 1):
                bits |= get(found[start:end], 0)
        return bits

    def candidates(self, lowered: str) -> list[CompiledCategory]:
        """The categories, in their order, worth running on ``lowered`` (lower-cased text)."""
        satisfied = self.satisfied(lowered)
        out = []
        for category, gate, unknown, single, multi in self._plans:
            if gate and not satisfied & gate:
                continue  # its own gate would have skipped it
            if unknown or satisfied & single:
                out.append(category)
                continue
            for mask in multi:
                if satisfied & mask == mask:
                    out.append(category)
                    break
        return out


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


_MIN_REQUIRED = 2


def _requirements(items: list) -> tuple[frozenset[str], ...]:
    """Clauses (each a set of strings, one of which must occur) that every match of ``items`` satisfies.

    Like :func:`_triggers`, but keeps every element of a sequence ("the " *and* "team") instead of
    the single most selective one. Anything it cannot read (classes, backreferences, optional parts,
    lookarounds, case-insensitive groups) adds no clause, so the result is always a necessary condition.
    Strings shorter than ``_MIN_REQUIRED`` are dropped: they occur in almost every text.
    """
    clauses: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in list(items) + [(None, None)]:
        if op is sre_constants.LITERAL:
            run.append(chr(av))
            continue
        if len(run) >= _MIN_REQUIRED:
            clauses.append(frozenset({"".join(run)}))
        run = []
        if op is sre_constants.SUBPATTERN and not av[1] & sre_constants.SRE_FLAG_IGNORECASE:
            clauses.extend(_requirements(av[-1]))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
            clauses.extend(_requirements(av[2]))
        elif op is sre_constants.BRANCH:
            branches = [_requirements(b) for b in av[1]]
            if all(branches):
                # Either branch may match: keep one clause per branch (its longest-shortest string), or-ed.
                best = [max(b, key=lambda clause: min(map(len, clause))) for b in branches]
                clauses.append(frozenset().union(*best))
    return tuple(dict.fromkeys(clauses))


def pattern_requirements(pattern: str) -> tuple[frozenset[str], ...]:
    """Conjunctive requirements of one lexicon pattern, as matched by :func:`compile_category` (lower-cased)."""
    parsed = sre_parse.parse(_body(pattern))
    if parsed.state.flags & sre_constants.SRE_FLAG_IGNORECASE:
        return ()
    return _requirements(parsed)


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
