"""OpenID Connect relying party: the providers in settings, their keys, and the token checks.

Authorization code flow with PKCE (S256), `state` and `nonce`
(`authorization_url`, `exchange`). The ID token is verified against the
provider's published keys (`jwks_uri`); a key id not seen before fetches the
keys again, at most once every `_KEY_REFRESH_SECONDS`, so a provider can
rotate its keys. `iss`, `aud`, `azp`, `exp`, `iat` and `nonce` are checked
with a bounded clock skew (`leeway`), and a nonce is accepted once
(`verify_id_token`). Back-channel logout tokens are verified as OpenID
Connect Back-Channel Logout 1.0 asks (`verify_logout_token`).

HTTP goes through authlib's OAuth2 session (the code exchange) and
requests; JOSE through joserfc. Discovery documents and keys are kept per
process for `_METADATA_SECONDS`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from core.services.signin import EVERYONE, FAMILIES, STAFF
from permissions.assurance import STRONG, Assurance

# Sweden Connect's OIDC profile: the identity number's claim and the levels of assurance.
PERSONAL_IDENTITY_NUMBER = "https://id.oidc.se/claim/personalIdentityNumber"
SWEDEN_CONNECT_ACR = {
    "http://id.elegnamnden.se/loa/1.0/loa1": 1,
    "http://id.elegnamnden.se/loa/1.0/loa2": 2,
    "http://id.elegnamnden.se/loa/1.0/loa3": 3,
    "http://id.elegnamnden.se/loa/1.0/loa4": 4,
    "http://id.elegnamnden.se/loa/1.0/eidas-sub": 3,
    "http://id.elegnamnden.se/loa/1.0/eidas-high": 4,
    "http://id.swedenconnect.se/loa/1.0/uncertified-loa3": 3,
}
AUDIENCES = (FAMILIES, STAFF, EVERYONE)
ALGORITHMS = ["RS256", "PS256", "ES256"]
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
MAX_LEEWAY = 300  # the clock skew allowed is bounded: five minutes at most
LOGOUT_TOKEN_SECONDS = 120  # how old a back-channel logout token may be
_METADATA_SECONDS = 3600
_KEY_REFRESH_SECONDS = 10
_TIMEOUT = 10


class LoginFailed(Exception):  # noqa: N818 - the name says what the user is told
    """A sign-in that cannot complete; `reason` is for the log, never shown with secrets."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    """One identity provider (or broker), as configured in `OIDC_PROVIDERS`."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    label: str = "E-legitimation"
    audience: str = FAMILIES
    scopes: str = "openid"
    identity_claim: str = PERSONAL_IDENTITY_NUMBER
    eppn_claim: str = ""
    acr_levels: Mapping[str, int] = field(default_factory=lambda: dict(SWEDEN_CONNECT_ACR))
    acr_values: tuple[str, ...] = ()
    leeway: int = 60
    extra: Mapping[str, str] = field(default_factory=dict)

    def level(self, acr: object) -> Assurance:
        """The level an `acr` value stands for here; LOW when unknown, missing or not text."""
        if acr is not None and not isinstance(acr, str):
            return Assurance.LOW
        return Assurance(self.acr_levels.get(acr or "", Assurance.LOW))

    @property
    def requested_acr(self) -> tuple[str, ...]:
        """The acr values asked for: the configured ones, else every strong one."""
        if self.acr_values:
            return self.acr_values
        return tuple(acr for acr, level in self.acr_levels.items() if level >= STRONG)


_FIELDS = set(Provider.__dataclass_fields__)


def provider_from(config: Mapping[str, Any]) -> Provider:
    """A Provider from one entry of `OIDC_PROVIDERS`; ValueError naming what is wrong."""
    unknown = set(config) - _FIELDS
    if unknown:
        msg = f"OIDC provider {config.get('name')!r}: unknown keys {sorted(unknown)}"
        raise ValueError(msg)
    missing = {"name", "issuer", "client_id", "client_secret"} - set(config)
    if missing:
        msg = f"OIDC provider {config.get('name')!r}: missing {sorted(missing)}"
        raise ValueError(msg)
    values = dict(config)
    values["issuer"] = str(values["issuer"]).rstrip("/")
    if "acr_values" in values:
        values["acr_values"] = tuple(values["acr_values"])
    provider = Provider(**values)
    if provider.audience not in AUDIENCES:
        msg = f"OIDC provider {provider.name!r}: audience must be one of {AUDIENCES}"
        raise ValueError(msg)
    if not all(
        isinstance(level, int) and Assurance.LOW <= level <= Assurance.HIGH
        for level in provider.acr_levels.values()
    ):
        msg = f"OIDC provider {provider.name!r}: acr_levels must be levels 1 to 4"
        raise ValueError(msg)
    if not 0 <= provider.leeway <= MAX_LEEWAY:
        msg = f"OIDC provider {provider.name!r}: leeway must be 0 to {MAX_LEEWAY} seconds"
        raise ValueError(msg)
    return provider


