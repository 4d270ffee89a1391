"""Customer voice: surveys joined to contacts and cases; CSAT, CES and "fixed" by outcome and behaviour.

Join rule: a survey with a `conversation_id` in scope joins that contact. Otherwise, by
`customer_id`: the customer's latest contact that started at or before the survey was submitted
(no `submitted_at`: their latest contact). A contact keeps its earliest survey; later ones for
the same contact are counted as duplicates and not used, so no contact weighs twice.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from fixfirst.insight.built_on_read import BuiltOnRead
from fixfirst.insight.contacts import Contact, as_naive_utc
from fixfirst.insight.id_index import IdIndex
from fixfirst.insight.survey_table import NO_RESPONSES, SurveyResponses, SurveyTable
from fixfirst.insight.views import NO_TIME
from fixfirst.model import Behaviour, FixedAnswer, Outcome, Survey, SurveyAnswers
from fixfirst.model.frozen import frozen_record


@frozen_record
class SurveyLink:

    survey_id: str
    conversation_id: str
    case_id: str | None
    joined_by: Literal["conversation_id", "customer_id"]


class SurveyLinks(BuiltOnRead[SurveyLink]):
    """The survey links in join order, each built when read from what it is made of: the joined
    contact's position, how it was joined, and the survey and case that contact leads to. A link
    record with its case id cost about 170 bytes; here 5 bytes a link."""

    def __init__(self, responses: SurveyResponses, case_of: Mapping[str, str]) -> None:
        self._responses = responses
        self._case_of = case_of
        self._positions = array("I")
        self._by_customer = bytearray()

    def append(self, position: int, joined_by: Literal["conversation_id", "customer_id"]) -> None:
        self._positions.append(position)
        self._by_customer.append(joined_by == "customer_id")

    def _item(self, index: int) -> SurveyLink:
        position = self._positions[index]
        conversation_id = self._responses.contact_id(position)
        return SurveyLink(
            survey_id=self._responses.survey_id(position),
            conversation_id=conversation_id,
            case_id=self._case_of.get(conversation_id),
            joined_by="customer_id" if self._by_customer[index] else "conversation_id",
        )

    def __len__(self) -> int:
        return len(self._positions)

    def __eq__(self, other: object) -> bool:  # as the tuple of links it stands for
        if not isinstance(other, SurveyLinks):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


NO_LINKS = SurveyLinks(NO_RESPONSES, {})


class VoiceGroup(BaseModel):
    """Survey results for one group of contacts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    group: str
    contacts: int
    responses: int
    response_rate: float | None
    csat_mean: float | None
    csat_n: int
    ces_mean: float | None
    ces_n: int
    fixed_yes_rate: float | None = Field(description="Share answering 'yes, fixed'.")
    fixed_clear_no_rate: float | None = Field(
        description="Share answering 'told me clearly it can't be done'."
    )
    fixed_n: int


class BehaviourVoice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    behaviour: Behaviour
    present: VoiceGroup
    absent: VoiceGroup


