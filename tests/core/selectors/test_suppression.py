"""Small-cell suppression, and an onlooker who tries to undo it (k = 5).

The onlooker reads every summary there is (each class, each school, the
organiser) and knows how they fit together: a school's cell is the sum of
its classes', the organiser's the sum of its schools', within a node the
parts of a partition add up to its total, questions asked are one per role
and plan, and where every pupil was assessed in a subject its at-risk and
on-track counts add up to the pupils. Counts are whole numbers, never
negative. For each withheld cell the onlooker tries to work out its value by
subtraction (a class total minus its published parts, a school minus its
other classes, the organiser minus the other schools and the published
classes), by chains of such subtractions, and by solving all published
equations at once. A cell is safe when two tables of non-negative whole
numbers agree on every published number and differ in that cell.

Trees are built by hand, partitioned and tied as `core.selectors.analytics`
does it for every node (a test below checks that).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from core.selectors import analytics
from core.selectors.suppression import Key, Node, flatten, protect

K = 5
POPULATION: Key = ("pupils",)
TERMS = ("VT2026", "HT2026")
ACTIVITY = (("usage", "pupils", "active"), ("usage", "pupils", "inactive"))
PLAN_STATES = ("agreed", "draft", "none")
ROLES = ("pupil", "guardian")  # one preparation question each, per plan
SUBJECTS = ("Matematik", "Svenska")
Cell = tuple[str, Key]  # (node name, key)
Equation = tuple[dict[Cell, int], int]  # sum of coefficient * withheld cell == constant
Table = dict[Cell, int]


# -- building trees ------------------------------------------------------------


def plans(term: str) -> tuple[Key, ...]:
    return tuple(("plans", term, state) for state in PLAN_STATES)


def partitions(terms: Iterable[str] = TERMS) -> dict[Key, tuple[Key, ...]]:
    """The partitions of every node, as in `core.selectors.analytics`."""
    return {POPULATION: ACTIVITY, **{(*POPULATION, term): plans(term) for term in terms}}


def ties(cells: dict[Key, int]) -> dict[Key, tuple[Key, ...]]:
    """Cells hidden together, as in `core.selectors.analytics`.

    A role's answered and unanswered questions, and both with the latest
    term's plans; a subject's at-risk and on-track counts, and both with the
    pupils.
    """
    answers = [key for key in cells if key[0] == "answers"]
    tied: dict[Key, tuple[Key, ...]] = {}
    for kind in ("answers", "assessments"):
        for what in {key[1] for key in cells if key[0] == kind}:
            group = [key for key in cells if key[:2] == (kind, what)]
            tied |= {key: tuple(k for k in group if k != key) for key in group}
    tied |= dict.fromkeys(plans("HT2026"), tuple(answers))
    return tied | {POPULATION: tuple(key for key in cells if key[0] == "assessments")}


def school_class(
    name: str,
    pupils: int,
    *,
    ht: tuple[int, int],
    vt: tuple[int, int],
    active: int,
    maths: tuple[int, int],
    swedish: tuple[int, int],
    goals: tuple[int, int],
    log: int,
    guardians: tuple[int, int, int],
    answered: tuple[int, int],
) -> Node:
    """A class: plans (agreed, draft) per term, assessments (at risk, on track), ...

    Answered: questions answered by pupils and by guardians, of one question
    per role and HT2026 plan.
    """
    cells: dict[Key, int] = {POPULATION: pupils, ACTIVITY[0]: active, ACTIVITY[1]: pupils - active}
    for term, (agreed, draft) in (("HT2026", ht), ("VT2026", vt)):
        counts = (agreed, draft, pupils - agreed - draft)
        cells |= {(*POPULATION, term): pupils, **dict(zip(plans(term), counts, strict=True))}
    for subject, (at_risk, on_track) in (("Matematik", maths), ("Svenska", swedish)):
        cells |= {
            ("assessments", subject, "at_risk"): at_risk,
            ("assessments", subject, "on_track"): on_track,
        }
    cells |= {
        ("goals", "new"): goals[0],
        ("goals", "in_progress"): goals[1],
        ("learning_log", "entries"): log,
    }
    cells |= dict(
        zip(
            (("usage", "guardians", p) for p in ("active", "earlier", "never")),
            guardians,
            strict=True,
        )
    )
    for role, done in zip(ROLES, answered, strict=True):
        cells |= {
            ("answers", role, "answered"): done,
            ("answers", role, "unanswered"): sum(ht) - done,
        }
    return Node(name, cells, partitions=partitions(), ties=ties(cells))


def total(name: str, children: list[Node]) -> Node:
    """A school or organiser: the sum of its children."""
    cells: dict[Key, int] = {}
    for child in children:
        for key, value in child.cells.items():
            cells[key] = cells.get(key, 0) + value
    return Node(name, cells, children, partitions=partitions(), ties=ties(cells))


def leaf(name: str, cells: dict[Key, int], terms: Iterable[str] = ("HT2026",)) -> Node:
    return Node(name, dict(cells), partitions=partitions(terms), ties=ties(cells))


def class_of(pupils: int, agreed: int, draft: int, **other: int) -> dict[Key, int]:
    """Cells of a small test class: population, HT2026 plans, activity (all active)."""
    counts = (agreed, draft, pupils - agreed - draft)
    return {
        POPULATION: pupils,
        ("pupils", "HT2026"): pupils,
        ACTIVITY[0]: pupils,
        ACTIVITY[1]: 0,
        **dict(zip(plans("HT2026"), counts, strict=True)),
        **{(name,): value for name, value in other.items()},
    }


def municipality() -> Node:
    """An organiser with three schools of real-looking classes, some cells small.

    Björkskolan has a class of three (4A) and at-risk counts of 1 to 3 in
    maths; Ekskolan has three large classes with a few drafts and missing
    answers; Granskolan is small, with a preschool class without assessments
    and a class of four (2A).
    """
    c = school_class
    bjork = [
        c(
            "3A",
            24,
            ht=(18, 4),
            vt=(20, 0),
            active=20,
            maths=(2, 22),
            swedish=(0, 24),
            goals=(6, 30),
            log=41,
            guardians=(30, 10, 6),
            answered=(20, 15),
        ),
        c(
            "3B",
            21,
            ht=(15, 6),
            vt=(19, 0),
            active=17,
            maths=(1, 20),
            swedish=(3, 18),
            goals=(8, 25),
            log=35,
            guardians=(25, 9, 3),
            answered=(21, 18),
        ),
        c(
            "4A",
            3,
            ht=(2, 1),
            vt=(3, 0),
            active=3,
            maths=(0, 3),
            swedish=(1, 2),
            goals=(1, 4),
            log=12,
            guardians=(4, 1, 1),
            answered=(3, 2),
        ),
        c(
            "4B",
            19,
            ht=(19, 0),
            vt=(17, 2),
            active=15,
            maths=(5, 14),
            swedish=(2, 17),
            goals=(7, 20),
            log=28,
            guardians=(22, 8, 5),
            answered=(16, 19),
        ),
    ]
    ek = [
        c(
            "7A",
            27,
            ht=(20, 7),
            vt=(25, 0),
            active=25,
            maths=(3, 24),
            swedish=(0, 27),
            goals=(10, 30),
            log=50,
            guardians=(35, 12, 6),
            answered=(27, 20),
        ),
        c(
            "7B",
            25,
            ht=(21, 3),
            vt=(22, 3),
            active=20,
            maths=(0, 25),
            swedish=(6, 19),
            goals=(9, 28),
            log=44,
            guardians=(30, 14, 4),
            answered=(24, 24),
        ),
        c(
            "8A",
            26,
            ht=(26, 0),
            vt=(24, 0),
            active=26,
            maths=(4, 22),
            swedish=(1, 25),
            goals=(12, 33),
            log=60,
            guardians=(33, 15, 3),
            answered=(25, 26),
        ),
    ]
    gran = [
        c(
            "F",
            12,
            ht=(10, 2),
            vt=(0, 0),
            active=9,
            maths=(0, 0),
            swedish=(0, 0),
            goals=(3, 9),
            log=30,
            guardians=(14, 6, 2),
            answered=(12, 6),
        ),
        c(
            "1A",
            16,
            ht=(14, 0),
            vt=(15, 1),
            active=12,
            maths=(0, 16),
            swedish=(0, 16),
            goals=(5, 15),
            log=22,
            guardians=(20, 8, 4),
            answered=(14, 14),
        ),
        c(
            "2A",
            4,
            ht=(3, 1),
            vt=(4, 0),
            active=2,
            maths=(0, 4),
            swedish=(1, 3),
            goals=(2, 3),
            log=9,
            guardians=(5, 2, 0),
            answered=(4, 1),
        ),
    ]
    schools = [total("Björkskolan", bjork), total("Ekskolan", ek), total("Granskolan", gran)]
    return total("Exempelby", schools)


def node_named(root: Node, name: str) -> Node:
    return next(node for node in flatten([root]) if node.name == name)


def hidden_keys(node: Node) -> set[Key]:
    return {key for key in node.cells if node.is_hidden(key)}


# -- the onlooker --------------------------------------------------------------


def truth(root: Node) -> Table:
    """Every raw cell of every node (absent keys count 0)."""
    keys = {key for node in flatten([root]) for key in node.cells}
    return {(node.name, key): node.cells.get(key, 0) for node in flatten([root]) for key in keys}


def withheld_cells(root: Node) -> list[Cell]:
    keys = {key for node in flatten([root]) for key in node.cells}
    return sorted(
        ((node.name, key) for node in flatten([root]) for key in keys if node.is_hidden(key)),
        key=str,
    )


def class_cells(root: Node) -> list[Cell]:
    leaves = {leaf.name for leaf in root.leaves()}
    return [cell for cell in withheld_cells(root) if cell[0] in leaves]


def published_equations(root: Node) -> list[Equation]:
    """Every relation between numbers, with the published ones moved to the right."""
    keys = sorted({key for node in flatten([root]) for key in node.cells}, key=str)
    sums = [
        [(node, key, 1), *((child, key, -1) for child in node.children)]
        for node in flatten([root])
        if node.children
        for key in keys
    ]
    splits = [
        [(node, whole, 1), *((node, part, -1) for part in parts)]
        for node in flatten([root])
        for whole, parts in node.partitions.items()
    ]
    return [_equation(terms) for terms in sums + splits + relations(root)]


def relations(root: Node) -> list[list[tuple[Node, Key, int]]]:
    """What else the onlooker knows, beyond sums and partitions.

    Questions asked are one per role and HT2026 plan; where a class (or
    school) assessed every pupil in a subject, its two counts add up to the
    pupils.
    """
    asked = [
        [
            (node, ("answers", role, "answered"), 1),
            (node, ("answers", role, "unanswered"), 1),
            *((node, key, -1) for key in plans("HT2026")[:2]),
        ]
        for node in flatten([root])
        for role in ROLES
        if ("answers", role, "answered") in node.cells
    ]
    assessed = [
        [
            (node, ("assessments", subject, "at_risk"), 1),
            (node, ("assessments", subject, "on_track"), 1),
            (node, POPULATION, -1),
        ]
        for node in flatten([root])
        for subject in SUBJECTS
        if node.cells.get(("assessments", subject, "at_risk"), 0)
        + node.cells.get(("assessments", subject, "on_track"), 0)
        == node.cells[POPULATION]
    ]
    return asked + assessed


def _equation(terms: list[tuple[Node, Key, int]]) -> Equation:
    coefficients: dict[Cell, int] = {}
    constant = 0
    for node, key, sign in terms:
        if node.is_hidden(key):
            cell = (node.name, key)
            coefficients[cell] = coefficients.get(cell, 0) + sign
        else:
            constant -= sign * node.cells.get(key, 0)
    return {c: v for c, v in coefficients.items() if v}, constant


def subtract_within_class(root: Node) -> Table:
    """(a) A class's published total minus its published parts."""
    found: Table = {}
    for node in root.leaves():
        for whole, parts in node.partitions.items():
            hidden = [part for part in parts if node.is_hidden(part)]
            if len(hidden) == 1 and not node.is_hidden(whole):
                rest = sum(node.cells.get(part, 0) for part in parts if part not in hidden)
                found[(node.name, hidden[0])] = node.cells[whole] - rest
    return found


