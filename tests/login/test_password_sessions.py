"""A password is low assurance, wherever it is given; what that costs a request."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.models import DevelopmentPlan, GoalStatus, PlanState
from core.services import assessments, goals
from permissions.assurance import SESSION_KEY, Assurance
from tests.factories import PASSWORD
from tests.graphql import client_for, over_http, run

pytestmark = pytest.mark.django_db

LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) {
    viewer { username children { edges { node { developmentPlans { term } } } } } errors { code }
  }
}"""
PLAN = "query($id: ID!) { node(id: $id) { ... on DevelopmentPlan { term } } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def test_the_login_mutation_starts_a_low_session_that_reads_no_plan(work):
    # given
    karin = work.cast["guardian"]
    browser = Client()

    # when: the plans asked for in the same request as the sign-in, and after it
    login = over_http(browser, LOGIN, {"u": karin.username, "p": PASSWORD}).json()
    plan = over_http(browser, PLAN, {"id": work.gid(work.plan, "DevelopmentPlan")}).json()

    # then
    assert login["data"]["login"]["errors"] == []
    assert browser.session[SESSION_KEY] == 1
    assert login["data"]["login"]["viewer"]["children"] == {
        "edges": [{"node": {"developmentPlans": []}}]
    }
    assert codes(login) == ["STRONG_AUTH_REQUIRED"]
    assert (plan["data"], codes(plan)) == ({"node": None}, ["STRONG_AUTH_REQUIRED"])


def test_the_password_page_starts_a_low_session_too(work):
    # given
    karin = work.cast["guardian"]
    browser = Client()

    # when
    page = browser.post("/accounts/login/", {"username": karin.username, "password": PASSWORD})
    plan = over_http(browser, PLAN, {"id": work.gid(work.plan, "DevelopmentPlan")}).json()

    # then
    assert page.status_code == 302
    assert SESSION_KEY not in browser.session  # nothing recorded is a password
    assert codes(plan) == ["STRONG_AUTH_REQUIRED"]


@pytest.mark.parametrize(("assurance", "extra"), [(Assurance.SUBSTANTIAL, 0), (Assurance.LOW, 1)])
def test_a_strong_session_costs_no_query_and_a_weak_one_costs_one(work, assurance, extra):
    # given
    client = client_for(work.cast["guardian"], assurance)
    query = "{ pupils { edges { node { name developmentPlans { term } } } } }"
    over_http(client, query)  # warm: the session row, the terms
    baseline = client_for(work.cast["guardian"], Assurance.SUBSTANTIAL)
    over_http(baseline, query)

    # when
    with CaptureQueriesContext(connection) as strong:
        over_http(baseline, query)
    with CaptureQueriesContext(connection) as asked:
        body = over_http(client, query).json()

    # then
    assert len(asked) - len(strong) == extra
    assert body["data"]["pupils"]["edges"][0]["node"]["name"] == "Alva Elev"


def test_a_password_reads_notices_about_a_page_as_their_kind_only(
    work, django_capture_on_commit_callbacks
):
    # given: the teacher publishes Alva's maths assessment and moves her goal
    teacher, karin = work.cast["teacher"], work.cast["guardian"]
    with django_capture_on_commit_callbacks(execute=True):
        assessments.written_assessment_publish(
            actor=teacher, assessment_id=work.draft.pk, version=work.draft.version
        )
    DevelopmentPlan.objects.filter(pk=work.plan.pk).update(state=PlanState.AGREED)
    with django_capture_on_commit_callbacks(execute=True):
        goals.goal_status_change(
            actor=teacher,
            goal_id=work.goal.pk,
            version=work.goal.version,
            status=GoalStatus.IN_PROGRESS,
        )
    query = "{ notices { edges { node { kind text } } } }"

    # when
    weak = run(karin, query, assurance=Assurance.LOW)
    strong = run(karin, query, assurance=Assurance.SUBSTANTIAL)

    # then: the subject, term and the goal's status stay behind the strong sign-in
    texts = {e["node"]["kind"]: e["node"]["text"] for e in weak["notices"]["edges"]}
    full = {e["node"]["kind"]: e["node"]["text"] for e in strong["notices"]["edges"]}
    assert texts == {
        "GOAL_MOVED": "Ett mål har flyttats",
        "ASSESSMENT_PUBLISHED": "Nytt skriftligt omdöme",
    }
    assert full == {
        "GOAL_MOVED": "Ett mål är nu pågående",
        "ASSESSMENT_PUBLISHED": f"Nytt skriftligt omdöme i {work.draft.subject} {work.draft.term}",
    }
