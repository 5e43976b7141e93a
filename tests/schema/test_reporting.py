"""Outside DEBUG, accidents are masked and logged; client errors are neither.

What a resolver raised by accident is masked and logged with its traceback;
what was written for the client is answered and logged at DEBUG only.
"""

from __future__ import annotations

import logging

import strawberry
from django.test import override_settings
from graphql import GraphQLError

from schema import _extensions
from schema.arguments import argument_error
from schema.reporting import Schema


@strawberry.type
class Query:
    @strawberry.field
    def broken(self) -> str | None:
        raise KeyError("secret detail")

    @strawberry.field
    def refused(self) -> str | None:
        raise GraphQLError("Ask for fewer items.", extensions={"code": "VALIDATION"})

    @strawberry.field
    def bad_argument(self) -> str | None:
        raise argument_error("first", "Argument 'first' cannot be higher than 100.")


def production_schema() -> Schema:
    with override_settings(DEBUG=False):
        return Schema(query=Query, extensions=_extensions())


def test_an_accident_is_masked_and_logged_with_its_traceback(caplog):
    # when
    with caplog.at_level(logging.DEBUG):
        result = production_schema().execute_sync("{ broken }")

    # then
    assert [e.message for e in result.errors or []] == ["Unexpected error."]
    assert [(r.name, r.levelno, r.exc_info[0]) for r in caplog.records if r.exc_info] == [
        ("strawberry.execution", logging.ERROR, KeyError)
    ]


def test_a_typed_error_is_answered_and_not_logged_as_an_error(caplog):
    # when
    with caplog.at_level(logging.DEBUG):
        result = production_schema().execute_sync("{ refused badArgument }")

    # then
    assert [e.formatted["extensions"] for e in result.errors or []] == [
        {"code": "VALIDATION"},
        {"code": "VALIDATION", "argument": "first"},
    ]
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [r.getMessage() for r in caplog.records if r.name == "schema.reporting"] == [
        "Refused: Ask for fewer items.",
        "Refused: Argument 'first' cannot be higher than 100.",
    ]
