"""The access policy: who may do what to a pupil's page.

The table is the project's access policy (docs/architecture.md); this module
parses it at import and every predicate below answers from it, so the table
cannot drift from the code. Two columns extend the first design's table
(never loosening it): the student-health
team of a school and a person a pupil's page was explicitly shared with
read the page and nothing more. Two rows extend it for the workflows:
who starts a plan (the staff who hold the talk) and who writes in the
learning log (the pupil and the staff; guardians comment).

| capability | pupil | guardian | teacher of group | mentor | principal / school admin | analytics | student health | shared with |
|---|---|---|---|---|---|---|---|---|
| read pupil page (plan, goals, log, published assessments) | own | own children | yes | yes | own school | no | own school | yes |
| answer preparation questions | questions for pupil | for guardian | for teacher | for mentor | no | no | no | no |
| propose a goal | yes | yes | yes | yes | no | no | no | no |
| goal NEW -> IN_PROGRESS -> DONE | yes | no | yes | yes | no | no | no | no |
| goal DONE -> ACHIEVED, or CANCELLED | no | no | yes | yes | no | no | no | no |
| write / publish written assessment | no | no | in subjects taught to the pupil | same | no | no | no | no |
| read an unpublished assessment draft | no | no | yes | yes | no | no | no | no |
| start a development plan for a term | no | no | yes | yes | no | no | no | no |
| agree (lock) the plan at the development talk | no | no | no | yes | no | no | no | no |
| confirm "I have read" before the talk | no | yes | no | no | no | no | no | no |
| write a learning-log entry | own | no | yes | yes | no | no | no | no |
| class blog read / write | read | read | write | write | read | no | no | no |
| pupil's private blog | only the pupil | no | no | no | no | no | no | no |
| guardian contact details | no | own | yes | yes | yes | no | no | no |
| class list: names of classmates and their guardians | yes | yes | yes | yes | yes | no | no | no |
| personal identity number | no | no | no | no | admin only | no | no | no |
| class-level summaries | no | no | own groups | own groups | own school | granted scope | no | no |

Reading the cells: "no" denies. "read" allows reading only, "write" both.
"admin only" allows the school administrator but not the principal.
"questions for X" / "for X" allow answering questions directed at that
role. "in subjects taught to the pupil" / "same" need the subject to be
one the viewer teaches the pupil. Any other text allows: the role itself
("own", "own school", "own groups") is what relates viewer and object.
Protected identity (skyddade personuppgifter), guardians' opt-in to show
contact details, and the 18-year rule are field rules below the table.

Field rules, one function each, called by every path that shows the field:

| field | function | who sees it |
|---|---|---|
| phone, email | `shows_contact_details` | the person; staff of the person's children ("guardian contact details"); guardians in a class with one of the children, if the person opted in and is not protected |
| street, postal code, locality | `shows_address` | the person and staff of the children; never another family; never for protected identity |
| identity number | `can_read_civic_no` | school administrators of a school the person belongs to |
| pupil's name | `shown_name` | the name in the pupil's circle, else the alias when protected |
| author's name | `display_name` | the name to self and school staff, else the alias when protected |
| row in a class or contact list | `in_class_list` | nobody's for protected identity |
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.models import (
    Goal,
    GoalStatus,
    Group,
    GroupMembership,
    Guardianship,
    Organisation,
    Person,
    PlanState,
    Pupil,
    School,
    StaffAssignment,
    Subject,
    active_on,
)
from permissions.codenames import Capability, Grant
from permissions.models import OrganisationGrant
from permissions.relations import (
    KINDS,
    Role,
    Viewer,
    access_rows,
    guardian_pupil_ids,
    memo,
    person_of,
    school_ids_with,
    staff_roles_anywhere,
    taught_group_ids,
    today,
    visible_pupils,
)

COLUMNS: dict[str, tuple[Role, ...]] = {
    "pupil": (Role.PUPIL,),
    "guardian": (Role.GUARDIAN,),
    "teacher of group": (Role.TEACHER,),
    "mentor": (Role.MENTOR,),
    "principal / school admin": (Role.PRINCIPAL, Role.SCHOOL_ADMIN),
    "analytics": (Role.ANALYTICS,),
    "student health": (Role.STUDENT_HEALTH,),
    "shared with": (Role.SHARED,),
}
ROWS: dict[str, tuple[Capability, ...]] = {
    "read pupil page": (Capability.READ_PUPIL_PAGE,),
    "answer preparation questions": (Capability.ANSWER_QUESTIONS,),
    "propose a goal": (Capability.PROPOSE_GOAL,),
    "goal NEW -> IN_PROGRESS -> DONE": (Capability.ADVANCE_GOAL,),
    "goal DONE -> ACHIEVED, or CANCELLED": (Capability.CONCLUDE_GOAL,),
    "write / publish written assessment": (Capability.WRITE_ASSESSMENT,),
    "read an unpublished assessment draft": (Capability.READ_ASSESSMENT_DRAFT,),
    "start a development plan": (Capability.START_PLAN,),
    "agree (lock) the plan at the development talk": (Capability.AGREE_PLAN,),
    'confirm "I have read" before the talk': (Capability.CONFIRM_READ,),
    "write a learning-log entry": (Capability.WRITE_LEARNING_LOG,),
    "class blog read / write": (Capability.READ_CLASS_BLOG, Capability.WRITE_CLASS_BLOG),
    "pupil's private blog": (Capability.PRIVATE_BLOG,),
    "guardian contact details": (Capability.READ_GUARDIAN_CONTACTS,),
    "class list": (Capability.READ_CLASS_LIST,),
    "personal identity number": (Capability.READ_CIVIC_NO,),
    "class-level summaries": (Capability.READ_SUMMARIES,),
}


def _parse(doc: str) -> dict[Capability, dict[Role, str]]:
    """The first table in the docstring as capability -> role -> cell."""
    rows = itertools.dropwhile(lambda line: not line.startswith("| "), doc.splitlines())
    table = itertools.takewhile(lambda line: line.startswith("|"), rows)
    lines = [line for line in table if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")][1:]
    policy: dict[Capability, dict[Role, str]] = {}
    for line in lines[1:]:
        label, *cells = (cell.strip() for cell in line.strip("|").split("|"))
        row = next(name for name in ROWS if label.startswith(name))
        for capability in ROWS[row]:
            policy[capability] = {
                role: cell
                for column, cell in zip(header, cells, strict=True)
                for role in COLUMNS[column]
            }
    return policy


POLICY = _parse(__doc__ or "")


def cell_allows(
    capability: Capability,
    role: Role,
    *,
    directed_at: Role | None = None,
    subject_taught: bool = False,
) -> bool:
    """What one cell of the table says for `role`, given the qualifiers."""
    cell = POLICY[capability][role]
    if cell == "no":
        return False
    if cell == "read":
        return capability is not Capability.WRITE_CLASS_BLOG
    if cell == "admin only":
        return role == Role.SCHOOL_ADMIN
    if cell.startswith(("questions for ", "for ")):
        return directed_at == role
    if cell in {"in subjects taught to the pupil", "same"}:
        return subject_taught
    return True


def allows(
    capability: Capability,
    roles: Iterable[Role],
    *,
    directed_at: Role | None = None,
    subject_taught: bool = False,
) -> bool:
    """True when any of the viewer's roles is allowed by the table."""
    return any(
        cell_allows(capability, role, directed_at=directed_at, subject_taught=subject_taught)
        for role in roles
    )


