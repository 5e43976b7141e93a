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

# The tunables stay importable from here, as before the module became a package;
# `_Context` and `_civic_no` too, for the tests that allocate identity numbers directly.
from core.importers.demo.base import CLASS_SIZE as CLASS_SIZE
from core.importers.demo.base import DEPARTMENT_SIZE as DEPARTMENT_SIZE
from core.importers.demo.base import EMAIL_FROM_YEAR as EMAIL_FROM_YEAR
from core.importers.demo.base import GUARDIAN_DOMAIN as GUARDIAN_DOMAIN
from core.importers.demo.base import LAST_PRIMARY_YEAR as LAST_PRIMARY_YEAR
from core.importers.demo.base import MIN_DEPARTMENTS as MIN_DEPARTMENTS
from core.importers.demo.base import MIN_PUPILS
from core.importers.demo.base import MIN_TEACHERS as MIN_TEACHERS
from core.importers.demo.base import MUNICIPALITY as MUNICIPALITY
from core.importers.demo.base import MUNICIPALITY_CODE as MUNICIPALITY_CODE
from core.importers.demo.base import ORGANISATION_NUMBER as ORGANISATION_NUMBER
from core.importers.demo.base import OTHER_RESPONSIBLE_SHARE as OTHER_RESPONSIBLE_SHARE
from core.importers.demo.base import PRESCHOOL_SHARE as PRESCHOOL_SHARE
from core.importers.demo.base import PRIVATE_DOMAIN as PRIVATE_DOMAIN
from core.importers.demo.base import PUPIL_DOMAIN as PUPIL_DOMAIN
from core.importers.demo.base import PUPILS_PER_TEACHER as PUPILS_PER_TEACHER
from core.importers.demo.base import SAME_FAMILY_NAME_SHARE as SAME_FAMILY_NAME_SHARE
from core.importers.demo.base import SCHOOL_YEARS as SCHOOL_YEARS
from core.importers.demo.base import SIBLING_SHARE as SIBLING_SHARE
from core.importers.demo.base import STAFF_DOMAIN as STAFF_DOMAIN
from core.importers.demo.base import TWO_CUSTODIAN_SHARE as TWO_CUSTODIAN_SHARE
from core.importers.demo.base import Record as Record
from core.importers.demo.base import _Context as _Context
from core.importers.demo.dataset import DemoDataset, DemoLogin, build_dataset, write_dataset
from core.importers.demo.names import _civic_no as _civic_no

__all__ = ["MIN_PUPILS", "DemoDataset", "DemoLogin", "build_dataset", "write_dataset"]
