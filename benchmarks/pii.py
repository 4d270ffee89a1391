"""PII benchmark: plant every kind of personal data FixFirst redacts, push it through the CLI and the
API with default settings, and count what survives in the database and in every output file.

Planted, in each of ``--conversations`` written support conversations: e-mail addresses, phone
numbers (UK and US), card numbers (Luhn-valid), IBANs, US SSNs, UK NI numbers, NHS numbers, IP
addresses (v4, v6), dates of birth, a street address with city and postcode, account numbers,
@handles, and the customer's full name (as the turn author, addressed by first name, in "my name
is"); the customer id is the customer's e-mail address; metadata carries ``ssn``/``email`` keys
and a free-text note with a phone number. Surveys carry the e-mail as customer id and a comment
with a phone number; one bad survey row puts a phone number across the rejects-file excerpt
limit. Through the API the same conversations are posted again (under other ids) with reviews
and disputes whose notes quote the personal data.

Then: ``fixfirst ingest`` + ``fixfirst analyze`` (stored) + ``fixfirst analyze FILE --out`` (JSONL
and Parquet) + ``fixfirst report`` (HTML, CSV, JSON) run as subprocesses, and ``fixfirst serve``'s
app is started in a child process for the API part. Every planted value is searched for (as
written, and digits-only for numbers) in a full SQL dump of the database and in every file the
commands wrote. Prints a survivors table per kind and location; target: zero.

    .venv/bin/python benchmarks/pii.py [--conversations 50] [--out pii.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import free_port, make_admin_token, wait_until_up  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SERVER = """
