"""Class-, school- and organiser-level summaries, counted in SQL, then protected.

Every figure is counted per class (a class or preschool department: the
group a pupil belongs to first) by grouped SQL queries, a fixed number for
any size; a school's figure is the sum of its classes', an organiser's the
sum of its schools'. `core.selectors.suppression` then hides every count
that could single out fewer than `SUMMARY_MIN_CELL` people, including by
subtracting one published summary from another.

Guardians and staff are counted per class they relate to (a guardian with
children in two classes counts in both), so every figure adds up the tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from core.models import (
    Answer,
    DevelopmentPlan,
    Goal,
    Group,
    GroupKind,
    GroupMembership,
    LearningLogEntry,
    Organisation,
    PreparationQuestion,
    Prognosis,
    School,
    StaffAssignment,
    WrittenAssessment,
    active_on,
)
from core.selectors.suppression import Key, Node, protect
from permissions import rules
from permissions.relations import Viewer, guardianships_with_rights, today

Add = Callable[[int, Key, int], None]
CLASS_KINDS = (GroupKind.CLASS, GroupKind.DEPARTMENT)
POPULATION: Key = ("pupils",)
TREND_TERMS = 4  # the term asked for and the three before it
ACTIVE_DAYS = 30


def min_cell() -> int:
    """The smallest count published (setting SUMMARY_MIN_CELL, default 5)."""
    return int(settings.SUMMARY_MIN_CELL)


def trend_terms(term: str) -> list[str]:
    """The term and the three before it, oldest first."""
    year, autumn = int(term[2:]), term.startswith("HT")
    terms = []
    for _ in range(TREND_TERMS):
        terms.append(f"{'HT' if autumn else 'VT'}{year}")
        year, autumn = (year, False) if autumn else (year - 1, True)
    return terms[::-1]


def term_dates(term: str) -> tuple[dt.date, dt.date]:
    """First and last day of a term: VT January to June, HT July to December."""
    year = int(term[2:])
    if term.startswith("VT"):
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


@dataclass
class Summary:
    """A protected tree for one class, school or organiser and term."""

    level: str
    name: str
    term: str
    node: Node
    min_cell: int


def classes_of(scope: Q) -> QuerySet[Group]:
    """Classes and departments in scope that hold pupils today."""
    return Group.objects.filter(scope, kind__in=CLASS_KINDS).filter(active_on(today()))


def group_summary(group: Group, term: str) -> Summary:
    """One class's summary (a teaching group has none: see `docs/analytics.md`)."""
    cells = class_cells([group.pk], term)
    node = _node(group.name, cells.get(group.pk, {}))
    return Summary("group", group.name, term, protect(node, min_cell(), POPULATION), min_cell())


def school_summary(school: School, term: str) -> Summary:
    """A school's summary: its classes' cells summed, protected against its classes."""
    node = _school_node(school, class_cells(_class_ids(Q(school=school)), term))
    return Summary("school", school.name, term, protect(node, min_cell(), POPULATION), min_cell())


def organisation_summary(organisation: Organisation, term: str) -> Summary:
    """An organiser's summary over all its schools and their classes."""
    schools = list(School.objects.filter(organisation=organisation).order_by("name", "pk"))
    cells = class_cells(_class_ids(Q(school__organisation=organisation)), term)
    children = [_school_node(school, cells) for school in schools]
    node = _sum_node(organisation.name, children)
    return Summary(
        "organisation", organisation.name, term, protect(node, min_cell(), POPULATION), min_cell()
    )


def _class_ids(scope: Q) -> list[int]:
    return list(classes_of(scope).values_list("pk", flat=True))


def _school_node(school: School, cells: dict[int, dict[Key, int]]) -> Node:
    classes = classes_of(Q(school=school)).order_by("name", "pk").values_list("pk", "name")
    return _sum_node(school.name, [_node(name, cells.get(pk, {})) for pk, name in classes])