# Who sees a class's overview, a line per pupil of the whole class (not a
# row of the table, whose cells relate a viewer to one pupil or group): the
# staff who can read every page in it.
OVERVIEW_ROLES = frozenset({Role.TEACHER, Role.MENTOR, Role.PRINCIPAL, Role.SCHOOL_ADMIN})
# The roles of a family. They open the family's own rows, never another
# family's details: "own" in the guardian column is the guardian's own.
FAMILY_ROLES = frozenset({Role.PUPIL, Role.GUARDIAN})


# -- roles ----------------------------------------------------------------


def role_of(viewer: Viewer, pupil: Pupil, day: dt.date | None = None) -> frozenset[Role]:
    """Every role the viewer holds toward `pupil` on `day`: one lookup of the access rows."""
    if not viewer.is_authenticated or not viewer.is_active:
        return frozenset()
    rows = access_rows(viewer, day or today()).filter(pupil_id=pupil.pk)
    return frozenset(Role(role) for role in rows.values_list("role", flat=True).distinct())


# The school-wide roles a grant gives, as the access rows name them.
ROLE_OF_GRANT = {
    Grant.PRINCIPAL: Role.PRINCIPAL,
    Grant.SCHOOL_ADMIN: Role.SCHOOL_ADMIN,
    Grant.STUDENT_HEALTH: Role.STUDENT_HEALTH,
    Grant.ANALYTICS: Role.ANALYTICS,
}


