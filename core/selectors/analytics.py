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
import functools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
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
Counter = Callable[..., Count]
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
    counted_at: dt.datetime = field(default_factory=timezone.now)


Classes = dict[int, list[tuple[int, str]]]  # school id -> its classes (pk, name), by name


def classes_of(scope: Q) -> QuerySet[Group]:
    """Classes and departments in scope that hold pupils today."""
    return Group.objects.filter(scope, kind__in=CLASS_KINDS).filter(active_on(today()))


def group_summary(group: Group, term: str) -> Summary:
    """One class's summary (a teaching group has none: see `docs/analytics.md`)."""

    def count() -> Summary:
        cells = class_cells(Group.objects.filter(pk=group.pk), term)
        return _group(group.name, cells.get(group.pk, {}), term)

    return _kept(("group", group.pk, term), count)


def school_summary(school: School, term: str) -> Summary:
    """A school's summary: its classes' cells summed, protected against its classes."""

    def count() -> Summary:
        classes = classes_of(Q(school=school))
        return _school(school, _by_school(classes), class_cells(classes, term), term)

    return _kept(("school", school.pk, term), count)


def organisation_summary(organisation: Organisation, term: str) -> Summary:
    """An organiser's summary over all its schools and their classes."""

    def count() -> Summary:
        return _organisation(organisation, *_organisation_counts(organisation, term), term)

    return _kept(("organisation", organisation.pk, term), count)


def summaries_refresh(term: str) -> int:
    """Count every organiser's, school's and class's summary of `term` anew and keep them.

    One count of an organiser's classes serves all three levels, so a
    worker that runs this every few minutes (`manage.py summaries_refresh`)
    keeps every summary at hand for its readers. Returns how many were kept.
    """
    kept = 0
    for organisation in Organisation.objects.order_by("pk"):
        schools, by_school, cells = _organisation_counts(organisation, term)
        counted = timezone.now()  # one count for all three levels

        def keep(key: tuple[Any, ...], summary: Summary, at: dt.datetime = counted) -> None:
            _keep(key, replace(summary, counted_at=at))

        keep(
            ("organisation", organisation.pk, term),
            _organisation(organisation, schools, by_school, cells, term),
        )
        for school in schools:
            keep(("school", school.pk, term), _school(school, by_school, cells, term))
            for pk, name in by_school.get(school.pk, []):
                keep(("group", pk, term), _group(name, cells.get(pk, {}), term))
            kept += 1 + len(by_school.get(school.pk, []))
        kept += 1
    return kept


def _organisation_counts(
    organisation: Organisation, term: str
) -> tuple[list[School], Classes, dict[int, dict[Key, int]]]:
    """An organiser's schools, their classes, and every class's counts."""
    schools = list(School.objects.filter(organisation=organisation).order_by("name", "pk"))
    classes = classes_of(Q(school__organisation=organisation))
    return schools, _by_school(classes), class_cells(classes, term)


def _group(name: str, cells: dict[Key, int], term: str) -> Summary:
    node = protect(_node(name, cells), min_cell(), POPULATION)
    return Summary("group", name, term, node, min_cell())


def _school(
    school: School, by_school: Classes, cells: dict[int, dict[Key, int]], term: str
) -> Summary:
    node = protect(_school_node(school, by_school, cells), min_cell(), POPULATION)
    return Summary("school", school.name, term, node, min_cell())


def _organisation(
    organisation: Organisation,
    schools: list[School],
    by_school: Classes,
    cells: dict[int, dict[Key, int]],
    term: str,
) -> Summary:
    children = [_school_node(school, by_school, cells) for school in schools]
    node = protect(_sum_node(organisation.name, children), min_cell(), POPULATION)
    return Summary("organisation", organisation.name, term, node, min_cell())


# -- kept for a while ----------------------------------------------------------


def _kept(key: tuple[Any, ...], count: Callable[[], Summary]) -> Summary:
    """The summary counted at most SUMMARY_CACHE_SECONDS ago, or counted now.

    A summary is the same for every reader (suppression does not depend on
    who asks), so one count serves all readers; who may read it is checked
    on every request before this.
    """
    if int(settings.SUMMARY_CACHE_SECONDS) <= 0:
        return count()
    found = cache.get(_cache_key(key))
    if isinstance(found, Summary):
        return found
    summary = count()
    _keep(key, summary)
    return summary