def _sum_node(name: str, children: list[Node]) -> Node:
    total: dict[Key, int] = {}
    for child in children:
        for key, value in child.cells.items():
            total[key] = total.get(key, 0) + value
    return Node(name, total, children, partitions=_partitions(total), ties=_ties(total))


def _node(name: str, cells: dict[Key, int]) -> Node:
    cells = dict(cells)
    cells.setdefault(POPULATION, 0)
    return Node(name, cells, partitions=_partitions(cells), ties=_ties(cells))


def _partitions(cells: dict[Key, int]) -> dict[Key, tuple[Key, ...]]:
    """Parts of the published population: plan states per term, pupils' activity."""
    terms = {key[1] for key in cells if key[0] == "plans"}
    parts: dict[Key, tuple[Key, ...]] = {
        POPULATION: (("usage", "pupils", "active"), ("usage", "pupils", "inactive")),
    }
    for term in terms:
        # A partition per term, all of the same total: several are checked in turn.
        parts[(*POPULATION, term)] = tuple(("plans", term, s) for s in ("agreed", "draft", "none"))
    return parts


def _ties(cells: dict[Key, int]) -> dict[Key, tuple[Key, ...]]:
    """Cells that would give one another away, hidden together (`Node.ties`).

    A role's answered and unanswered questions add up to the questions asked:
    questions per plan (the template says) times the term's plans. So they go
    together, and go whenever a part of the term's plans does, or the answers
    would give the plans away. Nearly every pupil has an assessment in each
    subject, so a subject's at-risk and on-track counts add up to about the
    pupils: they go together, and whenever the pupil count does.
    """
    groups: dict[tuple[Hashable, Hashable], list[Key]] = {}
    for key in sorted(cells, key=str):
        if key[0] in {"answers", "assessments"}:
            groups.setdefault((key[0], key[1]), []).append(key)
    ties: dict[Key, tuple[Key, ...]] = {
        key: tuple(other for other in group if other != key)
        for group in groups.values() for key in group
    }  # fmt: skip
    answers = tuple(key for key in sorted(cells, key=str) if key[0] == "answers")
    terms = {str(key[1]) for key in cells if key[0] == "plans"}
    if terms:  # the summary's term is the latest of its trend
        term = max(terms, key=lambda t: (int(t[2:]), t.startswith("HT")))
        ties |= {("plans", term, state): answers for state in ("agreed", "draft", "none")}
    ties[POPULATION] = tuple(key for key in sorted(cells, key=str) if key[0] == "assessments")
    return ties


# -- counting, a fixed number of grouped queries ------------------------------


def class_cells(class_ids: list[int], term: str) -> dict[int, dict[Key, int]]:
    """Every raw count of every class, keyed by class id."""
    cells: dict[int, dict[Key, int]] = {pk: {} for pk in class_ids}

    def add(pk: int, key: Key, value: int) -> None:
        cells[pk][key] = cells[pk].get(key, 0) + value

    members = GroupMembership.objects.filter(pk__in=_first_memberships(class_ids))
    for row in _pupils(members):
        add(row["group_id"], POPULATION, row["n"])
        add(row["group_id"], ("usage", "pupils", "active"), row["active"])
        add(row["group_id"], ("usage", "pupils", "inactive"), row["n"] - row["active"])
    terms = trend_terms(term)
    _plans(class_ids, terms, add)
    _answers(class_ids, term, add)
    _goals(class_ids, term, add)
    _assessments(class_ids, term, add)
    _log(class_ids, term, add)
    _guardians(class_ids, add)
    _staff(class_ids, add)
    for pk in class_ids:
        population = cells[pk].get(POPULATION, 0)
        for t in terms:
            # Population partition per term: the pupils without a plan.
            planned = sum(cells[pk].get(("plans", t, s), 0) for s in ("agreed", "draft"))
            cells[pk][(*POPULATION, t)] = population
            cells[pk][("plans", t, "none")] = population - planned
    return cells


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=ACTIVE_DAYS)


