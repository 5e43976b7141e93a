from __future__ import annotations

from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

from schema import schema

ROOT = Path(__file__).resolve().parent.parent.parent


def test_committed_schema_matches_the_code():
    # given
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")

    # when / then (run `make schema` after changing the API)
    assert committed.strip() == schema.as_str().strip()


DESCRIBED = GraphQLObjectType | GraphQLInputObjectType | GraphQLEnumType


# Made by strawberry-django for every filter and ordering; not ours to describe.
LIBRARY_MADE = frozenset({"Ordering", "AND", "OR", "NOT", "DISTINCT"})
LIBRARY_MADE_ENUM_VALUES = frozenset({"Ordering"})


def _undescribed() -> list[str]:
    kinds = [
        (n, k)
        for n, k in schema._schema.type_map.items()
        if isinstance(k, DESCRIBED) and not n.startswith("__")
    ]
    types = [name for name, kind in kinds if not kind.description and name not in LIBRARY_MADE]
    members = [
        f"{name}.{member}"
        for name, kind in kinds
        for member, item in (
            kind.values if isinstance(kind, GraphQLEnumType) else kind.fields
        ).items()
        if not item.description
        and name not in LIBRARY_MADE_ENUM_VALUES
        and not (isinstance(kind, GraphQLInputObjectType) and member in LIBRARY_MADE)
    ]
    return types + members


def test_every_type_and_field_has_a_description():
    # when / then
    assert _undescribed() == []