class CustomerVoice(BaseModel):
    """Survey figures over the scope's contacts. The responses (the survey used for each contact)
    and the links (which survey joined which contact, and how) are kept beside the fields, not in
    them: they grow with the surveys and are never serialised with the figures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    surveys: int
    unmatched_surveys: int
    duplicate_surveys: int
    overall: VoiceGroup
    by_outcome: tuple[VoiceGroup, ...]
    by_behaviour: tuple[BehaviourVoice, ...]
    by_case_path: tuple[VoiceGroup, ...] = Field(
        description="'closed first contact' vs 'repeat-contact case' vs 'single contact, not closed'."
    )
    _responses: SurveyResponses = PrivateAttr(default=NO_RESPONSES)
    _links: SurveyLinks = PrivateAttr(default=NO_LINKS)

    @property
    def responses(self) -> SurveyResponses:
        """Conversation id -> the survey used for it, in join order (empty when read back from JSON)."""
        return self._responses

    @property
    def links(self) -> SurveyLinks:
        """Each survey used and the contact it joined, in join order (empty when read back from JSON)."""
        return self._links


def join_surveys(
    surveys: Iterable[Survey | SurveyAnswers], contacts: Sequence[Contact], case_of: Mapping[str, str]
) -> tuple[SurveyResponses, SurveyLinks, int, int]:
    """(conversation id -> survey, links, unmatched count, duplicate count)."""
    table = surveys if isinstance(surveys, SurveyTable) else SurveyTable(surveys)
    index = IdIndex.of_contacts(contacts)  # not a set of a million ids
    named = array("i", [-1]) * len(table)  # the position of the contact a survey names here, or -1
    wanted: set[str] = set()  # customers of surveys that name no contact here (most name one)
    for row, conversation_id in enumerate(table.conversation_ids):
        position = index.get(conversation_id) if conversation_id else None
        if position is not None:
            named[row] = position
        elif customer_id := table.customer_ids[row]:
            wanted.add(customer_id)
    by_customer: dict[str, list[int]] = {}
    for position, contact in enumerate(contacts):
        if contact.customer_id in wanted and contact.start is not None:
            by_customer.setdefault(contact.customer_id, []).append(position)  # type: ignore[arg-type]
    for group in by_customer.values():
        group.sort(key=lambda p: (contacts[p].start, contacts[p].id))

    def order(row: int) -> tuple[bool, int, str]:  # submitted first to last (naive UTC), then id
        micros = table.naive_utc_micros(row)
        return (micros == NO_TIME, micros, table.ids[row])  # type: ignore[return-value]

    responses = SurveyResponses(contacts, index, table)
    links = SurveyLinks(responses, case_of)
    unmatched = duplicates = 0
    for row in sorted(range(len(table)), key=order):
        target: int | None = named[row] if named[row] != -1 else None
        how: Literal["conversation_id", "customer_id"] = "conversation_id"
        if target is None and (customer_id := table.customer_ids[row]) in by_customer:
            how = "customer_id"
            submitted = as_naive_utc(table.submitted(row))
            candidates = [
                p for p in by_customer[customer_id] if submitted is None or contacts[p].start <= submitted  # type: ignore[operator]
            ]
            target = candidates[-1] if candidates else None
        if target is None:
            unmatched += 1
        elif not responses.choose(target, row):
            duplicates += 1
        else:
            links.append(target, how)
    return responses, links, unmatched, duplicates


class VoiceTally:
    """A group's survey figures added up contact by contact: counts and integer sums, not a list of
    the group's ids (every contact is in several groups, and a million ids are not shared strings
    when a table packs them). The means equal `fmean` over the answers: integer answers sum exactly."""

    __slots__ = ("contacts", "responses", "_csat", "_csat_n", "_ces", "_ces_n", "_yes", "_clear_no", "_fixed_n")

    def __init__(self) -> None:
        self.contacts = self.responses = 0
        self._csat = self._csat_n = self._ces = self._ces_n = 0
        self._yes = self._clear_no = self._fixed_n = 0

    def add(self, survey: SurveyAnswers | None) -> None:
        """Count one contact and its survey (None: it has none)."""
        self.contacts += 1
        if survey is None:
            return
        self.responses += 1
        if survey.csat is not None:
            self._csat += survey.csat
            self._csat_n += 1
        if survey.ces is not None:
            self._ces += survey.ces
            self._ces_n += 1
        if survey.fixed is not None:
            self._fixed_n += 1
            self._yes += survey.fixed is FixedAnswer.YES
            self._clear_no += survey.fixed is FixedAnswer.CLEAR_NO

    def group(self, name: str) -> VoiceGroup:
        fixed_n = self._fixed_n
        return VoiceGroup(
            group=name,
            contacts=self.contacts,
            responses=self.responses,
            response_rate=self.responses / self.contacts if self.contacts else None,
            csat_mean=self._csat / self._csat_n if self._csat_n else None,
            csat_n=self._csat_n,
            ces_mean=self._ces / self._ces_n if self._ces_n else None,
            ces_n=self._ces_n,
            fixed_yes_rate=self._yes / fixed_n if fixed_n else None,
            fixed_clear_no_rate=self._clear_no / fixed_n if fixed_n else None,
            fixed_n=fixed_n,
        )


def voice_group(name: str, conversation_ids: Iterable[str], responses: Mapping[str, SurveyAnswers]) -> VoiceGroup:
    """The survey figures of a group of contacts, given by id."""
    tally = VoiceTally()
    for conversation_id in conversation_ids:
        tally.add(responses.get(conversation_id))
    return tally.group(name)


def customer_voice(
    surveys: Iterable[Survey | SurveyAnswers],
    contacts: Sequence[Contact],
    case_of: Mapping[str, str],
    case_path: Callable[[str], str] | None = None,
) -> CustomerVoice:
    """Join surveys and summarise them overall, by outcome, by behaviour and by case path."""
    table = surveys if isinstance(surveys, SurveyTable) else SurveyTable(surveys)
    responses, links, unmatched, duplicates = join_surveys(table, contacts, case_of)
    # One pass of tallies: every contact is in several groups (all, outcome, behaviours, path).
    everyone = VoiceTally()
    by_outcome_tally = {o: VoiceTally() for o in Outcome}
    present = {b: VoiceTally() for b in Behaviour}
    absent = {b: VoiceTally() for b in Behaviour}
    paths: dict[str, VoiceTally] = {}
    for contact in contacts:
        cid = contact.id
        survey = responses.get(cid)
        everyone.add(survey)
        if case_path is not None:
            paths.setdefault(case_path(cid), VoiceTally()).add(survey)
        if (outcome := contact.outcome) is not None:
            by_outcome_tally[outcome].add(survey)
            for b in Behaviour:
                (present if contact.has(b) else absent)[b].add(survey)
    by_outcome = tuple(by_outcome_tally[o].group(o.value) for o in Outcome)
    by_behaviour = tuple(
        BehaviourVoice(
            behaviour=b,
            present=present[b].group(f"{b.value}: present"),
            absent=absent[b].group(f"{b.value}: absent"),
        )
        for b in Behaviour
    )
    voice = CustomerVoice(
        surveys=len(table),
        unmatched_surveys=unmatched,
        duplicate_surveys=duplicates,
        overall=everyone.group("all"),
        by_outcome=by_outcome,
        by_behaviour=by_behaviour,
        by_case_path=tuple(tally.group(name) for name, tally in sorted(paths.items())),
    )
    voice._responses, voice._links = responses, links
    return voice
