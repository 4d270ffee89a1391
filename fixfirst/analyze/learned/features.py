"""What the learned models read: named text views of a conversation, hashed into one sparse row.

Why word n-grams and no character n-grams: removing the character views changed grouped-CV outcome
accuracy by less than 0.003 on both corpora (benchmarks/README.md, ablation) and halves the hashing
time, which dominates the engine's cost.

Why views and hashing: the outcome is decided by the last agent turns, the customer's problem and the
thread's shape; a behaviour by one turn and what the customer said before it. Each view is a string
(text, or space-separated cue tokens) hashed by scikit-learn's stateless ``HashingVectorizer``, so a
model is only its weights: nothing to fit at prediction time, no vocabulary to ship, and training and
prediction share exactly this code. The engine's lexicon hits enter as cue tokens (``cue_stock_apology``)
beside the n-grams: a company that adds phrases to a lexicon category feeds the weight learned for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import HashingVectorizer

from fixfirst.analyze.artifacts import ConversationArtifacts, TurnArtifacts, content_stems

Analyzer = Literal["word", "char_wb", "tokens"]

_URL = re.compile(r"(?:https?\s?:\s?//|www\.)\S+|\b[\w-]+\.(?:com|net|org|ly|tv|co|gl)/\S*", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+|<EMAIL>")
_HANDLE = re.compile(r"(?<![\w/])@\w+|<HANDLE>")
#: A redacted name reads as no word at all: training text has the names themselves (rare words with
#: no weight), so a placeholder token would be a feature the models never learned.
_NAME_PLACEHOLDER = re.compile(r"<NAME>")
_PLACEHOLDER = re.compile(r"<(?:PHONE|ACCOUNT|CARD|IBAN|ADDRESS|[A-Z_]+)>")
_DIGITS = re.compile(r"\d")
_SLUG_SPLIT = re.compile(r"[^a-z0-9]+")
#: Link hosts and path words that say nothing about the page (kept out of the slug tokens).
_URL_NOISE = frozenset({"https", "http", "www", "com", "html", "htm", "en", "us", "hc", "articles", "org", "net"})


def _link_words(match: re.Match[str]) -> str:
    slug = [w for w in _SLUG_SPLIT.split(match.group(0).lower()) if w and w not in _URL_NOISE]
    return " xlink " + " ".join(f"u_{w}" for w in slug[:12]) + " "


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Text as the models see it: links become ``xlink`` plus their slug words, e-mail addresses,
    handles and redaction placeholders become one token each, digits become 0 - so raw and redacted
    copies of a conversation read the same, and a ticket number is a number, not a word.
    """
    text = _URL.sub(_link_words, text)
    text = _EMAIL.sub(" xemail ", text)
    text = _HANDLE.sub(" xhandle ", text)
    text = _NAME_PLACEHOLDER.sub(" ", text)
    text = _PLACEHOLDER.sub(" xnumber ", text)
    return _DIGITS.sub("0", text)


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """How one named view is hashed: word or character n-grams of text, or space-separated tokens."""

    name: str
    analyzer: Analyzer
    ngram_range: tuple[int, int] = (1, 1)
    bits: int = 18

    @property
    def width(self) -> int:
        return 1 << self.bits

    def vectorizer(self) -> HashingVectorizer:
        if self.analyzer == "tokens":
            return HashingVectorizer(
                n_features=self.width, analyzer=str.split, alternate_sign=False, norm=None, lowercase=False
            )
        return HashingVectorizer(
            n_features=self.width,
            analyzer=self.analyzer,
            ngram_range=self.ngram_range,
            alternate_sign=False,
            norm="l2",
        )


class FeatureSpace:
    """A fixed list of views; :meth:`transform` hashes many rows (dicts of view -> string) at once."""

    def __init__(self, specs: Sequence[ViewSpec]) -> None:
        self.specs = tuple(specs)

    @cached_property
    def _vectorizers(self) -> tuple[HashingVectorizer, ...]:
        return tuple(spec.vectorizer() for spec in self.specs)

    @property
    def width(self) -> int:
        return sum(spec.width for spec in self.specs)

    def describe(self) -> list[dict]:
        return [
            {"name": s.name, "analyzer": s.analyzer, "ngram_range": list(s.ngram_range), "bits": s.bits}
            for s in self.specs
        ]

    def transform(self, rows: Sequence[dict[str, str]]) -> sp.csr_matrix:
        """Hash many rows at once (one vectorizer call per view: the per-call cost dominates small rows)."""
        with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
            blocks = [
                vectorizer.transform([row.get(spec.name, "") for row in rows])
                for spec, vectorizer in zip(self.specs, self._vectorizers, strict=True)
            ]
        return sp.csr_matrix(sp.hstack(blocks, format="csr"))

    def spec(self, view: str) -> ViewSpec:
        return next(s for s in self.specs if s.name == view)

    def offset(self, view: str) -> int:
        """The first column of ``view`` in the hashed row."""
        offset = 0
        for spec in self.specs:
            if spec.name == view:
                return offset
            offset += spec.width
        raise KeyError(view)

    def token_column(self, view: str, token: str) -> int:
        """The column of one token of a ``tokens`` view (to name the cues behind a weight)."""
        return _token_column(self, view, token)


