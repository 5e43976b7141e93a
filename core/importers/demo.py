"""A synthetic SS 12000 v2.1.0 dataset for the fictional municipality Exempelby.

`build_dataset` returns the collections `docs/ss12000-import.md` describes,
for one huvudman ("Exempelby kommun") with three school units: Solrosens
förskola (FS), Björkskolan (FKLASS, GR years 1-6, FTH) and Ekskolan (GR
years 7-9). It holds pupils with their guardians, staff with duties and
mentor assignments, classes and preschool departments, teaching activities
and preschool placements, plus one protected pupil and one protected
guardian. `logins` names one person per demo role. The same
(pupils, seed, today) always gives the same dataset: all randomness comes
from one `random.Random(seed)`.

Nothing in the data may belong to a real person or place:

- Identity numbers (civicNo) are twelve digits, YYYYMMDD + birth number +
  Luhn check digit (`core.identity.luhn_digit(value[2:11])`), and the birth
  number is always in 980-999, the range Skatteverket uses for its
  published test identities. Its last digit is odd for men and even for
  women, as in real numbers, so a date holds ten numbers per sex; when a
  date is full the person is moved to the next day of the same year, so
  birth year and school year stay consistent. Every number is unique; a
  birth year holds 3,650 numbers per sex, enough for about 80,000 pupils.
- Login names and e-mail addresses use example.com (RFC 2606).
- Phone numbers come from 070-1740605..070-1740699, the range the Swedish
  Post and Telecom Authority keeps for fiction, so they repeat.
- Postal codes are "999 xx" (Swedish codes stop below 990 00), school unit
  codes start with 9999, the municipality code is 9999, and the
  organisation number 212000-0000 fails its own check digit.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import random
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.identity import luhn_digit

if TYPE_CHECKING:
    import pathlib

__all__ = ["MIN_PUPILS", "DemoDataset", "DemoLogin", "build_dataset", "write_dataset"]

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

_SCHOOL_UNITS = (
    ("Solrosens förskola", "99990001", ("FS",)),
    ("Björkskolan", "99990002", ("FKLASS", "GR", "FTH")),
    ("Ekskolan", "99990003", ("GR",)),
)
# Skolverket's grundskola subject codes; the first is taught by the mentor.
_SUBJECTS = (
    ("SV", "Svenska"),
    ("MA", "Matematik"),
    ("EN", "Engelska"),
    ("BI", "Biologi"),
    ("HI", "Historia"),
    ("IDH", "Idrott och hälsa"),
    ("BL", "Bild"),
    ("MU", "Musik"),
)
_DEPARTMENTS = (
    "Humlan", "Myran", "Nyckelpigan", "Fjärilen", "Trollsländan", "Gräshoppan",
    "Snigeln", "Ekorren", "Igelkotten", "Räven", "Ugglan", "Haren",
)  # fmt: skip
_GIVEN_NAMES = {
    _WOMAN: (
        "Alva", "Astrid", "Maja", "Ella", "Elsa", "Ebba", "Alice", "Wilma", "Saga", "Vera",
        "Stella", "Freja", "Olivia", "Selma", "Agnes", "Ester", "Signe", "Ines", "Tyra",
        "Linnéa", "Klara", "Ida", "Julia", "Moa", "Nora", "Hedda", "Elin", "Sofia", "Emma",
        "Hanna", "Karin", "Anna", "Lena", "Maria", "Eva", "Åsa", "Britt", "Malin", "Sara",
        "Märta",
    ),
    _MAN: (
        "Noah", "William", "Hugo", "Lucas", "Liam", "Oscar", "Elias", "Vincent", "Ludvig",
        "Olle", "Nils", "Adam", "Leo", "Alfred", "Viggo", "Melvin", "Sixten", "Frans", "Otto",
        "Arvid", "Axel", "Emil", "Anton", "Jonas", "Erik", "Lars", "Johan", "Per", "Anders",
        "Mikael", "Björn", "Göran", "Måns", "Åke", "Jöns", "Sören", "Henrik", "Fredrik",
        "André", "Gustav",
    ),
}  # fmt: skip
_FAMILY_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lind", "Berg", "Holm",
    "Lund", "Ström", "Sjöberg", "Åberg", "Ek", "Björk", "Lindqvist", "Lindgren", "Bergström",
    "Sandberg", "Forsberg", "Wallin", "Engström", "Hedlund", "Dahl", "Nyström", "Öberg",
    "Falk", "Hägg", "Åkesson", "Söderberg", "Löfgren", "Blom", "Fors", "Mårtensson",
)  # fmt: skip
_STREETS = (
    "Storgatan", "Skolvägen", "Kyrkogatan", "Björkvägen", "Ekvägen", "Ängsvägen", "Sjövägen",
    "Lärkstigen", "Tallbacken", "Åkervägen", "Smedjegatan", "Kvarnvägen",
)  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    """A person to sign in as to show one role of the service.

    `username` is the person's first eduPersonPrincipalName; `description`
    says in one line who they are, e.g. "mentor of 4A, Björkskolan".
    """

    role: str
    username: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoDataset:
    """SS 12000 collections and the people to sign in as.

    `collections` maps organisations, syllabuses, persons, groups, duties,
    activities and placements (in that order) to records as an SS 12000
    server sends them. `logins` has one entry per role, in this order:
    pupil, guardian, teacher, mentor, principal, school_admin,
    preschool_teacher, guardian_preschool.
    """

    collections: dict[str, list[dict[str, Any]]]
    logins: list[DemoLogin]


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


# -- dates, names and numbers -------------------------------------------------


def _school_year_start(today: dt.date) -> int:
    term = dt.date(today.year, *_TERM_START)
    return today.year if today >= term else today.year - 1


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _birth_date(ctx: _Context, age: int) -> dt.date:
    """Draw a birth date for an age group: school year y starts the autumn one turns 6 + y."""
    if age == _PRESCHOOL:
        # Aged 1-5 today and too young for förskoleklass.
        first = max(dt.date(ctx.year - 5, 1, 1), _shift_years(ctx.today, -6) + _ONE_DAY)
        return _random_date(ctx.rng, first, _shift_years(ctx.today, -1))
    born = ctx.year - 6 - age
    return _random_date(ctx.rng, dt.date(born, 1, 1), dt.date(born, 12, 31))


def _parent_birth_date(ctx: _Context, children: list[dt.date]) -> dt.date:
    """25-55 years old today, and 20-45 at each child's birth."""
    first = max(_shift_years(ctx.today, -56) + _ONE_DAY, dt.date(max(children).year - 45, 1, 1))
    last = min(_shift_years(ctx.today, -25), dt.date(min(children).year - 20, 12, 31))
    return _random_date(ctx.rng, first, last)