def _keep(key: tuple[Any, ...], summary: Summary) -> None:
    """Keep the summary's own figures; the units below it were needed only to protect them."""
    seconds = int(settings.SUMMARY_CACHE_SECONDS)
    if seconds > 0:
        top = replace(summary.node, children=[], _leaves=None)
        cache.set(_cache_key(key), replace(summary, node=top), seconds)


def _cache_key(key: tuple[Any, ...]) -> str:
    # The threshold and the day are part of it: a new threshold or a new day
    # (memberships and rights follow the date) count anew.
    return "summary:" + ":".join(str(part) for part in (*key, min_cell(), today()))


def _by_school(classes: QuerySet[Group]) -> Classes:
    """The classes by school, each school's by name: one query for any number of schools."""
    found: Classes = {}
    for pk, name, school_id in classes.order_by("name", "pk").values_list(
        "pk", "name", "school_id"
    ):
        found.setdefault(school_id, []).append((pk, name))
    return found


def _school_node(school: School, by_school: Classes, cells: dict[int, dict[Key, int]]) -> Node:
    classes = by_school.get(school.pk, [])
    return _sum_node(school.name, [_node(name, cells.get(pk, {})) for pk, name in classes])


def _sum_node(name: str, children: list[Node]) -> Node:
    total: dict[Key, int] = {}
    for child in children:
        for key, value in child.cells.items():
            total[key] = total.get(key, 0) + value
    partitions, ties = _shape(frozenset(total))
    return Node(name, total, children, partitions=partitions, ties=ties)


def _node(name: str, cells: dict[Key, int]) -> Node:
    cells = dict(cells)
    cells.setdefault(POPULATION, 0)
    partitions, ties = _shape(frozenset(cells))
    return Node(name, cells, partitions=partitions, ties=ties)


def _partitions(cells: Iterable[Key]) -> dict[Key, tuple[Key, ...]]:
    """Parts of the published population: plan states per term, pupils' activity."""
    terms = {key[1] for key in cells if key[0] == "plans"}
    parts: dict[Key, tuple[Key, ...]] = {
        POPULATION: (("usage", "pupils", "active"), ("usage", "pupils", "inactive")),
    }
    for term in terms:
        # A partition per term, all of the same total: several are checked in turn.
        parts[(*POPULATION, term)] = tuple(("plans", term, s) for s in ("agreed", "draft", "none"))
    return parts


def _ties(cells: Iterable[Key]) -> dict[Key, tuple[Key, ...]]:
    """Cells that would give one another away, hidden together (`Node.ties`).

    A role's answered and unanswered questions add up to the questions asked:
    questions per plan (the template says) times the term's plans. So they go
    together, and go whenever a part of the term's plans does, or the answers
    would give the plans away. Nearly every pupil has an assessment in each
    subject, so a subject's at-risk and on-track counts add up to about the
    pupils: they go together, and whenever the pupil count does.
    """
    ordered = sorted(cells, key=str)
    groups: dict[tuple[Hashable, Hashable], list[Key]] = {}
    for key in ordered:
        if key[0] in {"answers", "assessments"}:
            groups.setdefault((key[0], key[1]), []).append(key)
    ties: dict[Key, tuple[Key, ...]] = {
        key: tuple(other for other in group if other != key)
        for group in groups.values()
        for key in group
    }
    answers = tuple(key for key in ordered if key[0] == "answers")
    terms = {str(key[1]) for key in ordered if key[0] == "plans"}
    if terms:  # the summary's term is the latest of its trend
        term = max(terms, key=lambda t: (int(t[2:]), t.startswith("HT")))
        ties |= {("plans", term, state): answers for state in ("agreed", "draft", "none")}
    ties[POPULATION] = tuple(key for key in ordered if key[0] == "assessments")
    return ties


