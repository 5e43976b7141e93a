"""Reading an SS 12000 dataset from disk, refusing anything malformed.

Everything is read and checked for shape before the importer writes a row,
so a file that is not JSON stops the run with nothing written. What a
record holds is checked record by record later (`core.importers.checks`):
one bad record never stops a run.

Shapes read, for each collection (SS 12000:2020 v2.1.0 and what exports
hold in practice):
- a response body of the API, `{"data": [...], "pageToken": ...}`;
- Skolverket's DNP form, `{"<collection>": [...]}`;
- a bare array of records;
and, in a directory, `<collection>.json`, numbered pages beside it
(`<collection>-2.json`, `<collection>_2.json`, `<collection>.2.json`) or a
folder `<collection>/` of pages, read in name order, and
`deletedEntities.json` (a `/deletedEntities` body). A byte-order mark is
skipped. A collection is complete only if its last page's `pageToken` is
null or absent: a run ends no relation from an incomplete collection.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

COLLECTIONS = (
    "organisations",
    "syllabuses",
    "persons",
    "groups",
    "placements",
    "duties",
    "activities",
)


class Dataset(dict[str, list[Any]]):
    """Records per collection, and which collections are not complete snapshots."""

    def __init__(
        self, collections: Mapping[str, list[Any]] | None = None, *, incomplete: Iterable[str] = ()
    ) -> None:
        super().__init__(collections or {})
        self.incomplete = set(incomplete)
        # Ids named deleted by the source (`/deletedEntities`), per collection.
        self.deleted: dict[str, set[uuid.UUID]] = {}

    def complete(self, collection: str) -> bool:
        """Whether `collection` was read whole: the run may end what it no longer holds."""
        return collection in self and collection not in self.incomplete


class SourceError(Exception):
    """The input is not an SS 12000 dataset; nothing was imported."""


def load_dataset(path: Path) -> Dataset:
    """Read a directory of collection files (or pages), or one file of collections."""
    if path.is_dir():
        return _from_directory(path)
    if path.is_file():
        body = _read_json(path)
        if not isinstance(body, dict):
            msg = f"{path}: expected a JSON object with collections as keys."
            raise SourceError(msg)
        return _collections(path, body)
    msg = f"{path}: no such file or directory."
    raise SourceError(msg)


def as_delta(dataset: Dataset, since: dt.datetime) -> tuple[Dataset, int]:
    """`dataset` read as what changed after `since`: no collection is a snapshot.

    Records the source marks unmodified since then (`meta.modified`) are
    left out; what `deletedEntities` names is ended. Returns the delta and
    how many records were left out.
    """
    delta = Dataset(incomplete=COLLECTIONS)
    delta.deleted = dataset.deleted
    left_out = 0
    for name, records in dataset.items():
        kept = [r for r in records if not _unmodified_since(r, since)]
        left_out += len(records) - len(kept)
        delta[name] = kept
    return delta, left_out


def _unmodified_since(record: Any, since: dt.datetime) -> bool:
    meta = record.get("meta") if isinstance(record, dict) else None
    modified = meta.get("modified") if isinstance(meta, dict) else None
    try:
        moment = dt.datetime.fromisoformat(str(modified))
    except ValueError:
        return False  # no date to go by: read it
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=since.tzinfo)
    return moment <= since


def deleted_ids(path: Path | str, body: Any) -> dict[str, set[uuid.UUID]]:
    """The ids of a `/deletedEntities` body, per collection."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        msg = f"{path}: expected an object with a 'data' object of deleted ids."
        raise SourceError(msg)
    found: dict[str, set[uuid.UUID]] = {}
    for name, ids in data.items():
        key = "activities" if name == "activitites" else name  # the standard's spelling
        for value in ids if isinstance(ids, list) else []:
            try:
                found.setdefault(key, set()).add(uuid.UUID(str(value)))
            except ValueError:
                continue
    return found


def _from_directory(path: Path) -> Dataset:
    dataset = Dataset()
    deleted = path / "deletedEntities.json"
    if deleted.is_file():
        dataset.deleted = deleted_ids(deleted, _read_json(deleted))
    for name in COLLECTIONS:
        pages = _pages(path, name)
        for page in pages:
            records, more = _records(page, name, _read_json(page))
            dataset.setdefault(name, []).extend(records)
            if page == pages[-1] and more:
                dataset.incomplete.add(name)
    if not dataset and not dataset.deleted:
        names = ", ".join(f"{name}.json" for name in COLLECTIONS)
        msg = f"{path}: holds none of the SS 12000 collection files ({names})."
        raise SourceError(msg)
    return dataset


def _pages(path: Path, name: str) -> list[Path]:
    """The files of one collection, first page first."""
    numbered = re.compile(rf"{re.escape(name)}(?:[-_.](\d+))?\.json")
    files = [f for f in path.iterdir() if f.is_file() and numbered.fullmatch(f.name)]
    folder = path / name
    if folder.is_dir():
        files += [f for f in folder.iterdir() if f.is_file() and f.suffix == ".json"]
    return sorted(files, key=_page_order)


def _page_order(file: Path) -> tuple[str, int, str]:
    number = re.search(r"(\d+)\.json$", file.name)
    return (file.parent.name, int(number.group(1)) if number else 0, file.name)


def _collections(path: Path, body: dict[str, Any]) -> Dataset:
    dataset = Dataset()
    if "deletedEntities" in body:
        dataset.deleted = deleted_ids(path, body["deletedEntities"])
    for name in COLLECTIONS:
        if name in body:
            value = body[name]
            records, more = _records(
                path, name, value if isinstance(value, dict) else {name: value}
            )
            dataset[name] = records
            if more:
                dataset.incomplete.add(name)
    if not dataset:
        msg = f"{path}: has none of the SS 12000 collections ({', '.join(COLLECTIONS)})."
        raise SourceError(msg)
    return dataset


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        msg = f"{path}: is not UTF-8 text."
        raise SourceError(msg) from None
    except json.JSONDecodeError as error:
        msg = f"{path}: is not valid JSON ({error.msg} at line {error.lineno})."
        raise SourceError(msg) from None


def _records(path: Path, name: str, body: Any) -> tuple[list[Any], bool]:
    """The records of one page, and whether more pages follow (a pageToken).

    Records that are not objects stay in the list: the importer rejects each
    with its reason, and the rest of the page imports.
    """
    if isinstance(body, list):
        return body, False
    if not isinstance(body, dict) or not ({"data", name} & body.keys()):
        msg = f"{path}: expected an object with a 'data' array of {name}."
        raise SourceError(msg)
    records = body.get("data", body.get(name))
    if not isinstance(records, list):
        msg = f"{path}: {name} must be an array."
        raise SourceError(msg)
    return records, body.get("pageToken") not in (None, "")
