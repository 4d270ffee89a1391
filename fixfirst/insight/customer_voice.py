"""Customer voice: surveys joined to contacts and cases; CSAT, CES and "fixed" by outcome and behaviour.

Join rule: a survey with a `conversation_id` in scope joins that contact. Otherwise, by
`customer_id`: the customer's latest contact that started at or before the survey was submitted
(no `submitted_at`: their latest contact). A contact keeps its earliest survey; later ones for
the same contact are counted as duplicates and not used, so no contact weighs twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from statistics import fmean
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from fixfirst.insight.built_on_read import BuiltOnRead
from fixfirst.insight.contacts import Contact, as_naive_utc
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
    conversation's id (shared with the contact), how it was joined, and the survey and case that id
    leads to. A link record with its case id cost about 170 bytes; here 9 bytes a link."""

    def __init__(self, responses: Mapping[str, SurveyAnswers], case_of: Mapping[str, str]) -> None:
        self._responses = responses
        self._case_of = case_of
        self._conversation_ids: list[str] = []
        self._by_customer = bytearray()

    def append(self, conversation_id: str, joined_by: Literal["conversation_id", "customer_id"]) -> None:
        self._conversation_ids.append(conversation_id)
        self._by_customer.append(joined_by == "customer_id")

    def reading(self, responses: Mapping[str, SurveyAnswers]) -> SurveyLinks:
        """The same links, reading surveys from `responses` (the validated copy a summary keeps)."""
        links = SurveyLinks(responses, self._case_of)
        links._conversation_ids, links._by_customer = self._conversation_ids, self._by_customer
        return links

    def _item(self, index: int) -> SurveyLink:
        conversation_id = self._conversation_ids[index]
        return SurveyLink(
            survey_id=self._responses[conversation_id].id,
            conversation_id=conversation_id,
            case_id=self._case_of.get(conversation_id),
            joined_by="customer_id" if self._by_customer[index] else "conversation_id",
        )

    def __len__(self) -> int:
        return len(self._conversation_ids)

    def __eq__(self, other: object) -> bool:  # as the tuple of links it stands for
        if not isinstance(other, SurveyLinks):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


NO_LINKS = SurveyLinks({}, {})


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
    """Survey figures over the scope's contacts. The links (which survey joined which contact, and
    how) are kept beside the fields, not in them: they grow with the surveys and are never
    serialised with the figures."""

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
    responses: dict[str, SurveyAnswers] = Field(description="conversation id -> the survey used for it.")
    _links: SurveyLinks = PrivateAttr(default=NO_LINKS)

    @property
    def links(self) -> SurveyLinks:
        """Each survey used and the contact it joined, in join order (empty when read back from JSON)."""
        return self._links


