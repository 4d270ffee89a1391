"""Per-conversation shared work, computed once and handed to every detector (like Presidio's NlpArtifacts).

Why: ten detectors and the outcome classifier all need sentences, links, quoted regions, negation
scopes and lexicon hits. Computing them once per conversation keeps the default engine fast and
guarantees every detector sees the same reading of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from fixfirst.analyze.lexicon import CompiledCategory, Lexicon
from fixfirst.model import Conversation, OutcomeVerdict, Role

if TYPE_CHECKING:
    from fixfirst.analyze.learned.reading import LearnedReading

#: Names of what artifacts provide; detectors list the ones they use in ``requires``.
#: ``learned`` (the models' reading) and ``outcome`` are added by the engine before detectors run.
ARTIFACT_FEATURES = frozenset({"sentences", "clauses", "links", "quotes", "tokens", "negation", "lexicon"})
LEARNED_FEATURE = "learned"
OUTCOME_FEATURE = "outcome"

Span = tuple[int, int]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+|(?<=[.!?])(?=[A-Z@])")
_CLAUSE_BREAK = re.compile(
    r"[,;:–—]\s*|\s+-\s+|\s(?=(?:but|however|although|though|while|whereas|instead|except)\b)", re.IGNORECASE
)
_LINK = re.compile(r"https?\s?:\s?//\S+|\bwww\.\S+|\b[\w-]+\.(?:com|net|org|ly|tv|co|gl)/\S*", re.IGNORECASE)
_HANDLE = re.compile(r"[@#]\w+")
_QUOTE = re.compile(r"\"[^\"\n]{3,300}\"|“[^”\n]{3,300}”")
_NEGATOR = re.compile(
    r"(?<!\w)(?:not|no|never|cannot|can't|can’t|won't|won’t|unable|without|nor|\w+n't|\w+n’t)(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z0-9']{3,}")


#: Inflections stripped before truncating, longest first: "crashes", "crashed", "crashing" meet "crash".
_SUFFIXES = ("ing", "ies", "es", "ed", "'s", "s")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude stem: common inflection stripped, then the first six letters ("suspended" and "suspension"
    meet, and so do "crash" and "crashes"); cheap and deterministic, no language model needed. Cached:
    a support corpus repeats the same few thousand words, and the cache is bounded.
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


def content_stems(text: str, stop: frozenset[str]) -> frozenset[str]:
    """Stems of the content words of ``text`` (URLs, handles and stopwords removed)."""
    masked = _HANDLE.sub(" ", _LINK.sub(" ", text)).lower()
    return frozenset(stem(w) for w in _WORD.findall(masked) if w not in stop)


@dataclass(slots=True)
class TurnArtifacts:
    """What every detector may read about one turn; spans index the turn's canonical text."""

    index: int
    role: Role
    text: str
    sentences: tuple[Span, ...]
    clauses: tuple[Span, ...]
    links: tuple[Span, ...]
    quotes: tuple[Span, ...]
    tokens: frozenset[str]
    hits: dict[str, tuple[Span, ...]]

    @property
    def is_agent(self) -> bool:
        return self.role is Role.AGENT

    @property
    def is_customer(self) -> bool:
        return self.role is Role.CUSTOMER

    @property
    def link_text(self) -> str:
        return " ".join(self.text[s:e] for s, e in self.links)


def _in_any(position: int, spans: tuple[Span, ...]) -> bool:
    return any(s <= position < e for s, e in spans)


def _segments(text: str, breaker: re.Pattern[str], protect: tuple[Span, ...]) -> tuple[Span, ...]:
    """Split ``text`` at ``breaker`` matches that do not fall inside protected spans (URLs)."""
    spans: list[Span] = []
    start = 0
    for match in breaker.finditer(text):
        # Most turns have no link: skip the span test then (it is the hot path of the engine).
        if protect and _in_any(match.start(), protect):
            continue
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return tuple(spans) or ((0, len(text)),)


