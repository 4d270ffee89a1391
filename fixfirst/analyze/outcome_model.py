"""A small, transparent learned step for the outcome: logistic regression over the cascade's own features.

Why: the hand-set cascade in ``outcome.py`` decides the hard cases (fix done, dated commitment, plain
no, private move) well, but the line between "the article for exactly this question" (resolved),
"a generic page elsewhere" (deflected) and "generic tips, not shown fixed" (unresolved) depends on
many weak signals at once - link overlap, hedges, hand-off phrasing, whether the customer asked a
question or reported a malfunction. Hand-set precedence over-fitted the examples it was read on
(0.85 vs 0.53 accuracy on the two dev halves). A multinomial logistic regression weighs the same
interpretable features, is trained on labelled threads, evaluated by repeated cross-validation, and
its weights ship as JSON next to this file (numpy only at run time; no model download).

Every feature is a named count read from the artifacts, so a verdict can be explained ("link shares
3 words with the question, no hedge") and evidence spans still come from the words that fired.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.errors import ConfigError

MODEL_PATH = Path(__file__).with_name("models") / "outcome_lr.json"

#: Feature names, in vector order. Counts are capped so one long reply cannot dominate.
FEATURES: tuple[str, ...] = (
    "cascade_resolved",
    "cascade_clear_no",
    "cascade_moved_private",
    "cascade_deflected",
    "cascade_unresolved",
    "fix",
    "refusal",
    "refusal_with_alternative",
    "earlier_refusal",
    "private",
    "handoff_main",
    "handoff_conditional",
    "generic_link",
    "specific_link_overlap",
    "plain_link",
    "links",
    "answer_cues",
    "tentative",
    "questions",
    "working_on_it",
    "followup_expected",
    "generic_step",
    "troubleshooting_link",
    "customer_question",
    "customer_malfunction",
    "customer_tried",
    "agent_turns",
    "customer_turns_after_first_reply",
    "final_words",
    "reply_overlap",
    "slug_words",
    "article_link",
    "bare_page_link",
    "question_marks",
)

_CAP = 3.0
#: The web-archive prefix some exports wrap around links; the shape is judged on the original URL.
_ARCHIVE = re.compile(r"^https?\s?:\s?//web\.archive\.org/web/\d+/", re.IGNORECASE)
#: A numbered help article: ``/answer/6013276``, ``/HT201419``, ``/document/c04745752``, ``/articles/2005257``.
_ARTICLE_ID = re.compile(r"/(?:ht|sln|kb|c)?\d{4,}|/answer/\d+", re.IGNORECASE)


def link_shape(url: str) -> str | None:
    """``article_link`` for a numbered help article, ``bare_page_link`` for a short page with no number
    (a site's home, locator, plans or download page), else ``None``.

    Why: LABELS.md separates "a help article for exactly the question" (resolved) from "a generic help
    centre or another team's page" (deflected). Many article links carry no readable slug to compare
    with the question (``/HT201419``), but their shape still tells an article from a landing page.
    """
    url = _ARCHIVE.sub("", url)
    if _ARTICLE_ID.search(url):
        return "article_link"
    parts = url.split("/", 3)
    path = parts[3] if len(parts) > 3 else ""
    if path.count("/") <= 1 and not any(c.isdigit() for c in path):
        return "bare_page_link"
    return None


#: Path segments that name no page: a locale ("en-us", "us", "en_gb") or a help-centre root ("hc").
_NO_PAGE_SEGMENT = re.compile(r"^(?:[a-z]{2}(?:[-_][a-z]{2})?|hc|home|index\.html?)?$", re.IGNORECASE)
#: A help centre: ``help.minecraft.net``, ``support.google.com``, ``helpx.adobe.com``, ``www.x.com/help``.
_HELP_HOST = re.compile(r"^(?:help|helpx|support|care|faq)\.", re.IGNORECASE)
_HELP_SEGMENT = re.compile(r"^(?:help|support|faqs?|help-?cent(?:er|re))$", re.IGNORECASE)


def is_help_centre_home(url: str) -> bool:
    """True for the front page of a help centre (``https://help.minecraft.net/hc/en-us``, ``support.x.com``).

    Why: LABELS.md counts "a link to a generic help centre" as a deflection; the help centre's front page,
    with or without a locale, is the most generic page it has, whatever the question was. A company's
    own home page (``www.southwest.com`` to check a flight) is not a help centre and is left alone.
    """
    parts = _ARCHIVE.sub("", url).split("?", 1)[0].split("#", 1)[0].split("/")
    host = parts[2] if len(parts) > 2 else ""
    path = [segment.rstrip(".,;:!)") for segment in parts[3:]]
    pages = [segment for segment in path if not _NO_PAGE_SEGMENT.match(segment)]
    if _HELP_HOST.match(host.removeprefix("www.")):
        return not pages
    return len(pages) == 1 and _HELP_SEGMENT.match(pages[0]) is not None


@dataclass(frozen=True, slots=True)
class OutcomeModel:
    """Weights of a multinomial logistic regression: one row per outcome label, plus bias."""

    labels: tuple[str, ...]
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # (labels, features)
    bias: np.ndarray  # (labels,)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = self.weights @ ((x - self.mean) / self.scale) + self.bias
        z -= z.max()
        e = np.exp(z)
        return e / e.sum()

    def to_json(self) -> dict:
        return {
            "labels": list(self.labels),
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [[round(float(v), 6) for v in row] for row in self.weights],
            "bias": [round(float(v), 6) for v in self.bias],
        }

    @classmethod
    def from_json(cls, raw: dict, source: str = "model") -> OutcomeModel:
        try:
            features = tuple(raw["features"])
            labels = tuple(raw["labels"])
            model = cls(
                labels=labels,
                features=features,
                mean=np.asarray(raw["mean"], dtype=float),
                scale=np.asarray(raw["scale"], dtype=float),
                weights=np.asarray(raw["weights"], dtype=float),
                bias=np.asarray(raw["bias"], dtype=float),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{source}: not a valid outcome model ({exc})") from exc
        if features != FEATURES:
            raise ConfigError(
                f"{source}: model features {list(features)} do not match the engine's {list(FEATURES)}; "
                "retrain with `python -m fixfirst.analyze.outcome_training`"
            )
        if model.weights.shape != (len(labels), len(features)):
            raise ConfigError(f"{source}: weights shape {model.weights.shape} does not match labels x features")
        return model


@lru_cache(maxsize=4)
def load_outcome_model(path: str | None = None) -> OutcomeModel | None:
    """The shipped model (``None`` when the file is absent: the cascade alone decides)."""
    target = Path(path) if path else MODEL_PATH
    if not target.exists():
        return None
    return OutcomeModel.from_json(json.loads(target.read_text(encoding="utf-8")), str(target))


def _cap(value: float) -> float:
    return min(float(value), _CAP)


def feature_vector(doc: ConversationArtifacts, f, cascade_label: str) -> np.ndarray:
    """The named features of one contact, in ``FEATURES`` order (``f`` is ``OutcomeFeatures``)."""
    from fixfirst.analyze.outcome import fallback_handoffs, link_words  # local: outcome imports this module

    final = doc.last_agent
    values = dict.fromkeys(FEATURES, 0.0)
    values[f"cascade_{cascade_label}"] = 1.0 if f"cascade_{cascade_label}" in values else 0.0
    if final is None:
        return np.array([values[name] for name in FEATURES])
    values["fix"] = _cap(len(f.fix))
    values["refusal"] = _cap(len(f.refusal))
    values["refusal_with_alternative"] = float(bool(f.refusal) and f.has_alternative)
    values["earlier_refusal"] = _cap(len(f.earlier_refusal))
    values["private"] = _cap(len(f.private))
    conditional = len(fallback_handoffs(doc, final))
    main = len(doc.hits("other_team", final)) - conditional
    values["handoff_main"] = _cap(main)
    values["handoff_conditional"] = _cap(conditional)
    values["generic_link"] = _cap(len(doc.hits("generic_link", final)))
    values["specific_link_overlap"] = _cap(f.link_overlap)
    values["plain_link"] = _cap(len(f.plain_link))
    values["links"] = _cap(len(final.links))
    values["answer_cues"] = _cap(len(f.answer))
    values["tentative"] = _cap(len(f.weak))
    values["questions"] = _cap(len(f.question))
    values["working_on_it"] = _cap(len(f.working))
    values["followup_expected"] = float(doc.has("followup_expected", final))
    values["generic_step"] = _cap(len(doc.hits("generic_step", final)))
    values["troubleshooting_link"] = float(doc.has("troubleshooting_link", final))
    before = [t for t in doc.turns[: final.index] if t.is_customer]
    values["customer_question"] = float(any(doc.has("customer_question", t) or "?" in t.text for t in before))
    values["customer_malfunction"] = float(any(doc.has("customer_frustration", t) for t in before))
    values["customer_tried"] = float(any(doc.has("customer_tried", t) for t in before))
    agents = doc.agent_turns
    values["agent_turns"] = _cap(len(agents))
    first_reply = agents[0].index if agents else len(doc.turns)
    values["customer_turns_after_first_reply"] = _cap(sum(1 for t in doc.turns[first_reply:] if t.is_customer))
    values["final_words"] = math.log1p(len(final.text.split())) / 3.0
    asked = doc.customer_tokens_before(final.index)
    values["reply_overlap"] = _cap(len(final.tokens & asked))
    values["slug_words"] = _cap(max((len(link_words(final, span)) for span in final.links), default=0))
    # questions the final reply still asks the customer (outside links): the diagnosis is not finished
    prose = final.text
    for start, end in reversed(final.links):
        prose = prose[:start] + prose[end:]
    values["question_marks"] = _cap(prose.count("?"))
    for start, end in final.links:
        shape = link_shape(final.text[start:end])
        if shape is not None:
            values[shape] = 1.0
    return np.array([values[name] for name in FEATURES])
