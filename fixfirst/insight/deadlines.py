"""Resolve the deadline in a promise ("tomorrow by noon", "in 3-5 working days", "by Friday").

The deadline is anchored on the timestamp of the turn that made the promise and keeps its time
zone. A range ("3-5 days") resolves to its upper end: the promise is only broken once the whole
range has passed. A day without a time means the end of that day.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from pydantic import BaseModel, ConfigDict

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty-four": 24,
    "forty-eight": 48,
    "seventy-two": 72,
}
_NUMBER = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twenty-four|forty-eight|seventy-two)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_END_OF_DAY = time(23, 59, 59)

_CLOCK = re.compile(
    r"\b(?:by|before|at|around|until)\s+(?:(noon|midday|midnight)|(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?)\b",
    re.IGNORECASE,
)
_PART_OF_DAY = {
    "morning": time(12, 0),
    "lunchtime": time(14, 0),
    "afternoon": time(17, 0),
    "evening": time(21, 0),
}
_HOURS = re.compile(
    rf"\b(?:in|within)\s+(?:the\s+next\s+)?{_NUMBER}\s*(?:-|to)?\s*(?:{_NUMBER}\s*)?(hours?|hrs?|minutes?|mins?)\b",
    re.IGNORECASE,
)
_THE_HOUR = re.compile(r"\bwithin\s+the\s+hour\b", re.IGNORECASE)
_DAYS = re.compile(
    rf"\b(?:in|within|over|takes?|up\s+to)\s+(?:the\s+next\s+)?{_NUMBER}(?:\s*(?:-|–|to)\s*{_NUMBER})?\s+"
    r"(business\s+|working\s+)?(days?|weeks?)\b",
    re.IGNORECASE,
)
_TOMORROW = re.compile(r"\btomorrow\b(?:\s+(morning|lunchtime|afternoon|evening))?", re.IGNORECASE)
_TODAY = re.compile(
    r"\b(today|tonight|this\s+(?:morning|afternoon|evening)|end\s+of\s+(?:the\s+)?day|close\s+of\s+business|later\s+today)\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(
    r"\b(?:by|on|before|this|next|until)\s+(?:this\s+|next\s+)?(" + "|".join(_WEEKDAYS) + r")\b",
    re.IGNORECASE,
)
_WEEK = re.compile(r"\b(end\s+of\s+(?:the|this)\s+week|this\s+week|next\s+week)\b", re.IGNORECASE)


class Deadline(BaseModel):
    """A resolved deadline and the words it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: datetime
    phrase: str


def _number(word: str | None) -> int | None:
    if word is None:
        return None
    return int(word) if word.isdigit() else _NUMBERS.get(word.lower())


def _clock(text: str) -> time | None:
    match = _CLOCK.search(text)
    if match is None:
        return None
    named, hour, minute, meridiem = match.groups()
    if named:
        return time(0, 0) if named.lower() == "midnight" else time(12, 0)
    h, m = int(hour), int(minute or 0)
    if meridiem is None and h <= 7:  # "by 5" in support talk means the afternoon
        h += 12
    if meridiem and meridiem.lower().startswith("p") and h < 12:
        h += 12
    if meridiem and meridiem.lower().startswith("a") and h == 12:
        h = 0
    return time(h, m) if 0 <= h < 24 and 0 <= m < 60 else None


def _at(day: datetime, at: time) -> datetime:
    return day.replace(hour=at.hour, minute=at.minute, second=at.second, microsecond=0)


def _add_business_days(start: datetime, days: int) -> datetime:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def resolve_deadline(text: str, said_at: datetime | None) -> Deadline | None:
    """The latest moment `text` promises something by, relative to `said_at`; None if no deadline."""
    if said_at is None:
        return None
    clock = _clock(text)
    if match := _THE_HOUR.search(text):
        return Deadline(at=said_at + timedelta(hours=1), phrase=match.group(0))
    if match := _HOURS.search(text):
        low, high, unit = _number(match.group(1)), _number(match.group(2)), match.group(3).lower()
        amount = high or low or 1
        delta = timedelta(minutes=amount) if unit.startswith("min") else timedelta(hours=amount)
        return Deadline(at=said_at + delta, phrase=match.group(0))
    if match := _DAYS.search(text):
        low, high = _number(match.group(1)), _number(match.group(2))
        amount = high or low or 1
        business, unit = match.group(3), match.group(4).lower()
        if unit.startswith("week"):
            end = said_at + timedelta(weeks=amount)
        elif business:
            end = _add_business_days(said_at, amount)
        else:
            end = said_at + timedelta(days=amount)
        return Deadline(at=_at(end, _END_OF_DAY), phrase=match.group(0))
    if match := _TOMORROW.search(text):
        part = match.group(1)
        at = clock or (_PART_OF_DAY[part.lower()] if part else _END_OF_DAY)
        return Deadline(at=_at(said_at + timedelta(days=1), at), phrase=match.group(0))
    if match := _WEEKDAY.search(text):
        target = _WEEKDAYS.index(match.group(1).lower())
        ahead = (target - said_at.weekday()) % 7 or 7
        return Deadline(at=_at(said_at + timedelta(days=ahead), clock or _END_OF_DAY), phrase=match.group(0))
    if match := _TODAY.search(text):
        words = match.group(1).lower()
        part = next((p for p in _PART_OF_DAY if p in words), None)
        at = clock or (_PART_OF_DAY[part] if part else _END_OF_DAY)
        deadline = _at(said_at, at)
        return Deadline(at=max(deadline, said_at), phrase=match.group(0))
    if match := _WEEK.search(text):
        words = match.group(1).lower()
        friday = (4 - said_at.weekday()) % 7
        ahead = friday + 7 if words.startswith("next") else friday
        return Deadline(at=_at(said_at + timedelta(days=ahead), _END_OF_DAY), phrase=match.group(0))
    if clock is not None:  # "I'll call you back by 4pm" with no day: today
        deadline = _at(said_at, clock)
        deadline = deadline if deadline >= said_at else deadline + timedelta(days=1)
        return Deadline(at=deadline, phrase="by " + clock.isoformat("minutes"))
    return None
