"""Objects under `_embedded` (SS 12000 `expand`), folded into the collections they belong to.

A server asked with `expand` embeds related objects in each record:
persons carry `responsibleFor`, `groupMemberships`, `duties`, `placements`
and `ownedPlacements`; groups carry `assignmentRoles`; placements `child`
and `owners`; duties `person`. Each is read as the record it stands for:
- a person's `responsibleFor[] {person, relationType}` is a responsible of
  that child (`responsibles` of the child's record);
- a person's `groupMemberships[] {group, startDate, endDate}` is a
  membership in that group (`groupMemberships` of the group's record);
- a group's `assignmentRoles[] {duty, assignmentRoleType, ...}` is an
  assignment role of that duty (`assignmentRole` of the duty's record);
- embedded duties, placements and persons are records of their
  collections, when the collection does not already hold one with the id.
What the top-level record already says is kept; nothing is read twice.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from core.importers.source import Dataset


def unfold(dataset: Dataset) -> Dataset:
    """A copy of `dataset` with every `_embedded` object read into its collection."""
    data = Dataset(copy.deepcopy(dict(dataset)), incomplete=dataset.incomplete)
    data.deleted = dataset.deleted
    index = {name: _by_id(records) for name, records in data.items()}
    for person in list(_objects(data.get("persons"))):
        _unfold_person(data, index, person)
    for group in _objects(data.get("groups")):
        for item in _items(_embedded(group).get("assignmentRoles")):
            duty = index.get("duties", {}).get(_id(item.get("duty")))
            if duty is not None:
                entry = {
                    "group": {"id": group["id"]},
                    "assignmentRoleType": item.get("assignmentRoleType"),
                    **_days(item),
                }
                _append_new(duty, "assignmentRole", entry, key=_assignment_key)
    for placement in list(_objects(data.get("placements"))):
        embedded = _embedded(placement)
        _add_all(data, index, "persons", [embedded.get("child"), *(embedded.get("owners") or [])])
    for duty in list(_objects(data.get("duties"))):
        _add_all(data, index, "persons", [_embedded(duty).get("person")])
    return data


def _unfold_person(
    data: Dataset, index: dict[str, dict[Any, Any]], person: dict[str, Any]
) -> None:
    embedded = _embedded(person)
    _add_all(data, index, "duties", embedded.get("duties"))
    _add_all(data, index, "placements", embedded.get("placements"))
    _add_all(data, index, "placements", embedded.get("ownedPlacements"))
    for item in _items(embedded.get("responsibleFor")):
        child = index.get("persons", {}).get(_id(item.get("person")))
        if child is not None:
            entry = {"person": {"id": person["id"]}, "relationType": item.get("relationType")}
            _append_new(child, "responsibles", entry, key=_responsible_key)
    for item in _items(embedded.get("groupMemberships")):
        group = index.get("groups", {}).get(_id(item.get("group")))
        if group is not None:
            entry = {"person": {"id": person["id"]}, **_days(item)}
            _append_new(group, "groupMemberships", entry, key=_membership_key)


def _objects(records: Any) -> Iterator[dict[str, Any]]:
    """The objects among `records` with a string id; the rest are judged where they stand."""
    for record in records if isinstance(records, list) else []:
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            yield record


def _items(entries: Any) -> Iterator[dict[str, Any]]:
    """The objects of an embedded list of relations (which carry no id of their own)."""
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            yield entry


def _embedded(record: dict[str, Any]) -> dict[str, Any]:
    found = record.get("_embedded")
    return found if isinstance(found, dict) else {}


def _id(reference: Any) -> Any:
    found = reference.get("id") if isinstance(reference, dict) else None
    return found if isinstance(found, str) else None


def _by_id(records: list[Any]) -> dict[Any, dict[str, Any]]:
    index: dict[Any, dict[str, Any]] = {}
    for record in _objects(records):
        index.setdefault(record.get("id"), record)
    return index


def _add_all(data: Dataset, index: dict[str, dict[Any, Any]], name: str, records: Any) -> None:
    """Embedded records of `name` that the collection does not hold yet."""
    for record in _objects(records if isinstance(records, list) else [records]):
        known = index.setdefault(name, {})
        if record.get("id") not in known:
            known[record.get("id")] = record
            # An embedded-only collection is not a snapshot: nothing of it ends.
            if name not in data:
                data.incomplete.add(name)
            data.setdefault(name, []).append(record)


def _days(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in ("startDate", "endDate") if item.get(k) is not None}


def _append_new(record: dict[str, Any], field: str, entry: dict[str, Any], *, key: Any) -> None:
    current = record.get(field)
    if not isinstance(current, list):
        current = record[field] = [] if current is None else [current]
    if key(entry) not in {key(item) for item in current if isinstance(item, dict)}:
        current.append(entry)


def _responsible_key(item: dict[str, Any]) -> Any:
    return _id(item.get("person"))


def _membership_key(item: dict[str, Any]) -> Any:
    return (_id(item.get("person")), item.get("startDate"))


def _assignment_key(item: dict[str, Any]) -> Any:
    return (_id(item.get("group")), item.get("assignmentRoleType"), item.get("startDate"))