def _civic_no(ctx: _Context, born: dt.date, sex: str) -> tuple[str, dt.date]:
    """Allocate a free test identity number; return it with the birth date it encodes."""
    day = born
    for _ in range(366):
        free = ctx.free_birth_numbers.setdefault(
            (day, sex), list(range(_TEST_BIRTH_NUMBERS + (sex == _MAN), 1000, 2))
        )
        if free:
            serial = free.pop(ctx.rng.randrange(len(free)))
            digits = f"{day:%Y%m%d}{serial}"
            return digits + str(luhn_digit(digits[2:])), day
        # Stay within the year: it decides a pupil's school year.
        following = day + _ONE_DAY
        day = following if following.year == day.year else dt.date(day.year, 1, 1)
    msg = f"no free test identity number left for people born {born.year} ({sex})"
    raise ValueError(msg)


def _ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(
        char for char in decomposed if char.isascii() and (char.isalnum() or char == "-")
    )


def _eppn(ctx: _Context, given: str, family: str, domain: str) -> str:
    """<given>.<family><n>@domain, n counting people with that name in the domain."""
    base = f"{_ascii(given)}.{_ascii(family)}"
    ctx.eppn_counts[f"{base}@{domain}"] += 1
    number = ctx.eppn_counts[f"{base}@{domain}"]
    return f"{base}{number}@{domain}"


