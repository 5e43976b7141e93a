"""The GraphQL schema: one package per area, merged here."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from django.conf import settings
from strawberry import relay
from strawberry.extensions import MaskErrors, MaxTokensLimiter, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry_django.optimizer import DjangoOptimizerExtension
from strawberry_django.relay.utils import resolve_model_id_attr

from schema.accounts.mutations import AccountMutation
from schema.accounts.queries import AccountQuery
from schema.accounts.settings import SettingsMutation
from schema.analytics.queries import AnalyticsQuery
from schema.arguments import PAGE_MAX, ArgumentCheck
from schema.assurance import StrongLoginGate
from schema.blogs.mutations import BlogMutation
from schema.learning.mutations import LearningMutation
from schema.limits import RequestLimits
from schema.notices.mutations import NoticeMutation
from schema.notices.queries import NoticeQuery
from schema.notices.subscriptions import NoticeSubscription
from schema.plans.mutations import PlanMutation
from schema.reporting import Schema, unexpected
from schema.roster.queries import RosterQuery
from schema.service import ServiceQuery
from schema.terms import TermsGate


@strawberry.type(description="Where every read starts.")
class Query(AccountQuery, RosterQuery, NoticeQuery, AnalyticsQuery, ServiceQuery):
    pass


@strawberry.type(description="Every change, each with its own input and typed errors.")
class Mutation(
    AccountMutation,
    SettingsMutation,
    PlanMutation,
    LearningMutation,
    BlogMutation,
    NoticeMutation,
):
    pass


def _extensions() -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    # Factories, not instances: strawberry builds fresh ones per request.
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=2000),
        RequestLimits,  # validation without hints; depth, aliases, variables, cost, ids
        ArgumentCheck,  # page sizes, cursors, global ids: a field error, not a fault
        TermsGate,
        StrongLoginGate,
        DjangoOptimizerExtension,
    ]
    if not settings.DEBUG:
        extensions.append(lambda: MaskErrors(should_mask_error=unexpected))
    return extensions


@strawberry.type(description="Live updates over graphql-transport-ws.")
class Subscription(NoticeSubscription):
    pass


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=_extensions(),
    config=StrawberryConfig(relay_max_results=PAGE_MAX),
)


def _remember_node_ids(base: type[relay.Node] = relay.Node) -> None:
    """Resolve once per type which attribute holds a node's id.

    Strawberry looks for a `NodeID` annotation each time it writes an `id`,
    and when there is none (our types take the model's primary key) it does
    not remember the answer: evaluating every annotation again was half the
    CPU of a class page of 30 pupils (bench/pages.py, docs/performance.md).
    """
    for node_type in base.__subclasses__():
        if "_id_attr" not in vars(node_type):
            node_type._id_attr = resolve_model_id_attr(node_type)
        _remember_node_ids(node_type)


_remember_node_ids()