def _pupils(members: QuerySet[GroupMembership]) -> Iterable[dict[str, int]]:
    active = Q(pupil__person__user__last_login__gte=_since())
    return members.values("group_id").annotate(
        n=Count("pk"), active=Count("pk", filter=active)
    ).order_by()  # fmt: skip


def _in_class(rows: QuerySet[Any], class_ids: list[int], pupil: str = "pupil") -> QuerySet[Any]:
    """Rows of pupils in the classes, with `group_id`: the pupil's class.

    A join to today's memberships, not a subquery per row (a subquery per row
    made a summary of 10,000 pupils take seconds; see bench/summaries.py).
    A pupil in two classes counts in each, as in `_pupils`. The join takes
    one membership per pupil and class (`_first_memberships`), so a pupil
    listed twice in one class counts once and a plain COUNT is exact: no
    COUNT(DISTINCT ...), which sorts every row and halved the speed.
    """
    via = f"{pupil}__memberships__"
    in_class = Q(**{f"{via}pk__in": _first_memberships(class_ids)})
    joined: QuerySet[Any] = rows.filter(in_class).annotate(group_id=F(f"{via}group_id"))
    return joined


def _first_memberships(class_ids: list[int]) -> QuerySet[Any]:
    """One of today's memberships per pupil and class: the ids, as a subquery."""
    members = GroupMembership.objects.filter(active_on(today()), group_id__in=class_ids)
    firsts: QuerySet[Any] = members.values("pupil_id", "group_id").annotate(first=Min("pk"))
    return firsts.values("first")


def _plans(class_ids: list[int], terms: list[str], add: Add) -> None:
    plans = _in_class(DevelopmentPlan.objects.filter(term__in=terms), class_ids)
    agreed = Q(agreed_at__isnull=False)
    rows = plans.values("group_id", "term").annotate(
        agreed=Count("pk", filter=agreed),
        draft=Count("pk", filter=~agreed),
    ).order_by()  # fmt: skip
    for row in rows:
        add(row["group_id"], ("plans", row["term"], "agreed"), row["agreed"])
        add(row["group_id"], ("plans", row["term"], "draft"), row["draft"])


def _answers(class_ids: list[int], term: str, add: Add) -> None:
    plans = _in_class(DevelopmentPlan.objects.filter(term=term), class_ids)
    asked_per_template: dict[int, dict[str, int]] = {}
    questions = PreparationQuestion.objects.filter(
        section__template_id__in=plans.values("template_id")
    ).values_list("section__template_id", "roles")
    for template_id, roles in questions:
        for role in roles:
            counts = asked_per_template.setdefault(template_id, {})
            counts[role] = counts.get(role, 0) + 1
    per_template = plans.values("group_id", "template_id")
    asked: dict[tuple[int, str], int] = {}
    for row in per_template.annotate(n=Count("pk")).order_by():
        for role, per_plan in asked_per_template.get(row["template_id"], {}).items():
            key = (row["group_id"], role)
            asked[key] = asked.get(key, 0) + per_plan * row["n"]
    answers = Answer.objects.filter(plan__term=term).exclude(text="")
    answered = _in_class(answers, class_ids, "plan__pupil").values("group_id", "role").annotate(
        n=Count("pk")
    ).order_by()  # fmt: skip
    done = {(row["group_id"], row["role"]): row["n"] for row in answered}
    for (group_id, role), total in asked.items():
        made = min(done.get((group_id, role), 0), total)
        add(group_id, ("answers", role, "answered"), made)
        add(group_id, ("answers", role, "unanswered"), total - made)


def _goals(class_ids: list[int], term: str, add: Add) -> None:
    goals = _in_class(Goal.objects.filter(plan__term=term), class_ids, "plan__pupil")
    rows = goals.values("group_id", "status").annotate(n=Count("pk")).order_by()
    for row in rows:
        add(row["group_id"], ("goals", row["status"]), row["n"])


