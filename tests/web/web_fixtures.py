"""A small real FixFirst database for the web tests, and ways to open the app on it.

Built once per session through the real stages: 28 helpdesk conversations (4 agents in 2 teams)
plus one hostile conversation are read, redacted, stored, analysed; surveys joined; users made
with the real ``create_user`` and API tokens with the real ``create_api_token``. Tests that write
get their own copy of the file, so no test sees another's writes.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fixfirst.analyze import analyze
from fixfirst.ingest import read_sources
from fixfirst.ingest.conversation_builder import build_conversation
from fixfirst.model import Conversation, Survey
from fixfirst.store import Store
from fixfirst.store.web_records import create_api_token
from fixfirst.web.auth import create_user

FIXTURES = Path(__file__).parent.parent / "fixtures"
CONVERSATIONS = FIXTURES / "web_helpdesk_sample.jsonl"
SURVEYS = FIXTURES / "web_helpdesk_surveys.csv"
PASSWORD = "correct horse battery"
HOSTILE_ID = "HOSTILE-1"
SCRIPT_TEXT = "<script>window.__pwned = 1</script><img src=x onerror=alert(1)>"

#: username -> (role, agent_id, teams)
USERS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "admin": ("admin", None, ()),
    "orders_lead": ("manager", None, ("Orders & Delivery",)),
    "alex": ("agent", "alex.rowe", ()),
    "mia": ("agent", "mia.chen", ()),
}


def hostile_record() -> dict[str, Any]:
    """Transcript text that would run script if any page forgot to escape it (canonical JSON)."""
    return {
        "id": HOSTILE_ID,
        "channel": "chat",
        "company": "Brightwave Broadband",
        "started_at": "2025-03-05T10:00:00Z",
        "agent_ids": ["alex.rowe"],
        "team": "Orders & Delivery",
        "turns": [
            {"role": "customer", "author": "cust-1", "text": f"My order never came {SCRIPT_TEXT}"},
            {
                "role": "agent",
                "author": "alex.rowe",
                "text": "I'm so sorry for the inconvenience. That is our policy, there is nothing I can do.",
            },
            {"role": "customer", "author": "cust-1", "text": "So nothing happens then </textarea>\"'&"},
        ],
    }


def hostile_conversation() -> Conversation:
    return build_conversation(hostile_record())


@dataclass(frozen=True)
class WebDb:
    path: Path
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def copy_to(self, folder: Path) -> WebDb:
        """A private copy (the store is closed, so the SQLite file is complete on its own)."""
        target = folder / "web.db"
        shutil.copyfile(self.path, target)
        return WebDb(target, self.tokens)


def build_web_db(folder: Path) -> WebDb:
    path = folder / "web.db"
    items = list(read_sources([CONVERSATIONS, SURVEYS]))
    conversations = [i for i in items if isinstance(i, Conversation)] + [hostile_conversation()]
    surveys = [i for i in items if isinstance(i, Survey)]
    tokens: dict[str, str] = {}
    with Store.open(f"sqlite:///{path}") as store:
        store.write_conversations(conversations, source="web-tests")
        store.write_results(list(analyze(conversations)))
        store.write_surveys(surveys)
        for username, (role, agent_id, teams) in USERS.items():
            who = create_user(store, username, PASSWORD, role, agent_id=agent_id, teams=teams)
            tokens[username] = create_api_token(store, who.user_id, "tests")
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return WebDb(path, tokens)
