"""Signing in with e-legitimation through a real OpenID provider on loopback.

The provider is the npm `oidc-provider` (tests/oidc/provider.mjs); the
service is Django in this process. Every check of the relying party runs
against tokens the provider really issued: the code flow with PKCE, state,
the nonce, the signature and its key, the clock.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY as USER_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from core.events import session_digest
from core.login import oidc
from core.login.views import FEDERATED_KEY
from core.models import ApiToken, FederatedSignIn, Person, User
from core.services.signin import NO_ROLE, UNKNOWN, WRONG_DOOR
from permissions.assurance import SESSION_KEY, Assurance
from tests.factories import GuardianshipFactory, PersonFactory, civic_no
from tests.graphql import client_for, over_http
from tests.login.conftest import SERVICE
from tests.servers import free_port, oidc_client, oidc_provider, oidc_settings
from tests.signin import Browser

pytestmark = pytest.mark.django_db

PLAN_QUERY = "query($id: ID!) { node(id: $id) { ... on DevelopmentPlan { term } } }"


def number(user: User) -> str:
    assert user.person is not None
    assert user.person.civic_no
    return user.person.civic_no


def plan_seen(client: Client, work) -> dict[str, Any]:
    body: dict[str, Any] = over_http(
        client, PLAN_QUERY, {"id": work.gid(work.plan, "DevelopmentPlan")}
    ).json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def test_a_guardian_signs_in_with_e_legitimation_and_reads_the_childs_plan(providers, work):
    # given
    karin = work.cast["guardian"]
    browser = Browser(client=Client())

    # when
    answer = browser.sign_in("eid", next_url="/#plan", pnr=number(karin), loa="loa3")

    # then
    session = browser.django.session
    assert (answer.status_code, answer["Location"]) == (302, "/#plan")
    assert (int(session[USER_KEY]), session[SESSION_KEY]) == (karin.pk, 3)
    assert plan_seen(browser.django, work) == {"data": {"node": {"term": work.plan.term}}}
    [record] = FederatedSignIn.objects.all()
    assert (record.user_id, record.provider, record.assurance, record.session_key) == (
        karin.pk,
        "eid",
        3,
        session.session_key,
    )
    assert record.acr == "http://id.elegnamnden.se/loa/1.0/loa3"


def test_the_first_sign_in_creates_the_account_and_the_next_one_finds_it(providers, cast):
    # given: a guardian of Alva's in the register, with no account here
    person = PersonFactory(given_name="Gustav", family_name="Ny")
    GuardianshipFactory(pupil=cast.alva, guardian=person)
    accounts = User.objects.count()

    # when
    first = Browser(client=Client()).sign_in("eid", pnr=person.civic_no, loa="loa4")
    second_browser = Browser(client=Client())
    second = second_browser.sign_in("eid", pnr=person.civic_no, loa="loa3")

    # then
    user = User.objects.get(person=person)
    assert (first.status_code, second.status_code) == (302, 302)
    assert User.objects.count() == accounts + 1
    assert (user.has_usable_password(), user.first_name, user.last_name) == (
        False,
        "Gustav",
        "Ny",
    )
    assert int(second_browser.django.session[USER_KEY]) == user.pk


def test_a_person_with_a_password_account_keeps_that_one_account(providers, cast):
    # given
    karin = cast["guardian"]
    accounts = User.objects.count()

    # when
    Browser(client=Client()).sign_in("eid", pnr=number(karin), loa="loa3")

    # then
    assert User.objects.count() == accounts
    assert User.objects.get(person=karin.person).pk == karin.pk


@pytest.mark.parametrize(
    ("who", "message"),
    [("unknown", UNKNOWN), ("stranger", NO_ROLE)],
)
def test_nobody_the_register_knows_today_gets_a_page_in_swedish_and_nothing(
    providers, cast, who, message
):
    # given
    pnr = civic_no(dt.date(1979, 5, 17), 41) if who == "unknown" else number(cast[who])
    accounts, people = User.objects.count(), Person.objects.count()

    # when
    answer = Browser(client=Client()).sign_in("eid", pnr=pnr, loa="loa3")

    # then
    assert answer.status_code == 403
    assert message in answer.content.decode()
    assert '<html lang="sv">' in answer.content.decode()
    assert (User.objects.count(), Person.objects.count()) == (accounts, people)
    assert FederatedSignIn.objects.count() == 0


def test_a_person_whose_roles_ended_is_not_let_in(providers, cast):
    # given: Alva's guardian whose guardianship ended yesterday
    person = PersonFactory()
    GuardianshipFactory(
        pupil=cast.alva,
        guardian=person,
        start_date=dt.date(2020, 1, 1),
        end_date=timezone.localdate() - dt.timedelta(days=1),
    )

    # when
    answer = Browser(client=Client()).sign_in("eid", pnr=person.civic_no, loa="loa3")

    # then
    assert (answer.status_code, NO_ROLE in answer.content.decode()) == (403, True)
    assert not User.objects.filter(person=person).exists()


def test_staff_sign_in_with_the_municipalitys_provider_by_principal_name(providers, cast):
    # given
    teacher = cast["teacher"]
    browser = Browser(client=Client())

    # when
    answer = browser.sign_in("kommun", eppn=teacher.username, loa="loa3")

    # then
    assert answer.status_code == 302
    assert int(browser.django.session[USER_KEY]) == teacher.pk


def test_each_provider_is_for_the_roles_it_is_configured_for(providers, cast):
    # when: a guardian at the staff door, a teacher at the families' door
    guardian = Browser(client=Client()).sign_in("kommun", eppn=cast["guardian"].username)
    teacher = Browser(client=Client()).sign_in("eid", pnr=number(cast["teacher"]), loa="loa3")

    # then
    assert (guardian.status_code, teacher.status_code) == (403, 403)
    assert WRONG_DOOR in teacher.content.decode()
    assert WRONG_DOOR in guardian.content.decode()


def test_a_return_with_a_wrong_state_signs_nobody_in(providers, cast):
    # given
    browser = Browser(client=Client())
    back = browser.at_provider(browser.start("eid"), pnr=number(cast["guardian"]), loa="loa3")
    query = parse_qs(urlsplit(back).query)

    # when
    forged = browser.get("/login/oidc/eid/callback", code=query["code"][0], state="not-the-state")
    unstarted = Browser(client=Client()).back(back)  # another browser, with the real state

    # then
    assert (forged.status_code, unstarted.status_code) == (400, 400)
    assert USER_KEY not in browser.django.session
    assert "Inloggningen kunde inte slutföras" in forged.content.decode()


def test_a_used_answer_cannot_sign_in_again(providers, cast):
    # given
    browser = Browser(client=Client())
    back = browser.at_provider(browser.start("eid"), pnr=number(cast["guardian"]), loa="loa3")
    first = browser.back(back)
    browser.django.logout()

    # when
    again = browser.back(back)

    # then
    assert (first.status_code, again.status_code) == (302, 400)
    assert USER_KEY not in browser.django.session


def _signed_in_token(providers, cast) -> tuple[oidc.Provider, str, dict[str, Any]]:
    browser = Browser(client=Client())
    browser.sign_in("eid", pnr=number(cast["guardian"]), loa="loa3")
    token = browser.django.session[FEDERATED_KEY]["id_token"]
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    provider = oidc.provider("eid")
    assert provider is not None
    return provider, token, claims


def test_a_replayed_nonce_is_refused(providers, cast):
    # given: an ID token that has signed someone in
    provider, token, claims = _signed_in_token(providers, cast)

    # when / then
    with pytest.raises(oidc.LoginFailed, match="nonce was used before"):
        oidc.verify_id_token(provider, token, nonce=claims["nonce"])


def test_an_id_token_for_another_nonce_is_refused(providers, cast):
    # given
    provider, token, _ = _signed_in_token(providers, cast)

    # when / then
    with pytest.raises(oidc.LoginFailed, match="claims do not hold"):
        oidc.verify_id_token(provider, token, nonce="another-sign-in")


def test_an_expired_id_token_is_refused_beyond_the_allowed_skew(providers, cast):
    # given
    provider, token, claims = _signed_in_token(providers, cast)
    just_inside = claims["exp"] + provider.leeway - 1

    # when / then
    with pytest.raises(oidc.LoginFailed, match="claims do not hold"):
        oidc.verify_id_token(
            provider, token, nonce=claims["nonce"], now=lambda: claims["exp"] + provider.leeway + 1
        )
    with pytest.raises(oidc.LoginFailed, match="nonce was used before"):  # valid, but used
        oidc.verify_id_token(provider, token, nonce=claims["nonce"], now=lambda: just_inside)


def test_an_id_token_from_the_future_is_refused(providers, cast):
    # given
    provider, token, claims = _signed_in_token(providers, cast)

    # when / then
    with pytest.raises(oidc.LoginFailed):
        oidc.verify_id_token(
            provider, token, nonce=claims["nonce"], now=lambda: claims["iat"] - 3600
        )


def test_a_tampered_id_token_is_refused(providers, cast):
    # given: the payload changed to name another person, the signature kept
    provider, token, claims = _signed_in_token(providers, cast)
    header, _, signature = token.split(".")
    forged = {**claims, oidc.PERSONAL_IDENTITY_NUMBER: number(cast["principal"])}
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()

    # when / then
    with pytest.raises(oidc.LoginFailed, match="signature does not hold"):
        oidc.verify_id_token(provider, f"{header}.{body}.{signature}", nonce=claims["nonce"])
    none = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    with pytest.raises(oidc.LoginFailed, match="signed with 'none'"):
        oidc.verify_id_token(provider, f"{none}.{body}.", nonce=claims["nonce"])


def test_the_service_follows_the_providers_key_rotation(settings, cast):
    # given: a provider that signs with one key, then restarts with another
    port = free_port()
    clients = [oidc_client("eid", SERVICE)]
    pnr = number(cast["guardian"])
    with oidc_provider(port, clients, kid="2026-autumn") as url:
        settings.OIDC_PROVIDERS = oidc_settings(url, "eid")
        oidc.forget_providers()
        before = Browser(client=Client()).sign_in("eid", pnr=pnr, loa="loa3")
    with oidc_provider(port, clients, kid="2026-winter"):
        # when
        after_browser = Browser(client=Client())
        after = after_browser.sign_in("eid", pnr=pnr, loa="loa3")

    # then
    assert (before.status_code, after.status_code) == (302, 302)
    assert int(after_browser.django.session[USER_KEY]) == cast["guardian"].pk
    oidc.forget_providers()


def test_a_password_session_steps_up_to_read_the_page(providers, work):
    # given: Karin signed in with her password
    karin = work.cast["guardian"]
    client = client_for(karin, Assurance.LOW)
    before = plan_seen(client, work)
    browser = Browser(client=client)

    # when
    browser.sign_in("eid", pnr=number(karin), loa="loa3")

    # then
    assert before["data"] == {"node": None}
    assert error_codes(before) == ["STRONG_AUTH_REQUIRED"]
    assert before["errors"][0]["extensions"]["stepUp"] == "/login/?strong=1"
    assert plan_seen(client, work) == {"data": {"node": {"term": work.plan.term}}}
    assert int(client.session[USER_KEY]) == karin.pk


def test_an_e_legitimation_below_the_strong_level_does_not_open_the_page(providers, work):
    # given
    browser = Browser(client=Client())

    # when
    browser.sign_in("eid", pnr=number(work.cast["guardian"]), loa="loa2")

    # then
    assert browser.django.session[SESSION_KEY] == 2
    assert error_codes(plan_seen(browser.django, work)) == ["STRONG_AUTH_REQUIRED"]


def test_a_token_is_never_stronger_than_the_session_that_made_it(providers, work):
    # given
    karin = work.cast["guardian"]
    strong = Browser(client=Client())
    strong.sign_in("eid", pnr=number(karin), loa="loa4")
    weak = client_for(karin, Assurance.LOW)
    create = 'mutation { tokenCreate(input: {name: "app"}) { secret errors { code } } }'

    # when
    strong_secret = over_http(strong.django, create).json()["data"]["tokenCreate"]["secret"]
    weak_secret = over_http(weak, create).json()["data"]["tokenCreate"]["secret"]
    child = over_http(Client(), create, HTTP_AUTHORIZATION=f"Bearer {weak_secret}").json()
    read = over_http(
        Client(),
        PLAN_QUERY,
        {"id": work.gid(work.plan, "DevelopmentPlan")},
        HTTP_AUTHORIZATION=f"Bearer {weak_secret}",
    ).json()

    # then
    levels = dict(ApiToken.objects.values_list("prefix", "assurance"))
    assert (levels[strong_secret[:10]], levels[weak_secret[:10]]) == (4, 1)
    assert levels[child["data"]["tokenCreate"]["secret"][:10]] == 1
    assert error_codes(read) == ["STRONG_AUTH_REQUIRED"]


def test_signing_out_ends_the_session_at_the_provider_too(providers, cast):
    # given
    browser = Browser(client=Client())
    browser.sign_in("eid", pnr=number(cast["guardian"]), loa="loa3")
    id_token = browser.django.session[FEDERATED_KEY]["id_token"]

    # when
    answer = browser.post("/login/logout/")

    # then
    location = urlsplit(answer["Location"])
    query = parse_qs(location.query)
    assert answer.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{providers}/session/end"
    assert (query["id_token_hint"], query["post_logout_redirect_uri"]) == (
        [id_token],
        [f"{SERVICE}/"],
    )
    assert USER_KEY not in browser.django.session
    ended = browser.end_at_provider(answer["Location"])
    assert (ended.status_code, ended.headers["Location"]) == (303, f"{SERVICE}/")


def test_the_login_page_lists_the_providers_in_swedish(providers):
    # when
    page = Client().get("/login/", {"strong": "1", "next": "/#plan"}).content.decode()

    # then
    assert "BankID (test)" in page
    assert "Kommunens inloggning (test)" in page
    assert "/login/oidc/eid/?next=/%23plan" in page
    assert "kräver inloggning med" in page


def test_a_sign_in_that_takes_too_long_is_refused(providers, cast, monkeypatch):
    # given
    browser = Browser(client=Client())
    back = browser.at_provider(browser.start("eid"), pnr=number(cast["guardian"]), loa="loa3")
    later = time.time() + 601
    monkeypatch.setattr("core.login.views.time.time", lambda: later)

    # when
    answer = browser.back(back)

    # then
    assert answer.status_code == 400


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ([{"name": "eid"}], "missing"),
        (
            [{"name": "eid", "issuer": "x", "client_id": "a", "client_secret": "b", "tls": 1}],
            "unknown",
        ),
        (
            [
                {
                    "name": "eid",
                    "issuer": "x",
                    "client_id": "a",
                    "client_secret": "b",
                    "leeway": 3600,
                }
            ],
            "leeway",
        ),
        (
            [
                {
                    "name": "eid",
                    "issuer": "x",
                    "client_id": "a",
                    "client_secret": "b",
                    "audience": "x",
                }
            ],
            "audience",
        ),
        ([{"name": "Eid", "issuer": "x", "client_id": "a", "client_secret": "b"}], "slugs"),
        ([{"name": "e", "issuer": "x", "client_id": "a", "client_secret": "b"}] * 2, "twice"),
    ],
)
def test_a_provider_that_cannot_be_used_stops_the_service_at_start(settings, config, problem):
    # given
    settings.OIDC_PROVIDERS = config

    # when / then
    with pytest.raises(ImproperlyConfigured, match=problem):
        oidc.check_providers()


def test_a_step_up_issues_a_new_session_key_and_closes_the_old_ones_sockets(
    providers, work, monkeypatch, django_capture_on_commit_callbacks
):
    # given: Karin's password session, whose key someone else may know
    karin = work.cast["guardian"]
    client = client_for(karin, Assurance.LOW)
    weak_key = client.cookies["sessionid"].value
    events: list[tuple[list[int], str | None]] = []
    monkeypatch.setattr(
        "core.login.views.credentials_changed",
        lambda users, ended_session=None: events.append((list(users), ended_session)),
    )

    # when: she steps up with e-legitimation in that browser
    with django_capture_on_commit_callbacks(execute=True):
        Browser(client=client).sign_in("eid", pnr=number(karin), loa="loa3")

    # then: the strong session has a key the weak one did not, and the weak one is gone
    assert client.session[SESSION_KEY] == 3
    assert client.cookies["sessionid"].value != weak_key
    assert not Session.objects.filter(session_key=weak_key).exists()
    assert events == [([karin.pk], session_digest(weak_key))]


def _logout_token(key: RSAKey, issued: int, jti: str, issuer: str) -> str:
    claims = {
        "iss": issuer,
        "aud": "eid",
        "iat": issued,
        "jti": jti,
        "sub": "someone",
        "events": {oidc.BACKCHANNEL_EVENT: {}},
    }
    return jwt.encode({"alg": "RS256", "kid": "logout-key"}, claims, key)


@pytest.fixture
def signing_key(providers, monkeypatch) -> RSAKey:
    """A key the service takes for the provider's (for tokens a test writes itself)."""
    key = RSAKey.generate_key(2048, parameters={"kid": "logout-key"})
    keys = KeySet([RSAKey.import_key(key.as_dict(private=False))])
    monkeypatch.setattr(oidc, "_key_set", lambda *_, **__: keys)
    return key


def test_a_logout_token_issued_long_ago_is_refused(providers, signing_key):
    # given
    provider = oidc.provider("eid")
    assert provider is not None
    now = int(time.time())
    stale = _logout_token(signing_key, now - oidc.LOGOUT_TOKEN_SECONDS - 61, "old", providers)
    fresh = _logout_token(signing_key, now - 5, "fresh", providers)

    # when / then: a month-old token is no news of a logout now
    with pytest.raises(oidc.LoginFailed, match="too old"):
        oidc.verify_logout_token(provider, stale)
    assert oidc.verify_logout_token(provider, fresh)["jti"] == "fresh"


def test_a_logout_token_is_refused_the_second_time(providers, signing_key):
    # given
    provider = oidc.provider("eid")
    assert provider is not None
    token = _logout_token(signing_key, int(time.time()), "once", providers)
    oidc.verify_logout_token(provider, token)

    # when / then
    with pytest.raises(oidc.LoginFailed, match="used before"):
        oidc.verify_logout_token(provider, token)
