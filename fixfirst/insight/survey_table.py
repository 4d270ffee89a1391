"""A scope's surveys held column by column, and the surveys chosen for its contacts read through them.

Why: a report reads every survey of its contacts and their customers - about one for every three
contacts. Held as `SurveyAnswers` records with their own id strings and datetime, a survey cost
about 370 bytes (record, three id strings, a time, its entry in the join's dict), about 125 bytes
a contact at a million contacts. Here a survey costs its ids' UTF-8 bytes, one byte per answer
and eight for its time (about 70 bytes); a record is made when one is read.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from fixfirst.insight.built_on_read import BuiltOnRead
from fixfirst.insight.contacts import Contact
from fixfirst.insight.id_index import IdIndex
from fixfirst.insight.packed_strings import PackedStrings
from fixfirst.insight.views import NO_TIME, epoch_micros
from fixfirst.model import FixedAnswer, Survey, SurveyAnswers

_NO_ANSWER = -1
_FIXED = tuple(FixedAnswer)
_FIXED_CODE = {answer: code for code, answer in enumerate(_FIXED)}
_EPOCH = datetime(1970, 1, 1)
_NAIVE, _UTC, _OTHER_ZONE = 0, 1, 2


class SurveyTable(BuiltOnRead[SurveyAnswers]):
    """Surveys appended one by one, read back as `SurveyAnswers` equal to what was added."""

    def __init__(self, surveys: Iterable[Survey | SurveyAnswers] = ()) -> None:
        self.ids = PackedStrings()
        self.conversation_ids = PackedStrings()
        self.customer_ids = PackedStrings()
        self._answers = array("b")  # csat, ces, empathy, fixed code: four a survey
        self._micros = array("q")  # submitted_at as UTC (aware) or as written (naive) microseconds
        self._zone = bytearray()
        self._zoned: dict[int, datetime] = {}  # times in a zone other than UTC, kept whole (rare)
        for survey in surveys:
            self.append(survey)

    def append(self, survey: Survey | SurveyAnswers) -> None:
        row = len(self)
        self.ids.append(survey.id)
        self.conversation_ids.append(survey.conversation_id)
        self.customer_ids.append(survey.customer_id)
        fixed = _NO_ANSWER if survey.fixed is None else _FIXED_CODE[survey.fixed]
        self._answers.extend(_NO_ANSWER if v is None else v for v in (survey.csat, survey.ces, survey.empathy))
        self._answers.append(fixed)
        moment = survey.submitted_at
        if moment is None or moment.tzinfo is None:
            self._micros.append(epoch_micros(moment))
            self._zone.append(_NAIVE)
        else:
            self._micros.append(epoch_micros(moment.astimezone(UTC).replace(tzinfo=None)))
            self._zone.append(_UTC if moment.tzinfo is UTC else _OTHER_ZONE)
            if moment.tzinfo is not UTC:
                self._zoned[row] = moment

    def submitted(self, row: int) -> datetime | None:
        """When survey `row` was submitted, as it was given."""
        micros = self._micros[row]
        if micros == NO_TIME:
            return None
        if self._zone[row] == _OTHER_ZONE:
            return self._zoned[row]
        moment = _EPOCH + timedelta(microseconds=micros)
        return moment if self._zone[row] == _NAIVE else moment.replace(tzinfo=UTC)

    def naive_utc_micros(self, row: int) -> int:
        """The submission time as naive-UTC microseconds (NO_TIME when there is none): the join's order."""
        return self._micros[row]

    def _item(self, index: int) -> SurveyAnswers:
        csat, ces, empathy, fixed = self._answers[4 * index : 4 * index + 4]
        return SurveyAnswers(
            id=self.ids[index],  # type: ignore[arg-type]
            conversation_id=self.conversation_ids[index],
            customer_id=self.customer_ids[index],
            csat=None if csat == _NO_ANSWER else csat,
            ces=None if ces == _NO_ANSWER else ces,
            fixed=None if fixed == _NO_ANSWER else _FIXED[fixed],
            empathy=None if empathy == _NO_ANSWER else empathy,
            submitted_at=self.submitted(index),
        )

    def __len__(self) -> int:
        return len(self._zone)


class SurveyResponses(Mapping[str, SurveyAnswers]):
    """Conversation id -> the survey used for it, in join order; each record made when read.

    Held as the contacts' positions in join order and, per contact, the row of its survey (4 bytes
    a contact), over the contacts' id index and the survey table.
    """

    __slots__ = ("_contacts", "_index", "_surveys", "_targets", "_row_of")

    def __init__(self, contacts: Sequence[Contact], index: IdIndex, surveys: SurveyTable) -> None:
        self._contacts = contacts
        self._index = index
        self._surveys = surveys
        self._targets = array("I")
        self._row_of = array("i", [-1]) * len(contacts)

    def choose(self, position: int, row: int) -> bool:
        """Use survey `row` for the contact at `position` unless it has one already (then False)."""
        if self._row_of[position] != -1:
            return False
        self._row_of[position] = row
        self._targets.append(position)
        return True

    def row_at(self, position: int) -> int | None:
        """The survey row used for the contact at `position` (None: it has none)."""
        row = self._row_of[position]
        return None if row == -1 else row

    def contact_id(self, position: int) -> str:
        return self._contacts[position].id

    def survey_id(self, position: int) -> str:
        """The id of the survey used for the contact at `position` (which has one)."""
        return self._surveys.ids[self._row_of[position]]  # type: ignore[return-value]

    def __getitem__(self, conversation_id: str) -> SurveyAnswers:
        position = self._index.get(conversation_id)
        row = None if position is None else self.row_at(position)
        if row is None:
            raise KeyError(conversation_id)
        return self._surveys[row]

    def __contains__(self, conversation_id: object) -> bool:
        position = self._index.get(conversation_id) if isinstance(conversation_id, str) else None
        return position is not None and self._row_of[position] != -1

    def __iter__(self) -> Iterator[str]:
        return (self._contacts[position].id for position in self._targets)

    def __len__(self) -> int:
        return len(self._targets)

    def __eq__(self, other: object) -> bool:  # as the dict it stands for
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]


NO_RESPONSES = SurveyResponses((), IdIndex(()), SurveyTable())
