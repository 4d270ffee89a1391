"""Agent and team scorecards: volume, outcome mix, score distribution, behaviours, surveys, trend, rank.

Attribution: a contact counts for every agent who appears in it (listed or authoring an agent
turn); outcome and score are shared, but a behaviour counts for an agent only when the finding's
turn was written by that agent (or the turn has no author).

Adjusted score (people vs process): `adjusted_score` leaves out the agent's *blocked* contacts -
those charged to a system gap or to a policy that leaves no alternative (see root_causes.py) -
so a "no" the agent could not avoid does not lower their score. Ranks use the adjusted score;
the raw score is shown beside it. The stonewall rate still counts in behaviours and coaching.

Rank with uncertainty: each agent's mean adjusted score is shrunk toward the overall mean by an
empirical-Bayes normal model (more contacts, less shrinkage); rank ranges come from seeded draws
of those posteriors. Agents under `min_volume` analysed contacts are flagged "insufficient volume"
and never placed in the ranking, whatever their mean.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from enum import StrEnum
from functools import cache
from statistics import fmean, median
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from fixfirst.insight.contacts import CLOSING_OUTCOMES, HELPFUL_OUTCOMES, Contact, positions_by, team_key
from fixfirst.insight.customer_voice import VoiceGroup, voice_group
from fixfirst.model import Behaviour, Outcome, SurveyAnswers
from fixfirst.model.frozen import frozen_record

DEFAULT_MIN_VOLUME = 20
_SYMPATHY = (Behaviour.SCRIPTED_EMPATHY, Behaviour.HOLLOW_APOLOGY)


class AgentStyle(StrEnum):
    """How an agent's contacts tend to go, from their rates (first matching rule wins).

    The words describe a pattern in the work, never the person (issue 12: "cold transferrer" and
    "policy stonewaller" read as verdicts on people, and agents reject coaching framed that way).
    """

    INSUFFICIENT_VOLUME = "insufficient volume"
    POLICY_STONEWALLER = "often ends at a policy"
    COLD_TRANSFERRER = "often hands on without an owner"
    SYMPATHY_PERFORMER = "often apologises without a fix"
    PROACTIVE_OWNER = "owns next steps and goes further"
    FIXER = "usually fixes or answers clearly"
    MIXED = "mixed"


class StyleThresholds(BaseModel):
    """Rates at which each style label applies (documented defaults, overridable)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stonewall_rate: float = 0.15
    transfer_rate: float = 0.2
    sympathy_without_fixing: float = 0.25
    proactive_rate: float = 0.2
    ownership_rate: float = 0.3
    fixer_helpful_rate: float = 0.6


