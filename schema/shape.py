"""The shape of a document: how deep it goes and how many aliases it holds.

Strawberry's QueryDepthLimiter and MaxAliasesLimiter walk a fragment again
at every spread, so a few hundred tokens of fragments that spread the next
one twice take exponential time, and a spread of an unknown fragment makes
the depth limiter raise KeyError. These rules give the same answers (the
same messages, at the same nodes) and walk each fragment once per depth:
`depth_rule` reports each field deeper than `max_depth`, `aliases_rule` one
error when the operations hold more than `max_aliases` aliases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
)


@cache
def depth_rule(max_depth: int) -> type[ValidationRule]:
    """A rule refusing fields nested deeper than `max_depth`."""

    class DepthRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            fragments = _fragments(context)
            for operation in context.document.definitions:
                if isinstance(operation, OperationDefinitionNode):
                    name = operation.name.value if operation.name else "anonymous"
                    _Depth(context, fragments, max_depth, name).of(operation, 0)

    return DepthRule


@cache
def aliases_rule(max_aliases: int) -> type[ValidationRule]:
    """A rule refusing a document whose operations hold more than `max_aliases` aliases."""

    class AliasesRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            count = _Aliases(_fragments(context))
            total = sum(
                count.of(d)
                for d in context.document.definitions
                if isinstance(d, OperationDefinitionNode)
            )
            if total > max_aliases:
                context.report_error(
                    GraphQLError(f"{total} aliases found. Allowed: {max_aliases}")
                )

    return AliasesRule


def _fragments(context: ValidationContext) -> dict[str, FragmentDefinitionNode]:
    return {
        d.name.value: d
        for d in context.document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }


@dataclass
class _Depth:
    """Strawberry's `determine_depth`, remembering each (fragment, depth) it has walked."""

    context: ValidationContext
    fragments: dict[str, FragmentDefinitionNode]
    max_depth: int
    operation: str
    walked: dict[tuple[str, int], int] = field(default_factory=dict)
    reported: set[int] = field(default_factory=set)

    def of(self, node: Node, depth: int) -> int:
        if depth > self.max_depth:
            self.report(node)
            return depth
        if isinstance(node, FieldNode):
            if node.name.value.startswith("__") or not node.selection_set:
                return 0
            return 1 + max(self.of(s, depth + 1) for s in node.selection_set.selections)
        if isinstance(node, FragmentSpreadNode):
            return self.spread(node.name.value, depth)
        if isinstance(node, (InlineFragmentNode, ExecutableDefinitionNode)):
            selections = node.selection_set.selections
            return max((self.of(s, depth) for s in selections), default=0)
        return 0

    def spread(self, name: str, depth: int) -> int:
        key = (name, depth)
        if key not in self.walked:
            self.walked[key] = 0  # a cycle (refused by validation) ends here
            fragment = self.fragments.get(name)  # unknown ones are refused by validation
            self.walked[key] = 0 if fragment is None else self.of(fragment, depth)
        return self.walked[key]

    def report(self, node: Node) -> None:
        if id(node) not in self.reported:
            self.reported.add(id(node))
            message = f"'{self.operation}' exceeds maximum operation depth of {self.max_depth}"
            self.context.report_error(GraphQLError(message, [node]))


@dataclass
class _Aliases:
    """Aliases under a node, each spread counted in full; each fragment counted once."""

    fragments: dict[str, FragmentDefinitionNode]
    counted: dict[str, int] = field(default_factory=dict)

    def of(self, node: Any) -> int:
        if node.selection_set is None:
            return 0
        total = 0
        for selection in node.selection_set.selections:
            if isinstance(selection, FieldNode) and selection.alias:
                total += 1
            if isinstance(selection, (FieldNode, InlineFragmentNode)):
                total += self.of(selection)
            if isinstance(selection, FragmentSpreadNode):
                total += self.spread(selection.name.value)
        return total

    def spread(self, name: str) -> int:
        if name not in self.counted:
            self.counted[name] = 0  # a cycle (refused by validation) ends here
            fragment = self.fragments.get(name)
            self.counted[name] = 0 if fragment is None else self.of(fragment)
        return self.counted[name]
