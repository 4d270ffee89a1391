# ruff: noqa: E501 - the phrase templates are sentences; wrapping them would hurt reading them.
"""Generate FixFirst's realistic demo helpdesk (a fictional broadband company) - deterministic.

Writes `fixfirst/demo_data/helpdesk/conversations.jsonl` (FixFirst JSONL) and `surveys.csv`.

What it simulates: "Brightwave Broadband", 12 agents in three teams with different habits (some
fix things, some perform scripted sympathy, one stonewalls with policy, one cold-transfers, one
owns and goes further, one new starter with a handful of contacts), customers who come back
across channels within days (promises kept and broken, runarounds, system gaps), policy refusals
with and without alternatives, and post-contact surveys (~55% response) whose CSAT is drawn from
the latent truth of each contact: resolution dominates, scripted empathy has ~no effect, hollow
apology / deflection / stonewalling / customer effort are negative, plus noise.

Only the words are written: no labels are stored. Every finding the report shows must come from
the engine reading these words. Names are fictional; e-mails use example.com; phone numbers 555.

Run: python scripts/make_demo_helpdesk.py [--seed 20250303] [--out fixfirst/demo_data/helpdesk]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

COMPANY = "Brightwave Broadband"
DATA_START = datetime(2025, 3, 3, 8, 0)  # a Monday
DATA_DAYS = 28
DATA_END = DATA_START + timedelta(days=DATA_DAYS)

# --------------------------------------------------------------------------------------------
# People


@dataclass(frozen=True)
class Agent:
    id: str
    first: str
    team: str
    style: str
    volume: float  # relative share of the team's contacts
    keeps_promises: float


AGENTS = (
    Agent("priya.nair", "Priya", "Billing & Accounts", "fixer", 1.0, 0.9),
    Agent("tom.hale", "Tom", "Billing & Accounts", "sympathy", 1.0, 0.35),
    Agent("greg.moss", "Greg", "Billing & Accounts", "stonewall", 1.0, 0.5),
    Agent("lena.ortiz", "Lena", "Billing & Accounts", "owner", 1.0, 0.95),
    Agent("sam.okafor", "Sam", "Technical Support", "fixer", 1.0, 0.85),
    Agent("dana.whitley", "Dana", "Technical Support", "checklist", 1.0, 0.4),
    Agent("raj.patel", "Raj", "Technical Support", "transfer", 1.0, 0.4),
    Agent("mia.chen", "Mia", "Technical Support", "owner", 1.0, 0.95),
    Agent("jo.barker", "Jo", "Orders & Delivery", "fixer", 1.0, 0.85),
    Agent("alex.rowe", "Alex", "Orders & Delivery", "sympathy", 1.0, 0.35),
    Agent("kim.duarte", "Kim", "Orders & Delivery", "fixer", 1.0, 0.7),
    Agent("noah.finch", "Noah", "Orders & Delivery", "fixer", 0.0, 0.9),  # new starter: a few contacts only
)
TEAM_OF_REASON = {
    "billing": "Billing & Accounts",
    "account": "Billing & Accounts",
    "refund": "Billing & Accounts",
    "technical": "Technical Support",
    "delivery": "Orders & Delivery",
    "return": "Orders & Delivery",
}
REASON_WEIGHTS = {"billing": 20, "account": 10, "refund": 12, "technical": 30, "delivery": 18, "return": 10}

# Outcome weights per style for an ordinary first contact.
STYLE_OUTCOMES = {
    "fixer": {"resolved": 58, "clear_no": 14, "owned_followup": 20, "deflected": 3, "unresolved": 5},
    "owner": {"resolved": 45, "clear_no": 12, "owned_followup": 38, "deflected": 1, "unresolved": 4},
    "sympathy": {"resolved": 18, "clear_no": 4, "owned_followup": 18, "deflected": 12, "unresolved": 48},
    "stonewall": {"resolved": 30, "clear_no": 4, "owned_followup": 10, "deflected": 8, "unresolved": 48},
    "checklist": {"resolved": 28, "clear_no": 4, "owned_followup": 14, "deflected": 14, "unresolved": 40},
    "transfer": {"resolved": 22, "clear_no": 4, "owned_followup": 6, "deflected": 58, "unresolved": 10},
}
# Habits: probability of each behaviour-bearing move.
STYLE_HABITS = {
    "fixer": {"stock": 0.15, "specific": 0.75, "proactive": 0.15, "checklist": 0.03},
    "owner": {"stock": 0.05, "specific": 0.85, "proactive": 0.7, "checklist": 0.0},
    "sympathy": {"stock": 0.9, "specific": 0.1, "proactive": 0.02, "checklist": 0.1},
    "stonewall": {"stock": 0.3, "specific": 0.15, "proactive": 0.0, "checklist": 0.05},
    "checklist": {"stock": 0.6, "specific": 0.15, "proactive": 0.02, "checklist": 0.75},
    "transfer": {"stock": 0.45, "specific": 0.1, "proactive": 0.0, "checklist": 0.15},
}

FIRST_NAMES = (
    "Maria",
    "James",
    "Aisha",
    "Connor",
    "Yuki",
    "Fatima",
    "Oliver",
    "Grace",
    "Mateo",
    "Hannah",
    "Dev",
    "Chloe",
    "Ibrahim",
    "Sophie",
    "Lucas",
    "Amara",
    "Ethan",
    "Zara",
    "Finn",
    "Leah",
    "Ravi",
    "Nora",
    "Tariq",
    "Ella",
    "Kofi",
    "Isla",
    "Marek",
    "Ruby",
    "Sven",
    "Alba",
    "Bilal",
    "Freya",
    "Jonah",
    "Mei",
)
LAST_NAMES = (
    "Fletcher",
    "Osei",
    "Kowalski",
    "Brennan",
    "Sato",
    "Haddad",
    "Price",
    "Lindqvist",
    "Moreno",
    "Ward",
    "Iyer",
    "Quinn",
    "Mensah",
    "Novak",
    "Carver",
    "Ellis",
    "Rahman",
    "Doyle",
    "Petrov",
    "Ashworth",
)
STREETS = ("Mill Lane", "Orchard Road", "Station Street", "Kingfisher Close", "Albion Terrace", "Elm Grove")
TOWNS = ("Harlow Vale", "Eastmoor", "Kettering Cross", "Brindle", "Fenwick", "Ashby Green")
PRODUCTS = ("Brightwave Hub 3 router", "Mesh Wi-Fi booster", "Hub 4 router", "TV box", "Wi-Fi extender")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class Customer:
    id: str
    first: str
    last: str
    email: str
    phone: str


@dataclass
class Contact:
    """A generated conversation plus its latent truth (used only for surveys, never written)."""

    record: dict
    outcome: str
    traits: set[str] = field(default_factory=set)
    repeat: bool = False


# --------------------------------------------------------------------------------------------
# Text helpers


def day_name(moment: datetime) -> str:
    return f"{WEEKDAY_NAMES[moment.weekday()]} {moment.day} {moment.strftime('%B')}"


def pick(rng: random.Random, options: tuple[str, ...] | list[str]) -> str:
    return options[rng.randrange(len(options))]


def money(rng: random.Random, low: int, high: int) -> str:
    return f"£{rng.randint(low, high)}.{rng.choice(('00', '50', '99', '49', '20'))}"


class Story:
    """The slots of one customer's issue, shared by every contact about it."""

    def __init__(self, rng: random.Random, reason: str, customer: Customer, start: datetime) -> None:
        self.reason = reason
        self.customer = customer
        earlier = start - timedelta(days=rng.randint(2, 9))
        self.slots = {
            "order": f"BW-{rng.randint(100000, 999999)}",
            "return_ref": f"RT-{rng.randint(10000, 99999)}",
            "ticket": f"{rng.randint(4000, 9999)}",
            "fee": money(rng, 8, 15),
            "amount": money(rng, 24, 68),
            "old": f"£{rng.randint(28, 35)}",
            "new": f"£{rng.randint(38, 49)}",
            "product": pick(rng, PRODUCTS),
            "other": pick(rng, PRODUCTS),
            "date": day_name(earlier),
            "month": earlier.strftime("%B") if earlier.month != start.month else "February",
            "speed": str(rng.choice((150, 300, 500, 900))),
            "low": str(rng.randint(6, 40)),
            "address": f"{rng.randint(2, 88)} {pick(rng, STREETS)}, {pick(rng, TOWNS)}",
            "months": str(rng.randint(4, 14)),
            "credit": money(rng, 10, 30),
            "days_down": str(rng.randint(2, 4)),
        }
        self.variant = rng.randrange(3)

    def fill(self, text: str) -> str:
        return text.format(**self.slots)


