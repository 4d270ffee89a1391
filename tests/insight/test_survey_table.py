"""The survey table reads back every survey it was given (answers, ids, times in any zone), and
the responses chosen through it read as the dict of surveys they stand for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from fixfirst.insight.contacts import contact_of
from fixfirst.insight.customer_voice import customer_voice
from fixfirst.insight.id_index import IdIndex
from fixfirst.insight.survey_table import SurveyResponses, SurveyTable
from fixfirst.model import FixedAnswer, Survey, SurveyAnswers

from .handmade import T0, conversation

PLUS_TWO = timezone(timedelta(hours=2))
SURVEYS = [
    Survey(id="s1", conversation_id="c1", customer_id="cust-ü", csat=5, ces=7, fixed=FixedAnswer.YES, empathy=1),
    Survey(id="s2", customer_id="cust-2", csat=1, submitted_at=datetime(2025, 3, 1, 9, 30)),
    Survey(id="s3", conversation_id="c2", fixed=FixedAnswer.CLEAR_NO, submitted_at=datetime(2025, 3, 1, tzinfo=UTC)),
    Survey(id="s4", conversation_id="c3", ces=1, submitted_at=datetime(2025, 3, 1, 8, tzinfo=PLUS_TWO)),
    Survey(
        id="s5", conversation_id="c4", empathy=5, submitted_at=datetime(1969, 12, 31, 23, 59, tzinfo=ZoneInfo("UTC"))
    ),
    Survey(id="s6", conversation_id="c5", fixed=FixedAnswer.NO, submitted_at=datetime(2025, 3, 1, 0, 0, 0, 1)),
]


def test_every_survey_reads_back_equal_with_its_time_and_zone() -> None:
    table = SurveyTable(SURVEYS)
    assert len(table) == len(SURVEYS)
    read = list(table)
    assert read == [SurveyAnswers.of(s) for s in SURVEYS]
    for given, back in zip(SURVEYS, read, strict=True):
        assert back.submitted_at == given.submitted_at
        assert (back.submitted_at is None) == (given.submitted_at is None)
        if given.submitted_at is not None:
            assert back.submitted_at.utcoffset() == given.submitted_at.utcoffset()
            assert back.submitted_at.tzinfo == given.submitted_at.tzinfo


def test_responses_read_as_the_dict_of_chosen_surveys_in_join_order() -> None:
    contacts = [contact_of(conversation(f"c{i}", [("customer", "hi"), ("agent", "done")]), None) for i in range(4)]
    table = SurveyTable(SURVEYS)
    responses = SurveyResponses(contacts, IdIndex.of_contacts(contacts), table)
    assert responses.choose(2, 2) and responses.choose(0, 0)
    assert not responses.choose(2, 3)  # a contact keeps its first survey
    assert list(responses) == ["c2", "c0"] and len(responses) == 2
    assert responses == {"c2": table[2], "c0": table[0]}
    assert "c1" not in responses and responses.get("c1") is None and "nobody" not in responses
    assert responses.survey_id(2) == "s3" and responses.row_at(1) is None


def test_the_voice_joins_a_survey_table_as_it_joins_the_surveys_themselves() -> None:
    contacts = [
        contact_of(conversation(f"c{i}", [("customer", "hi"), ("agent", "done")], at=T0 + timedelta(days=i),
                                customer=f"cust-{i % 2}"), None)
        for i in range(6)
    ]
    surveys = [
        Survey(id="a", conversation_id="c1", csat=4),
        Survey(id="b", customer_id="cust-0", csat=2, submitted_at=T0 + timedelta(days=2, hours=1)),
        Survey(id="c", conversation_id="c1", csat=1),  # a duplicate for c1
        Survey(id="d", customer_id="nobody", csat=5),  # unmatched
    ]
    from_models = customer_voice(surveys, contacts, {})
    from_table = customer_voice(SurveyTable(surveys), contacts, {})
    assert from_table == from_models
    assert dict(from_table.responses) == dict(from_models.responses) == {
        "c1": SurveyAnswers.of(surveys[0]), "c2": SurveyAnswers.of(surveys[1])
    }
    assert (from_table.unmatched_surveys, from_table.duplicate_surveys) == (1, 1)
    # Join order: dated surveys first, by time, then the undated by id.
    assert list(from_table.responses) == ["c2", "c1"]
    assert [link.joined_by for link in from_table.links] == ["customer_id", "conversation_id"]
    assert from_table.links == from_models.links
