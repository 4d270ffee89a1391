"""The learned engine's machinery: model files, training determinism, batching, hashing, confidences."""

from pathlib import Path

import numpy as np
import pytest

from analyze.conversation_builder import conversation
from fixfirst.analyze import analyze, build_pipeline, load_lexicon
from fixfirst.analyze.artifacts import build_artifacts
from fixfirst.analyze.learned import training
from fixfirst.analyze.learned.corpus import Example
from fixfirst.analyze.learned.features import OUTCOME_SPACE, TURN_SPACE, normalise
from fixfirst.analyze.learned.linear import LinearModel
from fixfirst.analyze.learned.reading import MODEL_DIR, load_models
from fixfirst.model import Behaviour, Outcome

THREADS = [
    (("c", "My card was charged twice for order 5512"), ("a", "I've refunded the second charge, it shows in 3 days.")),
    (("c", "Where is my parcel?"), ("a", "Please DM us your order number so we can look into it.")),
    (
        ("c", "The app crashes on login, I already reinstalled it"),
        ("a", "Sorry for the trouble! Have you tried reinstalling?"),
    ),
    (("c", "Can I get a refund after the trip?"), ("a", "I can't refund after departure - that's a fare rule.")),
    (("c", "My bill is wrong"), ("a", "You'll need to call billing at 1-800-555-0100.")),
    (("c", "Both lines are dead since Monday"), ("a", "I've opened ticket 4471 and will call you tomorrow by noon.")),
]
GOLD = [
    ("resolved", {"ownership": [1]}),
    ("moved_private", {}),
    ("unresolved", {"scripted_troubleshooting": [1], "hollow_apology": [1], "scripted_empathy": [1]}),
    ("clear_no", {"policy_stonewall": [1]}),
    ("deflected", {"deflective_transfer": [1]}),
    ("owned_followup", {"ownership": [1]}),
]


def tiny_design() -> training.Design:
    """Twelve handmade labelled threads in four groups (two copies of each, different ids)."""
    lexicon = load_lexicon()
    examples = []
    for copy in range(2):
        for i, (turns, (outcome, evidence)) in enumerate(zip(THREADS, GOLD, strict=True)):
            doc = build_artifacts(conversation(*turns, conversation_id=f"t{copy}-{i}"), lexicon)
            gold = {
                "outcome": outcome,
                "behaviours": {b.value: b.value in evidence for b in Behaviour},
                "evidence": evidence,
                "customer_sentiment_start": "negative",
                "customer_sentiment_end": "neutral",
            }
            examples.append(Example("tiny", f"g{(copy * 6 + i) % 4}", doc, gold))
    return training.build_design(examples)


def test_training_is_deterministic_and_files_round_trip(tmp_path: Path) -> None:
    design = tiny_design()
    first = training.fit(design, inner_folds=2)
    second = training.fit(design, inner_folds=2)
    assert (first.outcome.coef != second.outcome.coef).nnz == 0
    assert first.thresholds == second.thresholds
    assert first.outcome.temperature == second.outcome.temperature
    first.save(tmp_path, {"engine": "test"})
    loaded = load_models(tmp_path)
    x = design.outcome_x
    assert np.allclose(loaded.outcome.proba(x), first.outcome.proba(x), atol=1e-5)
    for label in training.BEHAVIOURS:
        assert np.allclose(
            loaded.behaviours[label].proba(design.turn_x), first.behaviours[label].proba(design.turn_x), atol=1e-5
        )
    assert loaded.fingerprint == first.meta["fingerprint"]
    # A different temperature changes every confidence, so it changes the engine's fingerprint too.
    first.outcome.temperature *= 2
    first.save(tmp_path / "recalibrated", {"engine": "test"})
    assert first.meta["fingerprint"] != loaded.fingerprint


