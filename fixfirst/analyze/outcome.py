"""The outcome classifier: one outcome per contact, judged on its last state, with evidence spans.

Why a rule cascade and not a keyword vote: LABELS.md defines the outcome by what the contact *ends*
with, and the outcomes overlap in wording ("please contact us" is a private move after "we'd like to
look into this", a deflection after "our phone team can help", a fallback after an answer). So the
classifier reads the final agent turn in context - what the customer asked, whether a redirect is
only a conditional fallback ("if that doesn't work..."), whether a link is the article for exactly
this question or a generic page - and applies the guide's precedence:
fix done > owned next step > plain no > private move > hand-off > steps already tried > answer > nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from fixfirst.analyze.artifacts import ConversationArtifacts, Span, TurnArtifacts, content_stems, stem
from fixfirst.analyze.detectors.scripted_troubleshooting import ScriptedTroubleshooting
from fixfirst.analyze.outcome_model import feature_vector, is_help_centre_home, load_outcome_model
from fixfirst.model import Evidence, Outcome, OutcomeVerdict

NAME = "outcome.v1"
REQUIRES = frozenset(
    {
        "sentences",
        "clauses",
        "links",
        "tokens",
        "negation",
        "lexicon:completed_fix",
        "lexicon:first_person_commitment",
        "lexicon:deadline",
        "lexicon:private_channel",
        "lexicon:company_will_act",
        "lexicon:capability_no",
        "lexicon:policy_reason",
        "lexicon:alternative",
        "lexicon:other_team",
        "lexicon:generic_link",
        "lexicon:announcement_link",
        "lexicon:answer",
        "lexicon:tentative_help",
        "lexicon:info_request",
        "lexicon:working_on_it",
        "lexicon:customer_confirms_fix",
        "lexicon:customer_still_broken",
        "lexicon:generic_step",
        "lexicon:troubleshooting_link",
        "lexicon:checklist_link",
        "lexicon:customer_question",
        "lexicon:customer_frustration",
        "lexicon:customer_tried",
        "lexicon:followup_expected",
        "lexicon:customer_asks_contact",
        "lexicon:generic_words",
    }
)

#: A sentence that opens with a condition ("If it still happens, ...") is a fallback, not the reply.
_CONDITIONAL_OPENING = re.compile(
    r"^\W*(?:@\w+\s+)*(?:\W*(?:hi|hey|hello|also|and|but|otherwise|alternatively)\W+)?"
    r"(?:if|in case(?! you missed)|should (?:you|it|this|that|the)|otherwise|unless|whenever"
    r"|when in doubt)(?!\w)",
    re.IGNORECASE,
)
#: "..., send us an email if it's still happening" - a condition about the problem persisting.
_PERSISTENCE_IF = re.compile(
    r"(?<!\w)if (?:it|this|that|the (?:issue|problem|error|bonus)|you(?:'re| are)? still|no luck|not"
    r"|the steps)"
    r"[^.!?]{0,40}?(?:still|persists?|continues?|doesn't|does not|don't|didn't|not|no luck|no change)",
    re.IGNORECASE,
)
#: "If you think it happened in error, you can appeal": a condition the complaining customer already
#: meets, so the sentence is the reply itself, not a fallback.
_CASE_CONDITION = re.compile(r"^\W*(?:@\w+\s+)*(?:\W*(?:hi|hey|hello)\W+)?if you (?:believe|think|feel)", re.IGNORECASE)
#: "DM us anytime if we can help" - an open offer, not a move of this case.
_OPEN_OFFER = re.compile(r"(?<!\w)(?:any ?time|if (?:you|we) (?:need|can|have|ever))(?!\w)", re.IGNORECASE)
#: A private channel to the company itself ("DM us", "send us an email"): a move on its own, even
#: without "we'll look into it" - LABELS.md names DM and e-mail as the private channels. A ticket form
#: or "contact us" still needs the company to say it will act, else it is a hand-off.
_DIRECT_CHANNEL = re.compile(
    r"(?<!\w)(?:dm|dms|direct message|private message|send us an? e-?mail|e-?mail us)(?!\w)", re.IGNORECASE
)
_URL_WORD = re.compile(r"[a-z]{4,}")
#: Customer words an "if ..." clause must repeat to be the customer's own situation, not a fallback.
CASE_WORDS = 2
#: Slug words a link must share with the customer's words to be "the article for exactly this question".
SPECIFIC_LINK_WORDS = 2
#: With a hedge ("may help"), the article must match more closely to count as the answer.
STRONG_LINK_WORDS = 3
#: URL words that say nothing about the question ("support", "article", "help", domains).
_URL_NOISE = frozenset(
    [
        "https",
        "http",
        "archive",
        "support",
        "help",
        "helpx",
        "answer",
        "answers",
        "article",
        "articles",
        "share",
        "language",
        "hulu",
        "google",
        "youtube",
        "apple",
        "adobe",
        "rockstargames",
        "playstation",
        "dropbox",
        "spotify",
        "microsoft",
        "zoom",
        "ebay",
        "minecraft",
        "mojang",
        "yahoo",
        "godaddy",
        "twitter",
        "mobile",
        "xbox",
        "amazon",
        "southwest",
        "delta",
        "chase",
        "wellsfargo",
        "spectrum",
        "uber",
        "en_us",
        "kc_article",
        "troubleshooter",
        "html",
        "index",
        "document",
        "docs",
        "guide",
        "products",
        "product",
        "kb_article",
        "beta",
        "category",
        "categories",
        "topic",
        "hl=en",
    ]
)


@dataclass(slots=True)
class OutcomeFeatures:
    """What the classifier saw in the final state; kept so explanations and tests can read it."""

    fix: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    commitment: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    refusal: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    private: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    handoff: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    answer: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    specific_link: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    link_overlap: int = 0
    plain_link: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    told_elsewhere: bool = False
    asked_for_contact: bool = False
    earlier_refusal: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    working: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    weak: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    question: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    customer_confirms: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    customer_still: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    scripted_steps: list[tuple[TurnArtifacts, Span]] = field(default_factory=list)
    has_alternative: bool = False
    deadline: bool = False

    @property
    def gives_asked_contact(self) -> bool:
        """The customer asked how to reach the company and the reply points somewhere: that is the answer."""
        return self.asked_for_contact and bool(self.handoff)


def is_conditional(doc: ConversationArtifacts, turn: TurnArtifacts, start: int) -> bool:
    """True when the span sits in an "if it still happens, ..." fallback rather than the main reply
    (but not in "if you think it was a mistake, ...", which speaks to the customer's own complaint)."""
    sentence_start, sentence_end = doc.segment_of(turn, start)
    sentence = turn.text[sentence_start:sentence_end]
    if _PERSISTENCE_IF.search(sentence):
        return True
    if _CONDITIONAL_OPENING.match(sentence):
        return not (_CASE_CONDITION.search(sentence) or _restates_the_case(doc, turn, sentence))
    return False


def _restates_the_case(doc: ConversationArtifacts, turn: TurnArtifacts, sentence: str) -> bool:
    """"If you're unable to sign in and have forgotten your password, ..." to a customer who said just
    that: the condition is already met, so the sentence is the reply itself."""
    condition = sentence.split(",", 1)[0]
    stop = doc.lexicon.get("generic_words").words
    return len(content_stems(condition, stop) & doc.customer_tokens_before(turn.index)) >= CASE_WORDS


def is_open_offer(doc: ConversationArtifacts, turn: TurnArtifacts, span: Span) -> bool:
    """True for "DM us anytime if we can help": an invitation for later, not a move of this case."""
    _, sentence_end = doc.segment_of(turn, span[0])
    return _OPEN_OFFER.search(turn.text, span[1], min(sentence_end, span[1] + 40)) is not None


def link_words(turn: TurnArtifacts, span: Span) -> frozenset[str]:
    """Content words of a URL slug (``Red-Dead-Online-Connection-Troubleshooting``), stemmed like tokens."""
    words = _URL_WORD.findall(turn.text[span[0] : span[1]].lower())
    return frozenset(stem(w) for w in words if w not in _URL_NOISE)


def _link_kind(doc: ConversationArtifacts, turn: TurnArtifacts, span: Span) -> str | None:
    if is_help_centre_home(turn.text[span[0] : span[1]]):
        return "generic_link"
    for category in ("checklist_link", "announcement_link", "generic_link"):
        for start, _ in doc.hits(category, turn):
            if span[0] <= start < span[1]:
                return category
    return None


def _collect(doc: ConversationArtifacts, category: str, turn: TurnArtifacts, *, main_only: bool = False):
    found = []
    for span in doc.hits(category, turn):
        if doc.negated(turn, span[0]) and category in {"completed_fix", "first_person_commitment", "answer"}:
            continue
        if main_only and is_conditional(doc, turn, span[0]):
            continue
        found.append((turn, span))
    return found


def read_features(doc: ConversationArtifacts) -> OutcomeFeatures:
    """Collect the signals the cascade decides on (final agent turn, plus customer replies after it)."""
    features = OutcomeFeatures()
    final = doc.last_agent
    if final is None:
        return features
    for turn in doc.agent_turns:
        features.fix += _collect(doc, "completed_fix", turn, main_only=True)
    features.commitment = _collect(doc, "first_person_commitment", final, main_only=True)
    features.deadline = doc.has("deadline", final)
    features.refusal = _collect(doc, "capability_no", final, main_only=True)
    for turn in doc.agent_turns:
        if turn.index != final.index:
            features.earlier_refusal += _collect(doc, "capability_no", turn, main_only=True)
    features.has_alternative = doc.has("alternative", final) or bool(doc.hits("other_team", final))
    private = _collect(doc, "private_channel", final, main_only=True)
    private = [(t, s) for t, s in private if not is_open_offer(doc, t, s)]
    will_act = doc.has("company_will_act", final)
    features.private = [(t, s) for t, s in private if will_act or _DIRECT_CHANNEL.search(t.text, s[0], s[1])]
    features.handoff = _collect(doc, "other_team", final, main_only=True)
    features.told_elsewhere = bool(features.handoff)
    asked = doc.customer_tokens_before(final.index)
    features.working = _collect(doc, "working_on_it", final)
    # Links that only point somewhere (a form, a forum, a checklist): an answer cue in their sentence
    # describes the pointer ("you can submit a ticket at <form>"), it does not answer the question.
    generic_pages: list[Span] = []
    checklists: list[Span] = []
    for span in final.links:
        kind = _link_kind(doc, final, span)
        overlap = len(link_words(final, span) & asked)
        if kind == "checklist_link":
            checklists.append(span)
            features.weak.append((final, span))
        elif kind == "announcement_link":
            features.working.append((final, span))
        elif kind == "generic_link":
            if not is_conditional(doc, final, span[0]):
                features.handoff.append((final, span))
                generic_pages.append(span)
        elif overlap >= SPECIFIC_LINK_WORDS:
            features.specific_link.append((final, span))
            features.link_overlap = max(features.link_overlap, overlap)
        elif not is_conditional(doc, final, span[0]):
            features.plain_link.append((final, span))
    # ... unless the customer asked how to reach the company: then the contact page is the answer.
    features.asked_for_contact = any(doc.has("customer_asks_contact", t) for t in doc.turns[: final.index])
    pointers = checklists if features.asked_for_contact else generic_pages + checklists
    features.answer = [
        (turn, span)
        for turn, span in _collect(doc, "answer", final)
        if not any(doc.in_same_sentence(final, span[0], page[0]) for page in pointers)
    ]
    features.weak += _collect(doc, "tentative_help", final)
    features.question = _collect(doc, "info_request", final, main_only=True)
    features.scripted_steps = [
        (final, (finding.start, finding.end)) for finding in _SCRIPTED.detect(doc) if finding.turn == final.index
    ]
    for turn in doc.turns[final.index + 1 :]:
        if turn.is_customer:
            features.customer_confirms += [(turn, s) for s in doc.hits("customer_confirms_fix", turn)]
            features.customer_still += [(turn, s) for s in doc.hits("customer_still_broken", turn)]
    return features


#: Checklist steps the customer already tried (or that do not fit) are generic tips, not the answer.
_SCRIPTED = ScriptedTroubleshooting()


def _evidence(items: list[tuple[TurnArtifacts, Span]], limit: int = 3) -> tuple[Evidence, ...]:
    out = []
    for turn, (start, end) in items[:limit]:
        out.append(Evidence(turn=turn.index, start=start, end=end, text=turn.text[start:end]))
    return tuple(out)


def _verdict(label: Outcome, confidence: float, items, explanation: str) -> OutcomeVerdict:
    return OutcomeVerdict(label=label, confidence=confidence, evidence=_evidence(items), explanation=explanation)


def classify_outcome(doc: ConversationArtifacts) -> OutcomeVerdict:
    """Decide the one outcome of a contact from its last state (LABELS.md section 1).

    The cascade decides outright where the transcript is unambiguous (the customer confirms or
    denies the fix, the fix is reported done, a dated first-person commitment). Elsewhere the
    learned model (``outcome_model.py``) weighs the cascade's verdict together with the other
    signals; evidence always comes from the spans behind the chosen label.
    """
    final = doc.last_agent
    if final is None:
        return _verdict(Outcome.UNRESOLVED, 0.9, [], "No agent ever replied, so nothing was fixed or owned.")
    f = read_features(doc)
    verdict, rule = cascade(doc, f)
    model = load_outcome_model()
    if model is None or rule in DECISIVE_RULES:
        return verdict
    probabilities = model.probabilities(feature_vector(doc, f, verdict.label.value))
    allowed = allowed_labels(doc, f) | {verdict.label.value}
    mask = np.array([label in allowed for label in model.labels])
    best = int(np.argmax(np.where(mask, probabilities, -1.0)))
    label, confidence = Outcome(model.labels[best]), round(float(probabilities[best]), 3)
    if label is verdict.label:
        return verdict.model_copy(update={"confidence": confidence})
    return _learned_verdict(label, confidence, doc, f)


#: Cascade rules that decide on their own (the model is not consulted). ``commitment`` is among them
#: because the dev labels hold no owned follow-up at all: a learned weighting would never choose a
#: label it has not seen, so a first-person promise ("I've escalated this and will update you") would
#: be overruled into whatever the other cues suggest.
DECISIVE_RULES = frozenset(
    {"customer_confirms", "customer_still", "fix", "dated_commitment", "commitment", "scripted_steps"}
)

_LEARNED_EXPLANATION = {
    Outcome.RESOLVED: "The reply gives the specific answer or the article for this question.",
    Outcome.DEFLECTED: "The customer is pointed to another team, page or form and nobody owns the result.",
    Outcome.UNRESOLVED: "Generic tips or questions only; nothing is fixed, refused or owned.",
    Outcome.MOVED_PRIVATE: "The agent asks to continue privately and the thread ends there.",
    Outcome.CLEAR_NO: "The agent says plainly it cannot be done.",
    Outcome.OWNED_FOLLOWUP: "The agent personally commits to a next step.",
}


def fallback_handoffs(doc: ConversationArtifacts, turn: TurnArtifacts) -> list[Span]:
    """Hand-off spans that are only a fallback for "if it still happens" (LABELS.md: never the outcome)."""
    out = []
    for span in doc.hits("other_team", turn):
        start, end = doc.segment_of(turn, span[0])
        if _PERSISTENCE_IF.search(turn.text[start:end]):
            out.append(span)
    return out


def real_handoffs(doc: ConversationArtifacts, turn: TurnArtifacts) -> list[tuple[TurnArtifacts, Span]]:
    fallback = set(fallback_handoffs(doc, turn))
    return [(turn, s) for s in doc.hits("other_team", turn) if s not in fallback]


def allowed_labels(doc: ConversationArtifacts, f: OutcomeFeatures) -> frozenset[str]:
    """Labels the model may choose: only those with evidence in the transcript (unresolved always).

    Why: the learned weights are fitted on few threads; this keeps them from inventing a hand-off,
    a private move or a refusal that no words in the reply support - every verdict needs a span.
    """
    final = doc.last_agent
    assert final is not None
    allowed = {Outcome.UNRESOLVED.value}
    if f.specific_link or f.answer or f.plain_link or f.gives_asked_contact:
        allowed.add(Outcome.RESOLVED.value)
    if real_handoffs(doc, final) or f.handoff or f.plain_link:
        allowed.add(Outcome.DEFLECTED.value)
    if f.private:
        allowed.add(Outcome.MOVED_PRIVATE.value)
    if f.refusal or f.earlier_refusal:
        allowed.add(Outcome.CLEAR_NO.value)
    if f.commitment:
        allowed.add(Outcome.OWNED_FOLLOWUP.value)
    return frozenset(allowed)


def _learned_verdict(label: Outcome, confidence: float, doc: ConversationArtifacts, f: OutcomeFeatures):
    """Evidence for a label chosen by the model: the spans of the signals that speak for that label."""
    final = doc.last_agent
    assert final is not None
    handoff = real_handoffs(doc, final) + f.handoff
    by_label = {
        Outcome.RESOLVED: f.specific_link + f.answer + f.plain_link,
        Outcome.DEFLECTED: handoff + f.plain_link,
        Outcome.UNRESOLVED: f.weak + f.question + f.working + f.plain_link,
        Outcome.MOVED_PRIVATE: f.private,
        Outcome.CLEAR_NO: f.refusal + f.earlier_refusal,
        Outcome.OWNED_FOLLOWUP: f.commitment,
    }
    items = by_label[label] or [(final, (0, len(final.text)))]
    unique = {(turn.index, span): (turn, span) for turn, span in items}
    items = [unique[key] for key in sorted(unique)]
    return _verdict(label, confidence, items, _LEARNED_EXPLANATION[label] + " (learned weighting of the cues)")


def cascade(doc: ConversationArtifacts, f: OutcomeFeatures) -> tuple[OutcomeVerdict, str]:
    """The hand-set precedence of LABELS.md; returns the verdict and the name of the rule that fired."""
    final = doc.last_agent
    assert final is not None
    if f.customer_confirms and not f.customer_still:
        return _verdict(
            Outcome.RESOLVED, 0.85, f.customer_confirms, "The customer confirms the fix after the reply."
        ), "customer_confirms"
    if f.customer_still and not f.customer_confirms:
        return _verdict(
            Outcome.UNRESOLVED,
            0.7,
            f.customer_still,
            "The customer says the problem persists and no one answers.",
        ), "customer_still"
    if f.fix:
        return _verdict(Outcome.RESOLVED, 0.85, f.fix, "The agent reports the fix as done in this contact."), "fix"
    if f.commitment and f.deadline:
        return _verdict(
            Outcome.OWNED_FOLLOWUP, 0.8, f.commitment, "The agent personally commits to a dated next step."
        ), "dated_commitment"
    if f.refusal and not f.working:
        confidence = 0.75 if f.has_alternative else 0.65
        return _verdict(Outcome.CLEAR_NO, confidence, f.refusal, "The agent says plainly it cannot be done."), "refusal"
    if f.private:
        return _verdict(
            Outcome.MOVED_PRIVATE,
            0.75,
            f.private,
            "The agent asks to continue privately and the thread ends there.",
        ), "private"
    if f.commitment:
        return _verdict(
            Outcome.OWNED_FOLLOWUP, 0.55, f.commitment, "The agent personally commits to a next step."
        ), "commitment"
    if f.gives_asked_contact:
        return _verdict(
            Outcome.RESOLVED,
            0.6,
            f.handoff,
            "The customer asked how to reach the company and the reply gives exactly that route.",
        ), "contact_asked"
    if f.told_elsewhere:
        return _verdict(
            Outcome.DEFLECTED,
            0.7,
            f.handoff,
            "The customer is told to go elsewhere and nobody owns the result.",
        ), "handoff"
    if f.scripted_steps:
        return _verdict(
            Outcome.UNRESOLVED,
            0.7,
            f.scripted_steps,
            "The reply pushes checklist steps the customer already tried or that do not fit the problem.",
        ), "scripted_steps"
    if f.question:
        return _verdict(
            Outcome.UNRESOLVED,
            0.65,
            f.question,
            "The agent only asks for more details; the customer is left waiting.",
        ), "question"
    if f.working:
        return _verdict(Outcome.UNRESOLVED, 0.6, f.working, "Work in progress with no owner, date or fix."), "working"
    strong_link = f.link_overlap >= STRONG_LINK_WORDS
    if f.specific_link and (f.answer or strong_link or not f.weak):
        return _verdict(
            Outcome.RESOLVED,
            0.6,
            f.specific_link + f.answer,
            "The agent links the article for exactly this question.",
        ), "specific_link"
    if f.answer:
        return _verdict(Outcome.RESOLVED, 0.55, f.answer, "The agent gives the specific answer or steps."), "answer"
    if f.handoff:
        return _verdict(
            Outcome.DEFLECTED, 0.6, f.handoff, "The reply ends in a generic page or form elsewhere."
        ), "generic_page"
    if f.earlier_refusal:
        return _verdict(
            Outcome.CLEAR_NO, 0.55, f.earlier_refusal, "An earlier plain no is the last word."
        ), "earlier_refusal"
    evidence = f.weak or f.plain_link or [(final, (0, len(final.text)))]
    return _verdict(Outcome.UNRESOLVED, 0.55, evidence, "No fix, answer, clear no or owned next step."), "nothing"
