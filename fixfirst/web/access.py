"""Who may see what: roles, and the one place every read endpoint asks.

Why one module: access control spread over handlers is where a new route forgets a check. Each
handler gets a :class:`Principal` from authentication and asks it ``can_see(conversation)``,
``can_see_agent(...)`` or ``can_see_team(...)``; a conversation outside the scope answers 404
(not 403) so an agent cannot even learn which ids exist.

Roles:
- ``admin``: everything, including users and writes.
- ``manager`` (QA lead / manager): all teams, or only ``teams`` when the user has some; may ingest
  and review.
- ``agent``: only conversations they took part in and their own scorecard; may dispute findings
  on those conversations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fixfirst.model import Conversation, Role


class UserRole(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    AGENT = "agent"


def agents_of(conversation: Conversation) -> set[str]:
    """Every agent id in a conversation: listed ones and authors of agent turns."""
    found = set(conversation.agent_ids)
    found.update(t.author for t in conversation.turns if t.role is Role.AGENT and t.author)
    return found


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user as the web layer sees them."""

    user_id: int
    username: str
    role: UserRole
    agent_id: str | None = None
    teams: tuple[str, ...] = ()

    @property
    def is_agent(self) -> bool:
        return self.role is UserRole.AGENT

    @property
    def all_teams(self) -> bool:
        """True when no team restriction applies (admins, and managers without teams)."""
        return self.role is UserRole.ADMIN or (self.role is UserRole.MANAGER and not self.teams)

    @property
    def can_write(self) -> bool:
        """May ingest conversations and surveys, and create survey links."""
        return self.role in (UserRole.ADMIN, UserRole.MANAGER)

    @property
    def can_review(self) -> bool:
        return self.role in (UserRole.ADMIN, UserRole.MANAGER)

    @property
    def can_see_aggregates(self) -> bool:
        """Company/team-wide pages (teams, cases, drivers, root causes) are not for agents."""
        return not self.is_agent

    def can_see(self, conversation: Conversation) -> bool:
        if self.is_agent:
            return self.agent_id is not None and self.agent_id in agents_of(conversation)
        return self.all_teams or conversation.team in self.teams

    def can_see_team(self, team: str | None) -> bool:
        if self.is_agent:
            return False
        return self.all_teams or team in self.teams

    def can_see_agent(self, agent_id: str, agent_team: str | None) -> bool:
        if self.is_agent:
            return agent_id == self.agent_id
        return self.all_teams or agent_team in self.teams

    def can_write_team(self, team: str | None) -> bool:
        return self.can_write and (self.all_teams or team in self.teams)
