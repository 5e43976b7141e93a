"""Real server processes for end-to-end tests: Daphne on loopback over a demo database.

Each run gets its own database (a SQLite file, or a fresh PostgreSQL
database when DATABASE_URL points at PostgreSQL) filled by `demo_data`,
and talks to the servers only over HTTP and websockets, as users do.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from core.importers.client import Server

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-lösen"
# Demo accounts (see `manage.py demo_data`): Karin is Hugo's guardian, Linnea
# teaches Hugo's class 6A, Göran is the guardian of a preschool child elsewhere.
GUARDIAN = "karin.hagg1@vh.exempelby.example.com"
TEACHER = "linnea.nystrom1@exempelby.example.com"
STRANGER = "goran.sjoberg1@vh.exempelby.example.com"
_START_TIMEOUT = 30.0


def require(present: bool, what: str) -> None:
    """Skip a test whose outside tool is missing here; fail it in CI, which installs it."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing, though .ci/run installs it")
    pytest.skip(f"needs {what} (.ci/run installs it)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@contextmanager
def demo_database(tmp_path: Path, pupils: int = 30) -> Iterator[dict[str, str]]:
    """The environment of servers sharing one fresh demo database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings", "DEBUG": "1"}
    base = os.environ.get("DATABASE_URL", "")
    name = f"skolsidan_e2e_{uuid.uuid4().hex[:8]}"
    if base.startswith("postgres"):
        env["DATABASE_URL"] = _postgres(base, name, create=True)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "demo_data", "--pupils", str(pupils), "--password", PASSWORD)
        yield env
    finally:
        if base.startswith("postgres"):
            _postgres(base, name, create=False)


def _postgres(base: str, name: str, *, create: bool) -> str:
    import psycopg  # noqa: PLC0415 - only on the PostgreSQL path

    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        statement = "CREATE DATABASE" if create else "DROP DATABASE IF EXISTS"
        connection.execute(f'{statement} "{name}"')  # name is ours, not input
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def daphne(env: dict[str, str], port: int | None = None) -> Iterator[str]:
    """One Daphne process on a loopback port (a free one by default); yields host:port."""
    port = port or free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "project.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
    )
    base = f"127.0.0.1:{port}"
    try:
        _wait_for(f"http://{base}/healthz", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback only
        except OSError:
            time.sleep(0.2)
        else:
            return
    pytest.fail(f"{url} did not answer within {_START_TIMEOUT}s")


def closed_with(socket: ClientConnection, timeout: float = 1.0) -> int:
    """The close code the server sends within `timeout` seconds.

    Daphne sends the code alone: its close frame has no reason.
    """
    deadline = time.monotonic() + timeout
    try:
        while True:  # a message already on its way may come first
            socket.recv(timeout=max(deadline - time.monotonic(), 0.01))
    except ConnectionClosed as closed:
        frame = closed.rcvd
    assert frame is not None, "closed without a close frame"
    return frame.code


@contextmanager
def socket_on(
    base: str, token: str | None = None, cookie: str | None = None
) -> Iterator[ClientConnection]:
    headers = {"Cookie": cookie} if cookie else None
    with connect(
        f"ws://{base}/graphql/",
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers=headers,
        open_timeout=10,
    ) as socket:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        yield socket


def civic_no_of(env: dict[str, str], username: str) -> str:
    """The personal identity number of a demo account's person."""
    code = (
        "from core.models import User; "
        f"print(User.objects.get(username={username!r}).person.civic_no)"
    )
    return _manage(env, "shell", "-c", code).strip().splitlines()[-1]


def token_for(env: dict[str, str], username: str) -> str:
    """A bearer token of a demo account."""
    return _manage(env, "token_create", username).strip().splitlines()[-1]


def graphql(
    base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> dict[str, Any]:
    """POST a GraphQL request to a server (bearer token, no cookies)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"http://{base}/graphql/",
        headers=headers,
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        body: dict[str, Any] = json.loads(response.read())
    return body


def accept_terms(base: str, token: str) -> None:
    """Accept the current terms for the token's user."""
    body = graphql(base, "{ me { settings { currentTermsVersion } } }", token=token)
    version = body["data"]["me"]["settings"]["currentTermsVersion"]
    graphql(
        base,
        "mutation($v: String!) { termsAccept(input: {version: $v}) { errors { code } } }",
        {"v": version},
        token,
    )


def pupil_id(base: str, token: str, name: str) -> str:
    """The global id of a pupil the token's user can see, by full name."""
    body = graphql(base, "{ pupils(first: 100) { edges { node { id name } } } }", token=token)
    edges = body["data"]["pupils"]["edges"]
    return str(next(e["node"]["id"] for e in edges if e["node"]["name"] == name))


def write_log_entry(base: str, token: str, pupil: str, text: str) -> dict[str, Any]:
    """The teacher writes in the pupil's learning log (a change the guardian is told of)."""
    return graphql(
        base,
        "mutation($i: LearningLogEntryCreateInput!) { learningLogEntryCreate(input: $i) "
        "{ errors { code message } } }",
        {"i": {"pupilId": pupil, "text": text}},
        token,
    )


@contextmanager
def peer_process(command: list[str], ready: str, what: str, url: str) -> Iterator[str]:
    """A peer server process started by `command`; yields `url` once it prints `ready`."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter or node, our own scripts
        command, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith(ready):
            pytest.fail(f"{what} did not start: {line!r}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def ss12000_server(root: Path) -> Iterator[str]:
    """The SS 12000 API server of `tests.ss12000_server` over `root`; yields its base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "tests.ss12000_server",
        "--port",
        str(port),
        "--root",
        str(root),
    ]
    with peer_process(
        command, "listening", "the SS 12000 server", f"http://127.0.0.1:{port}"
    ) as url:
        yield url


# The sync tests' client of `tests.ss12000_server`.
CLIENT, SECRET = "skolsidan-sync", "not-a-real-secret"


class Peer:
    """The server's folder: its collections and its faults."""

    def __init__(self, root: Path, url: str) -> None:
        self.root, self.url = root, url

    def serve(self, data: dict[str, list[dict[str, Any]]]) -> None:
        for name, records in data.items():
            self._write(name, {"data": records})

    def control(self, **faults: Any) -> None:
        self._write("control", {"clients": {CLIENT: SECRET}, **faults})

    def server(self, page_size: int = 2) -> Server:
        return Server(
            url=f"{self.url}/v2.0",
            token_url=f"{self.url}/token",
            client_id=CLIENT,
            client_secret=SECRET,
            page_size=page_size,
            timeout=10,
            tries=3,
        )

    def log(self) -> list[str]:
        with urllib.request.urlopen(f"{self.url}/_log", timeout=10) as answer:  # noqa: S310 - loopback
            return list(json.load(answer)["requests"])

    def _write(self, name: str, body: dict[str, Any]) -> None:
        path = self.root / f"{name}.json"
        path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        time.sleep(0.01)  # a new mtime for the server to see


def no_wait(_: float) -> None:
    """A sleep that does not: retries back off at once in tests."""


# The test OpenID provider (tests/oidc/provider.mjs, npm `oidc-provider`).
OIDC = ROOT / "tests" / "oidc"
OIDC_SECRET = "a-test-secret-of-the-relying-party"
SWEDEN_CONNECT_SCOPES = "openid https://id.oidc.se/scope/naturalPersonNumber"


def require_node(folder: Path, package: str, what: str) -> str:
    """The node binary, once `package` is installed in `folder` (else skip, or fail in CI)."""
    node = shutil.which("node")
    require(node is not None, "Node.js 20 or later")
    require((folder / "node_modules" / package).is_dir(), f"{what} (`npm ci --prefix {folder}`)")
    assert node is not None
    return node


def require_oidc_provider() -> str:
    """The node binary, once the test provider's packages are installed."""
    return require_node(OIDC, "oidc-provider", "the test provider's packages")


def oidc_client(client_id: str, *bases: str, backchannel: str | None = None) -> dict[str, Any]:
    """A client registration for the provider, redirecting to each of `bases`."""
    client: dict[str, Any] = {
        "client_id": client_id,
        "client_secret": OIDC_SECRET,
        "redirect_uris": [f"{base}/login/oidc/{client_id}/callback" for base in bases],
        "post_logout_redirect_uris": [f"{base}/" for base in bases],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }
    if backchannel:
        client["backchannel_logout_uri"] = backchannel
        client["backchannel_logout_session_required"] = True
    return client


@contextmanager
def oidc_provider(
    port: int, clients: list[dict[str, Any]], kid: str = "key-1", id_token_ttl: int = 600
) -> Iterator[str]:
    """The test OpenID provider on `port` with `clients`, signing with a new key `kid`."""
    node = require_oidc_provider()
    command = [
        node,
        str(OIDC / "provider.mjs"),
        "--port",
        str(port),
        "--kid",
        kid,
        "--clients",
        json.dumps(clients),
        "--id-token-ttl",
        str(id_token_ttl),
    ]
    with peer_process(command, "ready", "the OpenID provider", f"http://127.0.0.1:{port}") as url:
        yield url


def oidc_settings(issuer: str, *names: str) -> list[dict[str, Any]]:
    """OIDC_PROVIDERS for the test provider: `eid` for families, `kommun` for staff."""
    known = {
        "eid": {
            "name": "eid",
            "label": "BankID (test)",
            "audience": "families",
            "scopes": SWEDEN_CONNECT_SCOPES,
        },
        "kommun": {
            "name": "kommun",
            "label": "Kommunens inloggning (test)",
            "audience": "staff",
            "scopes": "openid eduperson",
            "eppn_claim": "eduPersonPrincipalName",
        },
    }
    return [
        {**known[name], "issuer": issuer, "client_id": name, "client_secret": OIDC_SECRET}
        for name in names
    ]


def require_xmlsec() -> str:
    """The xmlsec1 program SAML signs with (else skip, or fail in CI, which installs it)."""
    xmlsec = shutil.which("xmlsec1")
    require(xmlsec is not None, "the xmlsec1 program (Debian package xmlsec1)")
    assert xmlsec is not None
    return xmlsec


def self_signed(folder: Path, name: str) -> tuple[str, str]:
    """A new RSA key and a self-signed certificate for `name`, as PEM files; their paths."""
    from cryptography import x509  # noqa: PLC0415 - only the SAML tests need it
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


@contextmanager
def saml_idp(port: int, config: dict[str, Any], folder: Path) -> Iterator[str]:
    """The test SAML IdP (`tests.saml_idp`) on `port` with `config`; yields its base URL."""
    path = folder / "idp.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    command = [sys.executable, "-m", "tests.saml_idp", "--port", str(port), "--config", str(path)]
    with peer_process(command, "ready", "the SAML IdP", f"http://127.0.0.1:{port}") as url:
        yield url