def join_surveys(
    surveys: Iterable[Survey | SurveyAnswers], contacts: Sequence[Contact], case_of: Mapping[str, str]
) -> tuple[dict[str, SurveyAnswers], SurveyLinks, int, int]:
    """(conversation id -> survey, links, unmatched count, duplicate count)."""
    survey_list = list(surveys)
    ids = {c.id for c in contacts}
    # Contacts by customer only for the customers of surveys that name no contact here (most name one).
    wanted = {
        s.customer_id for s in survey_list if s.customer_id and not (s.conversation_id and s.conversation_id in ids)
    }
    by_customer: dict[str, list[Contact]] = {}
    for contact in contacts:
        if contact.customer_id in wanted and contact.start is not None:
            by_customer.setdefault(contact.customer_id, []).append(contact)
    for group in by_customer.values():
        group.sort(key=lambda c: (c.start, c.id))

    def order(s: Survey | SurveyAnswers) -> tuple[bool, datetime, str]:
        return (s.submitted_at is None, as_naive_utc(s.submitted_at) or datetime.min, s.id)

    chosen: dict[str, SurveyAnswers] = {}
    links = SurveyLinks(chosen, case_of)
    unmatched = duplicates = 0
    for survey in sorted(survey_list, key=order):
        target: str | None = None
        how: Literal["conversation_id", "customer_id"] = "conversation_id"
        if survey.conversation_id and survey.conversation_id in ids:
            target = survey.conversation_id
        elif survey.customer_id and survey.customer_id in by_customer:
            how = "customer_id"
            submitted = as_naive_utc(survey.submitted_at)
            candidates = [
                c for c in by_customer[survey.customer_id] if submitted is None or c.start <= submitted
            ]
            target = candidates[-1].id if candidates else None
        if target is None:
            unmatched += 1
            continue
        if target in chosen:
            duplicates += 1
            continue
        chosen[target] = SurveyAnswers.of(survey)
        links.append(target, how)
    return chosen, links, unmatched, duplicates


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def voice_group(name: str, conversation_ids: Sequence[str], responses: dict[str, SurveyAnswers]) -> VoiceGroup:
    """The survey figures of a group of contacts, given by id (ids, not contacts: a company's
    contacts are grouped several ways at once, and an id is shared where a contact is not)."""
    answered = [responses[i] for i in conversation_ids if i in responses]
    csat = [float(s.csat) for s in answered if s.csat is not None]
    ces = [float(s.ces) for s in answered if s.ces is not None]
    fixed = [s.fixed for s in answered if s.fixed is not None]
    return VoiceGroup(
        group=name,
        contacts=len(conversation_ids),
        responses=len(answered),
        response_rate=len(answered) / len(conversation_ids) if conversation_ids else None,
        csat_mean=_mean(csat),
        csat_n=len(csat),
        ces_mean=_mean(ces),
        ces_n=len(ces),
        fixed_yes_rate=sum(1 for f in fixed if f is FixedAnswer.YES) / len(fixed) if fixed else None,
        fixed_clear_no_rate=sum(1 for f in fixed if f is FixedAnswer.CLEAR_NO) / len(fixed)
        if fixed
        else None,
        fixed_n=len(fixed),
    )


def customer_voice(
    surveys: Iterable[Survey | SurveyAnswers],
    contacts: Sequence[Contact],
    case_of: Mapping[str, str],
    case_path: Callable[[str], str] | None = None,
) -> CustomerVoice:
    """Join surveys and summarise them overall, by outcome, by behaviour and by case path."""
    survey_list = list(surveys)
    responses, links, unmatched, duplicates = join_surveys(survey_list, contacts, case_of)
    # One pass, groups of ids: every contact is in several groups (all, outcome, behaviours, path).
    everyone: list[str] = []
    by_outcome_ids: dict[Outcome, list[str]] = {o: [] for o in Outcome}
    present: dict[Behaviour, list[str]] = {b: [] for b in Behaviour}
    paths: dict[str, list[str]] = {}
    for contact in contacts:
        cid = contact.id
        everyone.append(cid)
        if case_path is not None:
            paths.setdefault(case_path(cid), []).append(cid)
        if (outcome := contact.outcome) is not None:
            by_outcome_ids[outcome].append(cid)
            for b in Behaviour:
                if contact.has(b):
                    present[b].append(cid)
    analysed = [cid for ids in by_outcome_ids.values() for cid in ids]
    by_outcome = tuple(voice_group(o.value, by_outcome_ids[o], responses) for o in Outcome)

    def absent(b: Behaviour) -> list[str]:
        with_it = set(present[b])
        return [cid for cid in analysed if cid not in with_it]

    by_behaviour = tuple(
        BehaviourVoice(
            behaviour=b,
            present=voice_group(f"{b.value}: present", present[b], responses),
            absent=voice_group(f"{b.value}: absent", absent(b), responses),
        )
        for b in Behaviour
    )
    voice = CustomerVoice(
        surveys=len(survey_list),
        unmatched_surveys=unmatched,
        duplicate_surveys=duplicates,
        overall=voice_group("all", everyone, responses),
        by_outcome=by_outcome,
        by_behaviour=by_behaviour,
        by_case_path=tuple(voice_group(name, members, responses) for name, members in sorted(paths.items())),
        responses=responses,
    )
    voice._links = links.reading(voice.responses)  # not `responses`: the model keeps its own copy
    return voice
