"""Tunables, the shared context and the in-memory model of the Exempelby world."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]

MIN_PUPILS = 20
MUNICIPALITY = "Exempelby"
MUNICIPALITY_CODE = "9999"
ORGANISATION_NUMBER = "212000-0000"
PUPIL_DOMAIN = "elev.exempelby.example.com"
GUARDIAN_DOMAIN = "vh.exempelby.example.com"
STAFF_DOMAIN = "exempelby.example.com"
PRIVATE_DOMAIN = "example.com"

PRESCHOOL_SHARE = 0.15
SIBLING_SHARE = 0.20
TWO_CUSTODIAN_SHARE = 0.75
SAME_FAMILY_NAME_SHARE = 0.6
OTHER_RESPONSIBLE_SHARE = 0.02
CLASS_SIZE = 25
DEPARTMENT_SIZE = 20
MIN_DEPARTMENTS = 3
PUPILS_PER_TEACHER = 12
MIN_TEACHERS = 4
EMAIL_FROM_YEAR = 4
LAST_PRIMARY_YEAR = 6
SCHOOL_YEARS = range(10)

_PRESCHOOL = -1  # the age group of preschool children, beside school years 0-9
_LOGIN_YEAR = EMAIL_FROM_YEAR  # old enough to have a school e-mail to show
_UNSUITABLE = 99  # a login distance worse than any pupil at Björkskolan
_TERM_START = (8, 15)
_TEST_BIRTH_NUMBERS = 980
_ONE_DAY = dt.timedelta(days=1)
_WOMAN, _MAN = "Kvinna", "Man"
_CUSTODIAN = "Vårdnadshavare"
_OTHER_RELATIONS = ("God man", "Annan ansvarig")

# -- building blocks ----------------------------------------------------------


@dataclass
class _Context:
    """The random source, the dates everything is relative to, and what is taken."""

    rng: random.Random
    today: dt.date
    year: int  # the calendar year the current school year started in
    free_birth_numbers: dict[tuple[dt.date, str], list[int]] = field(default_factory=dict)
    eppn_counts: Counter[str] = field(default_factory=Counter)

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def meta(self) -> Record:
        stamp = f"{self.today.isoformat()}T00:00:00Z"
        return {"created": stamp, "modified": stamp}

    @property
    def term_start(self) -> str:
        return dt.date(self.year, *_TERM_START).isoformat()


@dataclass(frozen=True)
class _Unit:
    id: str
    name: str

    def ref(self) -> Record:
        return {"id": self.id, "displayName": self.name}


@dataclass(frozen=True)
class _Units:
    owner: _Unit
    preschool: _Unit
    primary: _Unit  # Björkskolan: förskoleklass and years 1-6
    secondary: _Unit  # Ekskolan: years 7-9


@dataclass(frozen=True)
class _Subject:
    id: str
    code: str
    name: str


@dataclass
class _Person:
    id: str
    given: str
    family: str
    sex: str
    born: dt.date
    civic_no: str
    eppn: str | None
    emails: list[Record] = field(default_factory=list)
    phones: list[Record] = field(default_factory=list)
    address: Record | None = None
    protected: bool = False

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    def ref(self) -> Record:
        marking = "Skyddad folkbokföring" if self.protected else "Ingen"
        return {"id": self.id, "displayName": self.name, "securityMarking": marking}


@dataclass(eq=False)  # identity equality: groups are dictionary keys
class _Group:
    id: str
    name: str
    unit: _Unit
    school_type: str
    group_type: str
    start: str
    pupils: list[_Pupil] = field(default_factory=list)

    def ref(self) -> Record:
        return {"id": self.id, "displayName": self.name}


@dataclass
class _Pupil:
    person: _Person
    age: int  # school year, or _PRESCHOOL
    group: _Group
    custodians: list[_Person]
    others: list[tuple[_Person, str]] = field(default_factory=list)


@dataclass
class _Staff:
    person: _Person
    duty_id: str
    role: str
    unit: _Unit
    start: dt.date
    assignments: list[tuple[_Group, str]] = field(default_factory=list)

    def ref(self) -> Record:
        return {"id": self.duty_id, "displayName": f"{self.person.name} ({self.role})"}


@dataclass(frozen=True)
class _Lesson:
    group: _Group
    subject: _Subject
    teacher: _Staff


@dataclass
class _Plan:
    """Pupils before they are people: an age group and a group per slot, and families."""

    ages: list[int]
    groups: list[_Group]
    families: list[list[int]]


@dataclass(frozen=True)
class _Choices:
    """The families (indices into _Plan.families) that play particular parts."""

    login: int  # the login pupil's family
    login_member: int  # the login pupil's position in it
    preschool: int  # the family of the login preschool child
    protected: int  # the protected pupil's family


@dataclass
class _Staffing:
    principals: dict[_Unit, _Staff]
    admins: dict[_Unit, _Staff]
    teachers: dict[_Unit, list[_Staff]]
    preschool: list[_Staff]
    mentors: dict[_Group, _Staff]

    def everyone(self) -> list[_Staff]:
        teachers = [staff for group in self.teachers.values() for staff in group]
        return [*self.principals.values(), *self.admins.values(), *teachers, *self.preschool]


@dataclass
class _World:
    units: _Units
    subjects: list[_Subject]
    groups: list[_Group]
    households: list[list[_Pupil]]
    staffing: _Staffing
    lessons: list[_Lesson]
