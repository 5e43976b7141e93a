"""The sign-in pages: choose a way in, go to the identity provider, come back, sign out.

`/login/` lists the configured providers and the password form. A provider's
sign-in starts at `/login/oidc/<name>/` and comes back to its `callback`;
the session then records the level of assurance the provider vouched for
(`permissions.assurance`) and which provider session started it, so that
the provider's back-channel logout (`backchannel-logout`) ends it and its
sockets. `/login/logout/` ends the session here and, for a provider's
session, at the provider too (RP-initiated logout). Failures answer a page
in Swedish and create nothing.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY as USER_KEY
from django.contrib.auth import login, logout
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.events import credentials_changed, session_digest
from core.login import oidc
from core.services.signin import (
    Identity,
    SignInRefused,
    account_for,
    end_federated,
    record_federated,
)
from permissions.assurance import SESSION_KEY

logger = logging.getLogger(__name__)
PENDING_KEY = "_oidc_pending"
FEDERATED_KEY = "_oidc_federated"
MAX_PENDING = 5  # sign-ins started in several tabs at once
PENDING_SECONDS = 600
FAILED = "Inloggningen kunde inte slutföras. Försök igen från början."
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _provider(name: str) -> oidc.Provider:
    found = oidc.provider(name)
    if found is None:
        raise Http404
    return found


def _redirect_uri(request: HttpRequest, provider: oidc.Provider) -> str:
    path = reverse("oidc-callback", args=[provider.name])
    base = settings.OIDC_REDIRECT_BASE
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _next(request: HttpRequest, value: str | None) -> str:
    """`value` if it leads back into this service, else the start page."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return "/"


def _page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "login/failed.html", {"message": message}, status=status)


@never_cache
@require_GET
def login_page(request: HttpRequest) -> HttpResponse:
    """The ways to sign in; `?strong=1` when a pupil's page asked for e-legitimation."""
    context = {
        "providers": list(oidc.providers().values()),
        "saml_label": settings.SAML_LABEL if settings.SAML_IDP_METADATA else "",
        "strong": request.GET.get("strong") == "1",
        "next": _next(request, request.GET.get("next")),
    }
    return render(request, "login/choose.html", context)


@never_cache
@require_GET
def oidc_start(request: HttpRequest, name: str) -> HttpResponse:
    """Leave for the provider, remembering state, nonce and the PKCE verifier."""
    provider = _provider(name)
    try:
        url, pending = oidc.authorization_url(
            provider, _redirect_uri(request, provider), _next(request, request.GET.get("next"))
        )
    except oidc.LoginFailed as error:
        logger.warning("OIDC %s: could not start: %s", name, error.reason)
        return _page(request, "Inloggningstjänsten svarar inte just nu. Försök igen senare.", 502)
    held: dict[str, dict[str, Any]] = request.session.get(PENDING_KEY, {})
    fresh = {k: v for k, v in held.items() if time.time() - v["started"] < PENDING_SECONDS}
    fresh = dict(sorted(fresh.items(), key=lambda item: item[1]["started"])[-(MAX_PENDING - 1) :])
    fresh[pending.state] = pending.__dict__
    request.session[PENDING_KEY] = fresh
    return HttpResponseRedirect(url)


def _take_pending(request: HttpRequest, name: str) -> oidc.Pending | None:
    """The sign-in this return belongs to, used up; None for an unknown or stale state."""
    state = request.GET.get("state", "")
    held: dict[str, dict[str, Any]] = request.session.get(PENDING_KEY, {})
    found = held.pop(state, None)
    request.session[PENDING_KEY] = held
    if found is None or found["provider"] != name:
        return None
    if time.time() - found["started"] >= PENDING_SECONDS:
        return None
    return oidc.Pending(**found)


