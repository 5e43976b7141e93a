"""The GraphQL schema: one package per area, merged here."""

from __future__ import annotations

import strawberry
from django.conf import settings
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry_django.optimizer import DjangoOptimizerExtension

from schema.accounts.mutations import AccountMutation
from schema.accounts.queries import AccountQuery
from schema.roster.queries import RosterQuery
from schema.service import ServiceQuery


@strawberry.type(description="Where every read starts.")
class Query(AccountQuery, RosterQuery, ServiceQuery):
    pass


@strawberry.type(description="Every change, each with its own input and typed errors.")
class Mutation(AccountMutation):
    pass


def _extensions() -> list[object]:
    # Factories, not instances: strawberry builds fresh ones per request.
    extensions: list[object] = [
        lambda: QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=15),
        lambda: MaxTokensLimiter(max_token_count=2000),
        DjangoOptimizerExtension,
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    if not settings.DEBUG:
        extensions.append(MaskErrors)
    return extensions


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=_extensions(),  # type: ignore[arg-type]
    config=StrawberryConfig(relay_max_results=100),
)  # type: ignore[arg-type]