@lru_cache(maxsize=1 << 14)
def _token_column(space: FeatureSpace, view: str, token: str) -> int:
    vectorizer = space._vectorizers[space.specs.index(space.spec(view))]
    return space.offset(view) + int(vectorizer.transform([token]).indices[0])


def cue_tokens(turn: TurnArtifacts, prefix: str = "cue", span: tuple[int, int] | None = None) -> list[str]:
    """The lexicon categories that matched in ``turn`` (inside ``span`` when given), as tokens."""
    if span is None:
        return [f"{prefix}_{name}" for name in turn.hits]
    start, end = span
    return [f"{prefix}_{name}" for name, spans in turn.hits.items() if any(start <= s < end for s, _ in spans)]


def _bucket(value: int, edges: Sequence[int]) -> int:
    return sum(value >= edge for edge in edges)


#: Views of the whole contact for the outcome: the final agent turn, the agent turns before it, the
#: customer's opening and closing words, and cue and shape tokens.
OUTCOME_SPACE = FeatureSpace(
    (
        ViewSpec("final", "word", (1, 2), 18),
        ViewSpec("earlier", "word", (1, 2), 18),
        ViewSpec("opening", "word", (1, 2), 17),
        ViewSpec("closing", "word", (1, 2), 17),
        ViewSpec("cues", "tokens", bits=14),
    )
)

#: Views of one turn for the behaviours: its words, what the customer said before it, its cues and place.
TURN_SPACE = FeatureSpace(
    (
        ViewSpec("turn", "word", (1, 2), 18),
        ViewSpec("before", "word", (1, 1), 17),
        ViewSpec("cues", "tokens", bits=14),
    )
)

#: Views of one customer turn for sentiment.
SENTIMENT_SPACE = FeatureSpace(
    (
        ViewSpec("text", "word", (1, 2), 18),
        ViewSpec("cues", "tokens", bits=14),
    )
)

#: How many agent turns before the final one the outcome reads (a call ends with pleasantries).
EARLIER_AGENT_TURNS = 3


def shape_tokens(doc: ConversationArtifacts) -> list[str]:
    """The thread's shape: channel, length, who spoke last, whether the customer came back."""
    turns = doc.turns
    agents = [t for t in turns if t.is_agent]
    customers = [t for t in turns if t.is_customer]
    last = turns[-1]
    tokens = [
        f"channel_{doc.conversation.channel.lower()}",
        f"turns_{_bucket(len(turns), (2, 3, 5, 9, 17))}",
        f"agent_turns_{_bucket(len(agents), (1, 2, 3, 5, 9))}",
        f"last_{last.role.value}",
    ]
    if agents and customers and customers[-1].index > agents[-1].index:
        tokens.append("customer_after_agent")
    if not agents:
        tokens.append("no_agent")
    return tokens


_PATH_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def link_stems(turn: TurnArtifacts, stop: frozenset[str]) -> tuple[frozenset[str], int]:
    """Content stems of the link slugs in ``turn`` and the deepest link path (a help centre's front page
    is shallow; the article for one question has a long, worded slug)."""
    words: list[str] = []
    depth = 0
    for start, end in turn.links:
        url = turn.text[start:end].split("//", 1)[-1]
        path = [p for p in url.split("/")[1:] if p]
        depth = max(depth, len(path))
        words += _PATH_SPLIT.split("/".join(path))
    return content_stems(" ".join(words), stop), depth


def overlap_tokens(doc: ConversationArtifacts, final: TurnArtifacts, customers: list[TurnArtifacts]) -> list[str]:
    """How much of the customer's own problem the final reply and its link speak to (LABELS.md: an
    article for exactly the question asked is an answer; a generic page is not)."""
    stop = doc.lexicon.get("generic_words").words
    asked = frozenset().union(*(t.tokens for t in customers if t.index < final.index)) if customers else frozenset()
    slug, depth = link_stems(final, stop)
    tokens = [f"final_shared_{_bucket(len(final.tokens & asked), (1, 2, 3, 5))}"]
    if final.links:
        tokens.append(f"link_shared_{_bucket(len(slug & asked), (1, 2, 3))}")
        tokens.append(f"link_depth_{_bucket(depth, (1, 2, 3, 4))}")
        tokens.append(f"link_words_{_bucket(len(slug), (1, 3, 5))}")
    return tokens


