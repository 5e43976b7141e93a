"""Small-cell suppression for summaries: no count reveals fewer than k people.

A summary is a tree of nodes (classes under schools under an organiser),
each holding additive cells: counts keyed by what they count, e.g.
("plans", "HT2026", "agreed"). Every class belongs to one node above it,
so a school's cell is the sum of its classes' cells. Three rules, applied
bottom-up until nothing changes, decide which cells are published:

1. Primary: a cell under k is hidden; so is every cell of a node whose
   population is under k.
2. Within a node, some cells partition a total (a class's pupils into
   those with an agreed plan, a plan not yet agreed and no plan). When any
   part is hidden, every part of that partition is hidden: the total then
   gives away only the sum of all parts, which is the total itself. (Hiding
   just enough parts to make their sum k is not enough: a part hidden only
   to cover another can be worked out from the sums up the tree, and the
   total minus the published parts then gives the small part away.)
   Cells tied some other way go together too (`Node.ties`): when a key is
   hidden, so are the keys it is tied to, e.g. a term's answers when its
   plans are hidden, since questions asked are questions per plan times
   plans.
3. Across the tree, what an onlooker can subtract must not reveal fewer than
   k either. For a published cell of a node: the sum of its hidden
   children's cells, the sum of the hidden class cells below it, and the
   part of hidden children not covered by their published classes must each
   be 0 or at least k, and a single hidden child must hold 0 (the node
   minus its other children would be that child's count); otherwise the
   node's cell is hidden too.

With 2 and 3 together, the hidden cells of a partition form whole rows
(nodes) and every published sum over them covers 0 or at least two hidden
rows, so no hidden cell, and no sum of them under k, follows from what is
published (`tests/core/selectors/test_suppression.py` solves for them).

Zero is treated as safe: "nobody" reveals nobody.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

Key = tuple[Hashable, ...]


@dataclass
class Node:
    """A class, school or organiser: raw cells, children, and what is hidden."""

    name: str
    cells: dict[Key, int]
    children: list[Node] = field(default_factory=list)
    # Cells whose parts partition a published total: total key -> part keys.
    partitions: Mapping[Key, tuple[Key, ...]] = field(default_factory=dict)
    # Cells that give others away: key -> keys hidden whenever it is.
    ties: Mapping[Key, tuple[Key, ...]] = field(default_factory=dict)
    hidden: set[Key] = field(default_factory=set)
    withheld: bool = False  # the whole node: its population is under k
    _leaves: list[Node] | None = field(default=None, repr=False, compare=False)

    def is_hidden(self, key: Key) -> bool:
        """Whether the cell is withheld, alone or with its whole node."""
        return self.withheld or key in self.hidden

    def leaves(self) -> list[Node]:
        """The classes at the bottom of this node (itself if it is one).

        Worked out once: a tree is built whole before it is protected.
        """
        if self._leaves is None:
            self._leaves = (
                [leaf for child in self.children for leaf in child.leaves()]
                if self.children
                else [self]
            )
        return self._leaves

    def published(self, key: Key) -> int | None:
        """The cell's value, or None when it is hidden."""
        return None if self.is_hidden(key) else self.cells.get(key, 0)


def protect(root: Node, k: int, population: Key) -> Node:
    """Decide what is hidden in every node of the tree, children first."""
    for child in root.children:
        protect(child, k, population)
    keys = set(root.cells) | {key for leaf in root.leaves() for key in leaf.cells}
    for key in keys:
        root.cells.setdefault(key, 0)
    if root.cells.setdefault(population, 0) < k:  # a school without classes has no cells
        root.withheld = True
        return root
    changed = True
    while changed:
        before = len(root.hidden)
        root.hidden |= {key for key, value in root.cells.items() if 0 < value < k}
        _partitions(root)
        root.hidden |= {key for key in root.cells if not _safe_in_tree(root, key, k)}
        changed = len(root.hidden) != before
    return root


def _partitions(node: Node) -> None:
    for total, parts in node.partitions.items():
        if total in node.hidden or any(part in node.hidden for part in parts):
            node.hidden |= set(parts)
    for key, tied in node.ties.items():
        if key in node.hidden:
            node.hidden |= set(tied)


def _safe_in_tree(node: Node, key: Key, k: int) -> bool:
    if key in node.hidden or not node.children:
        return True
    hidden_children = [c for c in node.children if c.is_hidden(key)]
    hidden_leaves = [leaf for leaf in node.leaves() if leaf.is_hidden(key)]
    uncovered = sum(
        c.cells.get(key, 0)
        - sum(leaf.cells.get(key, 0) for leaf in c.leaves() if not leaf.is_hidden(key))
        for c in hidden_children
    )
    sums = (
        sum(c.cells.get(key, 0) for c in hidden_children),
        sum(leaf.cells.get(key, 0) for leaf in hidden_leaves),
        uncovered,
    )
    if len(hidden_children) == 1 and hidden_children[0].cells.get(key, 0):
        return False  # the node minus its published children is that child's count
    return not any(_small(value, k) for value in sums)


def _small(value: int, k: int) -> bool:
    return 0 < value < k


def flatten(nodes: Iterable[Node]) -> list[Node]:
    """Every node of the trees, parents before children."""
    return [n for node in nodes for n in (node, *flatten(node.children))]
