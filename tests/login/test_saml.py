"""Staff sign in over SAML 2 against a real identity provider process (pysaml2's IdP).

The service is Django in this process, as a Skolfederation service
provider (djangosaml2). The IdP runs on loopback with its own key; each
side trusts the other's metadata. Requests are signed by the service, and
assertions by the IdP, with xmlsec1.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.contrib.auth import SESSION_KEY as USER_KEY
from django.test import Client, override_settings
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import entity_descriptor

from core.login.saml import sp_settings
from core.models import FederatedSignIn, User
from core.services.signin import NO_ROLE, WRONG_DOOR
from permissions.assurance import SESSION_KEY, Assurance
from tests.graphql import client_for, over_http
from tests.saml_idp import idp_settings
from tests.servers import free_port, require_xmlsec, saml_idp, self_signed

pytestmark = pytest.mark.django_db

SERVICE = "http://testserver"
FORM_FIELD = re.compile(r'name="(SAMLResponse|RelayState)" value="([^"]*)"')


def _metadata(config: Any, path: Path) -> str:
    path.write_text(str(entity_descriptor(config)), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Keys, both metadata files and the IdP process; the settings the service needs."""
    xmlsec = require_xmlsec()
    folder = tmp_path_factory.mktemp("saml")
    sp_key, sp_cert = self_signed(folder, "sp")
    idp_key, idp_cert = self_signed(folder, "idp")
    port = free_port()
    idp_base = f"http://127.0.0.1:{port}"
    idp_config = idp_settings(idp_base, idp_key, idp_cert, xmlsec)
    idp_metadata = _metadata(IdPConfig().load(dict(idp_config)), folder / "idp.xml")
    service = {
        "SAML_IDP_METADATA": idp_metadata,
        "SAML_KEY_FILE": sp_key,
        "SAML_CERT_FILE": sp_cert,
        "SAML_ENTITY_ID": "",
    }
    with override_settings(**service):
        sp_config = {k: v for k, v in sp_settings(SERVICE).items() if k != "metadata"}
    sp_metadata = _metadata(SPConfig().load(sp_config), folder / "sp.xml")
    with saml_idp(port, {**idp_config, "metadata": {"local": [sp_metadata]}}, folder) as url:
        yield {**service, "idp": url}


@pytest.fixture
def saml(settings, federation: dict[str, str]) -> str:
    for name, value in federation.items():
        if name != "idp":
            setattr(settings, name, value)
    return federation["idp"]


def idp_answer(client: Client, next_url: str = "/", **fields: str) -> dict[str, str]:
    """Start at the service and sign in at the IdP; the form it posts back to the service."""
    start = client.get("/saml2/login/", {"next": next_url})
    assert start.status_code == 302, start.content[:500]
    web = requests.Session()
    page = web.get(start["Location"], timeout=10)
    assert page.status_code == 200, page.text[:500]
    key = re.search(r'name="key"\s+value="([^"]+)"', page.text)
    assert key is not None
    answer = web.post(
        page.url.split("/sso/")[0] + "/sso/login", data={"key": key[1], **fields}, timeout=10
    )
    assert answer.status_code == 200, answer.text[:500]
    return dict(FORM_FIELD.findall(answer.text))


def sign_in(client: Client, next_url: str = "/", **fields: str) -> Any:
    """The whole sign-in; the service's answer to the IdP's post."""
    return client.post("/saml2/acs/", idp_answer(client, next_url, **fields))


def test_a_teacher_signs_in_over_saml_by_principal_name(saml, cast):
    # given
    teacher = cast["teacher"]
    client = Client()

    # when
    answer = sign_in(client, next_url="/#klass", eppn=teacher.username, loa="loa3")

    # then
    assert (answer.status_code, answer["Location"]) == (302, "/#klass")
    assert (int(client.session[USER_KEY]), client.session[SESSION_KEY]) == (teacher.pk, 3)
    [record] = FederatedSignIn.objects.all()
    assert (record.provider, record.user_id, record.assurance) == ("saml", teacher.pk, 3)
    assert record.acr == "http://id.elegnamnden.se/loa/1.0/loa3"


def test_a_password_at_the_idp_is_low_assurance(saml, cast):
    # given
    client = Client()

    # when
    sign_in(client, eppn=cast["teacher"].username, loa="password")

    # then
    assert client.session[SESSION_KEY] == 1


@pytest.mark.parametrize(("who", "message"), [("guardian", WRONG_DOOR), ("stranger", NO_ROLE)])
def test_only_staff_of_today_sign_in_over_saml(saml, cast, who, message):
    # given
    accounts = User.objects.count()

    # when
    answer = sign_in(Client(), eppn=cast[who].username, loa="loa3")

    # then
    assert answer.status_code == 403
    assert message in answer.content.decode()
    assert User.objects.count() == accounts


def test_an_unknown_principal_gets_the_page_in_swedish(saml, cast):
    # when
    answer = sign_in(Client(), eppn="okand@exempelby.example.com", loa="loa3")

    # then
    assert answer.status_code == 403
    assert "Vi hittar dig inte" in answer.content.decode()


def test_a_tampered_assertion_signs_nobody_in(saml, cast):
    # given: the IdP's answer for the teacher, changed to name the principal
    client = Client()
    form = idp_answer(client, eppn=cast["teacher"].username, loa="loa3")
    xml = base64.b64decode(form["SAMLResponse"]).decode()
    forged = xml.replace(cast["teacher"].username, cast["principal"].username)
    form["SAMLResponse"] = base64.b64encode(forged.encode()).decode()

    # when
    result = client.post("/saml2/acs/", form)

    # then
    assert result.status_code == 403
    assert USER_KEY not in client.session


def test_an_answer_used_once_cannot_sign_in_again(saml, cast):
    # given
    client = Client()
    form = idp_answer(client, eppn=cast["teacher"].username, loa="loa3")
    first = client.post("/saml2/acs/", form)
    client.logout()

    # when
    again = client.post("/saml2/acs/", form)

    # then
    assert (first.status_code, again.status_code) == (302, 403)
    assert USER_KEY not in client.session


def test_saml_answers_404_when_it_is_not_configured(settings):
    # given
    settings.SAML_IDP_METADATA = ""

    # when / then
    assert Client().get("/saml2/login/").status_code == 404
    assert Client().post("/saml2/acs/", {"SAMLResponse": "x"}).status_code == 404


def test_staff_may_be_known_by_identity_number_instead(saml, cast):
    # given
    teacher = cast["teacher"]
    assert teacher.person is not None
    client = Client()

    # when
    answer = sign_in(client, pnr=str(teacher.person.civic_no), loa="loa4")

    # then
    assert answer.status_code == 302
    assert (int(client.session[USER_KEY]), client.session[SESSION_KEY]) == (teacher.pk, 4)


def test_a_teachers_password_session_steps_up_over_saml(saml, work):
    # given
    teacher = work.cast["teacher"]
    client = client_for(teacher, Assurance.LOW)
    query = "query($id: ID!) { node(id: $id) { ... on DevelopmentPlan { term } } }"
    variables = {"id": work.gid(work.plan, "DevelopmentPlan")}
    before = over_http(client, query, variables).json()

    # when
    sign_in(client, eppn=teacher.username, loa="loa3")
    after = over_http(client, query, variables).json()

    # then
    assert before["errors"][0]["extensions"]["code"] == "STRONG_AUTH_REQUIRED"
    assert after == {"data": {"node": {"term": work.plan.term}}}