@never_cache
@require_GET
def oidc_callback(request: HttpRequest, name: str) -> HttpResponse:
    """Back from the provider: check it all, find the person, start the session."""
    provider = _provider(name)
    pending = _take_pending(request, name)
    if pending is None:
        logger.warning("OIDC %s: unknown or used state", name)
        return _page(request, FAILED, 400)
    if "error" in request.GET:
        logger.info("OIDC %s: the provider answered %s", name, request.GET.get("error"))
        return _page(request, "Inloggningen avbröts.", 400)
    try:
        _check_issuer(provider, request.GET.get("iss"))
        claims, id_token = oidc.exchange(
            provider, _redirect_uri(request, provider), pending, request.GET.get("code", "")
        )
    except oidc.LoginFailed as error:
        logger.warning("OIDC %s: %s", name, error.reason)
        return _page(request, FAILED, 400)
    identity = Identity(
        provider=name,
        subject=str(claims["sub"]),
        audience=provider.audience,
        level=provider.level(claims.get("acr")),
        acr=_text(claims.get("acr")),
        civic_no=_text(claims.get(provider.identity_claim)) if provider.identity_claim else "",
        eppn=_text(claims.get(provider.eppn_claim)) if provider.eppn_claim else "",
        sid=_text(claims.get("sid")),
    )
    try:
        user = account_for(identity)
    except SignInRefused as refusal:
        logger.info("OIDC %s: sign-in refused: %s", name, refusal.reason)
        return _page(request, refusal.message, 403)
    begin_session(request, user, identity, federated={"provider": name, "id_token": id_token})
    return HttpResponseRedirect(pending.next)


def _text(value: object) -> str:
    """A claim that should be a string, or empty when it is anything else."""
    return value if isinstance(value, str) else ""


def _check_issuer(provider: oidc.Provider, issuer: str | None) -> None:
    """RFC 9207: the answer names its issuer, which must be ours (when the provider sends it)."""
    if issuer is None:
        if oidc.metadata(provider).get("authorization_response_iss_parameter_supported"):
            raise oidc.LoginFailed("the answer names no issuer, though the provider sends one")
        return
    if issuer.rstrip("/") != provider.issuer:
        raise oidc.LoginFailed(f"the answer is from issuer {issuer}")


def begin_session(
    request: HttpRequest,
    user: Any,
    identity: Identity,
    federated: dict[str, str] | None = None,
) -> None:
    """Sign `user` in at the identity's level, always under a new session key.

    Django's `login` keeps the key when the same user signs in again, as at a
    step-up from a password session; a key someone else may know must not
    become strong, so it is cycled, and sockets on the old key close.
    """
    before = request.session.session_key
    before_user = request.session.get(USER_KEY)
    login(request, user, backend=BACKEND)
    if before is not None and request.session.session_key == before:
        request.session.cycle_key()
    if before is not None and before_user is not None:
        ended, owner = session_digest(before), int(before_user)
        transaction.on_commit(lambda: credentials_changed([owner], ended_session=ended))
    request.session[SESSION_KEY] = int(identity.level)
    if federated is not None:
        request.session[FEDERATED_KEY] = federated
    request.session.save()
    record_federated(user, identity, str(request.session.session_key))


@never_cache
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out here, and at the provider for a session it started."""
    federated = request.session.get(FEDERATED_KEY)
    logout(request)  # the session's sockets close (core.services.credentials)
    after = request.build_absolute_uri("/")
    if federated:
        provider = oidc.provider(federated["provider"])
        try:
            url = oidc.logout_url(provider, federated["id_token"], after) if provider else None
        except oidc.LoginFailed:
            url = None
        if url:
            return HttpResponseRedirect(url)
    return HttpResponseRedirect("/")


@csrf_exempt  # the provider posts it server to server, with a signed token
@never_cache
@require_POST
def backchannel_logout(request: HttpRequest, name: str) -> HttpResponse:
    """OpenID Connect Back-Channel Logout: the provider's session ended; end ours."""
    provider = _provider(name)
    token = request.POST.get("logout_token")
    if not token:
        return HttpResponse(status=400)
    try:
        claims = oidc.verify_logout_token(provider, token)
    except oidc.LoginFailed as error:
        logger.warning("OIDC %s: back-channel logout refused: %s", name, error.reason)
        return HttpResponse(status=400)
    ended = end_federated(
        name, sid=str(claims.get("sid") or ""), subject=str(claims.get("sub") or "")
    )
    logger.info("OIDC %s: back-channel logout ended %d sessions", name, ended)
    return HttpResponse(status=200)
