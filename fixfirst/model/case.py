"""A case: the conversations one customer had about one issue, across channels and days."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from fixfirst.model.frozen import frozen_record


@frozen_record
class Case:

    id: str
    customer_id: str
    conversation_ids: tuple[str, ...] = Field(min_length=1)
    channels: tuple[str, ...] = ()
    opened_at: datetime | None = None
    last_contact_at: datetime | None = None
    topic: str = ""