def _assessments(class_ids: list[int], term: str, add: Add) -> None:
    published = WrittenAssessment.objects.filter(term=term, published_at__isnull=False)
    at_risk = Q(prognosis=Prognosis.AT_RISK)
    rows = _in_class(published, class_ids).values("group_id", "subject__name").annotate(
        risk=Count("pk", filter=at_risk),
        fine=Count("pk", filter=~at_risk),
    ).order_by()  # fmt: skip
    for row in rows:
        subject = row["subject__name"]
        add(row["group_id"], ("assessments", subject, "at_risk"), row["risk"])
        add(row["group_id"], ("assessments", subject, "on_track"), row["fine"])


def _log(class_ids: list[int], term: str, add: Add) -> None:
    # The term's local days as a range of instants: the same rows as __date, no cast per row.
    first, last = term_dates(term)
    start, end = (timezone.make_aware(dt.datetime.combine(day, dt.time()))
                  for day in (first, last + dt.timedelta(days=1)))  # fmt: skip
    entries = LearningLogEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    rows = _in_class(entries, class_ids).values("group_id").annotate(
        n=Count("pk")
    ).order_by()  # fmt: skip
    for row in rows:
        add(row["group_id"], ("learning_log", "entries"), row["n"])


def _guardians(class_ids: list[int], add: Add) -> None:
    links = _in_class(guardianships_with_rights(), class_ids)
    last_login = "guardian__user__last_login"
    rows = links.values("group_id").annotate(
        total=Count("pk"),
        active=Count("pk", filter=Q(**{f"{last_login}__gte": _since()})),
        earlier=Count("pk", filter=Q(**{f"{last_login}__lt": _since()})),
    ).order_by()  # fmt: skip
    for row in rows:
        never = row["total"] - row["active"] - row["earlier"]
        for part, value in (("active", row["active"]), ("earlier", row["earlier"]),
                            ("never", never)):  # fmt: skip
            add(row["group_id"], ("usage", "guardians", part), value)


def _staff(class_ids: list[int], add: Add) -> None:
    staff = StaffAssignment.objects.filter(active_on(today()), group_id__in=class_ids)
    last_login = "staff__user__last_login"
    rows = staff.values("group_id").annotate(
        total=Count("staff_id", distinct=True),
        active=Count("staff_id", filter=Q(**{f"{last_login}__gte": _since()}), distinct=True),
    ).order_by()  # fmt: skip
    for row in rows:
        add(row["group_id"], ("usage", "staff", "active"), row["active"])
        add(row["group_id"], ("usage", "staff", "inactive"), row["total"] - row["active"])


# -- who may ask ------------------------------------------------------------


class NotAClassError(ValueError):
    """Summaries are made for classes and departments only.

    A teaching group overlaps classes; its figures subtracted from a class's
    would single out the few pupils in one and not the other.
    """


def readable_summary(viewer: Viewer, level: str, pk: int, term: str) -> Summary | None:
    """The summary if the viewer may read it, else None (missing answers the same)."""
    if level == "group":
        group = Group.objects.filter(pk=pk).first()
        if group is None or not rules.can_read_group_summary(viewer, group):
            return None
        if group.kind not in CLASS_KINDS:
            raise NotAClassError(group.name)
        return group_summary(group, term)
    if level == "school":
        school = School.objects.filter(pk=pk).first()
        if school is None or not rules.can_read_school_summary(viewer, school):
            return None
        return school_summary(school, term)
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not rules.can_read_organisation_summary(viewer, organisation):
        return None
    return organisation_summary(organisation, term)


def summary_organisations(viewer: Viewer) -> list[Organisation]:
    """Organisers whose summary the viewer may read (analytics granted the organiser)."""
    candidates = Organisation.objects.order_by("name", "pk")
    return [o for o in candidates if rules.can_read_organisation_summary(viewer, o)]