def subtract_siblings(root: Node) -> Table:
    """(b) A school's published cell minus its other classes' published cells."""
    found: Table = {}
    for school in root.children:
        for key in school.cells:
            hidden = [c for c in school.children if c.is_hidden(key)]
            if len(hidden) == 1 and not school.is_hidden(key):
                rest = sum(c.cells.get(key, 0) for c in school.children if c is not hidden[0])
                found[(hidden[0].name, key)] = school.cells[key] - rest
    return found


def subtract_across_schools(root: Node) -> Table:
    """(c) The organiser minus the other schools minus the school's published classes."""
    found: Table = {}
    for school in root.children:
        others = [s for s in root.children if s is not school]
        for key in root.cells:
            hidden = [c for c in school.children if c.is_hidden(key)]
            blocked = root.is_hidden(key) or any(s.is_hidden(key) for s in others)
            if len(hidden) == 1 and not blocked:
                rest = sum(s.cells.get(key, 0) for s in others)
                rest += sum(c.cells.get(key, 0) for c in school.children if c is not hidden[0])
                found[(hidden[0].name, key)] = root.cells[key] - rest
    return found


def chain_subtractions(equations: list[Equation]) -> dict[Cell, Fraction]:
    """Subtract again and again: a relation with one unknown left gives it away."""
    known: dict[Cell, Fraction] = {}
    progress = True
    while progress:
        progress = False
        for coefficients, constant in equations:
            unknown = [cell for cell in coefficients if cell not in known]
            if len(unknown) == 1:
                rest = constant - sum(v * known[c] for c, v in coefficients.items() if c in known)
                known[unknown[0]] = Fraction(rest, coefficients[unknown[0]])
                progress = True
    return known


