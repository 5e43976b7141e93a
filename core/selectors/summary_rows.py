"""A protected summary as flat rows: the one shape GraphQL and CSV both read."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import GoalStatus, QuestionRole
from core.selectors.analytics import POPULATION, Summary, trend_terms
from core.selectors.suppression import Key, Node

USAGE = (
    ("pupils", "active"),
    ("pupils", "inactive"),
    ("guardians", "active"),
    ("guardians", "earlier"),
    ("guardians", "never"),
    ("staff", "active"),
    ("staff", "inactive"),
)
PLAN_PARTS = ("agreed", "draft", "none")


@dataclass(frozen=True)
class Row:
    """One published (or suppressed) count of a summary."""

    metric: str
    key: str
    term: str
    value: int | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        """Whether the count is withheld."""
        return self.value is None


def cell(node: Node, key: Key) -> int | None:
    """A cell as published: its value, or None when hidden."""
    return node.published(key)


def subjects(node: Node, min_cell: int) -> list[str]:
    """The subjects a summary lists: those with at least `min_cell` published assessments.

    Listing a subject says someone has an assessment in it, so a subject with
    fewer would tell of a few pupils (a mother tongue in a class of three)
    even with both of its counts withheld.
    """
    totals: dict[str, int] = {}
    for key, value in node.cells.items():
        if key[0] == "assessments":
            totals[str(key[1])] = totals.get(str(key[1]), 0) + value
    return sorted(subject for subject, total in totals.items() if total >= min_cell)


def rows(summary: Summary) -> list[Row]:
    """Every figure of the summary in a fixed order."""
    node, term = summary.node, summary.term
    out = [Row("pupils", "", term, cell(node, POPULATION))]
    out += [
        Row("plans", part, t, cell(node, ("plans", t, part)))
        for t in trend_terms(term)
        for part in PLAN_PARTS
    ]
    for role in QuestionRole:
        out += [
            Row(f"answers_{role.value}", part, term, cell(node, ("answers", role.value, part)))
            for part in ("answered", "unanswered")
        ]
    out += [
        Row("goals", status.value, term, cell(node, ("goals", status.value)))
        for status in GoalStatus
    ]
    for subject in subjects(node, summary.min_cell):
        out += [
            Row(
                f"assessments_{part}",
                str(subject),
                term,
                cell(node, ("assessments", subject, part)),
            )
            for part in ("at_risk", "on_track")
        ]
    out.append(Row("learning_log_entries", "", term, cell(node, ("learning_log", "entries"))))
    out += [Row(f"usage_{who}", part, "", cell(node, ("usage", who, part))) for who, part in USAGE]
    return out
