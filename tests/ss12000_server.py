"""An SS 12000 API server for the tests, written from the 2.1.0 specification.

    python -m tests.ss12000_server --port 8765 --root DIR

It serves the collections in `DIR/<collection>.json` (`{"data": [...]}`,
as `core.importers.demo.write_dataset` writes them) under `/v2.0/`, as an
SS 12000 server does: OAuth2 client credentials at `POST /token` (client
secret in HTTP Basic or in the form), bearer tokens on every request,
pages by `limit` and an opaque `pageToken` (which, as the specification
says, carries the query: it is sent alone), `meta.modified.after`,
`organisation` on groups, duties, activities and placements, persons by
`relationship.entity.type` and `relationship.organisation`, and
`/deletedEntities?after=`. Faults come from `DIR/control.json`, read again
whenever it changes (its counters start afresh):

    {"clients": {"id": "secret"},     accepted client credentials
     "token_requests": 0,             API requests a token serves before 401 (0: no limit)
     "token_seconds": 3600,           expires_in of a token
     "fail": {"/v2.0/groups": 2},     the next N requests to a path answer 503
     "expire_page_tokens": 1,         the next N page tokens presented answer 410 Gone
     "deleted": {"groups": [{"id": "...", "at": "2026-...Z"}]},
     "modified": "2026-01-01T00:00:00Z"}   meta.modified of records without meta

`GET /_log` answers the requests served so far (method and path), for the
tests to pin how the client behaved. Standard library only: a peer, not
part of the service.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

COLLECTIONS = (
    "organisations",
    "syllabuses",
    "persons",
    "groups",
    "placements",
    "duties",
    "activities",
)
PREFIX = "/v2.0/"


class State:
    """The server's data and faults, read again when the files change."""

    def __init__(self, root: Path) -> None:
        self.root, self.lock = root, threading.Lock()
        self.stamps: dict[str, float] = {}
        self.data: dict[str, list[dict[str, Any]]] = {}
        self.control: dict[str, Any] = {}
        self.tokens: dict[str, int] = {}  # token -> API requests it has served
        self.expiry: dict[str, dt.datetime] = {}
        self.log: list[str] = []
        self.fail: dict[str, int] = {}
        self.expire_page_tokens = 0

    def refresh(self) -> None:
        """Re-read what changed on disk."""
        for name in (*COLLECTIONS, "control"):
            path = self.root / f"{name}.json"
            stamp = path.stat().st_mtime_ns if path.exists() else 0.0
            if self.stamps.get(name) == stamp:
                continue
            self.stamps[name] = stamp
            body = json.loads(path.read_text("utf-8")) if path.exists() else {}
            if name == "control":
                self.control = body
                self.fail = dict(body.get("fail", {}))
                self.expire_page_tokens = int(body.get("expire_page_tokens", 0))
            else:
                self.data[name] = list(body.get("data", []))


def _modified(record: dict[str, Any], default: str) -> dt.datetime:
    meta = record.get("meta") or {}
    return _instant(meta.get("modified") or default)


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _id(reference: Any) -> Any:
    return reference.get("id") if isinstance(reference, dict) else None


