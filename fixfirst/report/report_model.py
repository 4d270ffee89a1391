"""What the report shows, as typed values: the one input of `render_html()` and `export_tables()`.

The report does no analysis. An adapter (see `from_insights.py`) decides what goes in; the
renderer only lays it out. Keeping this model separate from the insight types means the report
can be built, tested and restyled without running the engine, and a change in the insight stage
breaks one adapter instead of every template.

Every span (finding, quote) is checked against the turn text it points into when the model is
built, so the renderer can slice text without guarding against bad offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fixfirst.model.frozen import frozen_record

Rate = float  # a share in [0, 1]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReportPeriod(_Frozen):
    """The time range the numbers cover; either end may be open (all data)."""

    start: datetime | None = None
    end: datetime | None = None

    @property
    def label(self) -> str:
        if self.start is None and self.end is None:
            return "all data"
        start = self.start.date().isoformat() if self.start else "…"
        end = self.end.date().isoformat() if self.end else "…"
        return f"{start} – {end}"


class OverviewKpis(_Frozen):
    """The headline numbers at the top of the report. None means 'not measurable with this data'."""

    conversations: int = Field(ge=0)
    analysed: int | None = Field(default=None, ge=0, description="Conversations with an analysis result.")
    resolution_rate: Rate | None = Field(default=None, ge=0, le=1)
    clear_no_rate: Rate | None = Field(default=None, ge=0, le=1)
    fcr: Rate | None = Field(default=None, ge=0, le=1, description="First-contact resolution over cases.")
    repeat_contact_rate: Rate | None = Field(default=None, ge=0, le=1)
    mean_score: float | None = Field(default=None, ge=0, le=100)
    csat_mean: float | None = None
    ces_mean: float | None = None
    survey_n: int = Field(default=0, ge=0)
    promises_made: int | None = Field(default=None, ge=0)
    promise_keep_rate: Rate | None = Field(default=None, ge=0, le=1)


class OutcomeCount(_Frozen):
    outcome: str = Field(min_length=1, description="An outcome label of LABELS.md, or 'not analysed'.")
    count: int = Field(ge=0)


class DriverRow(_Frozen):
    """One factor's effect on the target with its interval; the forest plot draws one row each."""

    factor: str = Field(
        min_length=1, description="Human name, e.g. 'hollow apology' or 'resolved vs unresolved'."
    )
    effect: float | None
    low: float | None
    high: float | None
    n: int = Field(ge=0)
    sentence: str = ""
    enough_data: bool = True

    @model_validator(mode="after")
    def _interval_holds_effect(self) -> DriverRow:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"driver {self.factor!r}: interval low {self.low} is above high {self.high}")
        return self


#: Bins of the score histogram per agent or team (5 points each).
SCORE_BINS = 20


