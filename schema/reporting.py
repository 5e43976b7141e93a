"""Which errors are the server's: masked outside DEBUG and logged as errors.

A client's mistake (a refused document, a bad argument, a typed error a
resolver raised on purpose) is answered in full and logged at DEBUG only;
anything a resolver raised by accident is masked and logged with its
traceback. One predicate, `unexpected`, decides both.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

logger = logging.getLogger(__name__)


def unexpected(error: GraphQLError) -> bool:
    """Whether a resolver raised `error` by accident rather than for the client.

    Validation errors (depth, aliases, tokens, cost, unknown fields) have no
    original error, and a resolver that raises `GraphQLError` means its message.
    """
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class Schema(strawberry.Schema):
    """Strawberry's schema, logging as errors only those the client did not cause."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if unexpected(error):
                StrawberryLogger.error(error, execution_context)
            else:
                logger.debug("Refused: %s", error.message)
