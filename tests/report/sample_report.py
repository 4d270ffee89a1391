"""A small hand-built ReportModel: two teams, five agents, drivers, coaching, root causes, and
conversations with findings (overlapping ones included), plus hostile text for escaping tests.

Spans are located by phrase so the fixture reads like a transcript, and a phrase missing from its
turn fails loudly instead of producing a wrong span.
"""

from __future__ import annotations

from datetime import datetime

from fixfirst.report.report_model import (
    ActionRow,
    BehaviourVoiceRow,
    CoachingItemRow,
    CoachingPlanRow,
    ConversationRow,
    DriverRow,
    Excerpt,
    FindingRow,
    OutcomeCount,
    OverviewKpis,
    PerformerRow,
    PromiseRow,
    PromiseTallyRow,
    ReasonRow,
    ReportModel,
    ReportPeriod,
    RootCauseRow,
    ScoreSummary,
    TeamCoachingItemRow,
    TeamCoachingPlanRow,
    TurnRow,
    VoiceRow,
    WeekChangeRow,
    WeekScore,
)

SCRIPT_TEXT = "<script>alert(1)</script> my card & PIN <b>still</b> fail"
IMG_AUTHOR = '"><img src=x onerror=alert(2)>'
HOSTILE_ID = "c-hostile-<svg/onload=alert(3)>"


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def finding(turns: list[TurnRow], turn: int, phrase: str, label: str, confidence: float, why: str) -> FindingRow:
    start, end = span(turns[turn].text, phrase)
    return FindingRow(label=label, turn=turn, start=start, end=end, confidence=confidence, explanation=why)


def excerpt(conversation: ConversationRow, turn: int, phrase: str) -> Excerpt:
    text = conversation.turns[turn].text
    start, end = span(text, phrase)
    return Excerpt(
        conversation_id=conversation.id,
        turn=turn,
        start=start,
        end=end,
        turn_text=text,
        author=conversation.turns[turn].author,
    )