def providers() -> dict[str, Provider]:
    """The configured providers by name, in the order of the settings."""
    return {p.name: p for p in (provider_from(c) for c in settings.OIDC_PROVIDERS)}


def check_providers() -> None:
    """Fail at start, naming the problem, when `OIDC_PROVIDERS` cannot be used."""
    try:
        found = [provider_from(config) for config in settings.OIDC_PROVIDERS]
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS: {error}") from None
    names = [p.name for p in found]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS: a name is used twice in {names}")
    if any(not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) for name in names):
        raise ImproperlyConfigured(f"OIDC_PROVIDERS: names must be lower-case slugs: {names}")


def provider(name: str) -> Provider | None:
    """One provider by name, or None."""
    return providers().get(name)


class _Store:
    """Discovery documents and key sets per issuer, for this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.metadata: dict[str, tuple[float, dict[str, Any]]] = {}
        self.keys: dict[str, tuple[float, KeySet]] = {}
        self.refreshed: dict[str, float] = {}

    def clear(self) -> None:
        with self.lock:
            self.metadata.clear()
            self.keys.clear()
            self.refreshed.clear()


_store = _Store()


def forget_providers() -> None:
    """Drop the cached discovery documents and keys (tests, a changed setting)."""
    _store.clear()


def _get_json(url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=_TIMEOUT, **kwargs)
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise LoginFailed(f"{url} did not answer usably: {error}") from error
    if not isinstance(body, dict):
        raise LoginFailed(f"{url} did not answer with a JSON object")
    return body


def metadata(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document; its `issuer` must be the configured one."""
    now = time.monotonic()
    with _store.lock:
        held = _store.metadata.get(provider.issuer)
    if held is not None and now - held[0] < _METADATA_SECONDS:
        return held[1]
    document = _get_json(f"{provider.issuer}/.well-known/openid-configuration")
    if str(document.get("issuer", "")).rstrip("/") != provider.issuer:
        raise LoginFailed(f"the discovery document names issuer {document.get('issuer')!r}")
    with _store.lock:
        _store.metadata[provider.issuer] = (now, document)
    return document


def _key_set(provider: Provider, *, refresh: bool = False) -> KeySet:
    """The provider's keys; `refresh` fetches them again, at most every few seconds.

    A token with a key id not among the keys held asks for a refresh: the
    provider has rotated its keys. The limit keeps forged key ids from making
    every request a fetch.
    """
    now = time.monotonic()
    with _store.lock:
        held = _store.keys.get(provider.issuer)
        last_refresh = _store.refreshed.get(provider.issuer, -_KEY_REFRESH_SECONDS)
    if held is not None:
        if not refresh and now - held[0] < _METADATA_SECONDS:
            return held[1]
        if refresh and now - last_refresh < _KEY_REFRESH_SECONDS:
            return held[1]
    keys = KeySet.import_key_set(_get_json(metadata(provider)["jwks_uri"]))  # type: ignore[arg-type]
    with _store.lock:
        _store.keys[provider.issuer] = (now, keys)
        if refresh:
            _store.refreshed[provider.issuer] = now
    return keys


def _header(token: str) -> dict[str, Any]:
    try:
        encoded = token.split(".", maxsplit=1)[0]
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, IndexError) as error:
        raise LoginFailed("the token is not a JWS") from error
    if not isinstance(header, dict):
        raise LoginFailed("the token's header is not an object")
    return header


def _has_kid(keys: KeySet, kid: str | None) -> bool:
    return kid is None or any(key.kid == kid for key in keys.keys)


def _decode(provider: Provider, token: str) -> dict[str, Any]:
    """The claims of a token signed by one of the provider's keys; a new key id refreshes them."""
    header = _header(token)
    if header.get("alg") not in ALGORITHMS:
        raise LoginFailed(f"the token is signed with {header.get('alg')!r}")
    keys = _key_set(provider)
    if not _has_kid(keys, header.get("kid")):
        keys = _key_set(provider, refresh=True)  # the provider may have rotated its keys
    try:
        return dict(jwt.decode(token, keys, algorithms=ALGORITHMS).claims)
    except (JoseError, ValueError) as error:
        raise LoginFailed(f"the token's signature does not hold: {error}") from error


def _validate(
    provider: Provider, claims: dict[str, Any], now: Callable[[], int] | None, **options: Any
) -> None:
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=provider.leeway,
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id},
        iat={"essential": True},
        **options,
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise LoginFailed(f"the token's claims do not hold: {error}") from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise LoginFailed("the token is for several audiences but not authorized for us")
    issued = int(claims["iat"])
    current = int(now() if now is not None else time.time())
    if issued > current + provider.leeway:
        raise LoginFailed("the token is issued in the future")


