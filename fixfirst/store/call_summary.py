"""Call metrics per agent or team: medians over their recorded calls (`metadata.call.metrics`).

Read from the conversations table with the call channel and the agent (indexed `conversation_agents`)
or team filter, one column each - a team's calls of a month are a few thousand small JSON values.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from sqlalchemy import select

from fixfirst.store.store import Store
from fixfirst.store.tables import conversation_agents_table, conversations_table

CALL_CHANNEL = "call"
#: Metrics summarised (median per call) and shown on agent and team pages.
SUMMARISED = ("first_answer_s", "talk_listen_ratio", "hold_s", "dead_air_s", "longest_silence_s", "overtalk_s",
              "agent_wpm")


@dataclass(frozen=True)
class CallSummary:
    calls: int
    medians: dict[str, float | None]
    hold_calls: int  # calls with an announced hold
    dead_air_calls: int  # calls with dead air


def call_summary(store: Store, *, agent: str | None = None, team: str | None = None) -> CallSummary | None:
    """Medians of the call metrics over the agent's (or team's) calls; None when there are none."""
    c, a = conversations_table.c, conversation_agents_table.c
    query = select(c.metadata).where(c.channel == CALL_CHANNEL)
    if agent is not None:
        query = query.where(c.id.in_(select(a.conversation_id).where(a.agent_id == agent)))
    if team is not None:
        query = query.where(c.team == team)
    with store.engine.connect() as conn:
        metrics = [
            m for (meta,) in conn.execute(query)
            if isinstance(meta, dict) and isinstance(m := (meta.get("call") or {}).get("metrics"), dict)
        ]
    if not metrics:
        return None
    medians = {}
    for key in SUMMARISED:
        values = [float(m[key]) for m in metrics if isinstance(m.get(key), int | float)]
        medians[key] = round(median(values), 2) if values else None
    return CallSummary(
        calls=len(metrics),
        medians=medians,
        hold_calls=sum(1 for m in metrics if (m.get("hold_s") or 0) > 0),
        dead_air_calls=sum(1 for m in metrics if (m.get("dead_air_s") or 0) > 0),
    )