def _letters(index: int) -> str:
    """Name the index-th class of a year: A, B, ..., Z, AA, AB, ... so letters never run out."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _person(
    ctx: _Context, given: str, family: str, *, sex: str, born: dt.date, domain: str | None
) -> _Person:
    civic_no, born = _civic_no(ctx, born, sex)
    eppn = _eppn(ctx, given, family, domain) if domain else None
    return _Person(ctx.new_id(), given, family, sex, born, civic_no, eppn)


def _given_name(ctx: _Context, sex: str, taken: set[str]) -> str:
    """Pick a given name and claim it: no two people in one household share one."""
    given = ctx.rng.choice([name for name in _GIVEN_NAMES[sex] if name not in taken])
    taken.add(given)
    return given


def _adult(
    ctx: _Context, given: str, family: str, *, sex: str, born: dt.date, address: Record
) -> _Person:
    """Create a guardian or other responsible adult, reachable at home."""
    adult = _person(ctx, given, family, sex=sex, born=born, domain=GUARDIAN_DOMAIN)
    local = str(adult.eppn).split("@")[0]
    adult.emails = [{"value": f"{local}@{PRIVATE_DOMAIN}", "type": "Privat"}]
    phone = f"070-17406{ctx.rng.randint(5, 99):02d}"
    adult.phones = [{"value": phone, "type": "Hem", "mobile": True}]
    adult.address = address
    return adult


def _address(ctx: _Context) -> Record:
    return {
        "type": "Folkbokföring",
        "streetAddress": f"{ctx.rng.choice(_STREETS)} {ctx.rng.randint(1, 60)}",
        "postalCode": f"999 {ctx.rng.randint(10, 99)}",
        "locality": MUNICIPALITY,
    }


# -- organisations, subjects and groups ---------------------------------------


def _organisations(ctx: _Context) -> tuple[_Units, list[Record]]:
    owner = _Unit(ctx.new_id(), f"{MUNICIPALITY} kommun")
    records: list[Record] = [
        {
            "id": owner.id,
            "meta": ctx.meta(),
            "displayName": owner.name,
            "organisationType": "Huvudman",
            "organisationNumber": ORGANISATION_NUMBER,
            "municipalityCode": MUNICIPALITY_CODE,
        }
    ]
    units = []
    for name, code, school_types in _SCHOOL_UNITS:
        unit = _Unit(ctx.new_id(), name)
        units.append(unit)
        records.append(_school_unit_record(ctx, unit, owner, code, school_types))
    return _Units(owner, *units), records


def _school_unit_record(
    ctx: _Context, unit: _Unit, owner: _Unit, code: str, school_types: tuple[str, ...]
) -> Record:
    return {
        "id": unit.id,
        "meta": ctx.meta(),
        "displayName": unit.name,
        "organisationType": "Skolenhet",
        "parentOrganisation": owner.ref(),
        "schoolUnitCode": code,
        "schoolTypes": list(school_types),
        "municipalityCode": MUNICIPALITY_CODE,
    }


def _subjects(ctx: _Context) -> list[_Subject]:
    return [_Subject(ctx.new_id(), code, name) for code, name in _SUBJECTS]


def _groups_for_age(ctx: _Context, units: _Units, age: int, pupils: int) -> list[_Group]:
    """Enough classes (or departments) for `pupils` of one age group."""
    if age == _PRESCHOOL:
        count = max(MIN_DEPARTMENTS, math.ceil(pupils / DEPARTMENT_SIZE))
        # Departments used to start before any of today's children were born.
        start = dt.date(ctx.year - 6, *_TERM_START).isoformat()
        return [
            _Group(ctx.new_id(), _department_name(k), units.preschool, "FS", "Avdelning", start)
            for k in range(count)
        ]
    unit = units.primary if age <= LAST_PRIMARY_YEAR else units.secondary
    school_type = "FKLASS" if age == 0 else "GR"
    prefix = "F" if age == 0 else str(age)
    return [
        _Group(ctx.new_id(), f"{prefix}{_letters(k)}", unit, school_type, "Klass", ctx.term_start)
        for k in range(math.ceil(pupils / CLASS_SIZE))
    ]


def _department_name(index: int) -> str:
    round_, position = divmod(index, len(_DEPARTMENTS))
    suffix = f" {round_ + 1}" if round_ else ""
    return f"Avdelning {_DEPARTMENTS[position]}{suffix}"


def _plan(ctx: _Context, units: _Units, pupils: int) -> tuple[_Plan, list[_Group]]:
    """Age groups round-robin so every school year is filled; groups round-robin within."""
    preschool = round(pupils * PRESCHOOL_SHARE)
    ages = [_PRESCHOOL] * preschool + [k % len(SCHOOL_YEARS) for k in range(pupils - preschool)]
    placed: dict[int, _Group] = {}
    groups: list[_Group] = []
    for age in [_PRESCHOOL, *SCHOOL_YEARS]:
        slots = [index for index, slot_age in enumerate(ages) if slot_age == age]
        age_groups = _groups_for_age(ctx, units, age, len(slots))
        groups.extend(age_groups)
        placed.update({slot: age_groups[k % len(age_groups)] for k, slot in enumerate(slots)})
    plan = _Plan(ages, [placed[slot] for slot in range(pupils)], _families(ctx.rng, ages))
    return plan, groups


def _families(rng: random.Random, ages: list[int]) -> list[list[int]]:
    """Slots grouped into families; siblings pair the younger and the older half by age."""
    order = list(range(len(ages)))
    rng.shuffle(order)
    pairs = round(len(ages) * SIBLING_SHARE / 2)
    siblings = sorted(order[: 2 * pairs], key=lambda slot: (ages[slot], slot))
    families = [[siblings[k], siblings[k + pairs]] for k in range(pairs)]
    families += [[slot] for slot in order[2 * pairs :]]
    return sorted(families)


# -- who plays which part -----------------------------------------------------


def _choose_families(plan: _Plan) -> _Choices:
    """Pick the families of the login pupil, the login preschool child and the protected pupil.

    The login pupil is at Björkskolan, preferably with a sibling there (so the
    login guardian has two children) and old enough for a school e-mail; the
    protected pupil is preferably a classmate, so the demo shows a protected
    pupil in the login pupil's class list.
    """
    families = plan.families
    login = min(range(len(families)), key=lambda family: _login_rank(plan, family))
    member = min(
        range(len(families[login])), key=lambda k: _login_distance(plan.ages[families[login][k]])
    )
    preschool = next(
        f for f, members in enumerate(families)
        if f != login and any(plan.ages[s] == _PRESCHOOL for s in members)
    )  # fmt: skip
    login_group = plan.groups[families[login][member]]
    others = [f for f in range(len(families)) if f not in {login, preschool}]
    protected = min(others, key=lambda family: _protected_rank(plan, family, login_group))
    return _Choices(login, member, preschool, protected)


def _login_distance(age: int) -> int:
    """Rank a pupil for the login: Björkskolan only, the nearer _LOGIN_YEAR the better."""
    return abs(age - _LOGIN_YEAR) if 0 <= age <= LAST_PRIMARY_YEAR else _UNSUITABLE


def _login_rank(plan: _Plan, family: int) -> tuple[int, int, int]:
    distances = [_login_distance(plan.ages[slot]) for slot in plan.families[family]]
    at_primary = sum(distance < _UNSUITABLE for distance in distances)
    return (-at_primary, min(distances), family)


def _protected_rank(plan: _Plan, family: int, login_group: _Group) -> tuple[bool, bool, int, int]:
    members = plan.families[family]
    school = [slot for slot in members if plan.ages[slot] != _PRESCHOOL]
    classmate = any(plan.groups[slot] is login_group for slot in school)
    return (not school, not classmate, len(members), family)


# -- pupils and their families ------------------------------------------------


def _households(ctx: _Context, plan: _Plan, choices: _Choices) -> list[list[_Pupil]]:
    """Every family's children with their custodians, and a few other responsibles."""
    # The login pupil needs two custodians; the protected pupil lives with one,
    # who shares the protected identity (so no address in the data leads to it).
    forced = {choices.login: 2, choices.protected: 1}
    households = []
    for index, members in enumerate(plan.families):
        custodians = forced.get(index) or (2 if ctx.rng.random() < TWO_CUSTODIAN_SHARE else 1)
        households.append(_household(ctx, plan, members, custodians))
    pupils = [pupil for household in households for pupil in household]
    _add_other_responsibles(ctx, pupils)
    return households


