"""Survey join (by conversation, else the customer's latest contact before the survey) and summaries."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from statistics import fmean

from fixfirst.insight.contacts import build_contacts
from fixfirst.insight.customer_voice import CustomerVoice, VoiceTally, customer_voice
from fixfirst.model import FixedAnswer, Survey, SurveyAnswers

from .handmade import T0, conversation, finding, result


def _contacts():
    a = conversation("a", [("customer", "Bill wrong"), ("agent", "I've reversed the fee.")], at=T0)
    b = conversation(
        "b",
        [("customer", "Router late"), ("agent", "Sorry for the inconvenience.")],
        at=T0 + timedelta(days=2),
    )
    c = conversation(
        "c",
        [("customer", "Cancel"), ("agent", "I can't, minimum term. What I can do is...")],
        at=T0 + timedelta(days=1),
        customer="cust-2",
    )
    results = [
        result(a, "resolved"),
        result(b, "unresolved", [finding(b, "hollow_apology", 1)]),
        result(c, "clear_no"),
    ]
    return build_contacts([a, b, c], results)


def test_join_rules_and_group_means():
    contacts = _contacts()
    surveys = [
        Survey(
            id="s1",
            conversation_id="a",
            csat=5,
            ces=7,
            fixed=FixedAnswer.YES,
            submitted_at=T0 + timedelta(hours=3),
        ),
        # customer-only survey one day after contact a, before b: joins a? a already has one -> duplicate
        Survey(id="s2", customer_id="cust-1", csat=4, submitted_at=T0 + timedelta(days=1)),
        # customer-only survey after b: joins b (latest contact before it)
        Survey(
            id="s3", customer_id="cust-1", csat=1, fixed=FixedAnswer.NO, submitted_at=T0 + timedelta(days=3)
        ),
        Survey(id="s4", conversation_id="c", csat=3, fixed=FixedAnswer.CLEAR_NO),
        Survey(id="s5", customer_id="nobody", csat=2),
        Survey(id="s6", customer_id="cust-2", csat=2, submitted_at=T0),  # before cust-2's only contact
    ]
    voice = customer_voice(surveys, contacts, {"a": "k1", "b": "k2", "c": "k3"})
    assert {link.survey_id: link.conversation_id for link in voice.links} == {"s1": "a", "s3": "b", "s4": "c"}
    assert {link.survey_id: link.joined_by for link in voice.links}["s3"] == "customer_id"
    assert voice.unmatched_surveys == 2 and voice.duplicate_surveys == 1
    assert voice.overall.csat_mean == 3.0 and voice.overall.response_rate == 1.0
    by_outcome = {g.group: g for g in voice.by_outcome}
    assert by_outcome["resolved"].csat_mean == 5.0 and by_outcome["resolved"].fixed_yes_rate == 1.0
    assert by_outcome["clear_no"].fixed_clear_no_rate == 1.0
    assert by_outcome["deflected"].responses == 0 and by_outcome["deflected"].csat_mean is None
    hollow = next(b for b in voice.by_behaviour if b.behaviour == "hollow_apology")
    assert hollow.present.csat_mean == 1.0 and hollow.absent.csat_mean == 4.0


def test_models_and_stored_answers_join_alike_and_the_answers_are_kept_without_the_comment():
    contacts = _contacts()
    surveys = [
        Survey(id="s1", conversation_id="a", csat=5, ces=6, fixed=FixedAnswer.YES, empathy=4, comment="Quick, thanks"),
        Survey(id="s3", customer_id="cust-1", csat=1, fixed=FixedAnswer.NO, submitted_at=T0 + timedelta(days=3)),
    ]
    from_models = customer_voice(surveys, contacts, {})
    from_answers = customer_voice([SurveyAnswers.of(s) for s in surveys], contacts, {})
    assert from_models == from_answers
    kept = from_models.responses["a"]
    assert isinstance(kept, SurveyAnswers) and not hasattr(kept, "comment")
    assert (kept.id, kept.csat, kept.ces, kept.fixed, kept.empathy) == ("s1", 5, 6, FixedAnswer.YES, 4)
    assert from_models.responses["b"].customer_id == "cust-1"


def test_links_and_responses_name_the_survey_and_case_and_are_not_serialised_with_the_figures():
    contacts = _contacts()
    surveys = [
        Survey(id="s1", conversation_id="a", csat=5),
        Survey(id="s3", customer_id="cust-1", csat=1, submitted_at=T0 + timedelta(days=3)),
    ]
    voice = customer_voice(surveys, contacts, {"a": "k1", "b": "k2"})
    links = [(x.survey_id, x.conversation_id, x.case_id, x.joined_by) for x in voice.links]
    # Join order is submission order, unknown times last.
    assert links == [("s3", "b", "k2", "customer_id"), ("s1", "a", "k1", "conversation_id")]
    assert voice.links[-1] == voice.links[1] and voice.links[:1] == [voice.links[0]]
    text = voice.model_dump_json()
    assert "links" not in text and "k1" not in text and "s3" not in text
    assert "responses" not in json.loads(text)  # (each group's `responses` is its count)
    assert dict(voice.responses) == {"b": SurveyAnswers.of(surveys[1]), "a": SurveyAnswers.of(surveys[0])}
    again = CustomerVoice.model_validate_json(text)
    assert len(again.links) == 0 and len(again.responses) == 0 and again.model_dump() == voice.model_dump()


def test_a_tally_gives_the_means_and_rates_of_the_answers_themselves() -> None:
    """Running integer sums give exactly the `fmean` of the answers, so no group needs its ids held."""
    rng = random.Random(11)
    surveys: list[SurveyAnswers | None] = []
    for i in range(997):
        if rng.random() < 0.4:
            surveys.append(None)
            continue
        surveys.append(
            SurveyAnswers(
                id=f"s{i}", conversation_id=f"c{i}", customer_id=None, submitted_at=None, empathy=None,
                csat=rng.choice([None, 1, 2, 3, 4, 5]), ces=rng.choice([None, 1, 4, 7]),
                fixed=rng.choice([None, *FixedAnswer]),
            )
        )
    tally = VoiceTally()
    for survey in surveys:
        tally.add(survey)
    group = tally.group("all")
    answered = [s for s in surveys if s is not None]
    csat = [float(s.csat) for s in answered if s.csat is not None]
    ces = [float(s.ces) for s in answered if s.ces is not None]
    fixed = [s.fixed for s in answered if s.fixed is not None]
    assert (group.contacts, group.responses) == (997, len(answered))
    assert group.csat_mean == fmean(csat) and group.csat_n == len(csat)
    assert group.ces_mean == fmean(ces) and group.ces_n == len(ces)
    assert group.fixed_yes_rate == sum(f is FixedAnswer.YES for f in fixed) / len(fixed)
    assert group.fixed_clear_no_rate == sum(f is FixedAnswer.CLEAR_NO for f in fixed) / len(fixed)
    assert VoiceTally().group("none").csat_mean is None
