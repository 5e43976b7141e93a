"""Record validation against Skolverket's SS 12000 reference schemas.

The schemas in `schemas/` come unchanged from Skolverket's reference API
for the digital national tests (see `schemas/NOTICE`). That API demands
more than the standard does (every person an EPPN and a civicNo, every
organisation a schoolUnitCode, every activity a parentActivity), which
would turn away guardians, preschool children and the organiser. So field
types and enums are checked as Skolverket wrote them, and the list of
required fields is the standard's own, below.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

_SCHEMAS = Path(__file__).parent / "schemas"

# SS 12000 v2.1.0 required fields for what this service reads. `meta` is
# required by the standard but unused here; exports that omit it still load.
REQUIRED = {
    "organisations": ("organisation", ["id", "displayName", "organisationType"]),
    "persons": ("person", ["id", "givenName", "familyName"]),
    "groups": ("group", ["id", "displayName", "groupType", "organisation"]),
    "duties": ("duty", ["id", "person", "dutyAt", "dutyRole"]),
    "activities": ("activity", ["id", "displayName", "groups", "organisation"]),
}

_REFERENCE = {
    "type": "object",
    "properties": {"id": {"type": "string", "format": "uuid"}},
    "required": ["id"],
}
_UUID = {"type": "string", "format": "uuid"}
_DATE = {"type": "string", "format": "date"}
# Collections the reference API leaves out, written from the standard.
_LOCAL = {
    "syllabuses": {
        "type": "object",
        "properties": {"id": _UUID, "subjectCode": {"type": "string"}},
        "required": ["id", "subjectName"],
    },
    "placements": {
        "type": "object",
        "properties": {
            "id": _UUID,
            "placedAt": _REFERENCE,
            "child": _REFERENCE,
            "group": _REFERENCE,
            "owners": {"type": "array", "items": _REFERENCE},
            "startDate": _DATE,
            "endDate": _DATE,
        },
        "required": ["id", "placedAt", "child", "schoolType"],
    },
}


@cache
def _registry() -> Registry[Any]:
    resources = []
    for file in sorted(_SCHEMAS.glob("*.schema.json")):
        contents = json.loads(file.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def validator(collection: str) -> Draft202012Validator:
    """A compiled validator for one collection's records."""
    if collection in _LOCAL:
        schema = _LOCAL[collection]
    else:
        name, required = REQUIRED[collection]
        contents = _registry().contents(f"/schemas/{name}")
        schema = {**contents, "required": required}
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def problems(collection: str, record: dict[str, Any]) -> list[str]:
    """Human-readable schema violations of `record`, empty when valid."""
    errors = sorted(validator(collection).iter_errors(record), key=lambda e: list(e.path))
    # dict.fromkeys: the schema's if/then branches can report one fault twice.
    return list(dict.fromkeys(_describe(e.json_path, e.message) for e in errors))


def _describe(path: str, message: str) -> str:
    return message if path == "$" else f"{path.removeprefix('$.')}: {message}"