def outcome_row(doc: ConversationArtifacts) -> dict[str, str]:
    agents = [t for t in doc.turns if t.is_agent]
    customers = [t for t in doc.turns if t.is_customer]
    final = agents[-1] if agents else None
    earlier = agents[-1 - EARLIER_AGENT_TURNS : -1]
    closing = [t for t in customers if final is not None and t.index > final.index]
    cues = shape_tokens(doc)
    if final is not None:
        cues += cue_tokens(final, "final")
        cues += overlap_tokens(doc, final, customers)
        if final.links:
            cues.append("final_has_link")
        if "?" in final.text:
            cues.append("final_asks")
    for turn in earlier:
        cues += cue_tokens(turn, "earlier")
    if customers:
        cues += cue_tokens(customers[0], "opening")
    for turn in closing:
        cues += cue_tokens(turn, "closing")
    for turn in agents:
        cues += cue_tokens(turn, "any")
    return {
        "final": normalise(final.text) if final else "",
        "earlier": normalise(" ".join(t.text for t in earlier)),
        "opening": normalise(customers[0].text) if customers else "",
        "closing": normalise(" ".join(t.text for t in closing)),
        "cues": " ".join(cues),
    }


@dataclass(frozen=True, slots=True)
class CustomerContext:
    """What the customer said before each turn, computed in one pass (linear in the turns)."""

    first_seen: dict[str, int]  # content stem -> index of the first customer turn that used it
    agent_bounds: tuple[int, int] | None  # indices of the first and the last agent turn
    previous: tuple[int | None, ...]  # per turn: index of the customer turn before it, if any
    alternative_from: int  # first turn from which no agent turn names an alternative (LABELS.md stonewall)
    earlier_cues: tuple[tuple[str, ...], ...]  # per turn: cue tokens of the two customer turns before it

    @classmethod
    def of(cls, doc: ConversationArtifacts) -> CustomerContext:
        first_seen: dict[str, int] = {}
        previous: list[int | None] = []
        earlier: list[tuple[str, ...]] = []
        last: list[TurnArtifacts] = []
        for turn in doc.turns:
            previous.append(last[-1].index if last else None)
            earlier.append(tuple(token for t in last[-2:] for token in cue_tokens(t, "before")))
            if turn.is_customer:
                for stem_ in turn.tokens:
                    first_seen.setdefault(stem_, turn.index)
                last.append(turn)
        agents = [t.index for t in doc.turns if t.is_agent]
        bounds = (agents[0], agents[-1]) if agents else None
        offering = [t.index for t in doc.turns if t.is_agent and "alternative" in t.hits]
        return cls(first_seen, bounds, tuple(previous), offering[-1] + 1 if offering else 0, tuple(earlier))

    def shared(self, tokens: frozenset[str], before: int) -> int:
        """How many of ``tokens`` the customer already used before turn ``before``."""
        return sum(1 for token in tokens if self.first_seen.get(token, before) < before)


def turn_rows(doc: ConversationArtifacts, context: CustomerContext | None = None) -> list[dict[str, str]]:
    context = context or CustomerContext.of(doc)
    return [turn_row(doc, turn, context) for turn in doc.turns]


def turn_row(
    doc: ConversationArtifacts,
    turn: TurnArtifacts,
    context: CustomerContext,
    span: tuple[int, int] | None = None,
) -> dict[str, str]:
    """One turn (or one sentence of it, ``span``) as a behaviour instance."""
    text = turn.text if span is None else turn.text[span[0] : span[1]]
    cues = cue_tokens(turn, "cue", span)
    cues.append(f"role_{turn.role.value}")
    cues.append(f"channel_{doc.conversation.channel.lower()}")
    bounds = context.agent_bounds
    if bounds and turn.index == bounds[1]:
        cues.append("last_agent_turn")
    if bounds and turn.index == bounds[0]:
        cues.append("first_agent_turn")
    if turn.index == 0:
        cues.append("first_turn")
    if turn.index < context.alternative_from:
        cues.append("alternative_here_or_later")
    previous = context.previous[turn.index]
    if previous is not None:
        tokens = turn.tokens if span is None else content_stems(text, doc.lexicon.get("generic_words").words)
        cues.append(f"shared_{_bucket(context.shared(tokens, turn.index), (1, 2, 3, 5, 8))}")
        cues += context.earlier_cues[turn.index]
    return {
        "turn": normalise(text),
        "before": normalise(doc.turns[previous].text) if previous is not None else "",
        "cues": " ".join(cues),
    }


def sentiment_row(turn: TurnArtifacts, compound: float, *, opening: bool) -> dict[str, str]:
    """One customer turn for sentiment; VADER's compound score enters as a bucketed token."""
    cues = cue_tokens(turn, "cue")
    cues.append(f"vader_{_bucket(round(compound * 100), (-60, -20, -5, 5, 20, 60))}")
    cues.append("opening" if opening else "later")
    if "?" in turn.text:
        cues.append("asks")
    if "!" in turn.text:
        cues.append("exclaims")
    text = normalise(turn.text)
    return {"text": text, "cues": " ".join(cues)}