import sys, uvicorn
from fixfirst.web.app import create_app
uvicorn.run(create_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""
FIRST = ["Priya", "Marek", "Aisha", "Tomasz", "Ingrid", "Kwame", "Lucia", "Dmitri", "Fatima", "Declan"]
LAST = ["Nair", "Kowalczyk", "Okonkwo", "Lindqvist", "Brennan", "Achterberg", "Moreau", "Castellano"]
STREETS = ["Marlowe Court", "Elm Street", "Harbour Road", "Kingsley Avenue", "Ashdown Lane"]
CITIES = [("Leeds", "LS6 3QW"), ("Bristol", "BS1 4DJ"), ("Glasgow", "G12 8QQ"), ("Norwich", "NR2 1TF")]
NINO_PREFIX = ["AB", "CE", "JG", "KL", "PR", "TW"]


def luhn_complete(prefix: str) -> str:
    """``prefix`` plus the Luhn check digit, so card recognizers accept it."""
    total = 0
    for position, char in enumerate(reversed(prefix + "0")):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit * 2 > 9 else digit * 2
        total += digit
    return prefix + str((10 - total % 10) % 10)


def nhs_number(seed: int) -> str:
    """A 10-digit NHS number with a valid modulus-11 check digit."""
    while True:
        body = f"{(943476591 + seed * 7919) % 10**9:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return f"{body[:3]} {body[3:6]} {body[6:]}{check}"
        seed += 1


def plant(i: int) -> dict[str, str]:
    """The personal data of customer ``i``: one value per kind."""
    first, last = FIRST[i % len(FIRST)], LAST[(i * 3) % len(LAST)]
    city, postcode = CITIES[i % len(CITIES)]
    return {
        "email": f"{first.lower()}.{last.lower()}{i}@example.com",
        "phone_uk": f"07700 900{i % 1000:03d}",
        "phone_us": f"(415) 555-{1000 + i % 9000:04d}",
        "card": " ".join(re.findall(".{4}", luhn_complete(f"453201511283{i % 1000:03d}"))),
        "iban": "GB82 WEST 1234 5698 7654 32",
        "ssn": f"{536 + i % 100:03d}-{22 + i % 70:02d}-{8812 + i % 1000:04d}",
        "nino": f"{NINO_PREFIX[i % len(NINO_PREFIX)]} {10 + i % 80:02d} {34 + i % 60:02d} {56 + i % 40:02d} C",
        "nhs": nhs_number(i),
        "ipv4": f"81.{2 + i % 200}.{17 + i % 100}.{40 + i % 200}",
        "ipv6": f"2001:db8:85a3::8a2e:370:{7000 + i % 999}",
        "dob": f"{1 + i % 28:02d}/0{1 + i % 9}/19{60 + i % 39}",
        "address": f"{10 + i} {STREETS[i % len(STREETS)]}, {city} {postcode}",
        "account": f"{40000000 + i * 7:08d}",
        "handle": f"@{first.lower()}_{last.lower()}{i}",
        "name": f"{first} {last}",
    }


def conversation(i: int, values: dict[str, str], prefix: str = "pii") -> dict:
    first = values["name"].split()[0]
    customer = values["name"]
    turns = [
        (customer, "customer", f"hi my name is {values['name']}, you charged my card {values['card']} twice. "
                               f"call me on {values['phone_uk']} or {values['phone_us']}, or mail {values['email']}"),
        ("Sam", "agent", f"Hi {first}, sorry about that. Can you confirm your date of birth and postcode?"),
        (customer, "customer", f"DOB: {values['dob']}, I live at {values['address']}. my SSN is {values['ssn']}, "
                               f"NI number {values['nino']}, NHS number {values['nhs']}"),
        ("Sam", "agent", f"Thanks {first}. I can see account number {values['account']} and IBAN {values['iban']}. "
                         f"The login came from {values['ipv4']} and {values['ipv6']}."),
        (customer, "customer", f"my twitter is {values['handle']} if that helps"),
        ("Sam", "agent", f"Done {first} - I've refunded the duplicate charge; it shows on your account now."),
    ]
    return {
        "id": f"{prefix}-{i:04d}",
        "channel": "chat",
        "company": "Glasslane Fibre",
        "agent_id": "sam.agent",
        "team": "Billing",
        "customer_id": values["email"],
        "started_at": f"2026-11-{1 + i % 28:02d}T10:00:00Z",
        "turns": [{"role": role, "author": author, "text": text} for author, role, text in turns],
        "metadata": {"ssn": values["ssn"], "email": values["email"], "crm_note": f"rang {values['phone_uk']}"},
    }


def write_inputs(folder: Path, n: int) -> tuple[Path, Path, list[dict[str, str]]]:
    planted = [plant(i) for i in range(n)]
    conversations = folder / "conversations.jsonl"
    conversations.write_text("".join(json.dumps(conversation(i, v)) + "\n" for i, v in enumerate(planted)))
    surveys = folder / "surveys.csv"
    rows = ["conversation_id,customer_id,csat,comment"]
    for i, values in enumerate(planted):
        rows.append(f'pii-{i:04d},{values["email"]},2,"ring me on {values["phone_uk"]}, {values["name"]}"')
    pad = "x" * 180
    rows.append(f'pii-0000,{planted[0]["email"]},99,"{pad} call {planted[0]["phone_uk"]} now"')  # rejected
    surveys.write_text("\n".join(rows) + "\n")
    return conversations, surveys, planted


def fixfirst(*args: str, cwd: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "fixfirst.cli.main", *args], cwd=cwd, capture_output=True,
                            text=True)
    if result.returncode not in (0, 3):  # 3: some records rejected (the planted bad survey row)
        raise SystemExit(f"fixfirst {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}")


def through_api(db_url: str, planted: list[dict[str, str]], folder: Path) -> None:
    port = free_port()
    token = make_admin_token(db_url)
    server = subprocess.Popen([sys.executable, "-c", SERVER, db_url, str(port)], cwd=folder)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        batch = [conversation(i, v, prefix="api") for i, v in enumerate(planted)]
        client.post("/api/conversations", json=batch).raise_for_status()
        surveys = [{"conversation_id": f"api-{i:04d}", "customer_id": v["email"], "csat": 3,
                    "comment": f"call {v['phone_us']} - {v['name']}"} for i, v in enumerate(planted)]
        client.post("/api/surveys", json=surveys).raise_for_status()
        for i, values in enumerate(planted[:10]):
            note = f"customer {values['name']} ({values['email']}, {values['phone_uk']}, SSN {values['ssn']})"
            client.post(f"/api/conversations/api-{i:04d}/review",
                        json={"outcome": "resolved", "note": note}).raise_for_status()
            findings = client.get(f"/api/conversations/api-{i:04d}").json().get("result", {}).get("findings", [])
            item = findings[0]["item"] if findings and "item" in findings[0] else "outcome"
            client.post(f"/api/conversations/api-{i:04d}/disputes",
                        json={"item": item, "comment": note}).raise_for_status()
    finally:
        server.terminate()
        server.wait(timeout=30)


