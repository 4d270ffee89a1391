import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import Detector, analyze, build_pipeline, default_registry
from fixfirst.analyze.artifacts import ConversationArtifacts
from fixfirst.errors import ConfigError
from fixfirst.model import Finding
from fixfirst.testing import check_detector

#: Golden list: changing the built-ins must change this test on purpose.
GOLDEN = [
    "customer_effort.v2",
    "deflective_transfer.v2",
    "hollow_apology.v2",
    "ownership.v2",
    "policy_stonewall.v2",
    "proactive.v2",
    "scripted_empathy.v2",
    "scripted_troubleshooting.v2",
    "specific_acknowledgement.v2",
    "system_gap.v2",
]


def test_registry_contents_are_golden() -> None:
    assert default_registry().names() == GOLDEN


def test_every_behaviour_label_has_a_detector() -> None:
    registry = default_registry()
    emitted = set().union(*(registry.create(n).labels for n in registry.names()))
    assert emitted == registry.labels


@pytest.mark.parametrize("name", GOLDEN)
def test_check_detector_on_every_registered_detector(name: str) -> None:
    check_detector(default_registry().create(name))


class RefundPromise(Detector):
    """A customer's own detector, registered exactly like the built-ins."""

    name = "refund_promise"
    labels = frozenset({"refund_promise"})
    requires = frozenset({"lexicon", "lexicon:ownership_action"})

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        return [
            self.finding("refund_promise", 0.9, turn, span, "The agent refunded.")
            for turn in self.speaker_turns(doc)
            for span in doc.hits("ownership_action", turn)
            if "refund" in turn.text[span[0] : span[1]].lower()
        ]


def test_custom_detector_runs_after_declaring_its_label() -> None:
    registry = default_registry()
    registry.register(RefundPromise)
    registry.add_label("refund_promise")
    check_detector(RefundPromise())
    [result] = analyze([conversation(("c", "Refund?"), ("a", "I've refunded it."))], registry=registry)
    assert [(f.label, f.text) for f in result.findings if f.label == "refund_promise"] == [
        ("refund_promise", "I've refunded")
    ]


def test_pipeline_refuses_unknown_labels_before_running() -> None:
    registry = default_registry()
    registry.register(RefundPromise)
    with pytest.raises(ConfigError, match=r"refund_promise.v1 emits unknown labels \['refund_promise'\]"):
        build_pipeline(registry=registry)


class NeedsMissingCategory(Detector):
    name = "needs_missing"
    labels = frozenset({"ownership"})
    requires = frozenset({"lexicon:no_such_category", "parse_tree"})

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        return []


def test_pipeline_refuses_unsatisfied_requirements() -> None:
    registry = default_registry()
    registry.register(NeedsMissingCategory)
    with pytest.raises(ConfigError) as info:
        build_pipeline(registry=registry)
    assert "needs lexicon category 'no_such_category'" in str(info.value)
    assert "needs 'parse_tree'" in str(info.value)


def test_registering_the_same_name_twice_is_an_error() -> None:
    registry = default_registry()
    with pytest.raises(ConfigError, match="registered twice"):
        registry.register(default_registry().create("ownership.v2").__class__)


class BrokenSpan(Detector):
    name = "broken_span"
    labels = frozenset({"ownership"})

    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        turn = doc.turns[0]
        return [
            Finding(
                label="ownership",
                confidence=0.5,
                turn=0,
                start=0,
                end=len(turn.text) + 5,
                text="x",
                detector=self.qualified_name,
                explanation="bad",
            )
        ]


def test_check_detector_catches_contract_violations() -> None:
    with pytest.raises(AssertionError) as info:
        check_detector(BrokenSpan())
    message = str(info.value)
    assert "outside turn" in message
    assert "agent behaviour 'ownership' on a customer turn" in message
