"""The redactor a job uses: default redaction plus keyed pseudonyms for customer ids.

Why keyed and kept in the database: a customer id or an author name is personal data (often an
e-mail address or a full name), yet cases and surveys are linked through it. An HMAC with one
secret key per store maps the same customer to the same ``cust-...`` pseudonym in every file and
every run, so linking still works, while nobody can recompute a pseudonym without the key (a
plain hash of an e-mail address can be reversed by hashing candidate addresses).
"""

from __future__ import annotations

import os
import secrets

from fixfirst.ingest import Redactor
from fixfirst.store import Store
from fixfirst.store.web_records import get_or_create_setting

#: Where a store keeps its pseudonym key (``web_settings``), and the variable that can provide one.
PSEUDONYM_KEY_SETTING = "pseudonym-key"
PSEUDONYM_KEY_ENV = "FIXFIRST_PSEUDONYM_KEY"


def pseudonym_key(store: Store | None) -> str:
    """The store's key (created on first use, from ``FIXFIRST_PSEUDONYM_KEY`` if set). Without a store
    the variable, else a one-off key: result files carry no customer ids, so nothing needs to link."""
    configured = os.environ.get(PSEUDONYM_KEY_ENV) or None
    if store is not None:
        return get_or_create_setting(store, PSEUDONYM_KEY_SETTING, lambda: configured or secrets.token_hex(32))
    return configured or secrets.token_hex(32)


def redactor_for(redact: bool | Redactor, store: Store | None) -> Redactor | None:
    """``redact=True``: default redaction with the store's pseudonym key; a Redactor is used as given."""
    if isinstance(redact, Redactor):
        return redact
    return Redactor(pseudonym_key=pseudonym_key(store)) if redact else None