def test_training_without_the_shared_data_stops_before_writing_a_model(tmp_path: Path, capsys) -> None:
    from fixfirst import train

    out = tmp_path / "model"
    assert train.main(["--data", str(tmp_path / "no-shared-data"), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "twitter_care: " in error and "multiturn: " in error and "written: " not in error
    assert not out.exists()


def test_training_into_another_folder_leaves_the_shipped_models_alone(tmp_path: Path) -> None:
    """``--out`` (an experiment) writes the speaker-role model there too, never into the package."""
    from fixfirst import train
    from fixfirst.analyze.learned.corpus import missing_corpora
    from fixfirst.ingest.calls import speaker_roles

    if missing_corpora():
        pytest.skip("needs the labelled data in ../shared/data")
    shipped = {p.name: p.read_bytes() for p in [*MODEL_DIR.iterdir(), *speaker_roles.MODEL_DIR.iterdir()]}
    assert train.main(["--out", str(tmp_path)]) == 0
    assert {p.name: p.read_bytes() for p in [*MODEL_DIR.iterdir(), *speaker_roles.MODEL_DIR.iterdir()]} == shipped
    written = {p.name for p in tmp_path.iterdir()}
    assert {"outcome.npz", "meta.json", f"{speaker_roles.MODEL_NAME}.npz"} <= written
    # the same data and seed give the shipped weights (only the commit stamp in meta.json may differ)
    assert (tmp_path / "outcome.npz").read_bytes() == shipped["outcome.npz"]


def test_fitted_outcome_model_separates_what_it_learned() -> None:
    design = tiny_design()
    models = training.fit(design, inner_folds=2)
    predicted = np.array(models.outcome.classes)[models.outcome.proba(design.outcome_x).argmax(axis=1)]
    assert list(predicted) == list(design.outcome_y)


def test_shipped_models_carry_their_provenance() -> None:
    models = load_models()
    meta = models.meta
    assert meta["engine"] == "fixfirst-learned-1"
    assert set(meta["thresholds"]) == {b.value for b in Behaviour}
    assert {"data_sha256", "lexicon_sha256", "features", "seed", "fingerprint"} <= set(meta)
    assert set(models.outcome.classes) == {o.value for o in Outcome}
    assert MODEL_DIR.joinpath("meta.json").exists()


def test_a_batch_reads_each_conversation_as_if_alone() -> None:
    convos = [conversation(*turns, conversation_id=f"b-{i}") for i, turns in enumerate(THREADS)]
    pipeline = build_pipeline()
    together = pipeline.run_batch(convos)
    alone = [pipeline.run(c) for c in convos]
    assert [r.model_dump() for r in together] == [r.model_dump() for r in alone]
    assert all(r.engine_version.startswith("fixfirst-learned-1+") for r in together)


def test_outcome_confidence_is_the_verdicts_probability() -> None:
    for result in analyze([conversation(*turns, conversation_id=f"p-{i}") for i, turns in enumerate(THREADS)]):
        assert 0.0 < result.outcome.confidence <= 1.0
        assert result.outcome.evidence, "every verdict points at the words that decided it"
        assert "p=" in result.outcome.explanation


def test_a_conversation_without_an_agent_turn_is_unresolved_with_no_evidence() -> None:
    [result] = analyze([conversation(("c", "Hello? Is anyone there? My order never came."))])
    assert result.outcome.label is Outcome.UNRESOLVED
    assert result.outcome.evidence == ()
    assert not result.findings


def test_token_columns_match_the_hashing() -> None:
    """The columns used to name cues in explanations are the ones the vectorizer hashes them to."""
    row = OUTCOME_SPACE.transform([{"cues": "final_private_channel"}])
    assert list(row.indices) == [OUTCOME_SPACE.token_column("cues", "final_private_channel")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DM @AcmeHelp or mail jo@x.com", "DM  xhandle  or mail  xemail "),
        ("ticket 4471", "ticket 0000"),
        ("call <PHONE> now", "call  xnumber  now"),
        ("Hi <NAME>, done", "Hi  , done"),  # a redacted name is no word: training text had the name itself
        (
            "see https://help.acme.com/hc/en-us/articles/12-reset-password ok",
            "see  xlink u_help u_acme u_00 u_reset u_password  ok",
        ),
    ],
)
def test_normalise_makes_raw_and_redacted_text_read_alike(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_turn_views_are_linear_in_the_turns() -> None:
    """The customer context is built in one pass: each turn's row reads only precomputed state."""
    turns = [("c" if i % 2 == 0 else "a", f"turn {i}: my order 55{i} is late again") for i in range(400)]
    doc = build_artifacts(conversation(*turns), load_lexicon())
    from fixfirst.analyze.learned.features import CustomerContext, turn_rows

    context = CustomerContext.of(doc)
    rows = turn_rows(doc, context)
    assert len(rows) == 400
    assert "shared_" in rows[-1]["cues"]
    assert TURN_SPACE.transform(rows).shape[0] == 400
    assert LinearModel.stack([load_models().behaviours[b] for b in training.BEHAVIOURS]).coef.shape[1] == 10