def _household(ctx: _Context, plan: _Plan, members: list[int], custodians: int) -> list[_Pupil]:
    family = ctx.rng.choice(_FAMILY_NAMES)
    births: list[dt.date] = []
    for k, slot in enumerate(members):
        twins = k > 0 and plan.ages[members[k - 1]] == plan.ages[slot]
        births.append(births[-1] if twins else _birth_date(ctx, plan.ages[slot]))
    adults: list[_Person] = []  # filled below, once the children's names are taken
    taken: set[str] = set()
    pupils = [
        _pupil(
            ctx,
            family,
            born,
            age=plan.ages[slot],
            group=plan.groups[slot],
            custodians=adults,
            taken=taken,
        )
        for slot, born in zip(members, births, strict=True)
    ]
    adults.extend(_custodians(ctx, family, births, custodians, taken))
    return pupils


def _custodians(
    ctx: _Context, family: str, births: list[dt.date], count: int, taken: set[str]
) -> list[_Person]:
    """One or two custodians sharing a home; the second often keeps another surname."""
    first = ctx.rng.choice((_WOMAN, _MAN))
    sexes = [first, _MAN if first == _WOMAN else _WOMAN][:count]
    address = _address(ctx)
    adults = []
    for k, sex in enumerate(sexes):
        keeps_name = k == 0 or ctx.rng.random() < SAME_FAMILY_NAME_SHARE
        surname = family if keeps_name else ctx.rng.choice(_FAMILY_NAMES)
        born = _parent_birth_date(ctx, births)
        given = _given_name(ctx, sex, taken)
        adults.append(_adult(ctx, given, surname, sex=sex, born=born, address=address))
    return adults