class ScoreSummary(_Frozen):
    """Score distribution of one agent or team (0-100 scorecard points)."""

    n: int = Field(default=0, ge=0)
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    low: float | None = Field(default=None, description="Lowest score.")
    high: float | None = Field(default=None, description="Highest score.")
    bins: tuple[int, ...] = Field(
        default=(),
        description=f"Scores per {100 // SCORE_BINS}-point bin from 0 to 100 ({SCORE_BINS} counts; empty = box only). "
        "A histogram, not every score: the chart stays the same size for 50 or 50,000 contacts.",
    )

    @classmethod
    def of(
        cls, scores: Sequence[float], *, n: int, median: float | None = None, q1: float | None = None,
        q3: float | None = None,
    ) -> Self:
        """The summary with the histogram and range of `scores` (0-100 points; outside is clamped)."""
        bins = [0] * SCORE_BINS
        for score in scores:
            bins[min(SCORE_BINS - 1, max(0, int(score * SCORE_BINS // 100)))] += 1
        return cls(
            n=n, median=median, q1=q1, q3=q3,
            low=min(scores) if scores else None, high=max(scores) if scores else None,
            bins=tuple(bins) if scores else (),
        )


@frozen_record
class WeekScore:
    """One week of a performer's trend: a slotted record (a row per agent and week adds up)."""

    week: str = Field(min_length=1, description="ISO week, e.g. 2025-W10.")
    score: float | None
    contacts: int = Field(default=0, ge=0)


class PerformerRow(_Frozen):
    """One agent or team row of the scorecard tables."""

    name: str = Field(min_length=1)
    team: str | None = None
    volume: int = Field(ge=0)
    outcomes: dict[str, int] = Field(default_factory=dict)
    score: ScoreSummary = ScoreSummary()
    behaviour_rates: dict[str, Rate] = Field(default_factory=dict)
    csat_mean: float | None = None
    csat_n: int = Field(default=0, ge=0)
    weekly: tuple[WeekScore, ...] = ()
    rank: int | None = Field(default=None, ge=1)
    rank_best: int | None = Field(default=None, ge=1)
    rank_worst: int | None = Field(default=None, ge=1)
    profile: str = Field(
        default="", description="How the agent's contacts tend to go, e.g. 'usually fixes or answers clearly'."
    )
    profile_reason: str = ""

    @property
    def resolved_share(self) -> float | None:
        """Share of analysed contacts that ended fixed or with a clear no."""
        total = sum(self.outcomes.values())
        if not total:
            return None
        return (self.outcomes.get("resolved", 0) + self.outcomes.get("clear_no", 0)) / total


class Excerpt(_Frozen):
    """Words [start, end) of one turn, with the whole turn so the report can show them in context."""

    conversation_id: str = Field(min_length=1)
    turn: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    turn_text: str
    author: str | None = None

    @model_validator(mode="after")
    def _span_inside_text(self) -> Excerpt:
        if not self.start <= self.end <= len(self.turn_text):
            raise ValueError(
                f"excerpt of {self.conversation_id!r} turn {self.turn}: span [{self.start}, {self.end}) "
                f"does not fit a text of {len(self.turn_text)} characters"
            )
        return self

    @property
    def text(self) -> str:
        return self.turn_text[self.start : self.end]


class CoachingItemRow(_Frozen):
    behaviour: str = Field(min_length=1)
    direction: Literal["less", "more"] | None = None
    why: str = ""
    worst: Excerpt | None = None
    best: Excerpt | None = None


class CoachingPlanRow(_Frozen):
    agent: str = Field(min_length=1)
    team: str | None = None
    note: str = ""
    items: tuple[CoachingItemRow, ...] = ()


class TeamCoachingItemRow(_Frozen):
    """One habit a whole team should change, with the agents furthest off and one line from the team
    that shows the habit done well (the model to copy, not a line to change)."""

    behaviour: str = Field(min_length=1)
    direction: Literal["less", "more"] | None = None
    why: str = ""
    team_rate: Rate | None = Field(default=None, ge=0, le=1)
    company_rate: Rate | None = Field(default=None, ge=0, le=1)
    agents: tuple[str, ...] = ()
    example: Excerpt | None = None


class TeamCoachingPlanRow(_Frozen):
    team: str = Field(min_length=1)
    items: tuple[TeamCoachingItemRow, ...] = ()


class VoiceRow(_Frozen):
    """Survey answers for one group of contacts (an outcome, or contacts with/without a behaviour)."""

    group: str = Field(min_length=1)
    contacts: int = Field(ge=0)
    responses: int = Field(ge=0)
    csat_mean: float | None = None
    csat_n: int = Field(default=0, ge=0)
    ces_mean: float | None = None
    ces_n: int = Field(default=0, ge=0)
    fixed_yes_rate: Rate | None = Field(default=None, ge=0, le=1)
    fixed_clear_no_rate: Rate | None = Field(default=None, ge=0, le=1)
    fixed_n: int = Field(default=0, ge=0)


class BehaviourVoiceRow(_Frozen):
    """The same survey numbers for contacts showing a behaviour and for those that do not."""

    behaviour: str = Field(min_length=1)
    present: VoiceRow
    absent: VoiceRow


class PromiseTallyRow(_Frozen):
    """Promises made vs kept by one agent or team (kept rate over judged promises only)."""

    name: str = Field(min_length=1)
    made: int = Field(ge=0)
    kept: int = Field(ge=0)
    broken: int = Field(ge=0)
    pending: int = Field(ge=0)
    undated: int = Field(ge=0)
    keep_rate: Rate | None = Field(default=None, ge=0, le=1)


class PromiseRow(_Frozen):
    """One judged promise: the words of the commitment and, when broken, the customer's chase."""

    owner: str | None = None
    team: str | None = None
    status: Literal["kept", "broken", "pending", "undated"]
    deadline: datetime | None = None
    deadline_phrase: str = ""
    reason: str = ""
    promise: Excerpt
    chase: Excerpt | None = None


class RootCauseRow(_Frozen):
    kind: Literal["policy", "system", "process"]
    name: str = Field(min_length=1)
    contacts: int = Field(ge=0)
    unresolved: int = Field(ge=0)
    repeat_contacts: int = Field(ge=0)
    forced: bool = Field(
        default=False, description="The policy or system itself blocks: agents had no way out."
    )
    charged_to: Literal["people", "process", "technology"] = Field(
        default="process", description="Whom it is charged to: people (coaching), process, or technology."
    )
    agents: int = Field(default=0, ge=0, description="Distinct agents on its contacts.")
    examples: tuple[Excerpt, ...] = ()


class ReasonRow(_Frozen):
    """Contacts by why the customer came, with what got in the way (for the root-cause section)."""

    reason: str = Field(min_length=1)
    contacts: int = Field(ge=0)
    outcomes: dict[str, int] = Field(default_factory=dict)
    helpful_rate: Rate | None = Field(default=None, ge=0, le=1)
    policy_stonewalls: int = Field(default=0, ge=0)
    system_gaps: int = Field(default=0, ge=0)
    deflections: int = Field(default=0, ge=0)
    repeat_contacts: int = Field(default=0, ge=0)


class TurnRow(_Frozen):
    role: str = Field(min_length=1, description="customer, agent, bot or system.")
    author: str | None = None
    text: str


class FindingRow(_Frozen):
    label: str = Field(min_length=1)
    turn: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    confidence: float = Field(ge=0, le=1)
    explanation: str = ""


class ConversationRow(_Frozen):
    """One conversation for drill-down: its transcript and the findings to highlight in it."""

    id: str = Field(min_length=1)
    channel: str = "unknown"
    agent: str | None = None
    team: str | None = None
    started_at: datetime | None = None
    outcome: str = Field(min_length=1)
    confidence: float | None = Field(default=None, ge=0, le=1)
    outcome_explanation: str = ""
    score: float | None = Field(default=None, ge=0, le=100)
    turns: tuple[TurnRow, ...] = Field(min_length=1)
    findings: tuple[FindingRow, ...] = ()

    @model_validator(mode="after")
    def _findings_point_into_turns(self) -> ConversationRow:
        for f in self.findings:
            if f.turn >= len(self.turns):
                raise ValueError(
                    f"conversation {self.id!r}: finding {f.label!r} points at turn {f.turn} "
                    f"but there are {len(self.turns)} turns"
                )
            size = len(self.turns[f.turn].text)
            if not f.start <= f.end <= size:
                raise ValueError(
                    f"conversation {self.id!r}: finding {f.label!r} span [{f.start}, {f.end}) "
                    f"does not fit turn {f.turn} of {size} characters"
                )
        return self

    def findings_in(self, turn: int) -> tuple[FindingRow, ...]:
        return tuple(f for f in self.findings if f.turn == turn)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({f.label for f in self.findings}))


class ActionRow(_Frozen):
    """One of the report's top actions: what to do, the evidence, the expected effect, where to read more."""

    owner: Literal["people", "process", "technology"]
    title: str = Field(min_length=1)
    evidence: str
    effect: str
    section: str = Field(description="The report section holding the numbers behind it (an anchor id).")


class WeekChangeRow(_Frozen):
    """One headline figure in the latest week and the week before."""

    figure: str = Field(min_length=1)
    latest: float | None
    previous: float | None
    unit: Literal["count", "rate", "points"]

    @property
    def change(self) -> float | None:
        return None if self.latest is None or self.previous is None else self.latest - self.previous


class ReportModel(_Frozen):
    """Everything one report shows, already decided; rendering and export only lay it out."""

    title: str = Field(default="FixFirst report", min_length=1)
    period: ReportPeriod = ReportPeriod()
    generated_at: datetime
    scope: str | None = Field(default=None, description="e.g. 'Team Billing' when the report is filtered.")
    overview: OverviewKpis
    actions: tuple[ActionRow, ...] = Field(default=(), description="Top actions, each from a different owner.")
    week_label: str = Field(default="", description="Which weeks week_over_week compares, with their n.")
    week_over_week: tuple[WeekChangeRow, ...] = ()
    outcome_mix: tuple[OutcomeCount, ...] = ()
    drivers_target: str = Field(default="CSAT", description="What driver effects are measured on.")
    drivers_unit: str = Field(default="points", description="Unit of an effect, e.g. 'CSAT points'.")
    drivers_note: str = ""
    drivers: tuple[DriverRow, ...] = ()
    drivers_fixed_target: str = Field(default="'fixed' answers", description="Second driver target.")
    drivers_fixed_unit: str = "percentage points"
    drivers_fixed_note: str = ""
    drivers_fixed: tuple[DriverRow, ...] = ()
    voice_by_outcome: tuple[VoiceRow, ...] = ()
    voice_by_behaviour: tuple[BehaviourVoiceRow, ...] = ()
    voice_by_case_path: tuple[VoiceRow, ...] = ()
    promises_by_agent: tuple[PromiseTallyRow, ...] = ()
    promises_by_team: tuple[PromiseTallyRow, ...] = ()
    promises: tuple[PromiseRow, ...] = Field(
        default=(), description="Broken promises first, then a few kept ones, as examples (not all of them)."
    )
    agents: tuple[PerformerRow, ...] = ()
    teams: tuple[PerformerRow, ...] = ()
    coaching: tuple[CoachingPlanRow, ...] = ()
    team_coaching: tuple[TeamCoachingPlanRow, ...] = ()
    root_causes: tuple[RootCauseRow, ...] = ()
    contact_reasons: tuple[ReasonRow, ...] = ()
    conversations: tuple[ConversationRow, ...] = ()
    conversations_note: str = Field(
        default="", description="How the drill-down conversations were chosen (e.g. 'quoted + lowest 50')."
    )

    @model_validator(mode="after")
    def _unique_conversation_ids(self) -> ReportModel:
        seen: set[str] = set()
        for conversation in self.conversations:
            if conversation.id in seen:
                raise ValueError(f"conversation {conversation.id!r} appears twice in the drill-down")
            seen.add(conversation.id)
        return self

    def conversation(self, conversation_id: str) -> ConversationRow | None:
        return next((c for c in self.conversations if c.id == conversation_id), None)