def null_space(equations: list[Equation], cells: list[Cell]) -> list[dict[Cell, int]]:
    """Integer directions that change withheld cells and no published number.

    Gaussian elimination over the rationals: a combination of withheld cells
    follows from the published equations exactly when every direction leaves
    it unchanged.
    """
    column = {cell: i for i, cell in enumerate(cells)}
    rows = []
    for coefficients, _ in equations:
        row = [Fraction(0)] * len(cells)
        for cell, value in coefficients.items():
            row[column[cell]] += value
        rows.append(row)
    pivots: list[int] = []
    for col in range(len(cells)):
        at = next((i for i in range(len(pivots), len(rows)) if rows[i][col]), None)
        if at is None:
            continue
        rank = len(pivots)
        rows[rank], rows[at] = rows[at], rows[rank]
        rows[rank] = [value / rows[rank][col] for value in rows[rank]]
        for i, row in enumerate(rows):
            if i != rank and row[col]:
                rows[i] = [a - row[col] * b for a, b in zip(row, rows[rank], strict=True)]
        pivots.append(col)
    directions = []
    for free in (col for col in range(len(cells)) if col not in pivots):
        vector = {free: Fraction(1)} | {p: -rows[r][free] for r, p in enumerate(pivots)}
        scale = math.lcm(*(value.denominator for value in vector.values()))
        directions.append({cells[i]: int(v * scale) for i, v in vector.items() if v})
    return directions


