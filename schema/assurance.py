"""STRONG_AUTH_REQUIRED: what a weaker sign-in is told when a pupil's page was left out.

The rule is `permissions.assurance`: under a sign-in below the strong level,
the rows of a pupil's page are filtered out wherever the pupil's organiser
asks for strong login, and the viewer is marked. After the operation has
run, this extension adds one error saying so, with where to step up, to
whatever else the operation answered (blogs, documentation, notices and
class lists still read). Over HTTP and over the websocket alike: both run
the schema. Mutations of a page answer the same code in their payload
(`schema.payloads.perform`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from permissions.assurance import CODE, MESSAGE, forget_refusal, refused, step_up_url
from schema.terms import context_user


def strong_auth_error() -> GraphQLError:
    """The error a weaker sign-in gets, with where to step up."""
    return GraphQLError(MESSAGE, extensions={"code": CODE, "stepUp": step_up_url()})


class StrongLoginGate(SchemaExtension):
    """Tell a weaker sign-in that pupil-page data was left out of its answer."""

    def on_execute(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result: Any = context.result
        user = context_user(context.context)
        if refused(user):
            forget_refusal(user)  # told once: the next operation on a socket starts clean
            if isinstance(result, ExecutionResult):
                result.errors = [*(result.errors or []), strong_auth_error()]
