"""Adapter from the real insight stage: hand-built conversations and results -> build_insights ->
ReportModel, checked against counts written out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from fixfirst.insight import build_insights
from fixfirst.insight.contacts import Contact, contact_of
from fixfirst.insight.views import ConversationView, ResultView
from fixfirst.model import (
    AnalysisResult,
    Conversation,
    CustomerSentiment,
    Finding,
    Outcome,
    OutcomeVerdict,
    Role,
    ScoreResult,
    Sentiment,
    Survey,
    Turn,
)
from fixfirst.pipeline import ReportScope, build_report_model, load_insights
from fixfirst.pipeline.report_job import _surveys_of, contact_of_rows
from fixfirst.report import ReportModel, render_html
from fixfirst.report.from_insights import report_from_insights
from fixfirst.store import Store

from .html_probe import probe

T0 = datetime(2025, 3, 3, 9, 0)
FIX = "I've refunded the late fee now, it shows on your account."
SORRY = "Sorry for the inconvenience, please try again later."
POLICY = "Our policy doesn't allow refunds after 30 days."


def _conversation(cid: str, agent: str, team: str, line: str, day: int, customer: str) -> Conversation:
    at = T0 + timedelta(days=day)
    return Conversation(
        id=cid,
        channel="chat",
        started_at=at,
        customer_id=customer,
        agent_ids=(agent,),
        team=team,
        turns=(
            Turn(
                index=0,
                role=Role.CUSTOMER,
                author=customer,
                text=f"Problem number {cid} with my bill.",
                ts=at,
            ),
            Turn(index=1, role=Role.AGENT, author=agent, text=line, ts=at + timedelta(minutes=2)),
        ),
    )


def _result(conversation: Conversation, outcome: Outcome, label: str | None, points: float) -> AnalysisResult:
    text = conversation.turns[1].text
    findings = ()
    if label is not None:
        findings = (
            Finding(label=label, confidence=0.9, turn=1, start=0, end=len(text), text=text, detector=f"{label}.t"),
        )
    return AnalysisResult(
        id=conversation.id,
        outcome=OutcomeVerdict(label=outcome, confidence=0.8, explanation=f"judged {outcome.value}"),
        findings=findings,
        customer_sentiment=CustomerSentiment(start=Sentiment.NEGATIVE, end=Sentiment.NEUTRAL),
        score=ScoreResult(scorecard="test", points=points),
    )


def _corpus() -> tuple[list[Conversation], list[AnalysisResult], list[Survey]]:
    conversations: list[Conversation] = []
    results: list[AnalysisResult] = []
    surveys: list[Survey] = []
    # Billing: ana fixes 8 of 8; ben gives hollow apologies in 6 and stonewalls 2 (plus one contact never
    # analysed). Repairs: cat fixes 5 of 5, without surveys.
    for i in range(8):
        c = _conversation(f"a{i}", "ana", "Billing", FIX, i * 2, f"cust-a{i}")
        conversations.append(c)
        results.append(_result(c, Outcome.RESOLVED, "ownership", 90))
        surveys.append(Survey(id=f"s-a{i}", conversation_id=c.id, csat=5))
    for i in range(8):
        line, label = (SORRY, "hollow_apology") if i < 6 else (POLICY, "policy_stonewall")
        c = _conversation(f"b{i}", "ben", "Billing", line, i * 2 + 1, f"cust-b{i}")
        conversations.append(c)
        results.append(_result(c, Outcome.UNRESOLVED, label, 10 + i))
        surveys.append(Survey(id=f"s-b{i}", conversation_id=c.id, csat=2))
    for i in range(5):
        c = _conversation(f"c{i}", "cat", "Repairs", FIX, i, f"cust-c{i}")
        conversations.append(c)
        results.append(_result(c, Outcome.RESOLVED, "ownership", 80))
    conversations.append(_conversation("u0", "ben", "Billing", SORRY, 3, "cust-u0"))  # never analysed
    return conversations, results, surveys


@pytest.fixture(scope="module")
def built() -> tuple[ReportModel, list[Conversation]]:
    conversations, results, surveys = _corpus()
    insights = build_insights(conversations, results, surveys, bootstrap=50, min_volume=5)
    model = report_from_insights(
        insights, conversations, results, title="Test report", generated_at=datetime(2025, 4, 1), drill_down=3
    )
    return model, conversations


def test_overview_and_outcome_mix(built: tuple[ReportModel, list[Conversation]]) -> None:
    model, _ = built
    o = model.overview
    assert (o.conversations, o.analysed) == (22, 21)
    assert o.resolution_rate == pytest.approx(13 / 21) and o.clear_no_rate == 0
    assert o.survey_n == 16 and o.csat_mean == pytest.approx((8 * 5 + 8 * 2) / 16)
    assert o.mean_score == pytest.approx((8 * 90 + sum(10 + i for i in range(8)) + 5 * 80) / 21)
    assert {c.outcome: c.count for c in model.outcome_mix} == {
        "resolved": 13,
        "unresolved": 8,
        "not analysed": 1,
    }
    assert model.period.start == T0 and model.period.end == T0 + timedelta(days=15)


def test_agents_and_teams(built: tuple[ReportModel, list[Conversation]]) -> None:
    model, _ = built
    agents = {a.name: a for a in model.agents}
    assert set(agents) == {"ana", "ben", "cat"}
    assert agents["ana"].outcomes["resolved"] == 8 and agents["ana"].team == "Billing"
    assert agents["ana"].score.bins[18] == 8 and sum(agents["ana"].score.bins) == 8  # all 90: the 90-95 bin
    assert (agents["ana"].score.low, agents["ana"].score.high) == (90, 90)
    assert agents["ben"].score.bins[2:4] == (5, 3) and sum(agents["ben"].score.bins) == 8  # 10..17
    assert (agents["ben"].score.low, agents["ben"].score.high) == (10, 17)
    assert [agents[n].rank for n in ("ana", "cat", "ben")] == [1, 2, 3]
    assert agents["ben"].behaviour_rates["hollow_apology"] == pytest.approx(6 / 8)  # over analysed contacts
    assert agents["cat"].csat_mean is None and agents["cat"].csat_n == 0
    assert agents["ana"].weekly and all(w.week.startswith("2025-W") for w in agents["ana"].weekly)
    assert {t.name for t in model.teams} == {"Billing", "Repairs"}


def test_quotes_carry_their_whole_turn_and_are_in_the_drill_down(
    built: tuple[ReportModel, list[Conversation]],
) -> None:
    model, conversations = built
    by_id = {c.id: c for c in conversations}
    excerpts = [x for p in model.coaching for i in p.items for x in (i.worst, i.best) if x is not None]
    excerpts += [x for r in model.root_causes for x in r.examples]
    assert excerpts, "the fixture should produce coaching or root-cause quotes"
    drill = {c.id for c in model.conversations}
    for x in excerpts:
        assert x.turn_text == by_id[x.conversation_id].turns[x.turn].text
        assert x.conversation_id in drill
    ben = next(p for p in model.coaching if p.agent == "ben")
    assert any(i.behaviour == "hollow_apology" and i.worst and i.worst.text == SORRY for i in ben.items)


def test_drill_down_is_quoted_plus_lowest_scores_with_findings(
    built: tuple[ReportModel, list[Conversation]],
) -> None:
    model, _ = built
    scores = [c.score for c in model.conversations]
    assert scores == sorted(scores)  # lowest first
    assert "b0" in {c.id for c in model.conversations}  # the lowest score of all
    assert "u0" not in {c.id for c in model.conversations}  # unanalysed: no score to rank by
    b0 = model.conversation("b0")
    assert b0 is not None and b0.outcome == "unresolved" and b0.agent == "ben"
    assert [(f.label, f.turn, f.start, f.end) for f in b0.findings] == [("hollow_apology", 1, 0, len(SORRY))]


def test_the_store_path_streams_compact_contacts_and_reads_back_what_it_shows(tmp_path: Path) -> None:
    """`build_report_model` holds only compact views, yet gives the in-memory model, explanations included."""
    conversations, results, surveys = _corpus()
    with Store.open(f"sqlite:///{tmp_path / 'r.db'}") as store:
        store.write_conversations(conversations)
        store.write_results(results)
        store.write_surveys(surveys)
        loaded = load_insights(store)
        assert all(isinstance(c.conversation, ConversationView) for c in loaded.contacts)
        assert all(isinstance(c.result, ResultView | None) for c in loaded.contacts)
        from_store = build_report_model(store)
    in_memory = report_from_insights(build_insights(conversations, results, surveys), conversations, results)
    assert from_store.overview == in_memory.overview
    assert [c.model_dump() for c in from_store.conversations] == [c.model_dump() for c in in_memory.conversations]
    b0 = from_store.conversation("b0")
    assert b0 is not None and b0.outcome_explanation == "judged unresolved"


def test_surveys_read_for_a_report_are_those_of_its_contacts_or_their_customers(tmp_path: Path) -> None:
    """Surveys of a contact read or of its customer are kept, one of nobody read is left out, and
    the voice is what the in-memory path computes."""
    conversations, results, surveys = _corpus()
    surveys.append(Survey(id="s-by-customer", customer_id=conversations[0].customer_id, csat=4))
    surveys.append(Survey(id="s-elsewhere", customer_id="nobody-here", csat=1))
    with Store.open(f"sqlite:///{tmp_path / 'r.db'}") as store:
        store.write_conversations(conversations)
        store.write_results(results)
        store.write_surveys(surveys)
        loaded = load_insights(store)
        read = list(_surveys_of(store, loaded.contacts))
    assert sorted(a.id for a in read) == sorted(s.id for s in surveys if s.id != "s-elsewhere")
    by_customer = next(a for a in read if a.id == "s-by-customer")
    assert by_customer.customer_id == conversations[0].customer_id and by_customer.conversation_id is None
    in_memory = build_insights(conversations, results, [s for s in surveys if s.id != "s-elsewhere"])
    assert loaded.insights.voice.model_dump() == in_memory.voice.model_dump()
    loaded.contacts.close()


def test_contacts_read_from_stored_columns_equal_those_made_from_the_models(store: Store) -> None:
    """The report builds its contacts from the stored columns (`iter_analysed_rows`) without the
    models: every fact, view and span must be what `contact_of` makes from the stored models, read
    back one by one (both backends)."""
    conversations, results, surveys = _corpus()
    store.write_conversations(conversations)
    store.write_results(results)
    ids = sorted(c.id for c in conversations)
    stored = {cid: store.get_conversation(cid) for cid in ids}
    stored_results = store.results_for(ids)
    from_models = [contact_of(stored[cid], stored_results.get(cid)) for cid in ids]  # type: ignore[arg-type]
    from_rows = [contact_of_rows(rows) for rows in store.iter_analysed_rows(batch_size=7)]
    assert len(from_rows) == len(conversations) and any(c.result is None for c in from_rows)

    def facts(contact: Contact) -> tuple:
        view = contact.conversation
        return (
            contact.id, contact.reason, contact.start, contact.end, contact.agents, contact.labels, contact.result,
            view.channel, view.company, view.team, view.customer_id, view.started_at, view.agent_ids,
            [(t.index, t.role, t.author, t.text, t.ts) for t in view.turns],
        )

    assert [facts(c) for c in from_rows] == [facts(c) for c in from_models]


def test_a_period_report_reads_only_that_period_from_the_store(tmp_path: Path) -> None:
    """The store hands over the period's contacts (plus any stored without a start, whose start may
    come from a turn), and the insights equal those computed over every contact."""
    conversations, results, surveys = _corpus()
    undated = _conversation("n0", "ana", "Billing", FIX, 6, "cust-n0").model_copy(update={"started_at": None})
    conversations.append(undated)
    results.append(_result(undated, Outcome.RESOLVED, "ownership", 85))
    start, end = T0 + timedelta(days=4), T0 + timedelta(days=10)
    in_period = {c.id for c in conversations if start <= (c.started_at or c.turns[0].ts) < end}
    assert "n0" in in_period and 0 < len(in_period) < len(conversations) - 1
    with Store.open(f"sqlite:///{tmp_path / 'r.db'}") as store:
        store.write_conversations(conversations)
        store.write_results(results)
        store.write_surveys(surveys)
        loaded = load_insights(store, ReportScope(start=start, end=end))
    assert {c.id for c in loaded.contacts} == in_period
    period_surveys = [s for s in surveys if s.conversation_id in in_period]
    everything = build_insights(conversations, results, period_surveys, period=(start, end))
    assert loaded.insights.contacts == len(in_period)
    assert loaded.insights.model_dump() == everything.model_dump()


def test_adapted_model_renders(built: tuple[ReportModel, list[Conversation]]) -> None:
    model, _ = built
    doc = probe(render_html(model))
    assert doc.find("title")[0].text == "Test report"
    assert any(m.attrs.get("data-label") == "hollow_apology" for m in doc.find("mark"))


def test_customer_voice_rows_match_the_surveys(built: tuple[ReportModel, list[Conversation]]) -> None:
    model, _ = built
    by_outcome = {v.group: v for v in model.voice_by_outcome}
    # 8 resolved contacts of ana with CSAT 5 (cat's 5 have no survey); 8 unresolved of ben with CSAT 2.
    assert (by_outcome["resolved"].contacts, by_outcome["resolved"].csat_n) == (13, 8)
    assert by_outcome["resolved"].csat_mean == pytest.approx(5.0)
    assert (by_outcome["unresolved"].csat_n, by_outcome["unresolved"].csat_mean) == (8, pytest.approx(2.0))
    hollow = next(b for b in model.voice_by_behaviour if b.behaviour == "hollow_apology")
    assert (hollow.present.csat_n, hollow.present.csat_mean) == (6, pytest.approx(2.0))
    assert hollow.absent.csat_n == 10
    assert hollow.absent.csat_mean == pytest.approx((8 * 5 + 2 * 2) / 10)
    assert model.drivers_fixed == ()  # nobody answered "did we fix it", so there is nothing to fit
    html = render_html(model)
    voice = probe(html).find("table", id="table-voice-outcome")[0].text
    assert "5.00" in voice and "2.00" in voice


def _two_contacts(second_line: str, days_later: float) -> list[Conversation]:
    first_at = T0
    second_at = T0 + timedelta(days=days_later)
    first = Conversation(
        id="p-first",
        channel="chat",
        started_at=first_at,
        customer_id="cust-p",
        agent_ids=("lena",),
        team="Repairs",
        turns=(
            Turn(index=0, role=Role.CUSTOMER, text="My broadband order BW-555123 has no engineer slot.", ts=first_at),
            Turn(
                index=1,
                role=Role.AGENT,
                author="lena",
                text="I've opened repair ticket 4471 for order BW-555123. "
                "I'll call you tomorrow by noon with the slot.",
                ts=first_at + timedelta(minutes=3),
            ),
        ),
    )
    second = Conversation(
        id="p-second",
        channel="email",
        started_at=second_at,
        customer_id="cust-p",
        agent_ids=("sam",),
        team="Repairs",
        turns=(
            Turn(index=0, role=Role.CUSTOMER, text=second_line, ts=second_at),
            Turn(index=1, role=Role.AGENT, author="sam", text="Let me check that for you.", ts=second_at),
        ),
    )
    return [first, second]


def test_broken_promise_is_listed_with_the_customers_chase() -> None:
    chase = "I was promised a call back yesterday about order BW-555123 and nobody called."
    conversations = _two_contacts(chase, 2)
    results = [_result(c, Outcome.OWNED_FOLLOWUP, None, 50) for c in conversations]
    insights = build_insights(conversations, results, bootstrap=20, min_volume=1)
    model = report_from_insights(insights, conversations, results, generated_at=datetime(2025, 4, 1))
    lena = next(t for t in model.promises_by_agent if t.name == "lena")
    assert (lena.made, lena.kept, lena.broken, lena.keep_rate) == (1, 0, 1, 0.0)
    (promise,) = [p for p in model.promises if p.owner == "lena"]
    assert promise.status == "broken"
    assert promise.promise.text == "I'll call you tomorrow by noon with the slot."
    assert promise.chase is not None and promise.chase.conversation_id == "p-second"
    assert "promised" in promise.chase.text
    doc = probe(render_html(model))
    section = doc.find("section", id="promises")[0].text
    assert "broken" in section and "I'll call you tomorrow by noon with the slot." in section
    assert "The customer chasing it" in section
    assert "lena" in doc.find("table", id="table-promises-agents")[0].text
