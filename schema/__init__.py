"""The GraphQL schema: one package per area, merged here."""

from __future__ import annotations

import strawberry
from django.conf import settings
from graphql import GraphQLError
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
from schema.accounts.settings import SettingsMutation
from schema.analytics.queries import AnalyticsQuery
from schema.limits import max_cost_rule
from schema.notices.mutations import NoticeMutation
from schema.notices.queries import NoticeQuery
from schema.notices.subscriptions import NoticeSubscription
from schema.pages.plan_mutations import PlanMutation
from schema.pages.record_mutations import RecordMutation
from schema.roster.queries import RosterQuery
from schema.service import ServiceQuery
from schema.terms import TermsGate


@strawberry.type(description="Where every read starts.")
class Query(AccountQuery, RosterQuery, NoticeQuery, AnalyticsQuery, ServiceQuery):
    pass


@strawberry.type(description="Every change, each with its own input and typed errors.")
class Mutation(AccountMutation, SettingsMutation, PlanMutation, RecordMutation, NoticeMutation):
    pass


def _unexpected(error: GraphQLError) -> bool:
    """Mask what a resolver raised by accident; keep the errors written for clients.

    Validation errors (depth, aliases, tokens, cost, unknown fields) have no
    original error, and a resolver that raises `GraphQLError` means its message.
    """
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def _extensions() -> list[object]:
    # Factories, not instances: strawberry builds fresh ones per request.
    extensions: list[object] = [
        lambda: QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=15),
        lambda: MaxTokensLimiter(max_token_count=2000),
        lambda: AddValidationRules([max_cost_rule(settings.GRAPHQL_MAX_COST)]),
        TermsGate,
        DjangoOptimizerExtension,
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    if not settings.DEBUG:
        extensions.append(lambda: MaskErrors(should_mask_error=_unexpected))
    return extensions


@strawberry.type(description="Live updates over graphql-transport-ws.")
class Subscription(NoticeSubscription):
    pass


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=_extensions(),  # type: ignore[arg-type]
    config=StrawberryConfig(relay_max_results=100),
)  # type: ignore[arg-type]