@functools.lru_cache(maxsize=256)
def _shape(keys: frozenset[Key]) -> tuple[dict[Key, tuple[Key, ...]], dict[Key, tuple[Key, ...]]]:
    """Partitions and ties of a node: they depend on which cells it has, not their values.

    Most classes hold the same kinds of cells, so a municipality's hundreds
    of nodes share a few shapes. Callers must not change what they get.
    """
    return _partitions(keys), _ties(keys)


# -- counting, a fixed number of grouped queries ------------------------------


def class_cells(classes: QuerySet[Group], term: str) -> dict[int, dict[Key, int]]:
    """Every raw count of every class, keyed by class id.

    The classes go into each query as a subquery, not a list of ids: a
    municipality's hundreds of ids in every statement cost more to send and
    parse than some of the counting.
    """
    pks = list(classes.values_list("pk", flat=True))
    cells: dict[int, dict[Key, int]] = {pk: {} for pk in pks}
    class_ids = classes.values("pk")

    def add(pk: int, key: Key, value: int) -> None:
        cells[pk][key] = cells[pk].get(key, 0) + value

    members = GroupMembership.objects.filter(active_on(today()), group_id__in=class_ids)
    count = _counter(members)
    for row in _pupils(members, count):
        add(row["group_id"], POPULATION, row["n"])
        add(row["group_id"], ("usage", "pupils", "active"), row["active"])
        add(row["group_id"], ("usage", "pupils", "inactive"), row["n"] - row["active"])
    terms = trend_terms(term)
    _plans(class_ids, terms, add, count)
    _answers(class_ids, term, add, count)
    _goals(class_ids, term, add, count)
    _assessments(class_ids, term, add, count)
    _log(class_ids, term, add, count)
    _guardians(class_ids, add, count)
    _staff(class_ids, add)
    for pk in pks:
        population = cells[pk].get(POPULATION, 0)
        for t in terms:
            # Population partition per term: the pupils without a plan.
            planned = sum(cells[pk].get(("plans", t, s), 0) for s in ("agreed", "draft"))
            cells[pk][(*POPULATION, t)] = population
            cells[pk][("plans", t, "none")] = population - planned
    return cells


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=ACTIVE_DAYS)


def _counter(members: QuerySet[GroupMembership]) -> Counter:
    """COUNT, made COUNT(DISTINCT ...) only when some pupil is listed twice in a class today.

    Joined to today's memberships, a pupil listed twice in one class (two
    overlapping records in the register) would count twice. COUNT(DISTINCT)
    sorts every row and made a summary of 10,000 pupils half again as slow,
    while the register almost never holds such a pair: one small query
    says whether it does.
    """
    twice = members.values("group_id", "pupil_id").annotate(n=Count("pk")).filter(n__gt=1)
    distinct = twice.exists()

    def count(expression: str, **extra: Any) -> Count:
        return Count(expression, distinct=distinct, **extra)

    return count


def _pupils(members: QuerySet[GroupMembership], count: Counter) -> Iterable[dict[str, int]]:
    active = Q(pupil__person__user__last_login__gte=_since())
    return (
        members.values("group_id")
        .annotate(n=count("pupil_id"), active=count("pupil_id", filter=active))
        .order_by()
    )


def _in_class(
    rows: QuerySet[Any], class_ids: QuerySet[Any], pupil: str = "pupil"
) -> QuerySet[Any]:
    """Rows of pupils in the classes, with `group_id`: the pupil's class.

    A join to today's memberships, not a subquery per row (a subquery per row
    made a summary of 10,000 pupils take seconds; see bench/summaries.py).
    A pupil in two classes counts in each, as in `_pupils`; `_counter`
    makes a pupil listed twice in one class count once.
    """
    via = f"{pupil}__memberships__"
    in_class = Q(active_on(today(), via), **{f"{via}group_id__in": class_ids})
    joined: QuerySet[Any] = rows.filter(in_class).annotate(group_id=F(f"{via}group_id"))
    return joined