def holds(viewer: Viewer, grant: Grant, school_id: int, day: dt.date) -> bool:
    """Whether the viewer holds `grant` at the school (by grant or duty)."""
    return (school_id, ROLE_OF_GRANT[grant]) in school_roles(viewer, day)


def school_roles(viewer: Viewer, day: dt.date | None = None) -> frozenset[tuple[int, str]]:
    """(school, role) for every school-wide role the viewer holds (memoised, one query)."""
    day = day or today()
    return memo(viewer, ("school roles", day), lambda: _school_roles(viewer, day))


def _school_roles(viewer: Viewer, day: dt.date) -> frozenset[tuple[int, str]]:
    if not viewer.is_authenticated or not viewer.is_active:
        return frozenset()
    rows = access_rows(viewer, day).filter(**KINDS["school"], group__isnull=True)
    return frozenset(rows.values_list("school_id", "role").distinct())


# -- predicates, one per capability ---------------------------------------


def can_read_pupil_page(viewer: Viewer, pupil: Pupil) -> bool:
    """Plan, goals, learning log and published assessments."""
    return allows(Capability.READ_PUPIL_PAGE, role_of(viewer, pupil))


def can_answer_question(viewer: Viewer, pupil: Pupil, directed_at: Role) -> bool:
    """Answer a preparation question directed at `directed_at`."""
    return allows(Capability.ANSWER_QUESTIONS, role_of(viewer, pupil), directed_at=directed_at)


def can_propose_goal(viewer: Viewer, pupil: Pupil) -> bool:
    """Propose a goal for the pupil's plan."""
    return allows(Capability.PROPOSE_GOAL, role_of(viewer, pupil))


def can_advance_goal(viewer: Viewer, pupil: Pupil) -> bool:
    """Move a goal NEW -> IN_PROGRESS -> DONE."""
    return allows(Capability.ADVANCE_GOAL, role_of(viewer, pupil))


def can_conclude_goal(viewer: Viewer, pupil: Pupil) -> bool:
    """Move a goal DONE -> ACHIEVED, or cancel it."""
    return allows(Capability.CONCLUDE_GOAL, role_of(viewer, pupil))


def can_write_assessment(viewer: Viewer, pupil: Pupil, subject: Subject) -> bool:
    """Write or publish a written assessment in `subject`."""
    taught = subject.pk in subjects_taught(viewer, pupil)
    return allows(Capability.WRITE_ASSESSMENT, role_of(viewer, pupil), subject_taught=taught)


def can_read_assessment_draft(viewer: Viewer, pupil: Pupil) -> bool:
    """Read a written assessment that is not yet published."""
    return allows(Capability.READ_ASSESSMENT_DRAFT, role_of(viewer, pupil))


def can_agree_plan(viewer: Viewer, pupil: Pupil) -> bool:
    """Agree (lock) the development plan at the talk."""
    return allows(Capability.AGREE_PLAN, role_of(viewer, pupil))


def can_start_plan(viewer: Viewer, pupil: Pupil) -> bool:
    """Start the pupil's development plan for a term."""
    return allows(Capability.START_PLAN, role_of(viewer, pupil))


def can_write_learning_log(viewer: Viewer, pupil: Pupil) -> bool:
    """Write an entry in the pupil's learning log."""
    return allows(Capability.WRITE_LEARNING_LOG, role_of(viewer, pupil))


def can_confirm_read(viewer: Viewer, pupil: Pupil) -> bool:
    """Confirm "I have read" before the development talk."""
    return allows(Capability.CONFIRM_READ, role_of(viewer, pupil))


def can_use_private_blog(viewer: Viewer, pupil: Pupil) -> bool:
    """Read or write the pupil's private blog."""
    return allows(Capability.PRIVATE_BLOG, role_of(viewer, pupil))


