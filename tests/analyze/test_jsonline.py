import json
import re

from analyze.conversation_builder import conversation
from fixfirst.analyze import analyze, result_to_json


def test_contract_line_shape_and_spans() -> None:
    convo = conversation(
        ("c", "Charged twice for order 881!"),
        ("a", "Sorry about that - I've refunded the second charge for order 881."),
        conversation_id="conv-7",
    )
    [result] = analyze([convo])
    line = result_to_json(result)
    assert json.loads(json.dumps(line)) == line
    assert list(line) == ["id", "outcome", "findings", "customer_sentiment", "score"]
    assert line["id"] == "conv-7"
    assert line["outcome"]["label"] == "resolved"
    assert line["score"]["scorecard"] == "resolution-first"
    assert 0 <= line["score"]["points"] <= 100
    for finding in line["findings"]:
        turn = convo.turns[finding["turn"]].text
        assert turn[finding["start"] : finding["end"]] == finding["text"]
        assert re.fullmatch(r"[a-z_]+\.v[0-9]+", finding["detector"])
        assert 0 <= finding["confidence"] <= 1
    for evidence in line["outcome"]["evidence"]:
        assert convo.turns[evidence["turn"]].text[evidence["start"] : evidence["end"]] == evidence["text"]
    assert {f["label"] for f in line["findings"]} >= {"ownership"}
    assert line["customer_sentiment"] == {"start": "negative", "end": "neutral"}


def test_analyze_is_lazy_and_keeps_order() -> None:
    convos = [
        conversation(("c", f"question {i}"), ("a", "Try again later."), conversation_id=f"c{i}")
        for i in range(5)
    ]
    results = analyze(iter(convos))
    assert [r.id for r in results] == ["c0", "c1", "c2", "c3", "c4"]