def _conversations(hostile: bool) -> list[ConversationRow]:
    c1_turns = [
        TurnRow(
            role="customer",
            author="cust-81",
            text="I was charged twice for my March bill, £42.10 both times.",
        ),
        TurnRow(
            role="agent",
            author="amira",
            text="I can see both £42.10 payments on 3 March. I've refunded the duplicate just now; it shows "
            "as pending and lands in 3-5 working days. I've also turned off the retry that caused it.",
        ),
        TurnRow(role="customer", author="cust-81", text="Brilliant, thank you!"),
    ]
    c1 = ConversationRow(
        id="c-1001",
        channel="chat",
        agent="amira",
        team="Billing",
        started_at=datetime(2025, 3, 4, 9, 12),
        outcome="resolved",
        confidence=0.93,
        outcome_explanation="Refund done inside the contact and confirmed by the customer.",
        score=92,
        turns=tuple(c1_turns),
        findings=(
            finding(
                c1_turns,
                1,
                "I can see both £42.10 payments on 3 March",
                "specific_acknowledgement",
                0.88,
                "Restates the amount and date the customer gave.",
            ),
            finding(
                c1_turns,
                1,
                "I've refunded the duplicate just now",
                "ownership",
                0.95,
                "First-person completed action: 'I've refunded'.",
            ),
            finding(
                c1_turns,
                1,
                "I've also turned off the retry that caused it",
                "proactive",
                0.81,
                "Prevents a recurrence the customer did not ask about.",
            ),
        ),
    )
    c2_turns = [
        TurnRow(
            role="customer",
            author="cust-17",
            text="My broadband has dropped every evening for a week. I already restarted the router twice.",
        ),
        TurnRow(
            role="agent",
            author="bruno",
            text="Sorry for the inconvenience. Have you tried restarting your router? Please try again later.",
        ),
        TurnRow(role="customer", author="cust-17", text="I just told you I restarted it. This is useless."),
        TurnRow(role="agent", author="bruno", text="We apologize for any trouble caused."),
    ]
    c2 = ConversationRow(
        id="c-1002",
        channel="chat",
        agent="bruno",
        team="Repairs",
        started_at=datetime(2025, 3, 5, 18, 40),
        outcome="unresolved",
        confidence=0.86,
        outcome_explanation="No fix, no clear no and no owned next step; the customer gives up.",
        score=12,
        turns=tuple(c2_turns),
        findings=(
            # Overlapping spans: the apology is both scripted empathy and a hollow apology (same words),
            # and the hollow apology reaches into the troubleshooting question.
            finding(c2_turns, 1, "Sorry for the inconvenience.", "scripted_empathy", 0.9, "Stock apology formula."),
            finding(
                c2_turns,
                1,
                "Sorry for the inconvenience. Have you tried",
                "hollow_apology",
                0.84,
                "Apology with no fix, answer or next step in the contact.",
            ),
            finding(
                c2_turns,
                1,
                "Have you tried restarting your router?",
                "scripted_troubleshooting",
                0.91,
                "Customer already said they restarted the router.",
            ),
            finding(
                c2_turns,
                2,
                "I just told you I restarted it",
                "customer_effort",
                0.78,
                "Customer has to repeat what they already said.",
            ),
            finding(
                c2_turns,
                3,
                "We apologize for any trouble caused.",
                "scripted_empathy",
                0.88,
                "Stock apology formula.",
            ),
        ),
    )
    c3_turns = [
        TurnRow(
            role="customer",
            author="cust-40",
            text="Can I get a refund for the annual plan? I cancelled after 20 days.",
        ),
        TurnRow(
            role="agent",
            author="chen",
            text="I can't refund the annual plan after 14 days - "
            "that's the cooling-off rule in your contract. "
            "What I can do is switch you to monthly from your next renewal, so you won't be charged again.",
        ),
    ]
    c3 = ConversationRow(
        id="c-1003",
        channel="email",
        agent="chen",
        team="Billing",
        started_at=datetime(2025, 3, 11, 10, 2),
        outcome="clear_no",
        confidence=0.89,
        outcome_explanation="Plain no with the reason and an alternative.",
        score=84,
        turns=tuple(c3_turns),
        findings=(
            finding(
                c3_turns,
                1,
                "What I can do is switch you to monthly",
                "ownership",
                0.8,
                "Offers an alternative the agent will carry out.",
            ),
        ),
    )
    c4_turns = [
        TurnRow(role="customer", author="cust-55", text="The engineer never came for the repair on Wednesday."),
        TurnRow(
            role="agent",
            author="bruno",
            text="I don't have access to the field schedule. You'll need to call the repairs line on 0800 555 010.",
        ),
    ]
    c4 = ConversationRow(
        id="c-1004",
        channel="phone",
        agent="bruno",
        team="Repairs",
        started_at=datetime(2025, 3, 12, 14, 30),
        outcome="deflected",
        confidence=0.82,
        outcome_explanation="Customer sent to another number; nobody owns it.",
        score=20,
        turns=tuple(c4_turns),
        findings=(
            finding(
                c4_turns,
                1,
                "I don't have access to the field schedule.",
                "system_gap",
                0.87,
                "Agent lacks access to the system that holds the answer.",
            ),
            finding(
                c4_turns,
                1,
                "You'll need to call the repairs line on 0800 555 010.",
                "deflective_transfer",
                0.9,
                "Hands the customer to another number and drops ownership.",
            ),
        ),
    )
    c5_turns = [
        TurnRow(role="customer", author="cust-62", text="My new phone arrived with a cracked screen."),
        TurnRow(
            role="agent",
            author="dana",
            text="Our policy doesn't allow replacements for damage after delivery. I'm unable to help further.",
        ),
    ]
    c5 = ConversationRow(
        id="c-1005",
        channel="chat",
        agent="dana",
        team="Repairs",
        started_at=datetime(2025, 3, 18, 11, 0),
        outcome="unresolved",
        confidence=0.8,
        outcome_explanation="Policy given as the end of the road.",
        score=8,
        turns=tuple(c5_turns),
        findings=(
            finding(
                c5_turns,
                1,
                "Our policy doesn't allow replacements for damage after delivery.",
                "policy_stonewall",
                0.92,
                "Policy with no alternative and no escalation.",
            ),
        ),
    )
    c6_turns = [
        TurnRow(role="customer", author="cust-17", text="Still dropping every evening. Third time I contact you."),
        TurnRow(
            role="agent",
            author="amira",
            text="I've booked an engineer for Thursday 8-12 and I'll call you Wednesday by 5pm to confirm the slot.",
        ),
    ]
    c6 = ConversationRow(
        id="c-1006",
        channel="chat",
        agent="amira",
        team="Billing",
        started_at=datetime(2025, 3, 19, 17, 45),
        outcome="owned_followup",
        confidence=0.88,
        outcome_explanation="Agent owns a dated next step.",
        score=74,
        turns=tuple(c6_turns),
        findings=(
            finding(
                c6_turns,
                0,
                "Third time I contact you.",
                "customer_effort",
                0.83,
                "Customer chasing a previous contact.",
            ),
            finding(
                c6_turns,
                1,
                "I'll call you Wednesday by 5pm to confirm the slot",
                "ownership",
                0.93,
                "First-person commitment with a deadline.",
            ),
        ),
    )
    rows = [c1, c2, c3, c4, c5, c6]
    if hostile:
        h_turns = [
            TurnRow(role="customer", author=IMG_AUTHOR, text=SCRIPT_TEXT),
            TurnRow(role="agent", author="erin", text='Sorry to hear that. "><img src=x onerror=alert(4)> & co.'),
        ]
        rows.append(
            ConversationRow(
                id=HOSTILE_ID,
                channel="twitter",
                agent="erin",
                team="Repairs",
                outcome="unresolved",
                confidence=0.7,
                score=10,
                turns=tuple(h_turns),
                findings=(
                    finding(
                        h_turns,
                        0,
                        "<script>alert(1)</script>",
                        "customer_effort",
                        0.6,
                        'Explanation with <i>markup</i> & "quotes"',
                    ),
                    finding(h_turns, 1, "Sorry to hear that.", "scripted_empathy", 0.9, "Stock apology formula."),
                    finding(
                        h_turns,
                        1,
                        '"><img src=x onerror=alert(4)>',
                        "hollow_apology",
                        0.5,
                        "Overlaps nothing; hostile markup as span.",
                    ),
                ),
            )
        )
    return rows