OPENINGS = {
    "billing": (
        "I've been charged a {fee} late fee on my {month} bill but I paid on {date} by direct debit. Can you take it off?",
        "You've taken two payments of {amount} for my {month} bill, both on {date}. I only owe one.",
        "My bill has gone up from {old} to {new} a month and nobody told me. Why?",
    ),
    "account": (
        "I'm moving house and need my broadband moved to {address}. I move in two weeks.",
        "I want to cancel my contract. I'm {months} months into an 18 month contract and I'm not happy with the service.",
        "I can't log in to my account online - it says my email address isn't recognised, and I need my bills.",
    ),
    "refund": (
        "I returned the {product} on {date} (return ref {return_ref}) and I still haven't had my {amount} refund.",
        "My broadband was down for {days_down} days from {date} and I'd like a refund for the days I had no service.",
        "I was charged {amount} for an engineer visit on {date} that never happened. I want that money back.",
    ),
    "technical": (
        "My broadband keeps dropping out every evening since {date}. I work from home and it's unusable.",
        "I'm paying for {speed}Mb but I'm only getting about {low}Mb on every speed test.",
        "An engineer came on {date} and since then I have no internet at all. The router light is red.",
    ),
    "delivery": (
        "My new {product} (order {order}) was supposed to arrive on {date} and it still hasn't come.",
        "I ordered a {product} (order {order}) but the parcel had a {other} in it instead.",
        "The tracking for order {order} has said 'out for delivery' since {date}. Where is my {product}?",
    ),
    "return": (
        "I'd like to return the {product} I bought on {date}. It's just not what I need.",
        "I want to send back the {product} from order {order}, it's been 6 weeks but I've barely used it.",
        "Can I return the {product}? I bought it on {date} and it's already making a buzzing noise.",
    ),
}
SECOND_CUSTOMER = {
    "billing": (
        "I've checked my bank app and the payment details are all correct.",
        "I've already checked my bank statement twice.",
    ),
    "account": (
        "My account number is on the letter, BW ending 2290.",
        "The account is in my name, I've been with you 3 years.",
    ),
    "refund": (
        "I've got all the dates and references here if you need them.",
        "I've already waited long enough for this.",
    ),
    "technical": (
        "I've already restarted the router three times and checked all the cables.",
        "I've already tried a different cable and turned it off and on again. Nothing changes.",
    ),
    "delivery": (
        "The order number is in my first message.",
        "I've checked with my neighbours too, nobody has it.",
    ),
    "return": ("It's still in the box with all the bits.", "I've kept the receipt and the packaging."),
}
SPECIFIC_ACK = {
    "billing": (
        "I can see the direct debit for {month} was collected on {date}, so that fee shouldn't be there.",
        "I can see both payments of {amount} on {date} for your {month} bill.",
        "I can see your bill went from {old} to {new} this month.",
    ),
    "account": (
        "I can see you're moving to {address} in two weeks.",
        "I can see you're {months} months into your 18 month contract.",
        "I can see the login error you're getting with your email address.",
    ),
    "refund": (
        "I can see return {return_ref} for your {product} and that you've been waiting since {date}.",
        "I can see the outage on your line from {date}, {days_down} days in total.",
        "I can see the {amount} engineer charge from {date} and no visit recorded.",
    ),
    "technical": (
        "I can see you've already restarted the router and checked the cables, so let's not repeat that.",
        "I can see your line is on the {speed}Mb plan and you've been getting about {low}Mb.",
        "I can see the engineer visit on {date} and the red light you mentioned.",
    ),
    "delivery": (
        "I can see order {order} for your {product} was due on {date} and hasn't been delivered.",
        "I can see order {order} was for a {product}, and you were sent a {other} instead.",
        "I can see order {order} has been stuck at 'out for delivery' since {date}.",
    ),
    "return": (
        "I can see the {product} was bought on {date} and you still have the packaging.",
        "I can see order {order} for the {product} was six weeks ago.",
        "I can see the {product} was bought on {date} and is already making a noise.",
    ),
}
GENERIC_ACK = (
    "Thanks for reaching out to Brightwave today.",
    "Thanks for getting in touch, I'll be happy to look into this for you.",
    "Let me take a look at that for you.",
)
STOCK = (
    "I'm sorry for the inconvenience.",
    "I understand your frustration.",
    "We apologize for any trouble this has caused.",
    "I'm so sorry to hear that.",
    "I completely understand how frustrating this must be.",
    "Sorry for any inconvenience caused.",
)
CHECKLIST = (
    "Have you tried restarting your router? Please also clear your browser cache and check your connection.",
    "Could you try turning the router off and on again and checking all the cables are plugged in?",
    "Please try restarting your device and reinstalling the app, that usually sorts it.",
)
RESOLVED = {
    "billing": (
        "Done - I've reversed the {fee} late fee; it shows on your account now.",
        "I've refunded the duplicate {amount} payment - it's back in your account in 3-5 working days and I've checked the next bill is correct.",
        "I've moved you onto the loyalty price of {old} a month from today, so your next bill will show {old}.",
    ),
    "account": (
        "I've moved your broadband to {address} from the date you gave and sent the confirmation to your email.",
        "I've reset your login and updated your email address on the account - you can sign in now with the link I've just sent.",
        "I've checked your contract and you're out of the minimum term next month, so I've cancelled it from that date with no fee.",
    ),
    "refund": (
        "I've processed the {amount} refund for return {return_ref} just now; you'll see it in 3-5 working days.",
        "I've credited {credit} to your account for the {days_down} days without service; it's there now.",
        "I've refunded the {amount} engineer charge today; it goes back to your card in 3-5 working days.",
    ),
    "technical": (
        "I've fixed a fault on your line at the exchange and reset it from here - your connection should be stable now.",
        "I've changed your router to a cleaner channel and updated its firmware remotely; your speed test should show close to {speed}Mb now.",
        "I've restored your line - the engineer left it disconnected at the cabinet. The router light should turn white in a minute.",
    ),
    "delivery": (
        "I've shipped a replacement {product} by next-day delivery, new order {order}-R; it arrives tomorrow.",
        "I've corrected the order and shipped the right {product} today, and the courier will collect the wrong one when it arrives.",
        "I've corrected the address - the courier had the wrong one - and your {product} is out for delivery to you this afternoon.",
    ),
    "return": (
        "I've processed the return for the {product} - the free label is in your email and the refund goes through once it's scanned.",
        "I've replaced the faulty {product} - a new one ships today and the courier collects the old one.",
        "I've processed the return - you'll get the label by email in the next few minutes.",
    ),
}
RESOLVED_CLOSE = (
    "Brilliant, that's sorted then. Thank you!",
    "Great, it's working now - thanks so much. Nothing else.",
    "Perfect, all sorted. No, that's everything, thank you.",
)
# The policy an agent names when saying no; (reason, -1) is the fallback for the reason.
POLICY_NAMES = {
    ("return", -1): "30-day return policy",
    ("account", 1): "minimum contract term",
    ("account", -1): "account security policy",
    ("refund", 1): "compensation policy",
    ("refund", -1): "refund policy",
    ("billing", 0): "late fee policy",
    ("billing", -1): "billing policy",
    ("technical", -1): "engineer visit policy",
    ("delivery", -1): "delivery policy",
}
# A clear no: what can't be done, the real reason, and what the customer can do instead (or that
# nothing can). Keyed by (reason, story variant); the policy-bound asks name the policy.
CLEAR_NO = {
    (
        "billing",
        0,
    ): "I can't remove the fee this time - our late fee policy only lets us waive one a year and yours was waived in January. What I can do is move your payment date two days later so it can't happen again.",
    (
        "billing",
        1,
    ): "I can't refund the second payment until it has cleared, as the bank holds it for 3 days. What I can do is put a note on the account so it's refunded automatically on Friday.",
    (
        "billing",
        2,
    ): "I can't remove the price rise - it's the annual price change in your contract terms. What I can do is move you to the {old} plan with the same speed from today.",
    (
        "account",
        0,
    ): "I can't move the service to {address} - we don't cover that area yet. What I can do is cancel with no exit fee, since we can't serve the new address.",
    (
        "account",
        1,
    ): "I can't cancel without the early termination fee while you're in the minimum term - that's the contract rule. What I can do is move you to a cheaper plan with no fee, or you're welcome to leave in month 18 at no cost.",
    (
        "account",
        2,
    ): "I can't change the login email without the account holder on the line, for security reasons. What I can do is send a reset link to the email we have on file now.",
    (
        "refund",
        0,
    ): "I can't refund the {amount} until the warehouse scans the return - that's our refund policy. What I can do is add a {credit} goodwill credit today while you wait.",
    (
        "refund",
        1,
    ): "I'm unable to refund those days: our compensation policy only pays out for outages of more than 5 days, and yours was {days_down}, so there's nothing I can add this time.",
    (
        "refund",
        2,
    ): "I can't refund the visit charge yet because the engineer team marks it as attended. What I can do is escalate it to the field manager with your photos of the missed visit.",
    (
        "technical",
        0,
    ): "I can't get an engineer out this week - the earliest slot is next Tuesday. What I can do is send you a 4G backup router today so you're online until then.",
    (
        "technical",
        1,
    ): "I can't get you above about 60Mb on this line - it's copper from the cabinet, so {speed}Mb isn't possible at your address. What I can do is move you to the 70Mb plan and refund the difference since you joined.",
    (
        "technical",
        2,
    ): "I can't book a same-day engineer - there are none left today. What I can do is send a 4G backup router by tomorrow so you're online while you wait.",
    (
        "delivery",
        0,
    ): "I can't redirect the parcel once it's with the courier - the courier system doesn't let us change it. What I can do is cancel it and send a new one by next-day delivery.",
    (
        "delivery",
        1,
    ): "I can't swap the item in store - exchanges go through the warehouse. What I can do is send the right {product} now and you can keep the {other} until the courier collects it.",
    (
        "delivery",
        2,
    ): "I can't chase the courier on the same day the parcel is marked out for delivery. What I can do is cancel it tomorrow morning and send a replacement if it hasn't arrived.",
    (
        "return",
        0,
    ): "I can't refund it to your card as it was paid with a gift card - that's our refund policy for gift cards. What I can do is refund it as account credit today.",
    (
        "return",
        1,
    ): "I can't accept a return of the {product} after 30 days - that's our 30-day return policy. What I can do is arrange a repair if it's faulty, or a {credit} trade-in credit against an upgrade.",
    (
        "return",
        2,
    ): "I can't accept it as a change-of-mind return now it's been used, under our 30-day return policy. What I can do is book it in as a faulty repair, since it's buzzing, at no cost.",
}
STONEWALL = (
    "Unfortunately that's against our {policy} and I'm unable to do that.",
    "I'm afraid our {policy} doesn't allow it, so there's nothing I can do.",
    "That's the {policy}, I'm not allowed to make exceptions.",
)
OWNED = {
    "billing": "I've raised it with our billing team as case {ticket} and I'll call you tomorrow by noon with the outcome.",
    "account": "I've opened request {ticket} for this and I'll email you by Friday to confirm it's done.",
    "refund": "I've chased the refund with our payments team under case {ticket}; the refund will post within 3 working days and I'll email you once it's sent.",
    "technical": "I've opened repair ticket {ticket} for your line and I'll call you tomorrow by 5pm with the engineer slot.",
    "delivery": "I've opened a trace with the courier under case {ticket} and I'll call you tomorrow by noon with an update.",
    "return": "I've asked the warehouse to check under case {ticket} and I'll email you within 2 days with the answer.",
}
OWNED_CLOSE = (
    "OK, I'll wait to hear from you then.",
    "Fine, thanks. Please do call.",
    "OK thanks, I'll look out for it.",
)
DEFLECT = {
    "billing": (
        "You'll need to call our billing team on 0800 555 0142 about that, they handle it.",
        "Please contact our accounts department on 0800 555 0142, they deal with payments.",
    ),
    "technical": (
        "You'll need to contact our engineering team on 0800 555 0177, they deal with line faults.",
        "Please visit our help centre at help.example.com/contact-us and log it there.",
    ),
    "delivery": (
        "You'll need to get in touch with the courier directly about the parcel.",
        "Please contact our dispatch team on 0800 555 0163, they handle deliveries.",
    ),
    "return": (
        "Please contact our returns team through the form at help.example.com/contact-us, they'll deal with it.",
        "You'll need to call our returns team on 0800 555 0163 about that.",
    ),
}
DEFLECT["account"] = DEFLECT["billing"]
DEFLECT["refund"] = DEFLECT["billing"]
DEFLECT_CLOSE = (
    "So I have to ring someone else? Great.",
    "Seriously? I've already spent ages on this.",
    "Fine.",
)
UNRESOLVED = (
    "Please try again later, it should sort itself out.",
    "Unfortunately there's nothing showing on my side, so please keep an eye on it.",
    "I can't see anything wrong on the line at the moment, please try again later.",
)
UNRESOLVED_CLOSE = (
    "That doesn't help me at all.",
    "So nothing's going to happen then.",
    "Right. Thanks for nothing.",
)
PROACTIVE = (
    "To prevent this happening again next month I've also added a note to your account, and for future reference my direct line is 0161 555 0199.",
    "Also, note that your contract ends in May - I've flagged it so you move to the loyalty price automatically.",
    "Going forward, I've put a reference on your account, so if you ever need to call again the team will see all of this.",
)
SYSTEM_GAPS = (
    "I can't see your previous ticket on my system, so could you tell me again what happened?",
    "There's no record of your repair order on my screen.",
    "I don't have access to the courier system, so I can't see where the parcel is.",
    "Our billing system shows a different balance to the one on your bill - the systems are out of sync.",
)
CHASE = (
    "I was promised a call back {when} and nobody called. This is about {ref}.",
    "You said you would email me {when} and I still haven't heard anything about {ref}.",
    "I'm chasing {ref} again - I was told it would be sorted {when} and it still hasn't been done.",
)
REPEAT_OPEN = (
    "I'm contacting you again about {ref}. Still not sorted.",
    "This is the second time I've been in touch about {ref}, I already explained all of this.",
    "I called about {ref} a couple of days ago and it's still not fixed.",
)
REPEAT_REFS = {
    "billing": "the {fee} charge on my {month} bill",
    "account": "my account request",
    "refund": "my {amount} refund",
    "technical": "my broadband dropping out",
    "delivery": "order {order} for the {product}",
    "return": "returning the {product}",
}
KEPT_CALL = (
    "Hi, it's {agent} from Brightwave, calling as promised about case {ticket}.",
    "Hello, {agent} here from Brightwave - following up as promised on case {ticket}.",
)
KEPT_DONE = {
    "billing": "The billing team approved it and I've removed the {fee} from your account - it shows on your account now.",
    "account": "I've processed your request and the confirmation is in your inbox.",
    "refund": "I've processed the refund today; you'll see it within 3 working days.",
    "technical": "I've fixed the line fault with the engineers and your connection is restored.",
    "delivery": "I've corrected the delivery with the courier and your parcel is being delivered today.",
    "return": "I've processed the return and your refund is on its way.",
}
GREETINGS_AGENT = {
    "chat": ("Hi {cust}, I'm {agent}.", "Hello {cust}, {agent} here.", "Hi, you're through to {agent}."),
    "email": (
        "Hi {cust},\n\nThanks for your email.",
        "Dear {cust},\n\nThank you for contacting Brightwave.",
        "Hello {cust},",
    ),
    "call": (
        "Thanks for calling Brightwave Broadband, you're through to {agent}, how can I help?",
        "Brightwave, {agent} speaking, how can I help today?",
    ),
}
SIGN_OFF_EMAIL = (
    "\n\nKind regards,\n{agent}\nBrightwave Broadband",
    "\n\nBest wishes,\n{agent}, Brightwave support",
)