@dataclass
class Onlooker:
    """What follows from every published number, solved.

    `directions` change withheld cells and no published number (a basis of
    the null space); `moves` are those of them, and sums and differences of
    two, that keep every cell a non-negative whole number: each is another
    table the onlooker cannot tell from the true one.
    """

    true: Table
    directions: list[dict[Cell, int]]
    moves: list[dict[Cell, int]] = field(default_factory=list)
    touching: dict[Cell, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        candidates = [
            *self.directions,
            *(
                {c: a.get(c, 0) + sign * b.get(c, 0) for c in a.keys() | b.keys()}
                for a, b in combinations(self.directions, 2)
                for sign in (1, -1)
            ),
        ]
        self.moves = [
            {cell: sign * step for cell, step in move.items() if step}
            for move in candidates
            for sign in (1, -1)
            if all(self.true[cell] + sign * step >= 0 for cell, step in move.items())
        ]
        for i, move in enumerate(self.moves):
            for cell in move:
                self.touching.setdefault(cell, []).append(i)

    def determined(self, cells: Iterable[Cell]) -> bool:
        """Whether the sum of `cells` follows from the published equations."""
        cells = list(cells)
        return all(sum(d.get(cell, 0) for cell in cells) == 0 for d in self.directions)

    def values(self, cells: Iterable[Cell]) -> set[int]:
        """The sum of `cells` in the true table and in the ones it cannot be told from."""
        cells = set(cells)
        true = sum(self.true[cell] for cell in cells)
        moves = {i for cell in cells for i in self.touching.get(cell, [])}
        return {true} | {true + sum(self.moves[i].get(cell, 0) for cell in cells) for i in moves}


def onlooker(root: Node) -> Onlooker:
    """The onlooker who has read every summary of the protected tree."""
    return Onlooker(truth(root), null_space(published_equations(root), withheld_cells(root)))


# -- the trees model the summaries ---------------------------------------------------


def test_the_trees_here_are_partitioned_and_tied_like_the_summaries():
    # given
    school = node_named(municipality(), "Björkskolan")

    # when
    made = [(n.partitions, n.ties) for n in (school, *school.children)]
    summaries = [
        (analytics._partitions(n.cells), analytics._ties(n.cells))
        for n in (school, *school.children)
    ]

    # then
    assert [parts for parts, _ in made] == [parts for parts, _ in summaries]
    assert [{k: set(v) for k, v in tied.items()} for _, tied in made] == [
        {k: set(v) for k, v in tied.items()} for _, tied in summaries
    ]


# -- primary suppression -------------------------------------------------------


def test_zero_and_counts_from_k_are_published_and_1_to_k_minus_1_hidden():
    # given
    node = leaf("3A", {POPULATION: 20, **{(str(v),): v for v in range(7)}})

    # when
    protect(node, K, POPULATION)

    # then
    assert {key[0]: node.published(key) for key in node.cells} == {
        "pupils": 20,
        "0": 0,
        "1": None,
        "2": None,
        "3": None,
        "4": None,
        "5": 5,
        "6": 6,
    }
    assert {key[0]: node.is_hidden(key) for key in node.cells} == {
        "pupils": False,
        "0": False,
        "1": True,
        "2": True,
        "3": True,
        "4": True,
        "5": False,
        "6": False,
    }


def test_a_node_of_fewer_than_k_pupils_is_withheld_entirely():
    # given
    node = leaf("4A", {POPULATION: 4, ("learning_log", "entries"): 30, ("goals", "new"): 0})

    # when
    protect(node, K, POPULATION)

    # then
    assert node.withheld
    assert [node.published(key) for key in node.cells] == [None, None, None]
    assert node.published(("not", "counted")) is None
    assert node.is_hidden(("not", "counted"))


def test_a_school_without_classes_is_withheld_not_an_error():
    # given
    school = Node("Nya skolan", {}, partitions=partitions())
    organiser = Node("Exempelby", {}, [school], partitions=partitions())

    # when
    protect(organiser, K, POPULATION)

    # then
    assert [school.withheld, organiser.withheld] == [True, True]
    assert organiser.published(POPULATION) is None


def test_exactly_k_pupils_are_published():
    # given
    node = leaf("4A", class_of(5, agreed=5, draft=0))

    # when
    protect(node, K, POPULATION)

    # then
    assert not node.withheld
    assert hidden_keys(node) == set()
    assert node.published(POPULATION) == 5


# -- partitions ----------------------------------------------------------------


def test_a_small_part_hides_every_part_of_its_partition_and_nothing_else():
    # given: 25 pupils, HT2026 plans agreed 0 / draft 3 / none 22
    node = leaf("3A", class_of(25, agreed=0, draft=3))

    # when
    protect(node, K, POPULATION)

    # then
    assert hidden_keys(node) == set(plans("HT2026"))
    assert node.published(POPULATION) == 25
    assert node.published(("pupils", "HT2026")) == 25
    assert [node.published(key) for key in ACTIVITY] == [25, 0]


def test_nothing_about_a_hidden_partition_is_derivable_but_its_total():
    # given
    node = protect(leaf("3A", class_of(25, agreed=0, draft=3)), K, POPULATION)
    equations = published_equations(node)

    # when
    seen = onlooker(node)

    # then
    assert subtract_within_class(node) == {}
    assert chain_subtractions(equations) == {}
    assert {key[2]: seen.values([("3A", key)]) for key in plans("HT2026")} == {
        "agreed": {0, 1, 2},
        "draft": {2, 3, 4},
        "none": {21, 22, 23},
    }
    assert seen.determined([("3A", key) for key in plans("HT2026")])


def test_the_partition_rule_does_not_touch_a_partition_without_small_parts():
    # given
    node = leaf("3A", class_of(25, agreed=10, draft=15))

    # when
    protect(node, K, POPULATION)

    # then
    assert hidden_keys(node) == set()
    assert [node.published(key) for key in plans("HT2026")] == [10, 15, 0]


# -- across the tree -------------------------------------------------------------


def test_a_class_cell_hidden_alone_hides_the_school_cell():
    # given: only 3A has an at-risk count, and it is 3
    a = leaf("3A", class_of(20, agreed=20, draft=0, at_risk=3))
    b = leaf("3B", class_of(20, agreed=20, draft=0, at_risk=0))
    school = total("Björkskolan", [a, b])

    # when
    protect(school, K, POPULATION)

    # then
    assert school.published(("at_risk",)) is None
    assert subtract_siblings(Node("Exempelby", school.cells, [school])) == {}


def test_two_hidden_class_cells_of_k_or_more_together_publish_the_school_cell():
    # given
    a = leaf("3A", class_of(20, agreed=20, draft=0, at_risk=3))
    b = leaf("3B", class_of(20, agreed=20, draft=0, at_risk=2))
    c = leaf("3C", class_of(20, agreed=20, draft=0, at_risk=6))
    school = total("Björkskolan", [a, b, c])

    # when
    protect(school, K, POPULATION)

    # then
    assert [n.published(("at_risk",)) for n in (school, a, b, c)] == [11, None, None, 6]


def test_a_single_withheld_class_hides_even_its_large_counts_at_the_school():
    # given: 4A has 3 pupils and 12 log entries; the school minus 4B would be 12
    tiny = leaf("4A", class_of(3, agreed=3, draft=0, entries=12))
    other = leaf("4B", class_of(20, agreed=20, draft=0, entries=30))
    school = total("Björkskolan", [tiny, other])

    # when
    protect(school, K, POPULATION)

    # then
    assert tiny.withheld
    assert school.published(("entries",)) is None
    assert school.published(POPULATION) is None
    assert hidden_keys(other) == set()


def test_a_hidden_zero_alone_under_a_published_cell_is_safe_to_reveal():
    # given: 4A is withheld and has no log entries
    tiny = leaf("4A", class_of(3, agreed=3, draft=0, entries=0))
    other = leaf("4B", class_of(20, agreed=20, draft=0, entries=30))
    school = total("Björkskolan", [tiny, other])

    # when
    protect(school, K, POPULATION)

    # then
    assert school.published(("entries",)) == 30
    assert subtract_siblings(Node("Exempelby", school.cells, [school])) == {
        ("4A", ("entries",)): 0
    }


def test_a_school_cell_hidden_to_cover_a_class_cannot_be_worked_out_from_its_partition():
    # given: a class of 17 with 7 agreed, 2 draft, 8 without a plan, beside one of 20.
    # Hiding just 3A's draft and agreed (9 together) and the school's draft is not
    # enough: the school's 37 minus its published 17 agreed and 13 without a plan
    # gives its draft, 7, and 7 minus 3B's 5 gives 3A's 2.
    a = leaf("3A", class_of(17, agreed=7, draft=2))
    b = leaf("3B", class_of(20, agreed=10, draft=5))
    school = protect(total("Björkskolan", [a, b]), K, POPULATION)
    root = Node("Exempelby", school.cells, [school])

    # when
    seen = onlooker(school)

    # then
    assert hidden_keys(a) == set(plans("HT2026"))
    assert hidden_keys(b) == set()
    assert hidden_keys(school) == set(plans("HT2026"))
    assert subtract_within_class(school) == {}
    assert subtract_siblings(root) == {}
    assert chain_subtractions(published_equations(school)) == {}
    assert seen.values([("3A", plans("HT2026")[1])]) == {1, 2, 3}


# -- the recovery test -----------------------------------------------------------


def test_the_organiser_tree_hides_what_is_small_and_what_would_give_it_away():
    # given
    root = municipality()

    # when
    protect(root, K, POPULATION)

    # then
    bjork, ek, gran = root.children
    maths: Key = ("assessments", "Matematik", "at_risk")
    swedish: Key = ("assessments", "Svenska", "at_risk")
    answers = {("answers", role, part) for role in ROLES for part in ("answered", "unanswered")}
    pair = {maths, ("assessments", "Matematik", "on_track")}
    assert [node_named(root, name).withheld for name in ("4A", "2A", "3A")] == [True, True, False]
    # 3A: 4 drafts and 2 without a plan hide the plans, and with them the answers
    assert hidden_keys(node_named(root, "3A")) == {
        *plans("HT2026"),
        *plans("VT2026"),
        *ACTIVITY,
        *answers,
        *pair,
    }
    assert hidden_keys(node_named(root, "8A")) == {
        *plans("VT2026"),
        *pair,
        swedish,
        ("assessments", "Svenska", "on_track"),
        ("answers", "pupil", "answered"),
        ("answers", "pupil", "unanswered"),
        ("usage", "guardians", "never"),
    }
    # Björkskolan and Granskolan each hold a withheld class: their pupils are hidden,
    # and so are their assessments, which add up to about their pupils ...
    assert [s.published(POPULATION) for s in (bjork, ek, gran)] == [None, 78, None]
    assert [s.published(maths) for s in (bjork, ek, gran)] == [None, 7, None]
    # ... but together they are two, so the organiser publishes its figures
    assert root.published(POPULATION) == 177
    assert [root.published(key) for key in plans("HT2026")] == [148, 24, 5]
    assert [root.published(key) for key in sorted(answers, key=str)] == [145, 27, 166, 6]
    assert [root.published(swedish), root.published(("learning_log", "entries"))] == [14, 331]
    # the organiser minus Ekskolan minus Björkskolan's 4B would leave 3 (3A 2, 3B 1)
    assert root.published(maths) is None


def test_no_withheld_class_cell_can_be_recovered_from_totals_sums_or_siblings():
    # given: the onlooker reads every published number of every summary
    root = protect(municipality(), K, POPULATION)
    equations = published_equations(root)
    cells = class_cells(root)

    # when
    seen = onlooker(root)
    by_subtraction = subtract_within_class(root) | subtract_siblings(root)
    by_subtraction |= subtract_across_schools(root)
    by_chains = chain_subtractions(equations)
    ranges = {cell: seen.values([cell]) for cell in cells}

    # then
    assert len(cells) == 137
    # (a), (b), (c) and chains of them recover nothing
    assert by_subtraction == {}
    assert by_chains == {}
    # (d) all equations at once: every cell takes two values or more
    assert [cell for cell in cells if seen.determined([cell])] == []
    assert {cell: values for cell, values in ranges.items() if len(values) == 1} == {}
    assert all(seen.true[cell] in values for cell, values in ranges.items())


def test_no_sum_of_withheld_class_cells_under_k_can_be_recovered():
    # given: any two to four small withheld class cells adding up to less than k
    root = protect(municipality(), K, POPULATION)
    seen = onlooker(root)
    small = [cell for cell in class_cells(root) if 0 < seen.true[cell] < K]
    groups = [
        group
        for size in range(2, K)
        for group in combinations(small, size)
        if sum(seen.true[cell] for cell in group) < K
    ]

    # when
    recovered = [group for group in groups if seen.determined(group)]
    single_valued = [group for group in groups if len(seen.values(group)) == 1]

    # then
    assert (len(small), len(groups)) == (71, 3916)
    assert recovered == []
    assert single_valued == []


def test_no_withheld_school_or_organiser_cell_can_be_recovered_either():
    # given
    root = protect(municipality(), K, POPULATION)
    leaves = {leaf.name for leaf in root.leaves()}
    cells = [cell for cell in withheld_cells(root) if cell[0] not in leaves]

    # when
    seen = onlooker(root)

    # then
    assert len(cells) == 67
    assert [cell for cell in cells if seen.determined([cell])] == []
    assert [cell for cell in cells if len(seen.values([cell])) == 1] == []


def test_the_onlooker_does_recover_what_is_meant_to_be_public():
    # given
    root = protect(municipality(), K, POPULATION)
    at_risk: Key = ("assessments", "Svenska", "at_risk")
    hidden = [(leaf.name, at_risk) for leaf in root.leaves() if leaf.is_hidden(at_risk)]
    plans_3a = [("3A", key) for key in plans("HT2026")]

    # when
    seen = onlooker(root)

    # then: 3A's hidden plan counts add up to its published 24 pupils
    assert seen.determined(plans_3a)
    assert seen.values(plans_3a) == {24}
    # the organiser's 14 Swedish at-risk minus the published classes' (7B's 6):
    # 8 in the classes that hide theirs, 3B 3, 4A 1, 4B 2, 8A 1 and 2A 1 ...
    assert [cell[0] for cell in hidden] == ["3B", "4A", "4B", "8A", "2A"]
    assert root.published(at_risk) == 14
    assert seen.determined(hidden)
    assert seen.values(hidden) == {8}
    # ... yet not one of them
    assert [seen.values([cell]) for cell in hidden] == [
        {1, 2, 3, 4, 5},
        {0, 1, 2},
        {1, 2, 3},
        {0, 1, 2},
        {0, 1, 2},
    ]


def test_the_onlooker_recovers_small_cells_when_only_primary_suppression_is_applied():
    # given: every cell from 1 to k - 1 hidden, and every class under k pupils
    root = municipality()
    for node in flatten([root]):
        node.withheld = node.cells[POPULATION] < K
        node.hidden = {key for key, value in node.cells.items() if 0 < value < K}

    # when
    within = subtract_within_class(root)
    siblings = subtract_siblings(root)
    chains = chain_subtractions(published_equations(root))

    # then
    assert [within[("3A", ACTIVITY[1])], within[("1A", plans("VT2026")[1])]] == [4, 1]
    assert [
        siblings[("7B", plans("HT2026")[1])],
        siblings[("4A", ("learning_log", "entries"))],
        siblings[("8A", ("assessments", "Svenska", "at_risk"))],
    ] == [3, 12, 1]
    assert [chains[("4A", POPULATION)], chains[("Björkskolan", plans("HT2026")[2])]] == [3, 2]
    assert len([cell for cell, value in chains.items() if 0 < value < K]) == 73