def lower_same_length(text: str) -> str:
    """``text.lower()`` with the same length, so spans found in it index the original text."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _category_hits(
    category: CompiledCategory, lowered: str, links: tuple[Span, ...], quotes: tuple[Span, ...]
) -> tuple[Span, ...]:
    """Non-empty matches of one category that start in the right place (a link or prose, never a quote)."""
    assert category.regex is not None
    if not links and not quotes:
        # Fast path for most turns: no span can exclude a match, only link-only categories miss.
        if category.in_links:
            return ()
        return tuple(span for span in map(re.Match.span, category.regex.finditer(lowered)) if span[0] != span[1])
    found = []
    for match in category.regex.finditer(lowered):
        start, end = match.span()
        if end == start:
            continue
        inside_link = _in_any(start, links)
        if inside_link != category.in_links:
            continue
        if _in_any(start, quotes):
            continue
        found.append((start, end))
    return tuple(found)


def _turn_artifacts(
    index: int, role: Role, text: str, lexicon: Lexicon, stop: frozenset[str]
) -> TurnArtifacts:
    links = tuple(m.span() for m in _LINK.finditer(text))
    lowered = lower_same_length(text)
    quotes = tuple(m.span() for m in _QUOTE.finditer(text))
    tokens = content_stems(text, stop)
    hits: dict[str, tuple[Span, ...]] = {}
    side = "agent" if role is Role.AGENT else "customer" if role is Role.CUSTOMER else "other"
    # One scan over every category's literal strings picks the categories that can match here; the
    # rest would find nothing, so the hits (and their order) are those of running each one in turn.
    for category in lexicon.prefilter(side).candidates(lowered):
        found = _category_hits(category, lowered, links, quotes)
        if found:
            hits[category.name] = found
    return TurnArtifacts(
        index=index,
        role=role,
        text=text,
        sentences=_segments(text, _SENTENCE_END, links),
        clauses=_segments(text, _CLAUSE_BREAK, links),
        links=links,
        quotes=quotes,
        tokens=tokens,
        hits=hits,
    )


@dataclass(slots=True)
class ConversationArtifacts:
    """Shared reading of one conversation. Built by :func:`build_artifacts`; read-only for detectors."""

    conversation: Conversation
    lexicon: Lexicon
    turns: tuple[TurnArtifacts, ...]
    reading: LearnedReading | None = None
    outcome: OutcomeVerdict | None = None

    @property
    def agent_turns(self) -> tuple[TurnArtifacts, ...]:
        return tuple(t for t in self.turns if t.is_agent)

    @property
    def customer_turns(self) -> tuple[TurnArtifacts, ...]:
        return tuple(t for t in self.turns if t.is_customer)

    @property
    def last_agent(self) -> TurnArtifacts | None:
        for turn in reversed(self.turns):
            if turn.is_agent:
                return turn
        return None

    def customer_text_before(self, index: int) -> str:
        return "\n".join(t.text for t in self.turns[:index] if t.is_customer)

    def customer_tokens_before(self, index: int) -> frozenset[str]:
        tokens: set[str] = set()
        for turn in self.turns[:index]:
            if turn.is_customer:
                tokens |= turn.tokens
        return frozenset(tokens)

    def hits(self, category: str, turn: TurnArtifacts) -> tuple[Span, ...]:
        return turn.hits.get(category, ())

    def has(self, category: str, turn: TurnArtifacts) -> bool:
        return category in turn.hits

    def any_turn_has(self, category: str, turns: tuple[TurnArtifacts, ...]) -> bool:
        return any(category in t.hits for t in turns)

    def segment_of(self, turn: TurnArtifacts, position: int, *, clause: bool = False) -> Span:
        """The sentence (or clause) of ``turn`` that contains ``position``."""
        spans = turn.clauses if clause else turn.sentences
        starts = [s for s, _ in spans]
        i = max(bisect_right(starts, position) - 1, 0)
        return spans[i]

    def negated(self, turn: TurnArtifacts, start: int) -> bool:
        """True when a negator precedes ``start`` inside the same clause ("I can't refund it")."""
        clause_start, _ = self.segment_of(turn, start, clause=True)
        return _NEGATOR.search(turn.text, clause_start, start) is not None

    def in_same_sentence(self, turn: TurnArtifacts, a: int, b: int) -> bool:
        return self.segment_of(turn, a) == self.segment_of(turn, b)


#: Support-desk affixes around a brand's name in its handles (AskeBay, hulu_support, SpotifyCares).
_DESK_AFFIX = re.compile(r"^(?:ask|team|hey)_?|_?(?:support|help|helps|cares?|service|team|uk|us|in|news)$")
#: Shortest brand name compared (shorter cores such as "hp" would match unrelated handles).
MIN_BRAND_CORE = 4


def brand_cores(conversation: Conversation) -> frozenset[str]:
    """The brand names behind the company's and its agents' handles, support affixes removed."""
    handles = {t.author for t in conversation.turns if t.role is Role.AGENT and t.author}
    if conversation.company:
        handles.add(conversation.company)
    cores = {_DESK_AFFIX.sub("", _DESK_AFFIX.sub("", h.lower())) for h in handles}
    return frozenset(c for c in cores if len(c) >= MIN_BRAND_CORE)


def is_brand_account(author: str, cores: frozenset[str]) -> bool:
    """``hulu`` in a @hulu_support thread, ``DropboxBusiness`` in a @DropboxSupport one: the same brand."""
    name = author.lower()
    return any(name.startswith(core) for core in cores)


def speaking_roles(conversation: Conversation) -> tuple[Role, ...]:
    """The role each turn is read with: a "customer" turn posted by a brand account is context.

    Why: social threads arrive with every non-agent post marked ``customer``, including the brand's
    own post the customer replied under (@hulu above @hulu_support's reply) or a sibling account
    (@DropboxBusiness in a @DropboxSupport thread). LABELS.md judges the customer's words ("first
    customer turn" for sentiment, what *they* said they tried); a brand's announcement is neither.
    """
    cores = brand_cores(conversation)
    return tuple(
        Role.SYSTEM if t.role is Role.CUSTOMER and t.author and is_brand_account(t.author, cores) else t.role
        for t in conversation.turns
    )


def build_artifacts(conversation: Conversation, lexicon: Lexicon) -> ConversationArtifacts:
    """Read a conversation once: sentences, clauses, links, quotes, content tokens, lexicon hits."""
    stop = lexicon.get("generic_words").words
    roles = speaking_roles(conversation)
    turns = tuple(
        _turn_artifacts(t.index, role, t.text, lexicon, stop)
        for t, role in zip(conversation.turns, roles, strict=True)
    )
    return ConversationArtifacts(conversation=conversation, lexicon=lexicon, turns=turns)