def _plans(class_ids: QuerySet[Any], terms: list[str], add: Add, count: Counter) -> None:
    plans = _in_class(DevelopmentPlan.objects.filter(term__in=terms), class_ids)
    agreed = Q(agreed_at__isnull=False)
    rows = (
        plans.values("group_id", "term")
        .annotate(
            agreed=count("pk", filter=agreed),
            draft=count("pk", filter=~agreed),
        )
        .order_by()
    )
    for row in rows:
        add(row["group_id"], ("plans", row["term"], "agreed"), row["agreed"])
        add(row["group_id"], ("plans", row["term"], "draft"), row["draft"])


def _answers(class_ids: QuerySet[Any], term: str, add: Add, count: Counter) -> None:
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
    for row in per_template.annotate(n=count("pk")).order_by():
        for role, per_plan in asked_per_template.get(row["template_id"], {}).items():
            key = (row["group_id"], role)
            asked[key] = asked.get(key, 0) + per_plan * row["n"]
    answers = Answer.objects.filter(plan__term=term).exclude(text="")
    answered = (
        _in_class(answers, class_ids, "plan__pupil")
        .values("group_id", "role")
        .annotate(n=count("pk"))
        .order_by()
    )
    done = {(row["group_id"], row["role"]): row["n"] for row in answered}
    for (group_id, role), total in asked.items():
        made = min(done.get((group_id, role), 0), total)
        add(group_id, ("answers", role, "answered"), made)
        add(group_id, ("answers", role, "unanswered"), total - made)


def _goals(class_ids: QuerySet[Any], term: str, add: Add, count: Counter) -> None:
    goals = _in_class(Goal.objects.filter(plan__term=term), class_ids, "plan__pupil")
    rows = goals.values("group_id", "status").annotate(n=count("pk")).order_by()
    for row in rows:
        add(row["group_id"], ("goals", row["status"]), row["n"])


def _assessments(class_ids: QuerySet[Any], term: str, add: Add, count: Counter) -> None:
    published = WrittenAssessment.objects.filter(term=term, published_at__isnull=False)
    at_risk = Q(prognosis=Prognosis.AT_RISK)
    rows = (
        _in_class(published, class_ids)
        .values("group_id", "subject__name")
        .annotate(
            risk=count("pk", filter=at_risk),
            fine=count("pk", filter=~at_risk),
        )
        .order_by()
    )
    for row in rows:
        subject = row["subject__name"]
        add(row["group_id"], ("assessments", subject, "at_risk"), row["risk"])
        add(row["group_id"], ("assessments", subject, "on_track"), row["fine"])


def _log(class_ids: QuerySet[Any], term: str, add: Add, count: Counter) -> None:
    # The term's local days as a range of instants: the same rows as __date, no cast per row.
    first, last = term_dates(term)
    start, end = (
        timezone.make_aware(dt.datetime.combine(day, dt.time()))
        for day in (first, last + dt.timedelta(days=1))
    )
    entries = LearningLogEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    rows = _in_class(entries, class_ids).values("group_id").annotate(n=count("pk")).order_by()
    for row in rows:
        add(row["group_id"], ("learning_log", "entries"), row["n"])


def _guardians(class_ids: QuerySet[Any], add: Add, count: Counter) -> None:
    links = _in_class(guardianships_with_rights(), class_ids)
    last_login = "guardian__user__last_login"
    rows = (
        links.values("group_id")
        .annotate(
            total=count("pk"),
            active=count("pk", filter=Q(**{f"{last_login}__gte": _since()})),
            earlier=count("pk", filter=Q(**{f"{last_login}__lt": _since()})),
        )
        .order_by()
    )
    for row in rows:
        never = row["total"] - row["active"] - row["earlier"]
        for part, value in (
            ("active", row["active"]),
            ("earlier", row["earlier"]),
            ("never", never),
        ):
            add(row["group_id"], ("usage", "guardians", part), value)


def _staff(class_ids: QuerySet[Any], add: Add) -> None:
    staff = StaffAssignment.objects.filter(active_on(today()), group_id__in=class_ids)
    last_login = "staff__user__last_login"
    rows = (
        staff.values("group_id")
        .annotate(
            total=Count("staff_id", distinct=True),
            active=Count("staff_id", filter=Q(**{f"{last_login}__gte": _since()}), distinct=True),
        )
        .order_by()
    )
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
