"""Reading an SS 12000 dataset from disk, refusing anything malformed.

Everything is read and checked for shape before the importer writes a row,
so a broken file stops the run with nothing written.
"""

from __future__ import annotations

import json
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

Dataset = dict[str, list[dict[str, Any]]]


class SourceError(Exception):
    """The input is not an SS 12000 dataset; nothing was imported."""


def load_dataset(path: Path) -> Dataset:
    """Read a directory of collection files, or one file of collections."""
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


def _from_directory(path: Path) -> Dataset:
    dataset: Dataset = {}
    for name in COLLECTIONS:
        file = path / f"{name}.json"
        if file.exists():
            dataset[name] = _records(file, name, _read_json(file))
    if not dataset:
        names = ", ".join(f"{name}.json" for name in COLLECTIONS)
        msg = f"{path}: holds none of the SS 12000 collection files ({names})."
        raise SourceError(msg)
    return dataset


def _collections(path: Path, body: dict[str, Any]) -> Dataset:
    dataset = {
        name: _records(path, name, {name: body[name]}) for name in COLLECTIONS if name in body
    }
    if not dataset:
        msg = f"{path}: has none of the SS 12000 collections ({', '.join(COLLECTIONS)})."
        raise SourceError(msg)
    return dataset


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        msg = f"{path}: is not UTF-8 text."
        raise SourceError(msg) from None
    except json.JSONDecodeError as error:
        msg = f"{path}: is not valid JSON ({error.msg} at line {error.lineno})."
        raise SourceError(msg) from None


def _records(path: Path, name: str, body: Any) -> list[dict[str, Any]]:
    """The list of records from `{"data": [...]}` or `{"<name>": [...]}`."""
    if not isinstance(body, dict) or not ({"data", name} & body.keys()):
        msg = f"{path}: expected an object with a 'data' array of {name}."
        raise SourceError(msg)
    records = body.get("data", body.get(name))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        msg = f"{path}: {name} must be an array of objects."
        raise SourceError(msg)
    return records