def _pupil(
    ctx: _Context,
    family: str,
    born: dt.date,
    *,
    age: int,
    group: _Group,
    custodians: list[_Person],
    taken: set[str],
) -> _Pupil:
    sex = ctx.rng.choice((_WOMAN, _MAN))
    given = _given_name(ctx, sex, taken)
    # Preschool children sign in through their guardians, so they have no EPPN.
    domain = None if age == _PRESCHOOL else PUPIL_DOMAIN
    person = _person(ctx, given, family, sex=sex, born=born, domain=domain)
    if age >= EMAIL_FROM_YEAR:
        person.emails = [{"value": str(person.eppn), "type": "Skola elev"}]
    pupil = _Pupil(person, age, group, custodians)
    group.pupils.append(pupil)
    return pupil


def _add_other_responsibles(ctx: _Context, pupils: list[_Pupil]) -> None:
    count = max(1, round(len(pupils) * OTHER_RESPONSIBLE_SHARE))
    for pupil in ctx.rng.sample(pupils, count):
        sex = ctx.rng.choice((_WOMAN, _MAN))
        born = _parent_birth_date(ctx, [pupil.person.born])
        given, family = _given_name(ctx, sex, set()), ctx.rng.choice(_FAMILY_NAMES)
        adult = _adult(ctx, given, family, sex=sex, born=born, address=_address(ctx))
        pupil.others.append((adult, ctx.rng.choice(_OTHER_RELATIONS)))


def _protect(household: list[_Pupil], classmates: _Group) -> None:
    """Mark one school pupil of the household and its custodian as protected."""
    school = [pupil for pupil in household if pupil.age != _PRESCHOOL]
    pupil = next((p for p in school if p.group is classmates), school[0])
    for person in (pupil.person, pupil.custodians[0]):
        person.protected = True
        person.address = None


# -- staff and teaching -------------------------------------------------------


def _staff_member(ctx: _Context, unit: _Unit, role: str) -> _Staff:
    sex = ctx.rng.choice((_WOMAN, _MAN))
    given, family = ctx.rng.choice(_GIVEN_NAMES[sex]), ctx.rng.choice(_FAMILY_NAMES)
    born = _random_date(ctx.rng, _shift_years(ctx.today, -64), _shift_years(ctx.today, -25))
    person = _person(ctx, given, family, sex=sex, born=born, domain=STAFF_DOMAIN)
    person.emails = [{"value": str(person.eppn), "type": "Skola personal"}]
    age = _age(person.born, ctx.today)
    start = dt.date(ctx.year - ctx.rng.randint(0, min(12, age - 24)), 8, 1)
    return _Staff(person, ctx.new_id(), role, unit, start)


