"""Tables of the web dashboard: users, API tokens, reviews, disputes, sampling rules and review
assignments, calibration and coaching sessions, survey tokens, settings, aggregate snapshots.

Why here and on the store's ``Base``: one metadata means one migration history and one schema
check (the store test that compares migrations with the models sees these tables too). Reviews
and disputes are append-only history rows keyed to a conversation and deleted with it; a later
review of the same item supersedes an earlier one when agreement is computed, but nothing is
overwritten, so "who said what, when" survives. Secrets (passwords, API and survey tokens) are
stored only as hashes.

Migration: ``migrations/versions/0002_web_tables.py`` creates exactly these tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fixfirst.store.column_types import StorableString, StorableText, UTCDateTime
from fixfirst.store.tables import ID_LENGTH, Base


class WebUserRow(Base):
    """A dashboard/API user. ``role`` is admin, manager or agent; ``teams`` empty means all teams."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(StorableString(100), unique=True)
    password_hash: Mapped[str] = mapped_column(StorableText())
    role: Mapped[str] = mapped_column(StorableString(20))
    agent_id: Mapped[str | None] = mapped_column(StorableText())
    teams: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebApiTokenRow(Base):
    """A Bearer token for pipelines; it acts as its user (same role and scope)."""

    __tablename__ = "web_api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("web_users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(StorableString(64), unique=True)
    name: Mapped[str] = mapped_column(StorableText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebReviewRow(Base):
    """One reviewer decision on one item of a conversation: ``item`` is ``outcome`` or
    ``finding:<label>:<turn>:<start>:<end>`` or ``missed:<label>``."""

    __tablename__ = "web_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        StorableString(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    item: Mapped[str] = mapped_column(StorableText())
    machine_value: Mapped[str] = mapped_column(StorableText())
    reviewer_value: Mapped[str] = mapped_column(StorableText())
    reviewer: Mapped[str] = mapped_column(StorableText())
    note: Mapped[str | None] = mapped_column(StorableText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_web_reviews_conversation_id", "conversation_id"),)


class WebDisputeRow(Base):
    """An agent disputing one item (a finding or the outcome) of their own conversation; ``status`` is
    ``open`` until someone other than its reviewer decides it (``upheld`` / ``overturned``)."""

    __tablename__ = "web_disputes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        StorableString(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    item: Mapped[str] = mapped_column(StorableText())
    author: Mapped[str] = mapped_column(StorableText())
    comment: Mapped[str] = mapped_column(StorableText())
    status: Mapped[str] = mapped_column(StorableString(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(StorableText())

    __table_args__ = (Index("ix_web_disputes_conversation_id", "conversation_id"),)


class WebDisputeMessageRow(Base):
    """One reply in a dispute's thread (the agent, a reviewer, the decision's reasons)."""

    __tablename__ = "web_dispute_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dispute_id: Mapped[int] = mapped_column(Integer, ForeignKey("web_disputes.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(StorableText())
    text: Mapped[str] = mapped_column(StorableText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_web_dispute_messages_dispute_id", "dispute_id"),)


class WebNotificationRow(Base):
    """An in-app notice for one user (e.g. "your dispute was upheld"), with a link to what it is about."""

    __tablename__ = "web_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(StorableText())
    text: Mapped[str] = mapped_column(StorableText())
    link: Mapped[str] = mapped_column(StorableText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_web_notifications_username", "username"),)


class WebSamplingRuleRow(Base):
    """A QA lead's sampling rule: which conversations of a week go to reviewers (`fixfirst.web.sampling`)."""

    __tablename__ = "web_sampling_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(StorableText())
    kind: Mapped[str] = mapped_column(StorableString(40))
    per_agent: Mapped[int | None] = mapped_column(Integer)
    team: Mapped[str | None] = mapped_column(StorableText())
    created_by: Mapped[str] = mapped_column(StorableText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebAssignmentRow(Base):
    """One conversation assigned to one reviewer (by a rule's draw or by hand); done once that reviewer
    has reviewed it after `assigned_at`."""

    __tablename__ = "web_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        StorableString(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    reviewer: Mapped[str] = mapped_column(StorableText())
    rule_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("web_sampling_rules.id", ondelete="SET NULL"))
    period_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_by: Mapped[str] = mapped_column(StorableText())
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("conversation_id", "reviewer", name="uq_web_assignments_conversation_id_reviewer"),
        Index("ix_web_assignments_reviewer", "reviewer"),
    )


class WebCalibrationSessionRow(Base):
    """A calibration session: several reviewers score the same conversations blind, then compare."""

    __tablename__ = "web_calibration_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(StorableText())
    created_by: Mapped[str] = mapped_column(StorableText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebCalibrationMemberRow(Base):
    """Who and what a session covers: one row per (session, conversation) or (session, reviewer)."""

    __tablename__ = "web_calibration_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(Integer, ForeignKey("web_calibration_sessions.id", ondelete="CASCADE"))
    conversation_id: Mapped[str | None] = mapped_column(
        StorableString(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    reviewer: Mapped[str | None] = mapped_column(StorableText())

    __table_args__ = (Index("ix_web_calibration_members_session_id", "session_id"),)


class WebCalibrationScoreRow(Base):
    """One reviewer's blind score of one conversation in a session (kept apart from production reviews,
    so calibrating never changes a conversation's review or the machine-vs-reviewer agreement)."""

    __tablename__ = "web_calibration_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(Integer, ForeignKey("web_calibration_sessions.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(
        StorableString(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE")
    )
    reviewer: Mapped[str] = mapped_column(StorableText())
    outcome: Mapped[str] = mapped_column(StorableString(40))
    labels: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("session_id", "conversation_id", "reviewer", name="uq_web_calibration_scores_one_each"),
    )


class WebCoachingSessionRow(Base):
    """A coaching session on one habit of one agent: planned, held, acknowledged by the agent; its
    follow-up (the habit's rate in the weeks after) is computed from the findings, not stored."""

    __tablename__ = "web_coaching_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(StorableText())
    habit: Mapped[str] = mapped_column(StorableString(60))
    direction: Mapped[str] = mapped_column(StorableString(10))
    planned_for: Mapped[datetime] = mapped_column(UTCDateTime())
    planned_by: Mapped[str] = mapped_column(StorableText())
    note: Mapped[str | None] = mapped_column(StorableText())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_web_coaching_sessions_agent_id", "agent_id"),)


class WebSurveyTokenRow(Base):
    """A survey link: the SHA-256 of a random token, mapped to the conversation it asks about."""

    __tablename__ = "web_survey_tokens"

    token_hash: Mapped[str] = mapped_column(StorableString(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(StorableString(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSettingRow(Base):
    """Small key/value settings of the web app (e.g. the generated session-signing key)."""

    __tablename__ = "web_settings"

    key: Mapped[str] = mapped_column(StorableString(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class WebDashboardSnapshotRow(Base):
    """The last aggregates the dashboard computed for one scope, so a restarted server shows them at
    once instead of recomputing a big store's (20 minutes at a million contacts). ``scope_key`` is a
    digest of the scope, ``code`` of the insight code that made it (another version's snapshot is
    never read), ``data_key`` the store's data fingerprint when the build began; ``insights`` is
    zlib-compressed JSON, ``cases`` / ``repeat_cases`` packed record lists (`PackedRecords`)."""

    __tablename__ = "web_dashboard_snapshots"

    scope_key: Mapped[str] = mapped_column(StorableString(64), primary_key=True)
    scope: Mapped[Any] = mapped_column(JSON)
    code: Mapped[str] = mapped_column(StorableString(64))
    data_key: Mapped[str] = mapped_column(StorableText())
    built_at: Mapped[datetime] = mapped_column(UTCDateTime())
    insights: Mapped[bytes] = mapped_column(LargeBinary)
    cases: Mapped[bytes] = mapped_column(LargeBinary)
    repeat_cases: Mapped[bytes] = mapped_column(LargeBinary)


web_users_table = WebUserRow.__table__
web_api_tokens_table = WebApiTokenRow.__table__
web_reviews_table = WebReviewRow.__table__
web_disputes_table = WebDisputeRow.__table__
web_dispute_messages_table = WebDisputeMessageRow.__table__
web_notifications_table = WebNotificationRow.__table__
web_sampling_rules_table = WebSamplingRuleRow.__table__
web_assignments_table = WebAssignmentRow.__table__
web_calibration_sessions_table = WebCalibrationSessionRow.__table__
web_calibration_members_table = WebCalibrationMemberRow.__table__
web_calibration_scores_table = WebCalibrationScoreRow.__table__
web_coaching_sessions_table = WebCoachingSessionRow.__table__
web_survey_tokens_table = WebSurveyTokenRow.__table__
web_settings_table = WebSettingRow.__table__
web_dashboard_snapshots_table = WebDashboardSnapshotRow.__table__
