"""A client of an SS 12000 API server: OAuth2 client credentials, paging, retries.

The server is asked for every collection the importer reads, page by page
(`limit`, then only the `pageToken` it returned, as the specification
asks: a page token cannot be combined with other filters), with the
`expand` that embeds the relations (`core.importers.embedded`). A delta asks
for records modified after the last good run (`meta.modified.after`) and
for `/deletedEntities` after it. The access token comes from the token URL
by client credentials and is fetched again when it expires or the server
refuses it (401). A page token the server no longer knows (410 Gone)
restarts that collection from its first page; a 5xx answer, a timeout or a
refused connection is retried with back-off; anything else fails the run.
Nothing is written while pages are fetched: the caller imports the whole
dataset in one transaction after the last page.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session

from core.importers.source import COLLECTIONS, Dataset, deleted_ids

# What each collection is asked for with: the relations embedded in it.
EXPAND = {
    "persons": "responsibleFor,groupMemberships",
    "groups": "assignmentRoles",
}
# `relationship.entity.type` values that tie a person to a school unit.
RELATIONSHIPS = (
    "enrolment",
    "placement.child",
    "responsibleFor.enrolment",
    "responsibleFor.placement",
    "placement.owner",
    "duty",
    "groupMembership",
)
_GONE, _UNAUTHORISED, _SERVER_ERROR = 410, 401, 500
_RESTARTS = 3


class SyncError(Exception):
    """The server could not be read to the end; nothing was imported."""


@dataclass(frozen=True)
class Server:
    """Where the SS 12000 API is and how to sign in to it (settings `SS12000_*`)."""

    url: str
    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str = ""
    page_size: int = 500
    timeout: float = 30.0
    tries: int = 5


@dataclass
class Progress:
    """Pages and records fetched so far, per collection."""

    pages: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    restarts: int = 0
    retries: int = 0


class Client:
    """One sync's connection to the server."""

    def __init__(
        self,
        server: Server,
        *,
        sleep: Callable[[float], None] = time.sleep,
        report: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.server, self.sleep, self.report = server, sleep, report
        self.progress = Progress()
        self.session = OAuth2Session(
            server.client_id,
            server.client_secret,
            scope=server.scope or None,
            token_endpoint=server.token_url,
            grant_type="client_credentials",
        )

    def dataset(self, *, modified_after: dt.datetime | None = None) -> Dataset:
        """Every collection, whole, school unit by school unit; a delta when `modified_after`.

        A full load reads the organisations and syllabuses, then, for each
        school unit and school, what the specification's queries tie to it
        (`by_unit`). A delta reads each collection once, modified after
        the given time, and what was deleted since.
        """
        if modified_after is None:
            return self.by_unit()
        data = Dataset()
        for name in COLLECTIONS:
            params = {**self._params(name), "meta.modified.after": _instant(modified_after)}
            data[name] = list(self._all(f"/{name}", params, name))
        # Changed records only: no collection is a snapshot; each record ends only
        # the relations it no longer lists (`ImportRun.sync_relation`).
        data.incomplete.update(COLLECTIONS)
        data.deleted = self.deleted(modified_after)
        return data

    def by_unit(self) -> Dataset:
        """The initial load: per school unit (and school), the records tied to it.

        Persons come by relationship (`relationship.entity.type` with
        `relationship.organisation`): pupils by enrolment and placement,
        guardians by the enrolments and placements of those they are
        responsible for, staff by duty and members by group membership;
        groups, duties, activities and placements by `organisation`. A
        record tied to several units is read once. Every unit's pages read
        to the end make each collection whole: a snapshot.
        """
        data = Dataset()
        for name in ("organisations", "syllabuses"):
            data[name] = list(self._all(f"/{name}", self._params(name), name))
        units = [
            str(o["id"])
            for o in data["organisations"]
            if isinstance(o, dict) and o.get("organisationType") in {"Skolenhet", "Skola"}
        ]
        found: dict[str, dict[str, Any]] = {name: {} for name in COLLECTIONS[2:]}
        for unit in units:
            for relationship in RELATIONSHIPS:
                params = {
                    **self._params("persons"),
                    "relationship.entity.type": relationship,
                    "relationship.organisation": unit,
                }
                self._add(found["persons"], self._all("/persons", params, "persons"))
            for name in ("groups", "duties", "placements"):
                params = {**self._params(name), "organisation": unit}
                self._add(found[name], self._all(f"/{name}", params, name))
        # Activities may be held above a school unit (at the organiser): all of them.
        self._add(
            found["activities"], self._all("/activities", self._params("activities"), "activities")
        )
        for name, records in found.items():
            data[name] = list(records.values())
        return data

    def _params(self, name: str) -> dict[str, str]:
        params = {"limit": str(self.server.page_size)}
        if name in EXPAND:
            params["expand"] = EXPAND[name]
        return params

    @staticmethod
    def _add(found: dict[str, Any], records: Iterator[Any]) -> None:
        for record in records:
            key = str(record.get("id")) if isinstance(record, dict) else f"#{len(found)}"
            found.setdefault(key, record)

    def deleted(self, after: dt.datetime) -> dict[str, set[uuid.UUID]]:
        """Ids the server names deleted after `after`, per collection."""
        found: dict[str, set[uuid.UUID]] = {}
        params = {"after": _instant(after), "limit": str(self.server.page_size)}
        for page in self._all("/deletedEntities", params, "deletedEntities"):
            for name, ids in deleted_ids("/deletedEntities", {"data": page}).items():
                found.setdefault(name, set()).update(ids)
        return found

    def _all(self, path: str, params: dict[str, str], name: str) -> Iterator[Any]:
        """Every record of a paged collection; restarts from page one on 410 Gone."""
        for _ in range(_RESTARTS + 1):
            records: list[Any] = []
            query: dict[str, str] = dict(params)
            pages, tokens = 0, set()
            while True:
                body = self._get(path, query)
                if body is None:  # the page token expired
                    self.progress.restarts += 1
                    self.report(f"{name}: the server forgot the page token; starting again")
                    break
                page = body.get("data")
                if name == "deletedEntities" and isinstance(page, dict):
                    page = [page]
                if not isinstance(page, list):
                    msg = f"{path}: a page without a 'data' array"
                    raise SyncError(msg)
                records.extend(page)
                pages += 1
                self.progress.pages[name] = self.progress.pages.get(name, 0) + 1
                self.progress.records[name] = self.progress.records.get(name, 0) + len(page or [])
                self.report(f"{name}: page {pages}, {len(records)} records")
                token = body.get("pageToken")
                if not token:
                    yield from records
                    return
                if str(token) in tokens:
                    msg = f"{path}: the server sent the same pageToken twice"
                    raise SyncError(msg)
                tokens.add(str(token))
                query = {"limit": params["limit"], "pageToken": str(token)}
        msg = f"{path}: the page token expired {_RESTARTS + 1} times; giving up"
        raise SyncError(msg)

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any] | None:
        """One page as a JSON object; None when the page token is gone (410)."""
        url = self.server.url.rstrip("/") + path
        for attempt in range(1, self.server.tries + 1):
            try:
                if self.session.token is None:
                    self.session.fetch_token(grant_type="client_credentials")
                response = self.session.get(url, params=params, timeout=self.server.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                failure = f"{type(error).__name__}"
            else:
                if response.status_code == _GONE:
                    return None
                if response.status_code == _UNAUTHORISED and attempt < self.server.tries:
                    self.session.token = None  # revoked or expired early: sign in again
                    failure = "401"
                elif response.status_code >= _SERVER_ERROR:
                    failure = str(response.status_code)
                elif response.ok:
                    return _object(path, response)
                else:
                    status, text = response.status_code, response.text[:200]
                    msg = f"{path}: the server answered {status}: {text}"
                    raise SyncError(msg)
            if attempt == self.server.tries:
                msg = f"{path}: {failure} after {attempt} tries"
                raise SyncError(msg)
            self.progress.retries += 1
            self.sleep(min(30.0, 0.5 * 2 ** (attempt - 1)))
        raise AssertionError  # the loop returns or raises


def _object(path: str, response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        msg = f"{path}: the server's answer is not JSON"
        raise SyncError(msg) from None
    if not isinstance(body, dict):
        msg = f"{path}: the server's answer is not a JSON object"
        raise SyncError(msg)
    return body


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
