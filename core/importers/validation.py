"""What a record must hold to be read at all, after SS 12000:2020 v2.1.0.

The standard (`openapi-ss12000-2.1.0.yaml`, SIS/TK450) decides what is
required; Skolverket's DNP schemas are a stricter profile for the national
tests and are not the gate. A record is rejected only when it lacks what
the standard requires and this service needs to place it: its id, a
person's names, a group's type and organisation, a duty's place and role.
Fields the standard requires but this service never reads (`meta`, the
server's bookkeeping; `startDate` of groups, duties and placements, where
an absent start means "since before"; an activity's
`calendarEventsRequired`) are not asked for. A fault in a field that is
read is the importing step's to judge: most drop the field or the one
relation and keep the record (`core.importers.report`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

# Per collection: the fields a record must have, as SS 12000 v2.1.0 requires
# them, less those this service does not read (see above). `organisationType`
# is required by the standard, but Skolverket's DNP bodies leave it out; an
# organisation without it is read by its other fields (`organisations`).
REQUIRED: dict[str, tuple[str, ...]] = {
    "organisations": ("id", "displayName"),
    "syllabuses": ("id",),
    "persons": ("id", "givenName", "familyName"),
    "groups": ("id", "displayName", "groupType", "organisation"),
    "placements": ("id", "placedAt", "child", "schoolType"),
    "duties": ("id", "dutyAt", "dutyRole"),
    "activities": ("id", "groups", "organisation"),
}
_REFERENCES = frozenset({"organisation", "placedAt", "child", "dutyAt"})
_LISTS = frozenset({"groups"})


def problems(collection: str, record: Any) -> list[str]:
    """Why `record` cannot be read at all; empty when it can."""
    if not isinstance(record, Mapping):
        return ["the record is not an object"]
    faults = [
        f"{name} is required" for name in REQUIRED[collection] if record.get(name) in (None, "")
    ]
    if "id" in record and not _is_uuid(record["id"]):
        faults.append(f"id: {record['id']!r} is not a UUID")
    for name in REQUIRED[collection]:
        value = record.get(name)
        if value in (None, ""):
            continue
        if name in _REFERENCES and not (isinstance(value, Mapping) and _is_uuid(value.get("id"))):
            faults.append(f"{name}: is not a reference with a UUID id")
        elif name in _LISTS and not isinstance(value, list):
            faults.append(f"{name}: is not an array")
        elif name not in _REFERENCES | _LISTS | {"id"} and not isinstance(value, str):
            faults.append(f"{name}: {value!r} is not a string")
    return faults


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)
