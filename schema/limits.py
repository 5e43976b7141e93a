"""A computed cost per query, checked before anything runs.

Each field costs 1; a field that pages (`first`/`last`) or takes a list of
ids multiplies the cost of what it selects by how many items it may return:
the literal argument, or the page maximum when the value is a variable or
left out. A query over the limit is refused with one clear error. Depth,
aliases and tokens are limited by Strawberry's own extensions.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
)

PAGE_MAX = 100
_MULTIPLYING_ARGUMENTS = ("first", "last")


def _multiplier(node: FieldNode, field_args: dict[str, Any]) -> int:
    for argument in node.arguments or ():
        name = argument.name.value
        if name in _MULTIPLYING_ARGUMENTS:
            value = argument.value
            return min(int(value.value), PAGE_MAX) if isinstance(value, IntValueNode) else PAGE_MAX
        if name == "ids":
            return (
                len(argument.value.values)
                if isinstance(argument.value, ListValueNode)
                else PAGE_MAX
            )
    pages = any(name in field_args for name in _MULTIPLYING_ARGUMENTS)
    return PAGE_MAX if pages else 1


class QueryCostRule(ValidationRule):
    """Refuses an operation whose cost exceeds `limit`."""

    limit = 0

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        root = self.context.schema.get_root_type(node.operation)
        cost = self.cost(node.selection_set, root, frozenset())
        if cost > self.limit:
            message = (
                f"The query costs {cost}, more than the limit of {self.limit}; "
                "ask for fewer items."
            )
            self.report_error(GraphQLError(message, node))

    def cost(
        self,
        selections: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        seen: frozenset[str],
    ) -> int:
        if selections is None or parent is None:
            return 0
        return sum(self.selection_cost(s, parent, seen) for s in selections.selections)

    def selection_cost(self, node: Any, parent: GraphQLNamedType, seen: frozenset[str]) -> int:
        if isinstance(node, FragmentSpreadNode):
            fragment = self.context.get_fragment(node.name.value)
            if fragment is None or node.name.value in seen:
                return 0
            kind = self.context.schema.get_type(fragment.type_condition.name.value)
            return self.cost(fragment.selection_set, kind, seen | {node.name.value})
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            kind = self.context.schema.get_type(condition.name.value) if condition else parent
            return self.cost(node.selection_set, kind, seen)
        return self.field_cost(node, parent, seen)

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType, seen: frozenset[str]) -> int:
        # Interfaces and object types have fields; unions and scalars do not.
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None:
            return 1 if not node.name.value.startswith("__") else 0
        child = get_named_type(definition.type)
        return 1 + _multiplier(node, definition.args) * self.cost(node.selection_set, child, seen)


def max_cost_rule(limit: int) -> type[ValidationRule]:
    """The cost rule with `limit` bound, for `AddValidationRules`."""
    return type("QueryCostRule", (QueryCostRule,), {"limit": limit})