def can_read_class_blog(viewer: Viewer, group: Group) -> bool:
    """Read the group's blog."""
    return allows(Capability.READ_CLASS_BLOG, group_roles(viewer, group))


def can_write_class_blog(viewer: Viewer, group: Group) -> bool:
    """Post to the group's blog."""
    return allows(Capability.WRITE_CLASS_BLOG, group_roles(viewer, group))


def can_read_class_list(viewer: Viewer, group: Group) -> bool:
    """Names of the group's pupils and their guardians."""
    return allows(Capability.READ_CLASS_LIST, group_roles(viewer, group))


def can_read_contact_list(viewer: Viewer, group: Group) -> bool:
    """The group's contact list at all; which details it shows is `listed_contact_facts`."""
    return allows(Capability.READ_GUARDIAN_CONTACTS, group_roles(viewer, group))


def can_read_group_overview(viewer: Viewer, group: Group) -> bool:
    """A class at a glance, a line per pupil: the staff who read every page in it."""
    return bool(group_roles(viewer, group) & OVERVIEW_ROLES)


def can_read_group_summary(viewer: Viewer, group: Group) -> bool:
    """Class-level summaries of the group (never a single pupil)."""
    return allows(Capability.READ_SUMMARIES, group_roles(viewer, group))


def can_read_school_summary(viewer: Viewer, school: School) -> bool:
    """A school's summary: its principal and administrators, analytics granted it.

    The "class-level summaries" row read for a whole school: "own school"
    and "granted scope"; a teacher's "own groups" do not add up to a school.
    """
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    day = today()
    roles = {
        role
        for grant, role in (
            (Grant.PRINCIPAL, Role.PRINCIPAL),
            (Grant.SCHOOL_ADMIN, Role.SCHOOL_ADMIN),
            (Grant.ANALYTICS, Role.ANALYTICS),
        )
        if holds(viewer, grant, school.pk, day)
    }
    return allows(Capability.READ_SUMMARIES, roles)


def can_read_organisation_summary(viewer: Viewer, organisation: Organisation) -> bool:
    """An organiser's summary: analytics granted the whole organiser, nobody else."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    grants = OrganisationGrant.objects.filter(
        user_id=viewer.pk,
        content_object_id=organisation.pk,
        permission__codename=Grant.ANALYTICS,
    )
    return grants.exists() and allows(Capability.READ_SUMMARIES, {Role.ANALYTICS})


def group_roles(viewer: Viewer, group: Group, day: dt.date | None = None) -> frozenset[Role]:
    """The viewer's roles toward a whole group (memoised for the request, one query)."""
    day = day or today()
    return memo(viewer, ("group roles", group.pk, day), lambda: _group_roles(viewer, group, day))


# The roles toward a group that the table's group rows read (student health
# reads pages, not classes).
GROUP_ROLES = frozenset(
    {Role.PUPIL, Role.GUARDIAN, Role.TEACHER, Role.MENTOR}
    | {Role.PRINCIPAL, Role.SCHOOL_ADMIN, Role.ANALYTICS}
)


def _group_roles(viewer: Viewer, group: Group, day: dt.date) -> frozenset[Role]:
    if not viewer.is_authenticated or not viewer.is_active:
        return frozenset()
    rows = access_rows(viewer, day).filter(group_id=group.pk, role__in=sorted(GROUP_ROLES))
    return frozenset(Role(role) for role in rows.values_list("role", flat=True).distinct())


def subjects_taught(viewer: Viewer, pupil: Pupil, day: dt.date | None = None) -> set[int]:
    """Subjects the viewer teaches the pupil, from the SS 12000 activities."""
    day = day or today()
    groups = GroupMembership.objects.filter(active_on(day), pupil_id=pupil.pk).values("group_id")
    rows = StaffAssignment.objects.filter(
        active_on(day), staff_id=person_of(viewer), group_id__in=groups, subject__isnull=False
    )
    return set(rows.values_list("subject_id", flat=True))


def teaches_subject_in_group(
    viewer: Viewer, group: Group, subject_id: int, day: dt.date | None = None
) -> bool:
    """Whether the viewer teaches the group the subject (an SS 12000 activity)."""
    return StaffAssignment.objects.filter(
        active_on(day or today()),
        staff_id=person_of(viewer) or 0,
        group_id=group.pk,
        subject_id=subject_id,
    ).exists()


