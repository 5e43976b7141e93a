"""Arguments a client can get wrong: page sizes, cursors and global ids.

Strawberry reads `first`/`last`, `after`/`before` and global ids deep in its
resolvers and answers a bad one with a bare ValueError, which looks like a
server fault. `ArgumentCheck` looks at them as each field is about to
resolve, with variables applied, and answers a bad one with a field error:
code VALIDATION, the argument's name and a sentence. The field is null, the
rest of the operation is answered, and nothing is logged as a fault.

Global ids in mutation inputs are `strawberry.ID` and are decoded by
`schema.payloads.pk`, which answers with a typed payload error instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    get_nullable_type,
)
from strawberry.extensions import SchemaExtension
from strawberry.relay import ConnectionExtension, GlobalID, from_base64
from strawberry.relay.types import PREFIX as CURSOR_PREFIX
from strawberry.types.base import StrawberryContainer

PAGE_MAX = 100  # the most items one page, or one `nodes(ids:)`, may hold
PAGE_ARGUMENTS = frozenset({"first", "last"})
_CURSOR_ARGUMENTS = frozenset({"after", "before"})
_OFFSET_MAX = 2**31  # no list here comes near; bigger offsets only overflow SQL
_KEY_MAX = 2**63  # every Node is a model with a bigint key
_DIGITS = re.compile(r"[0-9]{1,19}")
_BACKREF = "strawberry-definition"  # where Strawberry keeps its own definition


def argument_error(argument: str, message: str) -> GraphQLError:
    """The error a client gets for a bad argument value."""
    return GraphQLError(message, extensions={"code": "VALIDATION", "argument": argument})


class ArgumentCheck(SchemaExtension):
    """Refuse a field whose page size, cursor or global id is malformed."""

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Any],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        field = info.parent_type.fields.get(info.field_name)  # None for __typename, __type
        if kwargs and field is not None:
            problem = argument_problem(info.schema, field, kwargs)
            if problem is not None:
                raise argument_error(*problem)
        return _next(root, info, *args, **kwargs)


def argument_problem(
    schema: GraphQLSchema, field: GraphQLField, arguments: dict[str, Any]
) -> tuple[str, str] | None:
    """The first bad argument among `field`'s coerced `arguments` and why, or None."""
    paged = is_connection(field)
    for name, value in arguments.items():
        if value is None or name not in field.args:
            continue
        if paged and name in PAGE_ARGUMENTS:
            message = _page_problem(name, value)
        elif paged and name in _CURSOR_ARGUMENTS:
            message = _cursor_problem(name, value)
        else:
            message = _global_id_problem(schema, name, value, field.args[name])
        if message is not None:
            return name, message
    return None


def is_connection(field: GraphQLField) -> bool:
    """Whether `field` is a Relay connection paged by first/last/after/before."""
    definition = field.extensions.get(_BACKREF)
    return any(isinstance(e, ConnectionExtension) for e in getattr(definition, "extensions", ()))


def takes_global_ids(argument: GraphQLArgument) -> bool:
    """Whether Strawberry decodes `argument`'s value as a list of global ids."""
    return isinstance(get_nullable_type(argument.type), GraphQLList) and _decodes_global_ids(
        argument.extensions.get(_BACKREF)
    )


def is_global_id(schema: GraphQLSchema, value: object) -> bool:
    """Whether `value` is base64 of "Type:key" for a Node type and a bigint key."""
    if not isinstance(value, str):
        return False
    try:
        type_name, key = from_base64(value)
    except ValueError:  # not base64, not UTF-8, or no colon
        return False
    kind = schema.get_type(type_name)
    return (
        isinstance(kind, GraphQLObjectType)
        and any(interface.name == "Node" for interface in kind.interfaces)
        and _DIGITS.fullmatch(key) is not None
        and int(key) < _KEY_MAX
    )


def _page_problem(name: str, value: int) -> str | None:
    # Strawberry's own words, which clients may already match.
    if value < 0:
        return f"Argument '{name}' must be a non-negative integer."
    if value > PAGE_MAX:
        return f"Argument '{name}' cannot be higher than {PAGE_MAX}."
    return None


def _cursor_problem(name: str, value: str) -> str | None:
    try:
        prefix, offset = from_base64(value)
    except ValueError:
        prefix, offset = "", ""
    if prefix == CURSOR_PREFIX and _DIGITS.fullmatch(offset) and int(offset) < _OFFSET_MAX:
        return None
    return f"{name} is not a valid cursor; pass one from pageInfo or an edge."


def _global_id_problem(
    schema: GraphQLSchema, name: str, value: Any, argument: GraphQLArgument
) -> str | None:
    bad = _bad_global_id(schema, value, argument.type, argument.extensions.get(_BACKREF), name)
    return None if bad is None else f"{bad} is not a global id of this API."


def _bad_global_id(
    schema: GraphQLSchema, value: Any, kind: Any, definition: Any, path: str
) -> str | None:
    """The path of the first malformed global id inside `value`, or None.

    GraphQL types lead the walk through lists and input objects (filters
    nest); Strawberry's definition of each argument or input field says
    whether its ids are global ids (`relay.GlobalID`) or plain `ID`s.
    """
    kind = get_nullable_type(kind)
    if value is None:
        return None
    if isinstance(kind, GraphQLInputObjectType):
        return _bad_in_input(schema, value, kind, path)
    if not _decodes_global_ids(definition) and not _holds_inputs(kind):
        return None
    if isinstance(kind, GraphQLList):
        for index, item in enumerate(value):
            bad = _bad_global_id(schema, item, kind.of_type, definition, f"{path}[{index}]")
            if bad is not None:
                return bad
        return None
    return None if is_global_id(schema, value) else path


def _bad_in_input(
    schema: GraphQLSchema, value: dict[str, Any], kind: GraphQLInputObjectType, path: str
) -> str | None:
    for key, field in kind.fields.items():
        if key in value:
            definition = field.extensions.get(_BACKREF)
            bad = _bad_global_id(schema, value[key], field.type, definition, f"{path}.{key}")
            if bad is not None:
                return bad
    return None


def _decodes_global_ids(definition: Any) -> bool:
    """Whether a Strawberry argument or input field holds `relay.GlobalID`s."""
    kind = getattr(definition, "type", None)
    while isinstance(kind, StrawberryContainer):
        kind = kind.of_type
    return kind is GlobalID


def _holds_inputs(kind: Any) -> bool:
    while isinstance(kind, GraphQLList):
        kind = get_nullable_type(kind.of_type)
    return isinstance(kind, GraphQLInputObjectType)
