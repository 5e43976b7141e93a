"""Nothing works until the terms of use are accepted.

A signed-in user who has not accepted the current terms (`TERMS_VERSION`)
may read `me` (to learn so), accept them, and sign out; any other operation
is answered with one error of code TERMS_NOT_ACCEPTED and runs no resolver.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AnonymousUser
from graphql import ExecutionResult, FieldNode, GraphQLError, SelectionNode
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from core.selectors.accounts import terms_pending

OPEN_FIELDS = frozenset({"me", "termsAccept", "login", "logout", "apiVersion", "__typename"})
# What of `me` stays open: who one is and one's settings, not children, groups or schools.
OPEN_ME_FIELDS = frozenset({"username", "displayName", "roles", "settings", "__typename"})


class TermsGate(SchemaExtension):
    """Refuse operations of a user who owes the terms of use.

    Subscriptions are refused before they start, with the same error codes
    as queries and mutations: graphql-transport-ws then sends an `error`
    message, not a silent `complete`. A subscription needs a signed-in
    viewer (NOT_AUTHENTICATED otherwise): every one of them follows a
    person's own data. Over HTTP a subscription is refused (WEBSOCKET_ONLY):
    its resolvers need the socket.
    """

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.operation_type is OperationType.SUBSCRIPTION:
            refusal = _subscription_refusal(context)
            if refusal is not None:  # set before validation runs, so it answers alone
                context.pre_execution_errors = [refusal]
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if not _only_open_fields(context) and _pending(context.context):
            context.result = ExecutionResult(data=None, errors=[_terms_error()])
        yield


def _terms_error() -> GraphQLError:
    return GraphQLError(
        "Accept the terms of use first (mutation termsAccept).",
        extensions={"code": "TERMS_NOT_ACCEPTED"},
    )


def _subscription_refusal(context: ExecutionContext) -> GraphQLError | None:
    if not (isinstance(context.context, dict) and "ws" in context.context):
        return GraphQLError(
            "Subscriptions are served over the websocket (graphql-transport-ws) only.",
            extensions={"code": "WEBSOCKET_ONLY"},
        )
    if not context_user(context.context).is_authenticated:
        return GraphQLError("Sign in first.", extensions={"code": "NOT_AUTHENTICATED"})
    if not _only_open_fields(context) and _pending(context.context):
        return _terms_error()
    return None


def _only_open_fields(context: ExecutionContext) -> bool:
    document = context.graphql_document
    operation = None if document is None else get_operation_ast(document, context.operation_name)
    if operation is None:
        return True  # nothing will run; graphql-core reports the problem
    # The gate sees the user before a `login` in the same request runs;
    # `perform` and `scoped` check again, so signing in opens nothing else.
    return all(_open(node) for node in operation.selection_set.selections)


def _open(node: SelectionNode) -> bool:
    """Whether a root field is open; under `me`, only the fields in OPEN_ME_FIELDS."""
    if not isinstance(node, FieldNode) or node.name.value not in OPEN_FIELDS:
        return False
    if node.name.value != "me" or node.selection_set is None:
        return True
    return all(
        isinstance(inner, FieldNode) and inner.name.value in OPEN_ME_FIELDS
        for inner in node.selection_set.selections
    )


def _pending(context: Any) -> bool:
    """Whether the request's or socket's user owes the terms.

    The HTTP view loads the user before executing, and a socket's scope
    holds a loaded one, so this reads a row already in memory.
    """
    user = context_user(context)
    return user.is_authenticated and terms_pending(user)


def context_user(context: Any) -> Any:
    """The request's or socket's user (AnonymousUser when there is none)."""
    request = None if context is None else context["request"]
    user = getattr(request, "user", None) or getattr(request, "scope", {}).get("user")
    return user or AnonymousUser()