def _staffing(ctx: _Context, units: _Units, groups: list[_Group]) -> _Staffing:
    schools = (units.primary, units.secondary)
    staffing = _Staffing(
        principals={
            unit: _staff_member(ctx, unit, "Rektor")
            for unit in (units.preschool, units.primary, units.secondary)
        },
        admins={unit: _staff_member(ctx, unit, "Skoladministratör") for unit in schools},
        teachers={},
        preschool=[],
        mentors={},
    )
    for unit in schools:
        classes = [group for group in groups if group.unit == unit]
        staffing.teachers[unit] = _teachers(ctx, unit, classes, staffing.mentors)
    departments = [group for group in groups if group.unit == units.preschool]
    staffing.preschool = _preschool_staff(ctx, units.preschool, departments)
    return staffing


def _teachers(
    ctx: _Context, unit: _Unit, classes: list[_Group], mentors: dict[_Group, _Staff]
) -> list[_Staff]:
    """About one teacher per twelve pupils; each class gets one of them as mentor."""
    pupils = sum(len(group.pupils) for group in classes)
    count = max(MIN_TEACHERS, round(pupils / PUPILS_PER_TEACHER))
    teachers = [_staff_member(ctx, unit, "Lärare") for _ in range(count)]
    for k, group in enumerate(classes):
        mentor = teachers[k % count]
        mentor.assignments.append((group, "Mentor"))
        mentors[group] = mentor
    return teachers


def _preschool_staff(ctx: _Context, unit: _Unit, departments: list[_Group]) -> list[_Staff]:
    staff = []
    for department in departments:
        for role in ("Förskollärare", "Barnskötare"):
            member = _staff_member(ctx, unit, role)
            member.assignments.append((department, role))
            staff.append(member)
    return staff


def _lessons(
    classes: list[_Group],
    teachers: list[_Staff],
    subjects: list[_Subject],
    mentors: dict[_Group, _Staff],
) -> list[_Lesson]:
    """Who teaches each subject in each class of one school.

    The mentor takes the first subject, as a class teacher would. The other
    subjects go round the school's teachers, so each teaches several subjects
    in several classes; the class's mentor is skipped there, so every class
    also meets at least one teacher who is not its mentor.
    """
    lessons = []
    turn = itertools.count()
    for group in classes:
        lessons.append(_Lesson(group, subjects[0], mentors[group]))
        for subject in subjects[1:]:
            teacher = teachers[next(turn) % len(teachers)]
            if teacher is mentors[group]:
                teacher = teachers[next(turn) % len(teachers)]
            lessons.append(_Lesson(group, subject, teacher))
    return lessons


def _all_lessons(
    units: _Units, groups: list[_Group], staffing: _Staffing, subjects: list[_Subject]
) -> list[_Lesson]:
    lessons = []
    for unit in (units.primary, units.secondary):
        classes = [group for group in groups if group.unit == unit]
        lessons += _lessons(classes, staffing.teachers[unit], subjects, staffing.mentors)
    return lessons


# -- records ------------------------------------------------------------------


def _person_record(ctx: _Context, person: _Person) -> Record:
    record: Record = {
        "id": person.id,
        "meta": ctx.meta(),
        "givenName": person.given,
        "familyName": person.family,
        "sex": person.sex,
        "birthDate": person.born.isoformat(),
        "civicNo": {"value": person.civic_no, "nationality": "SE"},
        "securityMarking": person.ref()["securityMarking"],
    }
    optional = {
        "eduPersonPrincipalNames": [person.eppn] if person.eppn else [],
        "emails": [dict(email) for email in person.emails],
        "phoneNumbers": [dict(phone) for phone in person.phones],
        "addresses": [dict(person.address)] if person.address else [],
    }
    record.update({key: value for key, value in optional.items() if value})
    return record


def _pupil_record(ctx: _Context, pupil: _Pupil) -> Record:
    record = _person_record(ctx, pupil.person)
    if pupil.age != _PRESCHOOL:
        record["enrolments"] = [_enrolment(ctx, pupil)]
    custodians = [(person, _CUSTODIAN) for person in pupil.custodians]
    record["responsibles"] = [
        {"person": person.ref(), "relationType": relation}
        for person, relation in [*custodians, *pupil.others]
    ]
    return record