# --------------------------------------------------------------------------------------------
# Generation


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.contacts: list[Contact] = []
        self.customers: list[Customer] = []
        self.serial = 0
        self.noah_budget = 6

    def customer(self) -> Customer:
        rng = self.rng
        first, last = pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)
        number = len(self.customers) + 10001
        person = Customer(
            id=f"cust-{number}",
            first=first,
            last=last,
            email=f"{first.lower()}.{last.lower()}{number % 97}@example.com",
            phone=f"0161 555 {rng.randint(1000, 9999)}",
        )
        self.customers.append(person)
        return person

    def agent_for(self, team: str, avoid: str | None = None) -> Agent:
        pool = [a for a in AGENTS if a.team == team and a.id != avoid and a.volume > 0]
        if team == "Orders & Delivery" and self.noah_budget > 0 and self.rng.random() < 0.07:
            self.noah_budget -= 1
            return next(a for a in AGENTS if a.id == "noah.finch")
        return pool[self.rng.randrange(len(pool))]

    def channel(self) -> str:
        return self.rng.choices(("chat", "email", "call"), weights=(45, 30, 25))[0]

    def outcome_for(self, agent: Agent, reason: str, story: Story) -> str:
        weights = dict(STYLE_OUTCOMES[agent.style])
        # Some asks can only be a no: a return after 30 days, cancelling in the minimum term.
        if (reason == "return" and story.variant == 1) or (reason == "account" and story.variant == 1):
            if agent.style == "stonewall":
                return "stonewall"
            if agent.style in ("sympathy", "checklist") and self.rng.random() < 0.5:
                return "unresolved"
            if agent.style == "transfer" and self.rng.random() < 0.5:
                return "deflected"
            return "clear_no"
        if reason == "refund" and story.variant == 1:  # outage compensation: the policy leaves no way out
            return {"stonewall": "stonewall", "sympathy": "unresolved", "transfer": "deflected"}.get(
                agent.style, "clear_no"
            )
        if agent.style == "stonewall" and reason in ("billing", "refund") and self.rng.random() < 0.5:
            return "stonewall"
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # -- turn builders ----------------------------------------------------------------------

    def conversation(
        self,
        story: Story,
        agent: Agent,
        channel: str,
        start: datetime,
        outcome: str,
        *,
        opening: str | None = None,
        system_gap: bool = False,
        kept_call: bool = False,
    ) -> Contact:
        rng, customer = self.rng, story.customer
        habits = STYLE_HABITS[agent.style]
        traits: set[str] = set()
        turns: list[tuple[str, str]] = []
        reason = story.reason
        cust_name = customer.first

        def say(role: str, text: str) -> None:
            turns.append((role, text))

        if kept_call:
            say("agent", pick(rng, KEPT_CALL).format(**story.slots, agent=agent.first))
            say(
                "customer", pick(rng, ("Oh hi, thanks for calling back.", "Hello - yes, thanks for ringing."))
            )
            say("agent", story.fill(KEPT_DONE[reason]) + " Is there anything else I can help with today?")
            say(
                "customer",
                pick(
                    rng,
                    ("Brilliant, that's sorted then. No, that's everything.", "Great, all sorted. Thanks!"),
                ),
            )
            return self.finish(story, agent, "call", start, turns, "resolved", {"kept_call"})

        first_line = opening or story.fill(OPENINGS[reason][story.variant])
        if channel == "email":
            first_line = f"Hello,\n\n{first_line}\n\nThanks,\n{customer.first} {customer.last}"
        elif channel == "call":
            first_line = pick(rng, ("Hi, yeah, ", "Hello, hi. ", "Hiya. ")) + first_line
        if channel != "call":
            say("customer", first_line)
        else:
            say("agent", pick(rng, GREETINGS_AGENT["call"]).format(agent=agent.first))
            say("customer", first_line)

        opener = (
            []
            if channel == "call"
            else [pick(rng, GREETINGS_AGENT[channel]).format(cust=cust_name, agent=agent.first)]
        )
        stock = rng.random() < habits["stock"]
        if stock:
            opener.append(pick(rng, STOCK))
            traits.add("stock")
        if system_gap:
            opener.append(pick(rng, SYSTEM_GAPS))
            traits.add("system_gap")
        elif rng.random() < habits["specific"]:
            opener.append(story.fill(SPECIFIC_ACK[reason][story.variant]))
            traits.add("specific")
        else:
            opener.append(pick(rng, GENERIC_ACK))
        if reason == "technical" and rng.random() < habits["checklist"] and not system_gap:
            say(
                "agent",
                " ".join(opener)
                + " "
                + pick(rng, ("Can you tell me what you've tried?", "What have you tried so far?")),
            )
            say("customer", story.fill(SECOND_CUSTOMER[reason][rng.randrange(2)]))
            say("agent", pick(rng, CHECKLIST))
            traits.add("checklist")
            say(
                "customer",
                pick(
                    rng,
                    (
                        "I've already done all of that, I told you.",
                        "As I said, I've done that already. Twice.",
                    ),
                ),
            )
            traits.add("effort")
            opener = [pick(rng, STOCK)] if stock else []
        else:
            ask = pick(
                rng,
                (
                    "Can you confirm the account holder's name and postcode?",
                    "Could you confirm your postcode for security?",
                ),
            )
            say("agent", " ".join(opener) + " " + ask)
            say(
                "customer",
                story.fill(pick(rng, SECOND_CUSTOMER[reason]))
                + " Postcode is HV4 "
                + f"{rng.randint(1, 9)}QT.",
            )
            opener = []
            if system_gap:
                say(
                    "customer",
                    pick(
                        rng,
                        (
                            "I already explained all of this last time. Do you not keep notes?",
                            "Seriously? I've been through this with one of your colleagues already.",
                        ),
                    ),
                )
                traits.add("effort")

        policy = POLICY_NAMES.get((reason, story.variant), POLICY_NAMES[(reason, -1)])
        body = " ".join(opener)
        # The outcome, any extra help and the closing question go in one agent message, as agents
        # write them; the customer's reaction follows.
        if outcome == "resolved":
            main, reaction = story.fill(pick(rng, RESOLVED[reason])), pick(rng, RESOLVED_CLOSE)
        elif outcome == "clear_no":
            main = story.fill(CLEAR_NO[(reason, story.variant)])
            reaction = pick(
                rng,
                (
                    "OK, that's disappointing but at least I know where I stand.",
                    "Fair enough, thanks for being straight with me.",
                ),
            )
        elif outcome == "stonewall":
            say("agent", (body + " " if body else "") + pick(rng, STONEWALL).format(policy=policy))
            say("customer", pick(rng, ("So that's it? You can't do anything at all?", "That's ridiculous.")))
            body = ""
            main = pick(rng, ("I'm sorry, those are the rules.", "I'm afraid it's company policy."))
            reaction = pick(rng, ("Unbelievable.", "Right. I'll take my business elsewhere then."))
            traits.add("stonewall")
        elif outcome == "owned_followup":
            main, reaction = story.fill(OWNED[reason]), pick(rng, OWNED_CLOSE)
            traits.add("promise")
        elif outcome == "deflected":
            main, reaction = pick(rng, DEFLECT[reason]), pick(rng, DEFLECT_CLOSE)
        else:
            lead = pick(rng, STOCK) + " " if "stock" not in traits and rng.random() < 0.5 else ""
            main, reaction = lead + pick(rng, UNRESOLVED), pick(rng, UNRESOLVED_CLOSE)
            if lead:
                traits.add("stock")
        parts = [body, main] if body else [main]
        no_way_out = reason == "refund" and story.variant == 1 and outcome == "clear_no"  # compensation rule
        if (
            outcome in ("resolved", "owned_followup", "clear_no")
            and not no_way_out
            and rng.random() < habits["proactive"]
        ):
            parts.append(pick(rng, PROACTIVE))
            traits.add("proactive")
        if outcome != "stonewall" and rng.random() < 0.6:
            if "stock" in traits and rng.random() < 0.5:
                parts.append("Thanks for your patience and have a great day.")
            else:
                parts.append(
                    pick(
                        rng,
                        ("Is there anything else I can help with?", "Anything else I can do for you today?"),
                    )
                )
        text = " ".join(parts)
        if channel == "email":
            text += pick(rng, SIGN_OFF_EMAIL).format(agent=agent.first)
        say("agent", text)
        if channel != "email" or rng.random() < 0.5:
            say("customer", reaction)
        return self.finish(story, agent, channel, start, turns, outcome, traits)

    def finish(
        self,
        story: Story,
        agent: Agent,
        channel: str,
        start: datetime,
        turns: list[tuple[str, str]],
        outcome: str,
        traits: set[str],
    ) -> Contact:
        rng = self.rng
        self.serial += 1
        gap = {"chat": (40, 200), "call": (10, 50), "email": (3600, 6 * 3600)}[channel]
        moment = start
        rendered = []
        for index, (role, text) in enumerate(turns):
            if index:
                moment += timedelta(seconds=rng.randint(*gap))
            author = agent.id if role == "agent" else story.customer.id
            rendered.append(
                {"role": role, "author": author, "text": text, "ts": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}
            )
        prefix = {"chat": "CH", "email": "EM", "call": "CL"}[channel]
        record = {
            "id": f"BW-{prefix}-{self.serial:05d}",
            "channel": channel,
            "company": COMPANY,
            "started_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "customer_id": story.customer.id,
            "agent_ids": [agent.id],
            "team": agent.team,
            "turns": rendered,
        }
        contact = Contact(
            record=record, outcome="unresolved" if outcome == "stonewall" else outcome, traits=traits
        )
        self.contacts.append(contact)
        return contact

    # -- storylines -------------------------------------------------------------------------

    def moment(self, day_offset: float) -> datetime:
        base = DATA_START + timedelta(days=int(day_offset))
        return base + timedelta(hours=self.rng.randint(0, 9), minutes=self.rng.randint(0, 59))

    def storyline(self) -> None:
        rng = self.rng
        customer = self.customer()
        reason = rng.choices(list(REASON_WEIGHTS), weights=list(REASON_WEIGHTS.values()))[0]
        team = TEAM_OF_REASON[reason]
        start = self.moment(rng.uniform(0, DATA_DAYS - 1))
        story = Story(rng, reason, customer, start)
        agent = self.agent_for(team)
        outcome = self.outcome_for(agent, reason, story)
        first = self.conversation(story, agent, self.channel(), start, outcome)
        ref = story.fill(REPEAT_REFS[reason])

        if outcome == "owned_followup":
            promise_text = story.fill(OWNED[reason])
            promise_turn = next(t for t in first.record["turns"] if promise_text in t["text"])
            promise_at = datetime.strptime(promise_turn["ts"], "%Y-%m-%dT%H:%M:%SZ")
            deadline_days = {
                "billing": 1,
                "account": 3,
                "refund": 4,
                "technical": 1,
                "delivery": 1,
                "return": 2,
            }[reason]
            if rng.random() < agent.keeps_promises:
                if rng.random() < 0.5 and promise_at + timedelta(days=1) < DATA_END:
                    self.conversation(
                        story,
                        agent,
                        "call",
                        promise_at + timedelta(hours=rng.randint(18, 22)),
                        "resolved",
                        kept_call=True,
                    )
                # else: nothing more - kept by the deadline passing quietly
            else:
                when = {
                    1: "yesterday",
                    2: "by the end of the week",
                    3: "by Friday",
                    4: "within 3 working days",
                }[deadline_days]
                chase_at = promise_at + timedelta(
                    days=deadline_days + rng.randint(1, 2), hours=rng.randint(1, 5)
                )
                if chase_at < DATA_END:
                    second_agent = self.agent_for(team, avoid=agent.id)
                    opening = rng.choice(CHASE).format(when=when, ref=ref)
                    gap_here = rng.random() < 0.4
                    outcome2 = rng.choices(
                        ("resolved", "owned_followup", "unresolved"), weights=(55, 25, 20)
                    )[0]
                    c2 = self.conversation(
                        story,
                        second_agent,
                        self.channel(),
                        chase_at,
                        outcome2,
                        opening=opening,
                        system_gap=gap_here,
                    )
                    c2.repeat = True
                    c2.traits.add("chased")
            return

        if outcome in ("deflected", "unresolved", "stonewall") and rng.random() < 0.6:
            # Runaround: the customer comes back within days, on another channel.
            at = start
            for attempt in range(rng.choice((1, 1, 2))):
                at = at + timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 6))
                if at >= DATA_END:
                    break
                next_agent = self.agent_for(team, avoid=agent.id)
                opening = rng.choice(REPEAT_OPEN).format(ref=ref)
                gap_here = rng.random() < (0.45 if team == "Orders & Delivery" else 0.25)
                next_outcome = self.outcome_for(next_agent, reason, story)
                if next_outcome == "stonewall" and attempt == 0 and rng.random() < 0.5:
                    next_outcome = "clear_no"
                c = self.conversation(
                    story, next_agent, self.channel(), at, next_outcome, opening=opening, system_gap=gap_here
                )
                c.repeat = True
                c.traits.add("effort")
                if next_outcome in ("resolved", "clear_no"):
                    break
            return

        if rng.random() < 0.12:
            # Same customer, a different issue a few days later: a separate case.
            other = rng.choice([r for r in REASON_WEIGHTS if r != reason])
            at = start + timedelta(days=rng.randint(2, 6), hours=rng.randint(1, 5))
            if at < DATA_END:
                story2 = Story(rng, other, customer, at)
                agent2 = self.agent_for(TEAM_OF_REASON[other])
                self.conversation(story2, agent2, self.channel(), at, self.outcome_for(agent2, other, story2))
        elif rng.random() < 0.06:
            # The same complaint again after more than the 7-day window: a new case.
            at = start + timedelta(days=rng.randint(10, 14))
            if at < DATA_END:
                agent2 = self.agent_for(team)
                opening = rng.choice(REPEAT_OPEN).format(ref=ref)
                self.conversation(
                    story,
                    agent2,
                    self.channel(),
                    at,
                    self.outcome_for(agent2, reason, story),
                    opening=opening,
                )