def can_write_school_blog(viewer: Viewer, school: School, day: dt.date | None = None) -> bool:
    """Post to the school's blog: its leaders and anyone teaching a group there.

    Not a row of the table, whose columns relate a viewer to one pupil or
    group: the school blog belongs to every group of the school at once.
    """
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    day = day or today()
    if holds(viewer, Grant.PRINCIPAL, school.pk, day) or holds(
        viewer, Grant.SCHOOL_ADMIN, school.pk, day
    ):
        return True
    return Group.objects.filter(school_id=school.pk, pk__in=taught_group_ids(viewer, day)).exists()


# -- the goal ladder (måltrappan) ------------------------------------------
# Proposals wait as NEW until the talk; agreeing the plan opens the ladder.
# One step up at a time, one step back from DONE when it was not done after
# all; ACHIEVED and CANCELLED are final. An archived plan changes no more.
_STEPS: dict[tuple[str, str], Capability] = {
    (GoalStatus.NEW, GoalStatus.IN_PROGRESS): Capability.ADVANCE_GOAL,
    (GoalStatus.IN_PROGRESS, GoalStatus.DONE): Capability.ADVANCE_GOAL,
    (GoalStatus.DONE, GoalStatus.IN_PROGRESS): Capability.ADVANCE_GOAL,
    (GoalStatus.DONE, GoalStatus.ACHIEVED): Capability.CONCLUDE_GOAL,
}
FINAL_GOAL_STATUSES = frozenset({GoalStatus.ACHIEVED, GoalStatus.CANCELLED})


def goal_move_allowed(
    roles: Iterable[Role], from_status: str, to_status: str, plan_state: str
) -> bool:
    """Whether someone with `roles` may move a goal from one status to another."""
    roles = frozenset(roles)
    if plan_state == PlanState.ARCHIVED or from_status in FINAL_GOAL_STATUSES:
        return False
    if to_status == GoalStatus.CANCELLED:
        return allows(Capability.CONCLUDE_GOAL, roles)
    step = _STEPS.get((from_status, to_status))
    return plan_state == PlanState.AGREED and step is not None and allows(step, roles)


def can_move_goal(viewer: Viewer, goal: Goal, to_status: str) -> bool:
    """`goal_move_allowed` for the viewer's roles toward the goal's pupil."""
    plan = goal.plan
    return goal_move_allowed(role_of(viewer, plan.pupil), goal.status, to_status, plan.state)


# -- field rules ------------------------------------------------------------
# One function per field, and every path that shows the field ends in it.
# Contact details: a path that shows one person gathers the facts with a
# few queries (`contact_facts`), a list gathers them once for all its rows
# (`listed_contact_facts`); both are answered by the same pure functions, so
# the two cannot disagree. A selector or resolver never decides a role.


@dataclass(frozen=True)
class ContactFacts:
    """What decides which of a person's contact details a viewer sees.

    `roles` are the viewer's roles toward the person's children: staff
    roles toward a child, and GUARDIAN when the viewer is a guardian in a
    group one of the children is in (a family of the class).
    """

    own: bool
    roles: frozenset[Role]
    protected: bool
    opted_in: bool


def shows_contact_details(facts: ContactFacts) -> bool:
    """Phone and email: own, the children's staff, families of the class by opt-in.

    The children's staff are the roles the "guardian contact details" row
    allows, family roles aside. A guardian with protected identity is shown
    to no other family, whatever the opt-in says.
    """
    if facts.own or _staff_of_children(facts.roles):
        return True
    return Role.GUARDIAN in facts.roles and facts.opted_in and not facts.protected


def shows_address(facts: ContactFacts) -> bool:
    """Street, postal code and locality: own and the children's staff only.

    Never another family, opt-in or not (the opt-in is for phone and email),
    and never for protected identity; docs/access-model.md says why.
    """
    return not facts.protected and (facts.own or _staff_of_children(facts.roles))


def _staff_of_children(roles: frozenset[Role]) -> bool:
    return allows(Capability.READ_GUARDIAN_CONTACTS, roles - FAMILY_ROLES)


