"""Refuse passwords an attacker tries first: short ones, the commonest ones and their usual dressings.

Why a list and rules rather than a strength meter: the lockout (`throttle`) allows 10 guesses per
5 minutes, so what matters is that the password is not among the first few thousand any guesser
tries - the commonest words with digits or a symbol added, keyboard runs, repeated characters, or
the username itself.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

MIN_LENGTH = 10


@cache
def common_passwords() -> frozenset[str]:
    text = (resources.files("fixfirst.web") / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _core(password: str) -> str:
    """The word under the usual dressing: lower case, digits and symbols trimmed from both ends."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def password_problem(password: str, username: str = "") -> str | None:
    """Why `password` is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"password must be at least {MIN_LENGTH} characters"
    lowered = password.lower()
    if len(set(lowered)) <= 2:
        return "password is a repeated character or two"
    if password.isdigit():
        return "password is only digits"
    if len(username.strip()) >= 3 and username.strip().lower() in lowered:
        return "password must not contain the username"
    common = common_passwords()
    if lowered in common or _core(password) in common or lowered.rstrip("!?.1234567890") in common:
        return "password is one of the commonest passwords (or one with digits or symbols added)"
    return None
