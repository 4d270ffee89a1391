"""``check_detector``: the contract every detector must pass, built-in or a customer's own.

Like scikit-learn's ``parametrize_with_checks``: run it in your test-suite on each detector you
register. It builds conversations that stress the contract (empty-ish turns, emoji, very long
text, quoting, many turns) and checks every finding it gets back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fixfirst.analyze.artifacts import ARTIFACT_FEATURES, LEARNED_FEATURE, OUTCOME_FEATURE
from fixfirst.analyze.detector import Detector
from fixfirst.analyze.engine import read_document
from fixfirst.analyze.lexicon import Lexicon, load_lexicon
from fixfirst.model import Behaviour, Conversation, Finding, Role, Turn

#: Behaviours read from the customer's side or from anyone; all others are agent behaviours.
NON_AGENT_LABELS = frozenset({Behaviour.CUSTOMER_EFFORT.value, Behaviour.SYSTEM_GAP.value})


def _conversation(name: str, turns: Sequence[tuple[Role, str]]) -> Conversation:
    return Conversation(
        id=f"check-{name}",
        turns=tuple(Turn(index=i, role=role, text=text) for i, (role, text) in enumerate(turns)),
    )


def contract_conversations() -> list[Conversation]:
    """Conversations that exercise the edges of the contract (and trigger most built-in rules)."""
    c, a = Role.CUSTOMER, Role.AGENT
    long_text = ("I restarted the router and reinstalled the app but it still fails. " * 400).strip()
    return [
        _conversation("minimal", [(c, "help")]),
        _conversation("whitespace", [(c, "  \n "), (a, "?"), (c, ".")]),
        _conversation(
            "emoji", [(c, "😭😭 🤬 my order 📦 never came!! 🙁"), (a, "Sorry to hear that 😔 DM us 🙏")]
        ),
        _conversation(
            "typical",
            [
                (c, "I already told you twice, I restarted my phone and cleared the cache. Still waiting!"),
                (
                    a,
                    "Sorry for the inconvenience. Have you tried restarting your phone? "
                    "Our policy is not to refund.",
                ),
                (c, "As I said, I did that. This is the third time I ask."),
                (a, "I'm sorry - there's no record of your request in our system. Please contact billing."),
            ],
        ),
        _conversation(
            "quoting",
            [
                (
                    c,
                    'You wrote "sorry for the inconvenience" and "someone will get back to you" - '
                    "nobody did.",
                ),
                (
                    a,
                    'When you say "I already told you", I understand. '
                    "I've refunded the fee and will email you by 5pm.",
                ),
            ],
        ),
        _conversation("long", [(c, long_text), (a, long_text.replace("I ", "we "))]),
        _conversation(
            "system-only", [(Role.SYSTEM, "Chat started"), (Role.BOT, "Hi, how can I help?"), (c, "hi")]
        ),
        _conversation(
            "many-turns",
            [
                (c if i % 2 == 0 else a, f"turn {i}: sorry, try again later or contact support")
                for i in range(60)
            ],
        ),
    ]


def _check_finding(detector: Detector, conversation: Conversation, finding: Finding) -> list[str]:
    where = f"{detector.qualified_name} on {conversation.id}"
    problems = []
    if not isinstance(finding, Finding):
        return [f"{where}: returned {type(finding).__name__}, not a Finding"]
    if finding.label not in detector.labels:
        problems.append(f"{where}: emitted undeclared label {finding.label!r}")
    if finding.detector != detector.qualified_name:
        problems.append(f"{where}: finding names detector {finding.detector!r}")
    if not 0.0 <= finding.confidence <= 1.0:
        problems.append(f"{where}: confidence {finding.confidence} outside [0, 1]")
    if finding.turn >= len(conversation.turns):
        return problems + [f"{where}: turn {finding.turn} does not exist"]
    turn = conversation.turns[finding.turn]
    if not 0 <= finding.start <= finding.end <= len(turn.text):
        problems.append(
            f"{where}: span {finding.start}:{finding.end} outside turn of length {len(turn.text)}"
        )
    elif turn.text[finding.start : finding.end] != finding.text:
        problems.append(f"{where}: finding text is not turn.text[start:end]")
    if finding.end == finding.start:
        problems.append(f"{where}: empty span")
    if detector.speaker is not None and turn.role is not detector.speaker:
        problems.append(
            f"{where}: finding on a {turn.role.value} turn, detector speaks for {detector.speaker.value}"
        )
    agent_label = finding.label not in NON_AGENT_LABELS and finding.label in {b.value for b in Behaviour}
    if agent_label and turn.role is not Role.AGENT:
        problems.append(f"{where}: agent behaviour {finding.label!r} on a {turn.role.value} turn")
    if not finding.explanation:
        problems.append(f"{where}: finding has no explanation")
    return problems


def check_detector(
    detector: Detector,
    conversations: Iterable[Conversation] | None = None,
    *,
    lexicon: Lexicon | None = None,
) -> None:
    """Raise ``AssertionError`` listing every contract violation of ``detector``.

    Checks: declared name/version/labels/requires; requirements satisfiable; spans in range and equal
    to the text; confidences in [0, 1]; only declared labels; agent behaviours only on agent turns;
    deterministic (same input, same findings); no exception on empty, emoji or very long text.
    """
    lexicon = lexicon or load_lexicon()
    problems: list[str] = []
    if not getattr(detector, "name", "") or not isinstance(getattr(detector, "version", None), int):
        problems.append(f"{detector!r}: needs a non-empty `name` and an int `version`")
    if not getattr(detector, "labels", None):
        problems.append(f"{detector!r}: declares no labels")
    provided = ARTIFACT_FEATURES | {LEARNED_FEATURE, OUTCOME_FEATURE}
    for requirement in detector.requires:
        if requirement.startswith("lexicon:"):
            if requirement.split(":", 1)[1] not in lexicon:
                problems.append(f"{detector.qualified_name}: requires missing lexicon category {requirement}")
        elif requirement not in provided:
            problems.append(f"{detector.qualified_name}: requires unknown feature {requirement!r}")
    for conversation in list(conversations or contract_conversations()):
        runs = []
        for _ in range(2):
            doc = read_document(conversation, lexicon)
            try:
                runs.append(detector.detect(doc))
            except Exception as exc:  # the contract is "never raise on odd text"
                problems.append(f"{detector.qualified_name} raised {exc!r} on {conversation.id}")
                break
        if len(runs) == 2 and runs[0] != runs[1]:
            problems.append(f"{detector.qualified_name}: not deterministic on {conversation.id}")
        for finding in runs[0] if runs else ():
            problems += _check_finding(detector, conversation, finding)
    if problems:
        raise AssertionError("detector contract violated:\n  " + "\n  ".join(problems))