def needles(values: dict[str, str]) -> dict[str, list[str]]:
    """What counts as a survivor for each kind: the value, and digits-only for numbers."""
    found: dict[str, list[str]] = {}
    for kind, value in values.items():
        forms = {value}
        digits = re.sub(r"\D", "", value)
        if kind not in {"email", "handle", "name", "address", "ipv6", "iban"} and len(digits) >= 6:
            forms.add(digits)
        if kind == "name":
            forms = {value, *value.split()}
        if kind == "address":
            forms = {value, value.split(",")[0], value.rsplit(" ", 2)[-2] + " " + value.rsplit(" ", 1)[-1]}
        if kind == "handle":
            forms = {value, value[1:]}
        found[kind] = sorted(forms)
    return found


def survivors(texts: dict[str, str], planted: list[dict[str, str]]) -> dict[str, Counter[str]]:
    """kind -> location -> how many planted values (any form) were found there."""
    result: dict[str, Counter[str]] = {}
    for values in planted:
        for kind, forms in needles(values).items():
            for location, text in texts.items():
                if any(re.search(r"(?<![\w@])" + re.escape(form) + r"(?![\w@])", text) for form in forms):
                    result.setdefault(kind, Counter())[location] += 1
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--out", type=Path, help="also write the survivors as JSON here")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        conversations, surveys, planted = write_inputs(folder, args.conversations)
        db_path = folder / "fixfirst.db"
        db = f"sqlite:///{db_path}"
        fixfirst("ingest", str(conversations), str(surveys), "--db", db, "--rejects", "ingest-rejects.jsonl",
                 cwd=folder)
        fixfirst("analyze", "--db", db, cwd=folder)
        fixfirst("analyze", str(conversations), "--out", "results.jsonl", "--rejects", "analyze-rejects.jsonl",
                 cwd=folder)
        fixfirst("analyze", str(conversations), "--out", "results.parquet", "--rejects", "parquet-rejects.jsonl",
                 cwd=folder)
        through_api(db, planted, folder)
        fixfirst("report", "--db", db, "--out", "report.html", cwd=folder)
        for fmt in ("csv", "json"):
            fixfirst("report", "--db", db, "--format", fmt, "--out", f"export-{fmt}", cwd=folder)
        with sqlite3.connect(db_path) as conn:
            texts = {"database": "\n".join(conn.iterdump())}
        inputs = {conversations, surveys, db_path}
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path not in inputs and not path.name.startswith("fixfirst.db"):
                data = path.read_bytes()
                if path.suffix == ".parquet":
                    import pyarrow.parquet as pq

                    data = json.dumps(pq.read_table(path).to_pylist(), default=str).encode()
                texts[str(path.relative_to(folder))] = data.decode("utf-8", errors="replace")
        found = survivors(texts, planted)
    kinds = list(planted[0])
    print(f"{args.conversations} conversations x {len(kinds)} kinds of personal data, CLI + API, "
          f"{len(texts)} places searched, {time.perf_counter() - started:.0f} s")
    print(f"{'kind':<10} {'planted':>7} {'survived':>8}  where")
    total = 0
    for kind in kinds:
        places = found.get(kind, Counter())
        total += sum(places.values())
        where = ", ".join(f"{k} ({v})" for k, v in places.most_common()) or "-"
        print(f"{kind:<10} {args.conversations:>7} {sum(places.values()):>8}  {where}")
    print(f"places searched: {', '.join(texts)}")
    print(f"TOTAL SURVIVORS: {total}")
    if args.out:
        args.out.write_text(json.dumps({k: dict(v) for k, v in found.items()}, indent=2))
    return 0 if total == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
