"""What every mutation shares: ids in, a service call, typed errors out.

A mutation resolver decodes its global ids, hands plain values to one
service in `core.services`, and returns the payload; a `ServiceError`
becomes the payload's `errors` and the database is as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import strawberry
from django.db.models import Model
from strawberry.relay import from_base64

from core.models import User
from core.selectors.accounts import terms_pending
from core.services.errors import Invalid, ServiceError
from permissions.assurance import MESSAGE, may_change_pages, step_up_url
from schema.context import Info, viewer
from schema.errors import NOT_AUTHENTICATED, TERMS_NOT_ACCEPTED, ErrorCode, UserError

T = TypeVar("T")
S = TypeVar("S")
MAX_PK = 2**63  # the largest key a bigint column holds, plus one


def user_error(error: ServiceError) -> UserError:
    """The GraphQL shape of a service's refusal."""
    return UserError(code=ErrorCode(error.code), message=error.message, field=error.field)


def perform(
    info: Info, call: Callable[[User], T], *, before_terms: bool = False, page: bool = False
) -> tuple[T | None, list[UserError]]:
    """`call(actor)` for a signed-in actor: its result, or the errors and no result.

    Only a call made `before_terms` (accepting them) runs for a user who has
    not accepted the terms of use. A call that changes a pupil's `page` runs
    only for a strong sign-in where the pupils' organisers ask for one.
    """
    actor = viewer(info)
    if not isinstance(actor, User) or not actor.is_active:
        return None, [NOT_AUTHENTICATED]
    if not before_terms and terms_pending(actor):  # signed in earlier in this request
        return None, [TERMS_NOT_ACCEPTED]
    if page and not may_change_pages(actor):
        return None, [strong_auth_required()]
    try:
        return call(actor), []
    except ServiceError as error:
        return None, [user_error(error)]


def strong_auth_required() -> UserError:
    """The payload error of a page change refused to a weaker sign-in."""
    return UserError(code=ErrorCode.STRONG_AUTH_REQUIRED, message=MESSAGE, step_up=step_up_url())


def shown_as(type_: type[S], obj: Model | None) -> S | None:
    """`obj` where a payload's field has `type_`, the strawberry-django type of its model.

    Such a type resolves its fields from the model's instance, so a payload
    holds the instance itself; this says so to mypy, and checks the model.
    """
    definition: Any = getattr(type_, "__strawberry_django_definition__", None)
    if definition is None:
        msg = f"{type_.__name__} is not a strawberry-django type."
        raise TypeError(msg)
    if obj is not None and not isinstance(obj, definition.model):
        msg = f"{type_.__name__} shows {definition.model.__name__}, not {type(obj).__name__}."
        raise TypeError(msg)
    return cast("S | None", obj)


def pk(gid: strawberry.ID, type_name: str, field: str) -> int:
    """The primary key inside a global id of `type_name`, or `Invalid` naming `field`."""
    try:
        found_type, raw = from_base64(gid)
        number = int(raw)
    except (ValueError, TypeError) as error:
        raise Invalid(f"{field} is not an id.", field=field) from error
    if not 0 < number < MAX_PK:
        raise Invalid(f"{field} is not an id.", field=field)
    if found_type != type_name:
        raise Invalid(f"{field} must be the id of a {type_name}, not a {found_type}.", field=field)
    return number


def pks(gids: Sequence[strawberry.ID], type_name: str, field: str) -> list[int]:
    """`pk` for each of `gids`."""
    return [pk(gid, type_name, field) for gid in gids]