# --------------------------------------------------------------------------------------------
# Surveys from the latent truth

OUTCOME_CSAT = {"resolved": 4.3, "clear_no": 3.6, "owned_followup": 3.2, "deflected": 1.7, "unresolved": 1.8}
TRAIT_CSAT = {
    "stock": 0.0,
    "specific": 0.25,
    "proactive": 0.3,
    "stonewall": -0.4,
    "effort": -0.45,
    "system_gap": -0.2,
    "checklist": -0.3,
    "chased": -0.4,
}
COMMENTS = {
    1: ("Useless. Nobody actually helped.", "Still not fixed and I've been passed around.", "Waste of time."),
    2: (
        "They were polite but nothing got done.",
        "Sorry doesn't fix my broadband.",
        "Had to explain everything again.",
    ),
    3: ("OK, not great.", "At least they told me straight.", "Took longer than it should have."),
    4: ("Sorted in the end, thanks.", "Helpful agent.", "Good, fixed quickly."),
    5: (
        "Fantastic - fixed while I was on the call.",
        "Really helpful, she knew exactly what to do.",
        "Brilliant service.",
    ),
}


def write_surveys(gen: Generator, path: Path) -> int:
    rng = random.Random(gen.rng.random())
    rows = []
    for contact in gen.contacts:
        if rng.random() > 0.55:
            continue
        record = contact.record
        latent = OUTCOME_CSAT[contact.outcome] + sum(TRAIT_CSAT.get(t, 0.0) for t in contact.traits)
        hollow = "stock" in contact.traits and contact.outcome in ("unresolved", "deflected")
        latent += -0.5 if hollow else 0.0
        latent += -0.3 if contact.repeat else 0.0
        csat = int(min(5, max(1, round(latent + rng.gauss(0, 0.6)))))
        effort = (
            6.0
            - 1.5 * ("effort" in contact.traits)
            - 1.0 * contact.repeat
            - (1.5 if contact.outcome in ("deflected", "unresolved") else 0)
        )
        ces = int(min(7, max(1, round(effort + rng.gauss(0, 0.8)))))
        if contact.outcome == "resolved":
            fixed = "yes" if rng.random() < 0.9 else "no"
        elif contact.outcome == "clear_no":
            fixed = "clear_no" if rng.random() < 0.75 else "no"
        elif contact.outcome == "owned_followup":
            fixed = "yes" if rng.random() < 0.35 else "no"
        else:
            fixed = "no"
        empathy_latent = (
            2.6
            + 0.9 * ("specific" in contact.traits)
            + 0.2 * ("stock" in contact.traits)
            + 0.6 * (contact.outcome == "resolved")
        )
        empathy = int(min(5, max(1, round(empathy_latent + rng.gauss(0, 0.7)))))
        ended = datetime.strptime(record["turns"][-1]["ts"], "%Y-%m-%dT%H:%M:%SZ")
        submitted = ended + timedelta(hours=rng.randint(1, 30), minutes=rng.randint(0, 59))
        by_customer_only = rng.random() < 0.1
        rows.append(
            {
                "conversation_id": "" if by_customer_only else record["id"],
                "customer_id": record["customer_id"],
                "csat": csat,
                "ces": ces if rng.random() < 0.85 else "",
                "fixed": fixed,
                "empathy": empathy if rng.random() < 0.8 else "",
                "comment": pick(rng, COMMENTS[csat]) if rng.random() < 0.45 else "",
                "submitted_at": submitted.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle,
            fieldnames=[
                "conversation_id",
                "customer_id",
                "csat",
                "ces",
                "fixed",
                "empathy",
                "comment",
                "submitted_at",
            ],
        )
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20250303)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "fixfirst/demo_data/helpdesk"
    )
    parser.add_argument("--target", type=int, default=520, help="approximate number of conversations")
    parser.add_argument(
        "--truth",
        type=Path,
        default=None,
        help="also write the generator's latent truth (outcome, traits) here, to measure the engine; "
        "never ship it with the demo data",
    )
    args = parser.parse_args()
    gen = Generator(args.seed)
    while len(gen.contacts) < args.target:
        gen.storyline()
    while gen.noah_budget > 0:  # the new starter always gets their handful of contacts
        at = gen.moment(gen.rng.uniform(14, DATA_DAYS - 1))
        story = Story(gen.rng, "delivery", gen.customer(), at)
        noah = next(a for a in AGENTS if a.id == "noah.finch")
        gen.conversation(story, noah, gen.channel(), at, gen.outcome_for(noah, "delivery", story))
        gen.noah_budget -= 1
    gen.contacts.sort(key=lambda c: (c.record["started_at"], c.record["id"]))
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "conversations.jsonl").open("w", encoding="utf-8") as handle:
        for contact in gen.contacts:
            handle.write(json.dumps(contact.record, ensure_ascii=False) + "\n")
    surveys = write_surveys(gen, args.out / "surveys.csv")
    if args.truth is not None:
        with args.truth.open("w", encoding="utf-8") as handle:
            for contact in gen.contacts:
                truth = {
                    "id": contact.record["id"],
                    "outcome": contact.outcome,
                    "traits": sorted(contact.traits),
                }
                handle.write(json.dumps(truth) + "\n")
    print(f"wrote {len(gen.contacts)} conversations and {surveys} surveys to {args.out}")


if __name__ == "__main__":
    main()
