"""Running GraphQL in tests: in-process as a viewer, or over HTTP through Django's client.

`execute` runs the schema in this process as a viewer and returns the whole
result; `run` returns only the data and fails the test on any GraphQL
error; `reply` gives the result as a client reads it. Each takes
`schema_name`, one of `SCHEMAS`, to run with strawberry-django's optimizer
on or off. `over_http` and `post` go through the view, as clients do, and
`client_for` is a client signed in as a viewer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from strawberry.django.context import StrawberryDjangoContext
from strawberry.types import ExecutionResult
from strawberry_django.optimizer import DjangoOptimizerExtension

from core.models import User
from permissions.assurance import ATTRIBUTE, SESSION_KEY, Assurance, stamp
from schema import schema

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

OPTIMIZER_ON = "optimizer on"
OPTIMIZER_OFF = "optimizer off"
# The ways the schema is run, for tests parametrized over both.
SCHEMAS = (OPTIMIZER_ON, OPTIMIZER_OFF)


def execute(
    viewer: User | AnonymousUser,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    schema_name: str = OPTIMIZER_ON,
    assurance: Assurance | None = None,
) -> ExecutionResult:
    """Run `query` as `viewer` and return the whole result, GraphQL errors too.

    `viewer` is put on a POST request as the view would; `schema_name` is
    one of `SCHEMAS`. With `assurance`, the viewer signed in at that level
    (as the middleware stamps it); without, it is the server acting for them.
    """
    assert schema_name in SCHEMAS, schema_name
    request = RequestFactory().post("/graphql/")
    if assurance is not None:
        stamp(viewer, assurance)
    else:  # a viewer stamped by an earlier call in the test is the server's again
        viewer.__dict__.pop(ATTRIBUTE, None)
    request.user = viewer
    context = StrawberryDjangoContext(request=request, response=None)  # type: ignore[arg-type]
    run_async = async_to_sync(schema.execute)
    if schema_name == OPTIMIZER_OFF:
        with DjangoOptimizerExtension.disabled():
            return run_async(query, variable_values=variables, context_value=context)
    return run_async(query, variable_values=variables, context_value=context)


def run(
    viewer: User | AnonymousUser,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    schema_name: str = OPTIMIZER_ON,
    assurance: Assurance | None = None,
) -> dict[str, Any]:
    """Run `query` as `viewer` (see `execute`) and return its data; GraphQL errors fail the test."""
    result = execute(viewer, query, variables, schema_name=schema_name, assurance=assurance)
    assert result.errors is None, result.errors
    return result.data  # type: ignore[return-value]


def reply(
    viewer: User | AnonymousUser,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    schema_name: str = OPTIMIZER_ON,
    assurance: Assurance | None = None,
) -> dict[str, Any]:
    """Run `query` as `viewer` (see `execute`) and return what a client reads.

    The data, and the errors as formatted for a response when there are any.
    """
    result = execute(viewer, query, variables, schema_name=schema_name, assurance=assurance)
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        answer["errors"] = [error.formatted for error in result.errors]
    return answer


def over_http(
    client: Client, query: str, variables: dict[str, object] | None = None, **headers: Any
) -> Response:
    """POST `query` as JSON to /graphql/ with `client` and extra `headers`; the response."""
    return client.post(
        "/graphql/",
        {"query": query, "variables": variables or {}},
        content_type="application/json",
        **headers,
    )


def post(query: str, variables: dict[str, Any] | None = None) -> Any:
    """POST `query` as JSON to /graphql/ signed out; the decoded response body."""
    return over_http(Client(), query, variables).json()


def client_for(
    viewer: User | AnonymousUser, assurance: Assurance = Assurance.SUBSTANTIAL
) -> Client:
    """A Django test client signed in as `viewer`, or signed out for an AnonymousUser.

    The session is strong (e-legitimation) unless `assurance` says otherwise.
    """
    client = Client()
    if isinstance(viewer, User):
        client.force_login(viewer)
        set_assurance(client, assurance)
    return client


def set_assurance(client: Client, assurance: Assurance) -> None:
    """Record in the client's session that it signed in at `assurance`."""
    session = client.session
    session[SESSION_KEY] = int(assurance)
    session.save()