def contact_facts(viewer: Viewer, person: Person, day: dt.date | None = None) -> ContactFacts:
    """`ContactFacts` of one person toward the viewer, from the roster."""
    own = _own(viewer, person)
    roles = frozenset() if own else _roles_toward_children(viewer, person, day or today())
    return ContactFacts(
        own=own,
        roles=roles,
        protected=person.has_protected_identity,
        opted_in=person.contact_visible_to_families,
    )


def _own(viewer: Viewer, person: Person) -> bool:
    me = person_of(viewer)
    return me is not None and me == person.pk


def _roles_toward_children(viewer: Viewer, person: Person, day: dt.date) -> frozenset[Role]:
    if not viewer.is_authenticated or not viewer.is_active:
        return frozenset()
    guarded = Guardianship.objects.filter(active_on(day), guardian_id=person.pk)
    children = Pupil.objects.filter(pk__in=guarded.values("pupil_id"))
    roles = {role for child in children for role in role_of(viewer, child, day) - FAMILY_ROLES}
    groups = GroupMembership.objects.filter(active_on(day), pupil__in=children).values("group_id")
    classmates = GroupMembership.objects.filter(
        active_on(day), group_id__in=groups, pupil_id__in=guardian_pupil_ids(viewer, day)
    )
    if classmates.exists():
        roles.add(Role.GUARDIAN)
    return frozenset(roles)


def listed_contact_facts(viewer: Viewer, group: Group, person: Person) -> ContactFacts:
    """`ContactFacts` of a guardian of one of the group's pupils, in the group's lists.

    The viewer's roles toward the group are roles toward each of its pupils
    (the group's staff are every member's staff; a guardian in the group is
    a family of the class). They are memoised, so a list of any length
    costs no query per person.
    """
    return ContactFacts(
        own=_own(viewer, person),
        roles=group_roles(viewer, group),
        protected=person.has_protected_identity,
        opted_in=person.contact_visible_to_families,
    )


def can_read_contact_details(viewer: Viewer, person: Person) -> bool:
    """A person's phone and email (`shows_contact_details`)."""
    return shows_contact_details(contact_facts(viewer, person))


def can_read_address(viewer: Viewer, person: Person) -> bool:
    """A person's postal address (`shows_address`)."""
    return shows_address(contact_facts(viewer, person))


def can_read_civic_no(viewer: Viewer, person: Person) -> bool:
    """Identity numbers: school administrators of a school the person belongs to.

    The admin's person page calls this; no field of the API shows one, and
    an export that does calls this too.
    """
    return civic_no_readable(viewer).filter(pk=person.pk).exists()


def civic_no_readable(viewer: Viewer) -> QuerySet[Person]:
    """The people whose identity numbers the viewer may read (and search by)."""
    if not viewer.is_authenticated:
        return Person.objects.none()
    schools = school_ids_with(viewer, (Grant.SCHOOL_ADMIN,))
    pupils = Pupil.objects.filter(school_id__in=schools)
    return Person.objects.filter(
        Q(pk__in=pupils.values("person_id"))
        | Q(pk__in=Guardianship.objects.filter(pupil__in=pupils).values("guardian_id"))
    )


def shown_name(viewer: Viewer, pupil: Pupil) -> str:
    """The pupil's name, or the alias outside the pupil's own circle when protected.

    The circle is everyone with a role toward the pupil, who are exactly
    those who see the pupil (`visible_pupils`). Asked only for protected
    pupils and memoised, so a list of names costs at most one query more.
    """
    person = pupil.person
    if not person.has_protected_identity or pupil.pk in _circle(viewer):
        return str(person)
    return person.alias


def _circle(viewer: Viewer) -> frozenset[int]:
    pupils = visible_pupils(viewer)
    return memo(
        viewer, ("circle", today()), lambda: frozenset(pupils.values_list("pk", flat=True))
    )


def in_class_list(person: Person) -> bool:
    """People with protected identity never appear in class or contact lists."""
    return not person.has_protected_identity


def display_name(viewer: Viewer, person: Person | None) -> str:
    """A person's name as the viewer may see it, e.g. as the author of an entry.

    People with protected identity are named to themselves and to school
    staff; everyone else, a separated parent included, sees the alias.
    """
    if person is None:
        return "Okänd"
    if (
        not person.has_protected_identity
        or person.pk == person_of(viewer)
        or staff_roles_anywhere(viewer)
    ):
        return str(person)
    return person.alias