def verify_id_token(
    provider: Provider, token: str, *, nonce: str, now: Callable[[], int] | None = None
) -> dict[str, Any]:
    """The claims of a valid ID token for us, whose nonce is `nonce` and not seen before."""
    claims = _decode(provider, token)
    _validate(
        provider,
        claims,
        now,
        exp={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    # A nonce is good once: a token replayed into another sign-in is refused.
    lifetime = max(int(claims["exp"]) - int(time.time()), 0) + provider.leeway
    if not cache.add(f"oidc-nonce:{provider.name}:{_hash(nonce)}", 1, timeout=lifetime or 1):
        raise LoginFailed("the nonce was used before")
    return claims


def verify_logout_token(
    provider: Provider, token: str, *, now: Callable[[], int] | None = None
) -> dict[str, Any]:
    """The claims of a valid back-channel logout token (sub or sid, the event, no nonce).

    A logout token is news of a logout now: one issued more than
    `LOGOUT_TOKEN_SECONDS` (plus the leeway) ago is refused, and its `jti`
    is remembered for longer than that, so a captured token cannot end the
    person's later sessions.
    """
    claims = _decode(provider, token)
    _validate(provider, claims, now, exp={"essential": False}, jti={"essential": True})
    current = int(now() if now is not None else time.time())
    if int(claims["iat"]) < current - LOGOUT_TOKEN_SECONDS - provider.leeway:
        raise LoginFailed("the logout token is too old")
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
        raise LoginFailed("the logout token names no back-channel logout event")
    if "nonce" in claims:
        raise LoginFailed("a logout token must not carry a nonce")
    if not claims.get("sid") and not claims.get("sub"):
        raise LoginFailed("the logout token names neither sid nor sub")
    remembered = LOGOUT_TOKEN_SECONDS + 3 * provider.leeway
    if not cache.add(f"oidc-logout:{provider.name}:{_hash(str(claims['jti']))}", 1, remembered):
        raise LoginFailed("the logout token was used before")
    return claims


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Pending:
    """What a sign-in remembers between leaving for the provider and coming back."""

    provider: str
    state: str
    nonce: str
    verifier: str
    next: str
    started: float


def _session(provider: Provider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope=provider.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method's name
    )


def authorization_url(
    provider: Provider, redirect_uri: str, next_url: str, *, prompt: str | None = None
) -> tuple[str, Pending]:
    """Where to send the browser, and what to remember for its return."""
    pending = Pending(
        provider=provider.name,
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),
        next=next_url,
        started=time.time(),
    )
    extra: dict[str, str] = dict(provider.extra)
    if provider.requested_acr:
        extra["acr_values"] = " ".join(provider.requested_acr)
    if prompt:
        extra["prompt"] = prompt
    url, _ = _session(provider, redirect_uri).create_authorization_url(
        metadata(provider)["authorization_endpoint"],
        state=pending.state,
        nonce=pending.nonce,
        code_verifier=pending.verifier,
        **extra,
    )
    return url, pending


def exchange(
    provider: Provider, redirect_uri: str, pending: Pending, code: str
) -> tuple[dict[str, Any], str]:
    """Redeem the code (with the PKCE verifier); the ID token's checked claims and the token."""
    try:
        tokens = _session(provider, redirect_uri).fetch_token(
            metadata(provider)["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending.verifier,
            timeout=_TIMEOUT,
        )
    except Exception as error:  # authlib raises its own errors and requests'
        raise LoginFailed(f"the code was not redeemed: {error}") from error
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise LoginFailed("the token response holds no ID token")
    claims = verify_id_token(provider, id_token, nonce=pending.nonce)
    wanted = [provider.identity_claim, provider.eppn_claim]
    if not any(claims.get(name) for name in wanted if name):
        info = _userinfo(provider, str(tokens.get("access_token", "")))
        if info and info.get("sub") != claims["sub"]:
            raise LoginFailed("the userinfo answer is about another subject")
        claims = {**info, **claims}
    return claims, id_token


def _userinfo(provider: Provider, access_token: str) -> dict[str, Any]:
    endpoint = metadata(provider).get("userinfo_endpoint")
    if not endpoint or not access_token:
        return {}
    return _get_json(str(endpoint), headers={"Authorization": f"Bearer {access_token}"})


def logout_url(provider: Provider, id_token: str, after: str) -> str | None:
    """The provider's end-session URL for RP-initiated logout, if it has one."""
    endpoint = metadata(provider).get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": after,
            "client_id": provider.client_id,
        }
    )
    return f"{endpoint}?{query}"