def _encode(cursor: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode()


def _decode(token: str) -> dict[str, Any] | None:
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


class Handler(BaseHTTPRequestHandler):
    """One request to the SS 12000 server."""

    state: State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 -- the base's name
        """Quiet: the tests read `/_log` instead."""

    def do_POST(self) -> None:
        """The token endpoint."""
        with self.state.lock:
            self.state.refresh()
            self.state.log.append(f"POST {self.path}")
            if urlsplit(self.path).path != "/token":
                self._answer(404, {"message": "no such endpoint"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            client, secret = form.get("client_id"), form.get("client_secret")
            basic = self.headers.get("Authorization", "")
            if basic.startswith("Basic "):
                client, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            clients = self.state.control.get("clients", {})
            if form.get("grant_type") != "client_credentials":
                self._answer(400, {"error": "unsupported_grant_type"})
            elif client not in clients or clients[client] != secret:
                self._answer(401, {"error": "invalid_client"})
            else:
                token, seconds = (
                    secrets.token_urlsafe(24),
                    int(self.state.control.get("token_seconds", 3600)),
                )
                self.state.tokens[token] = 0
                self.state.expiry[token] = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
                self._answer(
                    200, {"access_token": token, "token_type": "Bearer", "expires_in": seconds}
                )

    def do_GET(self) -> None:
        """A collection's page, `/deletedEntities`, or `/_log`."""
        with self.state.lock:
            self.state.refresh()
            url = urlsplit(self.path)
            if url.path == "/_log":
                self._answer(200, {"requests": self.state.log})
                return
            self.state.log.append(f"GET {url.path}")
            if not self._authorised():
                self._answer(401, {"message": "invalid or expired token"})
                return
            if self.state.fail.get(url.path, 0) > 0:
                self.state.fail[url.path] -= 1
                self._answer(503, {"message": "try again later"})
                return
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            name = url.path.removeprefix(PREFIX)
            if name == "deletedEntities":
                self._answer(200, self._deleted(query))
            elif url.path.startswith(PREFIX) and name in COLLECTIONS:
                self._page(name, query)
            else:
                self._answer(404, {"message": "no such endpoint"})

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ")
        if token not in self.state.tokens or dt.datetime.now(dt.UTC) >= self.state.expiry[token]:
            return False
        limit = int(self.state.control.get("token_requests", 0))
        self.state.tokens[token] += 1
        return not limit or self.state.tokens[token] <= limit

    def _page(self, name: str, query: dict[str, str]) -> None:
        limit = max(1, min(int(query.get("limit", 100)), 1000))
        if "pageToken" in query:
            cursor = _decode(query["pageToken"])
            if cursor is None or cursor.get("c") != name:
                self._answer(400, {"message": "pageToken is not valid here"})
                return
            if self.state.expire_page_tokens > 0:
                self.state.expire_page_tokens -= 1
                self._answer(410, {"message": "the page token has expired"})
                return
            offset, filters = int(cursor["o"]), dict(cursor["q"])
        else:
            offset = 0
            filters = {k: v for k, v in query.items() if k not in {"limit", "expand"}}
        records = self._filtered(name, filters)
        page = records[offset : offset + limit]
        more = offset + limit < len(records)
        token = _encode({"c": name, "o": offset + limit, "q": filters}) if more else None
        self._answer(200, {"data": page, "pageToken": token})

    def _filtered(self, name: str, filters: dict[str, str]) -> list[dict[str, Any]]:
        """The collection's records that pass the query's filters, in the file's order."""
        records = self.state.data.get(name, [])
        after = filters.get("meta.modified.after")
        if after:
            default = self.state.control.get("modified", "2000-01-01T00:00:00Z")
            records = [r for r in records if _modified(r, default) > _instant(after)]
        unit = filters.get("organisation")
        if unit:
            field = {"duties": "dutyAt", "placements": "placedAt"}.get(name, "organisation")
            records = [r for r in records if _id(r.get(field)) == unit]
        kind, unit = (
            filters.get("relationship.entity.type"),
            filters.get("relationship.organisation"),
        )
        if name == "persons" and kind and unit:
            related = self._related(kind, unit)
            records = [r for r in records if r.get("id") in related]
        return records

    def _related(self, kind: str, unit: str) -> set[str]:
        """Ids of the persons tied to `unit` by the relationship `kind`."""
        data = self.state.data
        placements = [p for p in data.get("placements", []) if _id(p.get("placedAt")) == unit]
        enrolled = {
            p["id"]
            for p in data.get("persons", [])
            if any(_id(e.get("enroledAt")) == unit for e in p.get("enrolments") or [])
        }
        placed = {_id(p.get("child")) for p in placements}
        found: dict[str, set[str]] = {
            "enrolment": enrolled,
            "placement.child": placed,
            "placement.owner": {_id(o) for p in placements for o in p.get("owners") or []},
            "duty": {
                _id(d.get("person"))
                for d in data.get("duties", [])
                if _id(d.get("dutyAt")) == unit
            },
            "groupMembership": {
                _id(m.get("person"))
                for g in data.get("groups", [])
                if _id(g.get("organisation")) == unit
                for m in g.get("groupMemberships") or []
            },
        }
        for relation, children in (("enrolment", enrolled), ("placement", placed)):
            found[f"responsibleFor.{relation}"] = {
                _id(r.get("person"))
                for p in data.get("persons", [])
                if p["id"] in children
                for r in p.get("responsibles") or []
            }
        return {i for i in found.get(kind, set()) if i}

    def _deleted(self, query: dict[str, str]) -> dict[str, Any]:
        after = _instant(query["after"]) if "after" in query else None
        found: dict[str, list[str]] = {}
        for name, items in self.state.control.get("deleted", {}).items():
            found[name] = [i["id"] for i in items if after is None or _instant(i["at"]) > after]
        return {"data": found, "pageToken": None}

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", type=Path, required=True)
    args = parser.parse_args()
    Handler.state = State(args.root)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on 127.0.0.1:{args.port}", flush=True)  # noqa: T201 -- the tests wait for it
    server.serve_forever()


if __name__ == "__main__":
    main()
