"""A SAML 2 identity provider for the tests: pysaml2's own IdP on loopback.

    python -m tests.saml_idp --port 8200 --config idp.json

It reads the service provider's metadata (in the config), takes a signed
HTTP-Redirect AuthnRequest at `/sso/redirect`, shows a sign-in form (a
staff member's eduPersonPrincipalName or identity number and a level of
assurance, in place of a real login), and answers with a signed Response
in an HTTP-POST form, as a Skolfederation IdP does. It prints "ready" once
it listens.
"""

from __future__ import annotations

import argparse
import json
import secrets
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server

LOA = "http://id.elegnamnden.se/loa/1.0/"
PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def idp_settings(base: str, key: str, cert: str, xmlsec: str) -> dict[str, Any]:
    """The IdP's pysaml2 configuration, without the metadata it trusts."""
    return {
        "entityid": f"{base}/metadata",
        "xmlsec_binary": xmlsec,
        "key_file": key,
        "cert_file": cert,
        "service": {
            "idp": {
                "name": "Testfederationens IdP",
                "endpoints": {
                    "single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {
                    "default": {
                        "lifetime": {"minutes": 15},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                    }
                },
                "want_authn_requests_signed": True,
            }
        },
    }


class _Handler(BaseHTTPRequestHandler):
    idp: Server
    pending: dict[str, tuple[Any, str]] = {}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        del format, args

    def _answer(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path != "/sso/redirect":
            self._answer(404, "not here")
            return
        try:
            request = self.idp.parse_authn_request(
                query["SAMLRequest"],
                BINDING_HTTP_REDIRECT,
                relay_state=query.get("RelayState"),
                sigalg=query.get("SigAlg"),
                signature=query.get("Signature"),
            )
        except Exception as error:  # noqa: BLE001 - the test reads the answer
            self._answer(400, f"bad request: {error}")
            return
        key = secrets.token_urlsafe(12)
        self.pending[key] = (request, query.get("RelayState", ""))
        self._answer(
            200,
            f"""<form method="post" action="/sso/login"><input type="hidden" name="key"
            value="{key}"><input name="eppn"><input name="pnr"><input name="loa">
            <button>Logga in</button></form>""",
        )

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        fields = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        found = self.pending.pop(fields.get("key", ""), None)
        if self.path != "/sso/login" or found is None:
            self._answer(400, "no such sign-in")
            return
        request, relay_state = found
        identity: dict[str, list[str]] = {}
        if fields.get("eppn"):
            identity["eduPersonPrincipalName"] = [fields["eppn"]]
        if fields.get("pnr"):
            identity["personalIdentityNumber"] = [fields["pnr"]]
        loa = fields.get("loa", "loa3")
        args = self.idp.response_args(request.message, [BINDING_HTTP_POST])
        response = self.idp.create_authn_response(
            identity,
            userid=fields.get("eppn") or fields.get("pnr") or "nobody",
            authn={"class_ref": PASSWORD if loa == "password" else f"{LOA}{loa}"},
            sign_assertion=True,
            sign_response=True,
            **args,
        )
        binding = self.idp.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], relay_state, response=True
        )
        self._answer(200, binding["data"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--config", required=True, help="The IdP configuration as JSON.")
    options = parser.parse_args()
    config = IdPConfig().load(json.loads(Path(options.config).read_text(encoding="utf-8")))
    _Handler.idp = Server(config=config)
    server = ThreadingHTTPServer(("127.0.0.1", options.port), _Handler)
    print("ready", flush=True)  # noqa: T201 - the test waits for it
    server.serve_forever()


if __name__ == "__main__":
    main()