def _enrolment(ctx: _Context, pupil: _Pupil) -> Record:
    # Enroled since entering this school form at this unit: förskoleklass,
    # year 1 at Björkskolan or year 7 at Ekskolan.
    first_year = 0 if pupil.age == 0 else (1 if pupil.age <= LAST_PRIMARY_YEAR else 7)
    start = dt.date(ctx.year - (pupil.age - first_year), *_TERM_START)
    return {
        "enroledAt": pupil.group.unit.ref(),
        "schoolType": pupil.group.school_type,
        "schoolYear": pupil.age,
        "startDate": start.isoformat(),
    }


def _persons(ctx: _Context, world: _World) -> list[Record]:
    pupils = [pupil for household in world.households for pupil in household]
    adults: dict[str, _Person] = {}
    for pupil in pupils:
        for adult in [*pupil.custodians, *(person for person, _ in pupil.others)]:
            adults.setdefault(adult.id, adult)
    staff = [member.person for member in world.staffing.everyone()]
    return [
        *(_pupil_record(ctx, pupil) for pupil in pupils),
        *(_person_record(ctx, person) for person in [*adults.values(), *staff]),
    ]


def _group_record(ctx: _Context, group: _Group) -> Record:
    record: Record = {
        "id": group.id,
        "meta": ctx.meta(),
        "displayName": group.name,
        "groupType": group.group_type,
        "schoolType": group.school_type,
        "organisation": group.unit.ref(),
        "startDate": group.start,
    }
    # Preschool children belong to their department through their placement.
    if group.group_type == "Klass":
        record["groupMemberships"] = [
            {"person": pupil.person.ref(), "startDate": group.start} for pupil in group.pupils
        ]
    return record


def _duty_record(ctx: _Context, staff: _Staff) -> Record:
    record: Record = {
        "id": staff.duty_id,
        "meta": ctx.meta(),
        "person": staff.person.ref(),
        "dutyAt": staff.unit.ref(),
        "dutyRole": staff.role,
        "startDate": staff.start.isoformat(),
    }
    if staff.assignments:
        record["assignmentRole"] = [
            {"group": group.ref(), "assignmentRoleType": kind, "startDate": ctx.term_start}
            for group, kind in staff.assignments
        ]
    return record


def _activity_record(ctx: _Context, lesson: _Lesson) -> Record:
    return {
        "id": ctx.new_id(),
        "meta": ctx.meta(),
        "displayName": f"{lesson.subject.name} {lesson.group.name}",
        "activityType": "Undervisning",
        "organisation": lesson.group.unit.ref(),
        "groups": [lesson.group.ref()],
        "teachers": [{"duty": lesson.teacher.ref(), "startDate": ctx.term_start}],
        "syllabus": {"id": lesson.subject.id, "displayName": lesson.subject.name},
        "startDate": ctx.term_start,
        "calendarEventsRequired": False,
    }


def _placement_record(ctx: _Context, pupil: _Pupil) -> Record:
    # Children start preschool when they turn one.
    start = _shift_years(pupil.person.born, 1)
    return {
        "id": ctx.new_id(),
        "meta": ctx.meta(),
        "placedAt": pupil.group.unit.ref(),
        "group": pupil.group.ref(),
        "child": pupil.person.ref(),
        "owners": [custodian.ref() for custodian in pupil.custodians],
        "schoolType": "FS",
        "startDate": start.isoformat(),
    }


def _syllabus_record(ctx: _Context, subject: _Subject) -> Record:
    return {
        "id": subject.id,
        "meta": ctx.meta(),
        "subjectCode": subject.code,
        "subjectName": subject.name,
        "schoolType": "GR",
    }


def _collections(
    ctx: _Context, world: _World, organisations: list[Record]
) -> dict[str, list[Record]]:
    pupils = [pupil for household in world.households for pupil in household]
    return {
        "organisations": organisations,
        "syllabuses": [_syllabus_record(ctx, subject) for subject in world.subjects],
        "persons": _persons(ctx, world),
        "groups": [_group_record(ctx, group) for group in world.groups],
        "duties": [_duty_record(ctx, staff) for staff in world.staffing.everyone()],
        "activities": [_activity_record(ctx, lesson) for lesson in world.lessons],
        "placements": [
            _placement_record(ctx, pupil) for pupil in pupils if pupil.age == _PRESCHOOL
        ],
    }


