"""Limits on every request, checked before any resolver runs.

`RequestLimits` validates the document itself, so that with introspection
off (`GRAPHQL_INTROSPECTION=0`) no error hints at the schema ("Did you mean
'pupils'?") and introspection is refused; then it coerces the variables
(again without hints) and computes the cost with their real values.

Each field costs 1; a field that pages (`first`/`last`) or takes a list of
global ids multiplies the cost of what it selects by how many items it may
return: the page size asked for (at most PAGE_MAX; the maximum when left
out) or the number of ids, as the variables make them. An operation over
GRAPHQL_MAX_COST, or with more than PAGE_MAX ids in one list, is refused
with one error of code QUERY_TOO_COSTLY. Depth (GRAPHQL_MAX_DEPTH) and
aliases (MAX_ALIASES) are checked with the rules of `schema.shape`, tokens by
Strawberry's MaxTokensLimiter; page sizes, cursors and the form of global
ids by `schema.arguments`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    VariableValues,
    get_argument_values,
    get_named_type,
    get_variable_values,
    validate,
)
from graphql.utilities import get_operation_ast
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionContext
from strawberry_django.optimizer import DjangoOptimizerExtension

from schema.arguments import PAGE_ARGUMENTS, PAGE_MAX, argument_problem, takes_global_ids
from schema.shape import aliases_rule, depth_rule

TOO_COSTLY = "QUERY_TOO_COSTLY"
MAX_ALIASES = 15
# Strawberry adds these two to graphql-core's rules when it validates itself.
_STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)


class RequestLimits(SchemaExtension):
    """Validation without hints, then variables and cost, before execution.

    An operation with a bad argument (`schema.arguments`) runs without the
    optimizer: it would read a nested field's arguments while resolving the
    parent, so the error would not be the nested field's own.
    """

    bad_arguments = False

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        # Strawberry validates only if no extension has (see `_run_validation`).
        if context.pre_execution_errors is None and context.validation_rules:
            context.pre_execution_errors = self.refusals(context)
        yield

    def on_execute(self) -> Iterator[None]:
        if not self.bad_arguments:
            yield
            return
        with DjangoOptimizerExtension.disabled():
            yield

    def refusals(self, context: ExecutionContext) -> list[GraphQLError]:
        """Why the operation of `context` may not run; empty when it may."""
        schema, document = context.schema._schema, context.graphql_document
        assert document is not None  # noqa: S101 - parsed before validation
        hide = not settings.GRAPHQL_INTROSPECTION
        errors = _validated(context, document, hide)
        operation = get_operation_ast(document, context.operation_name)
        raw = context.variables if context.variables is not None else {}
        if errors or operation is None or not isinstance(raw, dict):
            return errors  # graphql-core answers for the last two
        variables = get_variable_values(
            schema, operation.variable_definitions or (), raw, hide_suggestions=hide
        )
        if isinstance(variables, list):
            return variables
        walk = _Cost(schema, _fragments(document), variables)
        cost = walk.selections(operation.selection_set, schema.get_root_type(operation.operation))
        self.bad_arguments = walk.bad_arguments
        return _cost_refusals(operation, cost, walk.too_many)


# Validation errors by operation text and the settings the rules read: the
# schema is fixed, so a front end's requests of a page validate it once per process.
_VALIDATED: dict[tuple[str, bool, int], list[GraphQLError]] = {}
_VALIDATED_MAX = 512


def _validated(
    context: ExecutionContext, document: DocumentNode, hide: bool
) -> list[GraphQLError]:
    key = (context.query or "", hide, settings.GRAPHQL_MAX_DEPTH)
    if key not in _VALIDATED:
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.clear()
        schema = context.schema._schema
        _VALIDATED[key] = validate(schema, document, _rules(context, hide), hide_suggestions=hide)
    return list(_VALIDATED[key])


def _rules(context: ExecutionContext, hide: bool) -> tuple[type[ASTValidationRule], ...]:
    shape = (depth_rule(settings.GRAPHQL_MAX_DEPTH), aliases_rule(MAX_ALIASES))
    rules = (*context.validation_rules, *_STRAWBERRY_RULES, *shape)
    return (*rules, NoSchemaIntrospectionCustomRule) if hide else rules


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _cost_refusals(
    operation: OperationDefinitionNode, cost: int, too_many: list[tuple[FieldNode, str, int]]
) -> list[GraphQLError]:
    limit = settings.GRAPHQL_MAX_COST
    if cost > limit:
        message = f"The query costs {cost}, more than the limit of {limit}; ask for fewer items."
        return [GraphQLError(message, operation, extensions={"code": TOO_COSTLY})]
    if too_many:
        node, argument, count = too_many[0]
        message = (
            f"{node.name.value}({argument}:) takes at most {PAGE_MAX} ids, not {count}; "
            "ask for fewer items."
        )
        extensions = {"code": TOO_COSTLY, "argument": argument}
        return [GraphQLError(message, node, extensions=extensions)]
    return []


@dataclass
class _Cost:
    """The cost of selections; each fragment is costed once, however often spread."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: VariableValues
    fragment_costs: dict[str, int] = field(default_factory=dict)
    too_many: list[tuple[FieldNode, str, int]] = field(default_factory=list)
    bad_arguments: bool = False

    def selections(self, selections: SelectionSetNode | None, parent: Any) -> int:
        if selections is None or parent is None:
            return 0
        return sum(self.selection(node, parent) for node in selections.selections)

    def selection(self, node: SelectionNode, parent: GraphQLNamedType) -> int:
        if isinstance(node, FragmentSpreadNode):
            return self.fragment(node.name.value)
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            kind = self.schema.get_type(condition.name.value) if condition else parent
            return self.selections(node.selection_set, kind)
        assert isinstance(node, FieldNode)  # noqa: S101 - the three kinds of selection
        return self.field(node, parent)

    def fragment(self, name: str) -> int:
        if name not in self.fragment_costs:
            self.fragment_costs[name] = 0  # validation has refused cycles; this ends them
            fragment = self.fragments.get(name)
            if fragment is not None:
                kind = self.schema.get_type(fragment.type_condition.name.value)
                self.fragment_costs[name] = self.selections(fragment.selection_set, kind)
        return self.fragment_costs[name]

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        # Interfaces and object types have fields; unions and scalars do not.
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None:
            return 0 if node.name.value.startswith("__") else 1
        child = get_named_type(definition.type)
        return 1 + self.multiplier(node, definition) * self.selections(node.selection_set, child)

    def multiplier(self, node: FieldNode, definition: GraphQLField) -> int:
        """How many items the field may return, with variables applied."""
        try:
            values = get_argument_values(definition, node, self.variables)
        except GraphQLError:  # validation lets none through; execution would answer
            return 1
        if values and argument_problem(self.schema, definition, values) is not None:
            self.bad_arguments = True
        pages = [v for k, v in values.items() if k in PAGE_ARGUMENTS and isinstance(v, int)]
        if pages:
            return max(0, min(*pages, PAGE_MAX))
        for name, value in values.items():
            if isinstance(value, list) and takes_global_ids(definition.args[name]):
                if len(value) > PAGE_MAX:
                    self.too_many.append((node, name, len(value)))
                return len(value)
        return PAGE_MAX if PAGE_ARGUMENTS & definition.args.keys() else 1
