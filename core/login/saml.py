"""Staff sign-in over SAML 2 (Skolfederation), with djangosaml2 on pysaml2.

The service is a SAML service provider: `/saml2/login/` sends the browser to
the identity provider in the federation metadata (`SAML_IDP_METADATA`), and
the signed response comes back to `/saml2/acs/`. There the person is found
in the register as for OpenID Connect (`core.services.signin.account_for`),
by eduPersonPrincipalName or personal identity number, and must hold a staff
role today. The level of assurance is read from the assertion's
AuthnContextClassRef (Sweden Connect's loa URIs, or REFEDS MFA). A refusal
answers the same Swedish page, and nothing is created. Signatures are made
and checked by pysaml2 with the `xmlsec1` program.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from functools import wraps
from typing import Any

import saml2
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from djangosaml2.views import AssertionConsumerServiceView, LoginView, _set_subject_id
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT

from core.login.oidc import SWEDEN_CONNECT_ACR
from core.login.views import FAILED, begin_session
from core.services.signin import STAFF, Identity, SignInRefused, account_for
from permissions.assurance import Assurance, weak

logger = logging.getLogger(__name__)
PROVIDER = "saml"
# AuthnContextClassRef -> level: Sweden Connect's, REFEDS MFA, and a password.
SAML_ACR = {
    **SWEDEN_CONNECT_ACR,
    "https://refeds.org/profile/mfa": 3,
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport": 1,
}
EPPN = "eduPersonPrincipalName"
PERSONAL_IDENTITY_NUMBER = "personalIdentityNumber"  # urn:oid:1.2.752.29.4.13


def enabled() -> bool:
    """Whether SAML sign-in is configured."""
    return bool(settings.SAML_IDP_METADATA)


def sp_settings(base: str) -> dict[str, Any]:
    """The pysaml2 service-provider configuration for a service at `base` (scheme and host)."""
    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        msg = "SAML sign-in needs the xmlsec1 program (Debian: apt install xmlsec1)."
        raise ImproperlyConfigured(msg)
    metadata = settings.SAML_IDP_METADATA
    source: dict[str, list[Any]] = (
        {"remote": [{"url": metadata}]} if "://" in metadata else {"local": [metadata]}
    )
    return {
        "xmlsec_binary": xmlsec,
        "entityid": settings.SAML_ENTITY_ID or f"{base}/saml2/metadata/",
        "metadata": source,
        "key_file": settings.SAML_KEY_FILE,
        "cert_file": settings.SAML_CERT_FILE,
        "encryption_keypairs": [
            {"key_file": settings.SAML_KEY_FILE, "cert_file": settings.SAML_CERT_FILE}
        ],
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Skolsidan",
                "endpoints": {
                    "assertion_consumer_service": [
                        (f"{base}/saml2/acs/", saml2.BINDING_HTTP_POST),
                    ],
                    "single_logout_service": [
                        (f"{base}/saml2/ls/", saml2.BINDING_HTTP_REDIRECT),
                        (f"{base}/saml2/ls/post/", saml2.BINDING_HTTP_POST),
                    ],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT],
                "authn_requests_signed": True,
                "want_response_signed": False,
                "want_assertions_signed": True,
                "allow_unsolicited": False,
                "force_authn": False,
            }
        },
    }


def _base(request: HttpRequest | None) -> str:
    if settings.OIDC_REDIRECT_BASE or request is None:
        return str(settings.OIDC_REDIRECT_BASE)
    return request.build_absolute_uri("/").rstrip("/")


def config_loader(request: HttpRequest | None = None) -> SPConfig:
    """djangosaml2's `SAML_CONFIG_LOADER`: the configuration from the settings above."""
    config = SPConfig()
    config.load(sp_settings(_base(request)))
    return config


def _first(values: Any) -> str:
    if isinstance(values, list | tuple):
        return str(values[0]) if values else ""
    return str(values or "")


def identity_of(session_info: dict[str, Any]) -> Identity:
    """What the assertion vouched for, as the register matching reads it."""
    attributes = session_info.get("ava") or {}
    classes = [info[0] for info in session_info.get("authn_info") or [] if info]
    acr = str(classes[0]) if classes else ""
    name_id = session_info.get("name_id")
    subject = str(getattr(name_id, "text", "") or "")
    return Identity(
        provider=PROVIDER,
        subject=subject,
        audience=STAFF,
        level=Assurance(SAML_ACR.get(acr, Assurance.LOW)),
        acr=acr,
        civic_no=_first(attributes.get(PERSONAL_IDENTITY_NUMBER)),
        eppn=_first(attributes.get(EPPN)),
        sid=_first(session_info.get("session_index")),
    )


class StaffLoginView(LoginView):  # type: ignore[misc]
    """Leave for the IdP, unless already signed in strongly: a password session steps up."""

    def should_prevent_auth(self, request: HttpRequest) -> bool:
        """Only a strong session goes straight on to `next`."""
        return bool(request.user.is_authenticated and not weak(request.user))


class StaffAssertionConsumer(AssertionConsumerServiceView):  # type: ignore[misc]
    """The ACS: a verified assertion signs in the register's member of staff, or nobody."""

    def authenticate_user(
        self,
        request: HttpRequest,
        session_info: dict[str, Any],
        attribute_mapping: Any,
        create_unknown_user: Any,
        assertion_info: Any,
    ) -> Any:
        """The account of the person the assertion names; PermissionDenied otherwise."""
        del attribute_mapping, create_unknown_user, assertion_info
        identity = identity_of(session_info)
        try:
            user = account_for(identity)
        except SignInRefused as refusal:
            logger.info("SAML: sign-in refused: %s", refusal.reason)
            raise PermissionDenied(refusal.message) from None
        begin_session(request, user, identity)
        _set_subject_id(request.saml_session, session_info["name_id"])  # type: ignore[attr-defined]
        return user

    def handle_acs_failure(
        self,
        request: HttpRequest,
        exception: Exception | None = None,
        status: int = 403,
        **kwargs: Any,
    ) -> HttpResponse:
        """The Swedish page of a failed sign-in; a refusal says why."""
        del kwargs
        message = str(exception) if isinstance(exception, PermissionDenied) else FAILED
        logger.info("SAML: sign-in failed: %r", exception)
        return render(request, "login/failed.html", {"message": message}, status=status)


def when_enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`view`, answering 404 while SAML sign-in is not configured."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return guarded