class ScoreStats(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    n: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None


@frozen_record
class WeekPoint:
    """One week of a scorecard's trend: a slotted record, not a model (an agent has one a week,
    and a large company's cards hold hundreds of thousands)."""

    week: str = Field(description="ISO week, e.g. 2024-W10.")
    contacts: int
    mean_score: float | None
    helpful_rate: float | None
    csat_mean: float | None


class RankEstimate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    shrunk_mean: float | None = Field(description="Empirical-Bayes mean adjusted score.")
    low: float | None = Field(description="90% credible interval of the mean, low end.")
    high: float | None
    rank: int | None = Field(
        description="Rank by shrunk mean among ranked peers (1 = best); None if unranked."
    )
    rank_best: int | None = Field(description="Best plausible rank (5th percentile of simulated ranks).")
    rank_worst: int | None
    ranked: bool
    note: str


class Scorecard(BaseModel):
    """One agent's or team's numbers over the period."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["agent", "team"]
    name: str
    team: str | None
    agents: tuple[str, ...]
    contacts: int
    analysed: int
    outcomes: dict[str, int]
    helpful_rate: float | None = Field(description="resolved + clear_no + owned_followup share.")
    fix_rate: float | None = Field(description="resolved + clear_no share.")
    score: ScoreStats
    adjusted_score: ScoreStats = Field(description="Without contacts blocked by a policy or system.")
    blocked_by_policy: int
    blocked_by_system: int
    behaviour_rates: dict[str, float]
    sympathy_rate: float | None = Field(
        description="Share of contacts with scripted empathy or hollow apology."
    )
    sympathy_without_fixing: float | None = Field(
        description="Share of contacts with sympathy formulas that ended without fix, clear no or owned step."
    )
    style: AgentStyle
    style_reason: str
    survey: VoiceGroup
    weekly: tuple[WeekPoint, ...]
    rank: RankEstimate


def _stats(values: Sequence[float]) -> ScoreStats:
    if not values:
        return ScoreStats(n=0, mean=None, median=None, q1=None, q3=None)
    q1, q3 = np.percentile(np.array(values), [25, 75])
    return ScoreStats(
        n=len(values), mean=fmean(values), median=float(median(values)), q1=float(q1), q3=float(q3)
    )


def _behaviour_present(contact: Contact, behaviour: Behaviour, agent: str | None) -> bool:
    findings = contact.findings(behaviour)
    if agent is None or behaviour in (Behaviour.CUSTOMER_EFFORT, Behaviour.SYSTEM_GAP):
        return bool(findings)
    return any(contact.turn_author(f.turn) in (agent, None) for f in findings)


def _week(contact: Contact) -> str | None:
    if contact.start is None:
        return None
    year, week, _ = contact.start.isocalendar()
    return _week_label(year, week)


@cache
def _week_label(year: int, week: int) -> str:
    """One label string per week, shared by every card's points of that week."""
    return f"{year}-W{week:02d}"


def _style(
    analysed: int,
    rates: dict[str, float],
    helpful: float | None,
    without_fixing: float | None,
    deflected_share: float,
    min_volume: int,
    t: StyleThresholds,
) -> tuple[AgentStyle, str]:
    if analysed < min_volume:
        return AgentStyle.INSUFFICIENT_VOLUME, f"only {analysed} analysed contacts (needs {min_volume})"
    # Problem styles: when several apply, the one furthest past its threshold names the agent.
    stonewall = rates[Behaviour.POLICY_STONEWALL]
    transfer = max(rates[Behaviour.DEFLECTIVE_TRANSFER], deflected_share)
    sympathy = without_fixing or 0.0
    problems = [
        (
            stonewall / t.stonewall_rate,
            AgentStyle.POLICY_STONEWALLER,
            f"stonewalls with a policy no colleagues find a way around in {stonewall:.0%}",
        ),
        (
            transfer / t.transfer_rate,
            AgentStyle.COLD_TRANSFERRER,
            f"hands off without owning it in {transfer:.0%}",
        ),
        (
            sympathy / t.sympathy_without_fixing,
            AgentStyle.SYMPATHY_PERFORMER,
            f"sympathy without a fix in {sympathy:.0%} of contacts",
        ),
    ]
    ratio, style, reason = max(problems, key=lambda p: p[0])
    if ratio >= 1.0:
        return style, reason
    helpful_rate = helpful or 0.0
    if (
        rates[Behaviour.PROACTIVE] >= t.proactive_rate
        and rates[Behaviour.OWNERSHIP] >= t.ownership_rate
        and helpful_rate >= t.fixer_helpful_rate
    ):
        return AgentStyle.PROACTIVE_OWNER, (
            f"owns next steps ({rates[Behaviour.OWNERSHIP]:.0%}) "
            f"and goes further ({rates[Behaviour.PROACTIVE]:.0%})"
        )
    if helpful_rate >= t.fixer_helpful_rate:
        return AgentStyle.FIXER, f"fixes, says a clear no or owns the next step in {helpful_rate:.0%}"
    return AgentStyle.MIXED, f"helpful in {helpful_rate:.0%}; no single pattern dominates"


def _scorecard(
    kind: Literal["agent", "team"],
    name: str,
    team: str | None,
    agents: tuple[str, ...],
    members: Sequence[Contact],
    responses: Mapping[str, SurveyAnswers],
    blocked: dict[str, str],
    agent: str | None,
    min_volume: int,
    thresholds: StyleThresholds,
) -> Scorecard:
    analysed = [c for c in members if c.outcome is not None]
    outcomes = Counter(c.outcome for c in analysed)
    k = len(analysed)
    helpful = sum(outcomes[o] for o in HELPFUL_OUTCOMES) / k if k else None
    fix = sum(outcomes[o] for o in CLOSING_OUTCOMES) / k if k else None
    rates = {
        b: (sum(1 for c in analysed if _behaviour_present(c, b, agent)) / k if k else 0.0) for b in Behaviour
    }
    # A stonewall on a policy that leaves no way out is the policy's (root_causes.py), so the
    # style label counts only the stonewalls the agent could have avoided.
    avoidable = sum(
        1
        for c in analysed
        if _behaviour_present(c, Behaviour.POLICY_STONEWALL, agent)
        and not blocked.get(c.id, "").startswith("policy:")
    )
    style_rates = {**rates, Behaviour.POLICY_STONEWALL: avoidable / k if k else 0.0}
    sympathetic = [c for c in analysed if any(_behaviour_present(c, b, agent) for b in _SYMPATHY)]
    sympathy_rate = len(sympathetic) / k if k else None
    without_fixing = sum(1 for c in sympathetic if c.outcome not in HELPFUL_OUTCOMES) / k if k else None
    deflected_share = outcomes[Outcome.DEFLECTED] / k if k else 0.0
    style, reason = _style(k, style_rates, helpful, without_fixing, deflected_share, min_volume, thresholds)
    weeks: dict[str, list[Contact]] = {}
    for contact in members:
        if (week := _week(contact)) is not None:
            weeks.setdefault(week, []).append(contact)
    weekly = []
    for week, week_contacts in sorted(weeks.items()):
        points = [p for c in week_contacts if (p := c.points) is not None]
        done = [c for c in week_contacts if c.outcome is not None]
        csat = [float(s.csat) for c in week_contacts if (s := responses.get(c.id)) and s.csat is not None]
        weekly.append(
            WeekPoint(
                week=week,
                contacts=len(week_contacts),
                mean_score=fmean(points) if points else None,
                helpful_rate=sum(1 for c in done if c.outcome in HELPFUL_OUTCOMES) / len(done)
                if done
                else None,
                csat_mean=fmean(csat) if csat else None,
            )
        )
    return Scorecard(
        kind=kind,
        name=name,
        team=team,
        agents=agents,
        contacts=len(members),
        analysed=k,
        outcomes={o.value: outcomes.get(o, 0) for o in Outcome},
        helpful_rate=helpful,
        fix_rate=fix,
        score=_stats([p for c in members if (p := c.points) is not None]),
        adjusted_score=_stats([p for c in members if (p := c.points) is not None and c.id not in blocked]),
        blocked_by_policy=sum(1 for c in members if blocked.get(c.id, "").startswith("policy:")),
        blocked_by_system=sum(1 for c in members if blocked.get(c.id, "").startswith("system:")),
        behaviour_rates={b.value: r for b, r in rates.items()},
        sympathy_rate=sympathy_rate,
        sympathy_without_fixing=without_fixing,
        style=style
        if kind == "agent"
        else (AgentStyle.INSUFFICIENT_VOLUME if k < min_volume else AgentStyle.MIXED),
        style_reason=reason if kind == "agent" else "",
        survey=voice_group(name, (c.id for c in members), responses),
        weekly=tuple(weekly),
        rank=RankEstimate(
            shrunk_mean=None,
            low=None,
            high=None,
            rank=None,
            rank_best=None,
            rank_worst=None,
            ranked=False,
            note="",
        ),
    )


def rank_with_uncertainty(
    groups: Mapping[str, Sequence[float]],
    *,
    min_volume: int = DEFAULT_MIN_VOLUME,
    seed: int = 7,
    draws: int = 4000,
) -> dict[str, RankEstimate]:
    """Empirical-Bayes shrunk means and simulated rank ranges; small groups are never ranked."""
    names = [name for name, values in groups.items() if len(values) > 0]
    if not names:
        return {}
    means = np.array([fmean(groups[n]) for n in names])
    counts = np.array([len(groups[n]) for n in names], dtype=float)
    dof = sum(len(groups[n]) - 1 for n in names)
    pooled = sum(float(np.var(groups[n], ddof=1)) * (len(groups[n]) - 1) for n in names if len(groups[n]) > 1)
    within = pooled / dof if dof > 0 and pooled > 0 else 1.0
    grand = float(np.average(means, weights=counts))
    between = float(np.var(means, ddof=1)) - float(np.mean(within / counts)) if len(names) > 1 else 0.0
    between = max(between, 1e-6)
    post_var = 1.0 / (1.0 / between + counts / within)
    post_mean = post_var * (grand / between + counts * means / within)
    post_sd = np.sqrt(post_var)
    eligible = [i for i, n in enumerate(names) if counts[i] >= min_volume]
    estimates: dict[str, RankEstimate] = {}
    rank_best: dict[int, int] = {}
    rank_worst: dict[int, int] = {}
    point_rank: dict[int, int] = {}
    if eligible:
        rng = np.random.default_rng(seed)
        sample = rng.normal(post_mean[eligible], post_sd[eligible], size=(draws, len(eligible)))
        # rank 1 = highest score
        ranks = (-sample).argsort(axis=1).argsort(axis=1) + 1
        order = sorted(eligible, key=lambda i: (-post_mean[i], names[i]))
        for position, i in enumerate(order, start=1):
            point_rank[i] = position
        for column, i in enumerate(eligible):
            rank_best[i] = int(np.percentile(ranks[:, column], 5))
            rank_worst[i] = int(np.ceil(np.percentile(ranks[:, column], 95)))
    z = 1.6449  # 90% interval
    for i, name in enumerate(names):
        ranked = i in point_rank
        note = (
            f"rank {rank_best[i]}-{rank_worst[i]} of {len(eligible)} (90% of simulations)"
            if ranked
            else f"insufficient volume: {int(counts[i])} contacts, needs {min_volume} to be ranked"
        )
        estimates[name] = RankEstimate(
            shrunk_mean=float(post_mean[i]),
            low=float(post_mean[i] - z * post_sd[i]),
            high=float(post_mean[i] + z * post_sd[i]),
            rank=point_rank.get(i),
            rank_best=rank_best.get(i),
            rank_worst=rank_worst.get(i),
            ranked=ranked,
            note=note,
        )
    return estimates


def build_scorecards(
    contacts: Sequence[Contact],
    responses: Mapping[str, SurveyAnswers],
    blocked: dict[str, str],
    agent_teams: dict[str, str | None],
    *,
    min_volume: int = DEFAULT_MIN_VOLUME,
    thresholds: StyleThresholds | None = None,
    seed: int = 7,
) -> tuple[tuple[Scorecard, ...], tuple[Scorecard, ...]]:
    """(agent scorecards, team scorecards), each sorted by rank then name."""
    thresholds = thresholds or StyleThresholds()
    # Groups hold positions (4 bytes a contact), not contacts: a group's contacts are fetched while
    # its card is made, so only one group's are held at a time.
    by_agent = positions_by(contacts, lambda contact: contact.agents)
    by_team = positions_by(contacts, team_key)

    def cards(
        kind: Literal["agent", "team"], groups: dict[str, array[int]]
    ) -> tuple[dict[str, Scorecard], dict[str, array[float]]]:
        made, adjusted = {}, {}
        for name, positions in groups.items():
            members = [contacts[p] for p in positions]
            if kind == "agent":
                made[name] = _scorecard(
                    kind, name, agent_teams.get(name), (name,), members, responses, blocked, name, min_volume,
                    thresholds,
                )
            else:
                agents = tuple(sorted({a for c in members for a in c.agents}))
                made[name] = _scorecard(
                    kind, name, name, agents, members, responses, blocked, None, min_volume, thresholds
                )
            adjusted[name] = array("d", [p for c in members if (p := c.points) is not None and c.id not in blocked])
        return made, adjusted

    agent_cards, agent_scores = cards("agent", by_agent)
    team_cards, team_scores = cards("team", by_team)
    agent_ranks = rank_with_uncertainty(agent_scores, min_volume=min_volume, seed=seed)
    team_ranks = rank_with_uncertainty(team_scores, min_volume=min_volume, seed=seed)

    def finish(cards: dict[str, Scorecard], ranks: dict[str, RankEstimate]) -> tuple[Scorecard, ...]:
        done = [
            card.model_copy(update={"rank": ranks[n]}) if n in ranks else card for n, card in cards.items()
        ]
        return tuple(sorted(done, key=lambda c: (c.rank.rank is None, c.rank.rank or 0, c.name)))

    return finish(agent_cards, agent_ranks), finish(team_cards, team_ranks)
