"""Dates, names, identity numbers, login names, addresses: the people themselves."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

from core.identity import luhn_digit
from core.importers.demo.base import (
    _MAN,
    _ONE_DAY,
    _PRESCHOOL,
    _TERM_START,
    _TEST_BIRTH_NUMBERS,
    _WOMAN,
    GUARDIAN_DOMAIN,
    MUNICIPALITY,
    PRIVATE_DOMAIN,
    Record,
    _Context,
    _Person,
)

_GIVEN_NAMES = {
    _WOMAN: (
        "Alva",
        "Astrid",
        "Maja",
        "Ella",
        "Elsa",
        "Ebba",
        "Alice",
        "Wilma",
        "Saga",
        "Vera",
        "Stella",
        "Freja",
        "Olivia",
        "Selma",
        "Agnes",
        "Ester",
        "Signe",
        "Ines",
        "Tyra",
        "Linnéa",
        "Klara",
        "Ida",
        "Julia",
        "Moa",
        "Nora",
        "Hedda",
        "Elin",
        "Sofia",
        "Emma",
        "Hanna",
        "Karin",
        "Anna",
        "Lena",
        "Maria",
        "Eva",
        "Åsa",
        "Britt",
        "Malin",
        "Sara",
        "Märta",
    ),
    _MAN: (
        "Noah",
        "William",
        "Hugo",
        "Lucas",
        "Liam",
        "Oscar",
        "Elias",
        "Vincent",
        "Ludvig",
        "Olle",
        "Nils",
        "Adam",
        "Leo",
        "Alfred",
        "Viggo",
        "Melvin",
        "Sixten",
        "Frans",
        "Otto",
        "Arvid",
        "Axel",
        "Emil",
        "Anton",
        "Jonas",
        "Erik",
        "Lars",
        "Johan",
        "Per",
        "Anders",
        "Mikael",
        "Björn",
        "Göran",
        "Måns",
        "Åke",
        "Jöns",
        "Sören",
        "Henrik",
        "Fredrik",
        "André",
        "Gustav",
    ),
}
_FAMILY_NAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lind",
    "Berg",
    "Holm",
    "Lund",
    "Ström",
    "Sjöberg",
    "Åberg",
    "Ek",
    "Björk",
    "Lindqvist",
    "Lindgren",
    "Bergström",
    "Sandberg",
    "Forsberg",
    "Wallin",
    "Engström",
    "Hedlund",
    "Dahl",
    "Nyström",
    "Öberg",
    "Falk",
    "Hägg",
    "Åkesson",
    "Söderberg",
    "Löfgren",
    "Blom",
    "Fors",
    "Mårtensson",
)
_STREETS = (
    "Storgatan",
    "Skolvägen",
    "Kyrkogatan",
    "Björkvägen",
    "Ekvägen",
    "Ängsvägen",
    "Sjövägen",
    "Lärkstigen",
    "Tallbacken",
    "Åkervägen",
    "Smedjegatan",
    "Kvarnvägen",
)

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
