"""Coaching plans: the 2-3 behaviours that would most raise each agent's customers' outcomes.

Priority of a behaviour for an agent = weight x gap, where
- gap = how much worse the agent is than their team (rate above the team's for a behaviour to do
  less of, below it for one to do more of); no gap, no coaching item;
- weight = the size of the behaviour's CSAT effect from the driver analysis when that effect has
  enough data and points the expected way, else `fallback_weight` (the drivers cannot tell, so
  every behaviour counts equally small rather than not at all).
Every item quotes the agent's own worst and best lines (evidence spans into the transcript); when
the agent has no good example of their own, the best one from a teammate is shown and marked so.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from fixfirst.insight.contacts import Contact, positions_by, team_key
from fixfirst.insight.drivers import DriverAnalysis
from fixfirst.insight.lexicon_files import CoachingTargets, default_coaching_targets
from fixfirst.insight.quotes import Quote, quote
from fixfirst.insight.scorecards import Scorecard
from fixfirst.model import Outcome, Role

DEFAULT_FALLBACK_WEIGHT = 0.25
MAX_ITEMS = 3


class CoachingItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    behaviour: str
    direction: Literal["less", "more"]
    advice: str
    agent_rate: float
    team_rate: float
    effect: float | None = Field(
        description="CSAT effect of the behaviour from the driver analysis, if known."
    )
    weight: float
    priority: float = Field(description="weight x gap; items are ordered by it.")
    contacts_affected: int
    worst: Quote | None = Field(description="The agent's own line showing the habit to change.")
    best: Quote | None = Field(description="A line showing it done well: the agent's own when they have one.")
    best_from: Literal["own", "team"] | None


class CoachingPlan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    agent: str
    team: str | None
    items: tuple[CoachingItem, ...]
    note: str = ""


class TeamCoachingItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    behaviour: str
    direction: Literal["less", "more"]
    advice: str
    team_rate: float
    company_rate: float
    effect: float | None
    priority: float
    agents_most_affected: tuple[str, ...]
    example: Quote | None


class TeamCoachingPlan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    team: str
    items: tuple[TeamCoachingItem, ...]


def _weight(
    drivers: DriverAnalysis | None, behaviour: str, direction: str, fallback: float
) -> tuple[float, float | None]:
    effect = drivers.effect(f"behaviour:{behaviour}") if drivers else None
    if effect is None or effect.estimate is None:
        return fallback, None
    if not effect.enough_data:
        return fallback, effect.estimate
    signed = -effect.estimate if direction == "less" else effect.estimate
    return max(signed, 0.0), effect.estimate


def _agent_quotes(contact: Contact, spans: Sequence[tuple[int, int, int]], agent: str) -> Quote | None:
    for turn, start, end in spans:
        if contact.conversation.speaker(turn) == (Role.AGENT, agent):
            return quote(contact.conversation, turn, start, end)
    return None


def _example_spans(contact: Contact, spec: str) -> list[tuple[int, int, int]]:
    if spec.startswith("outcome:"):
        wanted = {Outcome(v.strip()) for v in spec.removeprefix("outcome:").split(",")}
        if contact.result is None or contact.outcome not in wanted:
            return []
        return [(e.turn, e.start, e.end) for e in contact.result.outcome.evidence]
    return [(f.turn, f.start, f.end) for f in contact.findings(spec)]


def _by_score(contacts: Sequence[Contact], best_first: bool) -> Iterator[Contact]:
    """`contacts` best (or worst) score first, ties by id: the order of one sort on (score, id),
    made lazily. A team's sort keys - a tuple, a float and an id string each - were the largest
    thing the insight stage held, and a search for an example quote usually stops within the
    first few contacts. So scores are sorted as an array, and the ids of one tied run are compared
    only when the search reaches it, a few at a time."""
    scores = np.fromiter(((c.points or 0.0) for c in contacts), dtype=np.float64, count=len(contacts))
    keys = -scores if best_first else scores
    order = np.argsort(keys, kind="stable")
    ends = [*(np.flatnonzero(np.diff(keys[order])) + 1).tolist(), len(order)]
    start = 0
    for end in ends:
        yield from _in_id_order(contacts, order[start:end])
        start = end


def _in_id_order(contacts: Sequence[Contact], positions: np.ndarray) -> Iterator[Contact]:
    """The contacts at `positions`, by id: the smallest few first, then more (16x each time)."""
    if len(positions) == 1:
        yield contacts[int(positions[0])]
        return
    done, wanted = 0, 16
    while done < len(positions):
        first = heapq.nsmallest(wanted, (int(p) for p in positions), key=lambda p: contacts[p].id)
        for p in first[done:]:
            yield contacts[p]
        done, wanted = len(first), wanted * 16


class _Members(Sequence[Contact]):
    """The contacts at `positions`, each read from `contacts` when asked for (no list of handles)."""

    def __init__(self, contacts: Sequence[Contact], positions: Sequence[int]) -> None:
        self._contacts = contacts
        self._positions = positions

    def __getitem__(self, index: int) -> Contact:  # type: ignore[override]
        return self._contacts[self._positions[index]]

    def __len__(self) -> int:
        return len(self._positions)

    def __iter__(self) -> Iterator[Contact]:
        contacts = self._contacts
        return (contacts[p] for p in self._positions)


#: A line already quoted in a plan: (conversation id, turn). One line serves one item where the
#: contacts allow, so three habits are never illustrated by the same sentence.
Used = set[tuple[str, int]]


def _first_unused(found: Iterator[Quote], used: Used) -> Quote | None:
    """The first quote whose line is not used yet, else the first at all; marks it used."""
    first = None
    for q in found:
        if (q.conversation_id, q.turn) not in used:
            first = q
            break
        first = first or q
    if first is not None:
        used.add((first.conversation_id, first.turn))
    return first


def _best_examples(contacts: Sequence[Contact], spec: str, agent: str | None) -> Iterator[Quote]:
    for contact in _by_score(contacts, best_first=True):
        authors = [agent] if agent else list(contact.agents)
        for author in authors:
            if q := _agent_quotes(contact, _example_spans(contact, spec), author):
                yield q


def _best_example(
    contacts: Sequence[Contact], spec: str, agent: str | None, used: Used | None = None
) -> Quote | None:
    return _first_unused(_best_examples(contacts, spec, agent), set() if used is None else used)


def _worst_examples(
    contacts: Sequence[Contact], behaviour: str, direction: str, agent: str
) -> Iterator[Quote]:
    for contact in _by_score(contacts, best_first=False):
        if direction == "less":
            if q := _agent_quotes(
                contact, [(f.turn, f.start, f.end) for f in contact.findings(behaviour)], agent
            ):
                yield q
        elif not contact.has(behaviour) and contact.outcome is not None:
            own = [t for t in contact.conversation.turns if t.role is Role.AGENT and t.author == agent]
            if own and (q := quote(contact.conversation, own[-1].index, 0, len(own[-1].text))):
                yield q


def build_coaching(
    contacts: Sequence[Contact],
    agent_cards: Sequence[Scorecard],
    team_cards: Sequence[Scorecard],
    drivers: DriverAnalysis | None,
    *,
    targets: CoachingTargets | None = None,
    fallback_weight: float = DEFAULT_FALLBACK_WEIGHT,
    max_items: int = MAX_ITEMS,
) -> tuple[tuple[CoachingPlan, ...], tuple[TeamCoachingPlan, ...]]:
    """(per-agent plans, per-team plans)."""
    targets = targets or default_coaching_targets()
    teams = {card.name: card for card in team_cards}
    # Positions, not contacts: an agent's and a team's contacts are read back while that plan is made.
    by_agent = positions_by(contacts, lambda contact: contact.agents)
    by_team = positions_by(contacts, team_key)
    analysed_all, present = 0, Counter[str]()
    for contact in contacts:
        if contact.outcome is not None:
            analysed_all += 1
            present.update(b for b in targets.targets if contact.has(b))
    company_rate = {b: (present[b] / analysed_all if analysed_all else 0.0) for b in targets.targets}

    def members(positions: Sequence[int]) -> Sequence[Contact]:
        return _Members(contacts, positions)

    # Agents team by team, so a team's contacts are read back once; plans keep the cards' order.
    plan_at: dict[int, CoachingPlan] = {}
    order = sorted(range(len(agent_cards)), key=lambda i: agent_cards[i].team or "(no team)")
    team_name, team_positions = None, array("I")
    for index in order:
        card = agent_cards[index]
        if card.analysed == 0:
            plan_at[index] = CoachingPlan(agent=card.name, team=card.team, items=(), note="no analysed contacts")
            continue
        team_card = teams.get(card.team or "(no team)")
        if team_name != (card.team or "(no team)"):
            team_name = card.team or "(no team)"
            team_positions = by_team.get(team_name, array("I"))
        own = members(by_agent.get(card.name, ()))
        candidates = []
        for behaviour, target in targets.targets.items():
            agent_rate = card.behaviour_rates.get(behaviour, 0.0)
            team_rate = (
                team_card.behaviour_rates.get(behaviour, 0.0) if team_card else company_rate[behaviour]
            )
            gap = agent_rate - team_rate if target.direction == "less" else team_rate - agent_rate
            weight, effect = _weight(drivers, behaviour, target.direction, fallback_weight)
            if gap <= 0 or weight <= 0:
                continue
            affected = (
                sum(1 for c in own if c.has(behaviour))
                if target.direction == "less"
                else sum(1 for c in own if c.outcome is not None and not c.has(behaviour))
            )
            candidates.append(
                CoachingItem(
                    behaviour=behaviour,
                    direction=target.direction,
                    advice=target.advice,
                    agent_rate=agent_rate,
                    team_rate=team_rate,
                    effect=effect,
                    weight=weight,
                    priority=weight * gap,
                    contacts_affected=affected,
                    worst=None,
                    best=None,
                    best_from=None,
                )
            )
        candidates.sort(key=lambda item: (-item.priority, item.behaviour))
        # Quotes in priority order, each line used once per plan where the contacts allow.
        used: Used = set()
        teammates: Sequence[Contact] | None = None  # found only when the agent's own contacts lack an example
        chosen = []
        for item in candidates[:max_items]:
            target = targets.targets[item.behaviour]
            worst = _first_unused(_worst_examples(own, item.behaviour, item.direction, card.name), used)
            best = _best_example(own, target.best_example, card.name, used)
            best_from: Literal["own", "team"] | None = "own" if best else None
            if best is None:
                if teammates is None:
                    teammates = members(array("I", (p for p in team_positions if card.name not in contacts[p].agents)))
                best = _best_example(teammates, target.best_example, None, used)
                best_from = "team" if best else None
            chosen.append(item.model_copy(update={"worst": worst, "best": best, "best_from": best_from}))
        candidates = chosen
        note = "" if candidates else "at or better than the team on every coached behaviour"
        plan_at[index] = CoachingPlan(agent=card.name, team=card.team, items=tuple(candidates), note=note)
    plans = [plan_at[i] for i in range(len(agent_cards))]

    team_plans = []
    for team_card in team_cards:
        team_contacts = members(by_team.get(team_card.name, ()))
        items = []
        for behaviour, target in targets.targets.items():
            team_rate = team_card.behaviour_rates.get(behaviour, 0.0)
            weight, effect = _weight(drivers, behaviour, target.direction, fallback_weight)
            # Team plans rank on how much of the team's volume a change would touch.
            exposure = team_rate if target.direction == "less" else 1.0 - team_rate
            if exposure <= 0 or weight <= 0:
                continue
            # "Do more X" where nobody in the company does X has no example to copy and no
            # measured effect here: it would top every team's plan on exposure alone.
            if target.direction == "more" and company_rate[behaviour] == 0:
                continue
            worst_agents = sorted(
                (p for p in plans if p.team == team_card.name),
                key=lambda p: -next((i.priority for i in p.items if i.behaviour == behaviour), 0.0),
            )
            affected = tuple(p.agent for p in worst_agents if any(i.behaviour == behaviour for i in p.items))[
                :3
            ]
            items.append(
                TeamCoachingItem(
                    behaviour=behaviour,
                    direction=target.direction,
                    advice=target.advice,
                    team_rate=team_rate,
                    company_rate=company_rate[behaviour],
                    effect=effect,
                    priority=weight * exposure,
                    agents_most_affected=affected,
                    example=_best_example(team_contacts, target.best_example, None),
                )
            )
        items.sort(key=lambda item: (-item.priority, item.behaviour))
        team_plans.append(TeamCoachingPlan(team=team_card.name, items=tuple(items[:max_items])))
    return tuple(plans), tuple(team_plans)
