"""The database tables, as typed SQLAlchemy 2 declarative models.

Why these shapes: a conversation and its turns are the evidence every mark points at, so turns are
keyed by (conversation_id, idx), the same index a Finding's span uses. Analysis results and their
findings hang off the conversation and are deleted with it, so a re-ingested (changed) contact can
never keep marks earned by words it no longer contains. Free-form model fields are unbounded TEXT
(a VARCHAR limit would reject on PostgreSQL what SQLite accepts). Labels, roles and outcomes are plain
strings, not database enums, so a new label in LABELS.md needs no schema migration.

The migrations in ``migrations/versions`` create exactly these tables (a test compares them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from fixfirst.store.column_types import StorableString, StorableText, UTCDateTime

#: Named constraints, so later migrations (and SQLite batch mode) can refer to them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 200


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ConversationRow(Base):
    """One contact. ``content_hash`` digests what was said; ``record_hash`` digests the whole record."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(StorableString(ID_LENGTH), primary_key=True)
    channel: Mapped[str] = mapped_column(StorableString(50))
    company: Mapped[str | None] = mapped_column(StorableText())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    customer_id: Mapped[str | None] = mapped_column(StorableText())
    team: Mapped[str | None] = mapped_column(StorableText())
    agent_ids: Mapped[list[str]] = mapped_column(JSON)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    content_hash: Mapped[str] = mapped_column(StorableString(64))
    record_hash: Mapped[str] = mapped_column(StorableString(64))
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str | None] = mapped_column(StorableText())

    turns: Mapped[list[TurnRow]] = relationship(
        back_populates="conversation",
        order_by="TurnRow.idx",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        Index("ix_conversations_customer_id", "customer_id"),
        Index("ix_conversations_team", "team"),
        Index("ix_conversations_started_at", "started_at"),
        Index("ix_conversations_ingested_at", "ingested_at"),
    )


class TurnRow(Base):
    __tablename__ = "turns"

    conversation_id: Mapped[str] = mapped_column(
        StorableString(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    idx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(StorableString(20))
    author: Mapped[str | None] = mapped_column(StorableText())
    text: Mapped[str] = mapped_column(StorableText())
    ts: Mapped[datetime | None] = mapped_column(UTCDateTime())
    public: Mapped[bool] = mapped_column(Boolean)

    conversation: Mapped[ConversationRow] = relationship(back_populates="turns")


class ConversationAgentRow(Base):
    """Who worked a conversation (listed agents and authors of agent turns), one row per agent.

    Why a table: an agent's own list and every "by agent" filter must be an indexed lookup, not a
    scan of every conversation's JSON and turns. Kept in step by the store on every write.
    """

    __tablename__ = "conversation_agents"

    conversation_id: Mapped[str] = mapped_column(
        StorableString(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    agent_id: Mapped[str] = mapped_column(StorableText(), primary_key=True)

    __table_args__ = (Index("ix_conversation_agents_agent_id", "agent_id"),)


class SurveyRow(Base):
    """A survey answer. Not a foreign key to conversations: surveys often arrive before the contact."""

    __tablename__ = "surveys"

    id: Mapped[str] = mapped_column(StorableString(ID_LENGTH), primary_key=True)
    conversation_id: Mapped[str | None] = mapped_column(StorableText())
    customer_id: Mapped[str | None] = mapped_column(StorableText())
    csat: Mapped[int | None] = mapped_column(Integer)
    ces: Mapped[int | None] = mapped_column(Integer)
    fixed: Mapped[str | None] = mapped_column(StorableString(20))
    empathy: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(StorableText())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_surveys_conversation_id", "conversation_id"),
        Index("ix_surveys_customer_id", "customer_id"),
    )


class AnalysisResultRow(Base):
    """The latest analysis of one conversation (one row per conversation; a new run replaces it)."""

    __tablename__ = "analysis_results"

    conversation_id: Mapped[str] = mapped_column(
        StorableString(ID_LENGTH), ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(StorableString(50))
    outcome_confidence: Mapped[float] = mapped_column(Float)
    outcome_evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    outcome_explanation: Mapped[str] = mapped_column(StorableText())
    sentiment_start: Mapped[str] = mapped_column(StorableString(20))
    sentiment_end: Mapped[str] = mapped_column(StorableString(20))
    scorecard: Mapped[str | None] = mapped_column(StorableText())
    points: Mapped[float | None] = mapped_column(Float)
    score_breakdown: Mapped[list[list[Any]] | None] = mapped_column(JSON)
    engine_version: Mapped[str] = mapped_column(StorableText())
    analyzed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The conversation's team, copied here (and kept in step by `Store`) so a team lead's review
    #: queue is one index range instead of a join that visits every low-confidence result.
    team: Mapped[str | None] = mapped_column(StorableText(), nullable=True)

    findings: Mapped[list[FindingRow]] = relationship(
        back_populates="result", order_by="FindingRow.id", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_analysis_results_outcome", "outcome"),
        Index("ix_analysis_results_analyzed_at", "analyzed_at"),
        # The review queue counts and reads the least confident verdicts from this index alone (covering).
        Index("ix_analysis_results_review_order", "outcome_confidence", "conversation_id"),
        Index("ix_analysis_results_team_review_order", "team", "outcome_confidence", "conversation_id"),
    )


class FindingRow(Base):
    """One finding of a stored result; ``id`` keeps the order the engine reported them in."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        StorableString(ID_LENGTH), ForeignKey("analysis_results.conversation_id", ondelete="CASCADE")
    )
    label: Mapped[str] = mapped_column(StorableText())
    confidence: Mapped[float] = mapped_column(Float)
    turn: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(StorableText())
    detector: Mapped[str] = mapped_column(StorableText())
    explanation: Mapped[str] = mapped_column(StorableText())

    result: Mapped[AnalysisResultRow] = relationship(back_populates="findings")

    __table_args__ = (
        Index("ix_findings_conversation_id", "conversation_id"),
        Index("ix_findings_label", "label"),
    )


conversations_table = ConversationRow.__table__
turns_table = TurnRow.__table__
conversation_agents_table = ConversationAgentRow.__table__
surveys_table = SurveyRow.__table__
results_table = AnalysisResultRow.__table__
findings_table = FindingRow.__table__