def _weeks(*scores: float | None) -> tuple[WeekScore, ...]:
    return tuple(
        WeekScore(week=f"2025-W{10 + i}", score=s, contacts=0 if s is None else 9) for i, s in enumerate(scores)
    )


def sample_report(*, hostile: bool = True) -> ReportModel:
    conversations = _conversations(hostile)
    by_id = {c.id: c for c in conversations}
    agents = (
        PerformerRow(
            name="amira",
            team="Billing",
            volume=46,
            outcomes={"resolved": 30, "clear_no": 6, "owned_followup": 6, "deflected": 2, "unresolved": 2},
            score=ScoreSummary.of((92, 74, 88, 81, 90, 66, 85, 79, 95, 70, 83), n=46, median=82, q1=71, q3=90),
            behaviour_rates={
                "ownership": 0.71,
                "proactive": 0.33,
                "specific_acknowledgement": 0.58,
                "scripted_empathy": 0.07,
                "hollow_apology": 0.02,
                "policy_stonewall": 0.0,
                "deflective_transfer": 0.04,
                "system_gap": 0.09,
            },
            csat_mean=4.6,
            csat_n=21,
            weekly=_weeks(78, 81, 84, 86),
            rank=1,
            rank_best=1,
            rank_worst=2,
            profile="usually fixes or answers clearly",
            profile_reason="Helpful outcome in 91% of contacts.",
        ),
        PerformerRow(
            name="chen",
            team="Billing",
            volume=38,
            outcomes={
                "resolved": 19,
                "clear_no": 9,
                "owned_followup": 4,
                "moved_private": 2,
                "unresolved": 4,
            },
            score=ScoreSummary.of((84, 60, 77, 88, 52, 76, 91, 64), n=38, median=76, q1=60, q3=86),
            behaviour_rates={
                "ownership": 0.52,
                "proactive": 0.21,
                "specific_acknowledgement": 0.44,
                "scripted_empathy": 0.12,
                "hollow_apology": 0.05,
                "policy_stonewall": 0.03,
                "deflective_transfer": 0.05,
                "system_gap": 0.11,
            },
            csat_mean=4.2,
            csat_n=15,
            weekly=_weeks(70, None, 74, 77),
            rank=2,
            rank_best=1,
            rank_worst=3,
            profile="owns next steps and goes further",
            profile_reason="Proactive in 21% and owns 52% of contacts.",
        ),
        PerformerRow(
            name="bruno",
            team="Repairs",
            volume=41,
            outcomes={"resolved": 9, "clear_no": 2, "owned_followup": 3, "deflected": 11, "unresolved": 16},
            score=ScoreSummary.of((12, 20, 35, 8, 52, 60, 28, 14, 41), n=41, median=28, q1=14, q3=52),
            behaviour_rates={
                "ownership": 0.15,
                "proactive": 0.02,
                "specific_acknowledgement": 0.1,
                "scripted_empathy": 0.56,
                "hollow_apology": 0.39,
                "policy_stonewall": 0.1,
                "deflective_transfer": 0.27,
                "system_gap": 0.22,
            },
            csat_mean=2.3,
            csat_n=17,
            weekly=_weeks(35, 30, 26, 24),
            rank=4,
            rank_best=3,
            rank_worst=4,
            profile="often apologises without a fix",
            profile_reason="Sympathy formulas in 56% of contacts, 39% without help.",
        ),
        PerformerRow(
            name="dana",
            team="Repairs",
            volume=33,
            outcomes={"resolved": 14, "clear_no": 3, "owned_followup": 4, "deflected": 3, "unresolved": 9},
            score=ScoreSummary.of((8, 72, 55, 61, 30, 78, 44), n=33, median=55, q1=30, q3=72),
            behaviour_rates={
                "ownership": 0.36,
                "proactive": 0.06,
                "specific_acknowledgement": 0.3,
                "scripted_empathy": 0.18,
                "hollow_apology": 0.09,
                "policy_stonewall": 0.21,
                "deflective_transfer": 0.06,
                "system_gap": 0.15,
            },
            csat_mean=3.4,
            csat_n=12,
            weekly=_weeks(50, 57, 52, 58),
            rank=3,
            rank_best=2,
            rank_worst=4,
            profile="often ends at a policy",
            profile_reason="Policy as the end of the road in 21% of contacts.",
        ),
        PerformerRow(
            name="erin",
            team="Repairs",
            volume=4,
            outcomes={"resolved": 1, "unresolved": 3},
            score=ScoreSummary.of((10, 14, 30, 51), n=4, median=22, q1=12, q3=40),
            behaviour_rates={"scripted_empathy": 0.5, "hollow_apology": 0.5},
            csat_mean=None,
            csat_n=0,
            weekly=_weeks(None, None, 25, 20),
            rank=None,
            profile="insufficient volume",
            profile_reason="4 contacts; at least 10 are needed to rank.",
        ),
    )
    teams = (
        PerformerRow(
            name="Billing",
            volume=84,
            outcomes={
                "resolved": 49,
                "clear_no": 15,
                "owned_followup": 10,
                "moved_private": 2,
                "deflected": 2,
                "unresolved": 6,
            },
            score=ScoreSummary(n=84, median=80, q1=66, q3=89),
            behaviour_rates={
                "ownership": 0.62,
                "proactive": 0.28,
                "scripted_empathy": 0.09,
                "hollow_apology": 0.03,
            },
            csat_mean=4.4,
            csat_n=36,
            weekly=_weeks(74, 78, 80, 82),
            rank=1,
            rank_best=1,
            rank_worst=1,
            profile="usually fixes or answers clearly",
        ),
        PerformerRow(
            name="Repairs",
            volume=78,
            outcomes={"resolved": 24, "clear_no": 5, "owned_followup": 7, "deflected": 14, "unresolved": 28},
            score=ScoreSummary(n=78, median=38, q1=18, q3=60),
            behaviour_rates={
                "ownership": 0.25,
                "proactive": 0.04,
                "scripted_empathy": 0.4,
                "hollow_apology": 0.27,
            },
            csat_mean=2.8,
            csat_n=29,
            weekly=_weeks(44, 42, 38, 40),
            rank=2,
            rank_best=2,
            rank_worst=2,
            profile="mixed",
        ),
    )
    drivers = (
        DriverRow(
            factor="resolved vs unresolved",
            effect=1.62,
            low=1.21,
            high=2.04,
            n=61,
            sentence="Resolved contacts score 1.6 CSAT points above unresolved ones.",
        ),
        DriverRow(
            factor="clear no vs unresolved",
            effect=0.94,
            low=0.41,
            high=1.45,
            n=18,
            sentence="A clear no with an alternative beats leaving the customer hanging by 0.9 points.",
        ),
        DriverRow(
            factor="ownership",
            effect=0.48,
            low=0.2,
            high=0.77,
            n=74,
            sentence="Contacts where the agent owns the next step score 0.5 points higher.",
        ),
        DriverRow(
            factor="specific acknowledgement",
            effect=0.21,
            low=-0.05,
            high=0.47,
            n=52,
            sentence="Restating the customer's details may help a little; the interval includes zero.",
        ),
        DriverRow(
            factor="scripted empathy",
            effect=-0.08,
            low=-0.31,
            high=0.15,
            n=70,
            sentence="Stock apologies make no measurable difference.",
        ),
        DriverRow(
            factor="hollow apology",
            effect=-0.72,
            low=-1.05,
            high=-0.4,
            n=33,
            sentence="Sympathy instead of help costs 0.7 CSAT points.",
        ),
        DriverRow(
            factor="deflective transfer",
            effect=-0.55,
            low=-1.3,
            high=0.2,
            n=9,
            enough_data=False,
            sentence="Too few surveyed transfers to say.",
        ),
    )
    c2, c1, c6, c4, c5, c3 = (by_id[i] for i in ("c-1002", "c-1001", "c-1006", "c-1004", "c-1005", "c-1003"))
    coaching = (
        CoachingPlanRow(
            agent="bruno",
            team="Repairs",
            note="41 contacts, 17 surveys.",
            items=(
                CoachingItemRow(
                    behaviour="hollow_apology",
                    direction="less",
                    why="39% of your contacts vs 12% in the team; costs 0.7 CSAT points each time.",
                    worst=excerpt(c2, 1, "Sorry for the inconvenience."),
                    best=excerpt(c1, 1, "I've refunded the duplicate just now"),
                ),
                CoachingItemRow(
                    behaviour="deflective_transfer",
                    direction="less",
                    why="27% of your contacts end with the customer sent elsewhere.",
                    worst=excerpt(c4, 1, "You'll need to call the repairs line on 0800 555 010."),
                    best=excerpt(c6, 1, "I'll call you Wednesday by 5pm to confirm the slot"),
                ),
            ),
        ),
        CoachingPlanRow(
            agent="dana",
            team="Repairs",
            items=(
                CoachingItemRow(
                    behaviour="policy_stonewall",
                    direction="less",
                    why="Explain the rule, then offer what you can do (a clear no).",
                    worst=excerpt(c5, 1, "Our policy doesn't allow replacements for damage after delivery."),
                    best=excerpt(c3, 1, "What I can do is switch you to monthly"),
                ),
            ),
        ),
    )
    team_coaching = (
        TeamCoachingPlanRow(
            team="Repairs",
            items=(
                TeamCoachingItemRow(
                    behaviour="hollow_apology",
                    direction="less",
                    why="27% of the team's contacts vs 15% company-wide.",
                    team_rate=0.27,
                    company_rate=0.15,
                    agents=("bruno", "dana"),
                    example=excerpt(c2, 1, "Sorry for the inconvenience."),
                ),
            ),
        ),
    )
    voice_by_outcome = (
        VoiceRow(group="resolved", contacts=73, responses=31, csat_mean=4.5, csat_n=31, fixed_yes_rate=0.9, fixed_n=30),
        VoiceRow(
            group="unresolved", contacts=34, responses=12, csat_mean=1.9, csat_n=12, fixed_yes_rate=0.1, fixed_n=10
        ),
    )
    voice_by_behaviour = (
        BehaviourVoiceRow(
            behaviour="hollow_apology",
            present=VoiceRow(group="present", contacts=33, responses=14, csat_mean=2.1, csat_n=14),
            absent=VoiceRow(group="absent", contacts=127, responses=51, csat_mean=4.0, csat_n=51),
        ),
    )
    tallies = (
        PromiseTallyRow(name="dana", made=6, kept=3, broken=2, pending=1, undated=0, keep_rate=0.6),
        PromiseTallyRow(name="amira", made=9, kept=8, broken=0, pending=0, undated=1, keep_rate=1.0),
    )
    promises = (
        PromiseRow(
            owner="dana",
            team="Repairs",
            status="broken",
            deadline=datetime(2025, 3, 12, 17, 0),
            deadline_phrase="Wednesday by 5pm",
            reason="the customer chased it after the deadline",
            promise=excerpt(c6, 1, "I'll call you Wednesday by 5pm to confirm the slot"),
            chase=excerpt(c6, 0, "Third time I contact you."),
        ),
    )
    drivers_fixed = (
        DriverRow(
            factor="resolved vs unresolved",
            effect=52.0,
            low=38.0,
            high=66.0,
            n=61,
            sentence="Fixed contacts are answered fixed 52 points more often.",
        ),
        DriverRow(
            factor="hollow apology",
            effect=-21.0,
            low=-35.0,
            high=-7.0,
            n=33,
            sentence="Hollow apologies: 21 points fewer fixed answers.",
        ),
    )
    root_causes = (
        RootCauseRow(
            kind="policy",
            name="No replacement for damage after delivery",
            contacts=14,
            unresolved=9,
            repeat_contacts=5,
            forced=True,
            examples=(excerpt(c5, 1, "Our policy doesn't allow replacements for damage after delivery."),),
        ),
        RootCauseRow(
            kind="system",
            name="Field schedule not visible to agents",
            contacts=11,
            unresolved=7,
            repeat_contacts=6,
            forced=False,
            examples=(excerpt(c4, 1, "I don't have access to the field schedule."),),
        ),
        RootCauseRow(
            kind="process",
            name="Broadband fault chasing",
            contacts=6,
            unresolved=3,
            repeat_contacts=4,
            examples=(excerpt(c6, 0, "Third time I contact you."),),
        ),
    )
    contact_reasons = (
        ReasonRow(
            reason="technical",
            contacts=71,
            outcomes={"resolved": 22, "clear_no": 3, "owned_followup": 9, "deflected": 14, "unresolved": 23},
            helpful_rate=34 / 71,
            policy_stonewalls=4,
            system_gaps=11,
            deflections=14,
            repeat_contacts=15,
        ),
        ReasonRow(
            reason="billing",
            contacts=60,
            outcomes={"resolved": 38, "clear_no": 11, "owned_followup": 5, "unresolved": 6},
            helpful_rate=54 / 60,
            policy_stonewalls=2,
            system_gaps=1,
            repeat_contacts=4,
        ),
    )
    return ReportModel(
        title="FixFirst – support quality, March 2025",
        period=ReportPeriod(start=datetime(2025, 3, 3), end=datetime(2025, 3, 31)),
        generated_at=datetime(2025, 4, 1, 8, 30),
        overview=OverviewKpis(
            conversations=162,
            analysed=160,
            resolution_rate=0.46,
            clear_no_rate=0.125,
            fcr=0.58,
            repeat_contact_rate=0.19,
            mean_score=59.4,
            csat_mean=3.62,
            ces_mean=3.1,
            survey_n=65,
            promises_made=31,
            promise_keep_rate=0.74,
        ),
        actions=(
            ActionRow(
                owner="process",
                title="Fix the policy “30-day returns”",
                evidence="9 unresolved and 4 repeat contacts of 14 naming it, across 5 agents",
                effect="up to 13 contacts that could end with help instead",
                section="root-causes",
            ),
            ActionRow(
                owner="people",
                title="Coach Billing on less hollow apology",
                evidence="hollow apology in 31% of the team's contacts against 12% company-wide",
                effect="hollow apology goes with -0.40 CSAT points per contact (driver analysis)",
                section="coaching",
            ),
        ),
        week_label="2025-W13 (n=41) against 2025-W12 (n=38)",
        week_over_week=(
            WeekChangeRow(figure="contacts", latest=41, previous=38, unit="count"),
            WeekChangeRow(figure="resolved", latest=0.49, previous=0.42, unit="rate"),
            WeekChangeRow(figure="mean score", latest=61.0, previous=None, unit="points"),
        ),
        outcome_mix=(
            OutcomeCount(outcome="unresolved", count=34),
            OutcomeCount(outcome="resolved", count=73),
            OutcomeCount(outcome="clear_no", count=20),
            OutcomeCount(outcome="owned_followup", count=17),
            OutcomeCount(outcome="moved_private", count=2),
            OutcomeCount(outcome="deflected", count=16),
            OutcomeCount(outcome="not analysed", count=2),
        ),
        drivers_target="CSAT",
        drivers_unit="CSAT points",
        drivers=drivers,
        agents=agents,
        teams=teams,
        drivers_fixed=drivers_fixed,
        voice_by_outcome=voice_by_outcome,
        voice_by_behaviour=voice_by_behaviour,
        voice_by_case_path=(
            VoiceRow(group="closed first contact", contacts=80, responses=30, csat_mean=4.3, csat_n=30),
        ),
        promises_by_agent=tallies,
        promises_by_team=(
            PromiseTallyRow(name="Repairs", made=6, kept=3, broken=2, pending=1, undated=0, keep_rate=0.6),
        ),
        promises=promises,
        coaching=coaching,
        team_coaching=team_coaching,
        root_causes=root_causes,
        contact_reasons=contact_reasons,
        conversations=tuple(conversations),
        conversations_note="Showing conversations quoted above plus the lowest-scoring ones.",
    )