# -- logins -------------------------------------------------------------------


def _login(role: str, person: _Person, description: str) -> DemoLogin:
    return DemoLogin(role, str(person.eppn), person.name, description)


def _logins(world: _World, choices: _Choices) -> list[DemoLogin]:
    units, staffing = world.units, world.staffing
    pupil = world.households[choices.login][choices.login_member]
    group = pupil.group
    where = f"{group.name}, {units.primary.name}"
    mentor = staffing.mentors[group]
    teacher, subjects = _other_teacher(world.lessons, group, mentor)
    child = next(p for p in world.households[choices.preschool] if p.age == _PRESCHOOL)
    department = child.group
    preschool_teacher = next(
        staff for staff in staffing.preschool
        if (department, "Förskollärare") in staff.assignments
    )  # fmt: skip
    return [
        _login("pupil", pupil.person, f"pupil in {where}"),
        _login("guardian", pupil.custodians[0], _guardian_of(world.households[choices.login])),
        _login("teacher", teacher.person, f"teacher of {', '.join(subjects)} in {where}"),
        _login("mentor", mentor.person, f"mentor of {where}"),
        _login("principal", staffing.principals[units.primary].person,
               f"principal (Rektor) of {units.primary.name}"),
        _login("school_admin", staffing.admins[units.primary].person,
               f"school administrator at {units.primary.name}"),
        _login("preschool_teacher", preschool_teacher.person,
               f"preschool teacher in {department.name}, {units.preschool.name}"),
        _login("guardian_preschool", child.custodians[0],
               f"guardian of {child.person.name} ({department.name}, {units.preschool.name})"),
    ]  # fmt: skip


def _other_teacher(
    lessons: list[_Lesson], group: _Group, mentor: _Staff
) -> tuple[_Staff, list[str]]:
    """Find a teacher of the class who is not its mentor, with the subjects they teach there."""
    taught = [lesson for lesson in lessons if lesson.group is group]
    teacher = next(lesson.teacher for lesson in taught if lesson.teacher is not mentor)
    return teacher, [lesson.subject.name for lesson in taught if lesson.teacher is teacher]


def _guardian_of(household: list[_Pupil]) -> str:
    children = [f"{p.person.name} ({p.group.name}, {p.group.unit.name})" for p in household]
    return f"guardian of {' and '.join(children)}"


# -- public -------------------------------------------------------------------


def build_dataset(*, pupils: int, seed: int = 2026, today: dt.date | None = None) -> DemoDataset:
    """Generate the Exempelby dataset with `pupils` children (15% of them in preschool).

    `today` (default: the current date) sets the school year, birth years
    and record dates. Raises ValueError for fewer than MIN_PUPILS pupils,
    the least that fills every school year 0-9 and every preschool department.
    """
    if pupils < MIN_PUPILS:
        msg = f"pupils must be at least {MIN_PUPILS} to fill every school year, got {pupils}"
        raise ValueError(msg)
    today = today or dt.date.today()
    # Reproducible synthetic data, not secrets: a seeded PRNG is what is wanted.
    ctx = _Context(random.Random(seed), today, _school_year_start(today))  # noqa: S311
    units, organisations = _organisations(ctx)
    subjects = _subjects(ctx)
    plan, groups = _plan(ctx, units, pupils)
    choices = _choose_families(plan)
    households = _households(ctx, plan, choices)
    login_group = households[choices.login][choices.login_member].group
    _protect(households[choices.protected], login_group)
    staffing = _staffing(ctx, units, groups)
    lessons = _all_lessons(units, groups, staffing, subjects)
    world = _World(units, subjects, groups, households, staffing, lessons)
    return DemoDataset(_collections(ctx, world, organisations), _logins(world, choices))


def write_dataset(dataset: DemoDataset, out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write one <collection>.json per collection as {"data": [...]}; return the paths.

    Files are UTF-8 with the Swedish letters as they are (ensure_ascii=False).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, records in dataset.collections.items():
        path = out_dir / f"{name}.json"
        text = json.dumps({"data": records}, ensure_ascii=False, indent=2)
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths
