"""The development plan's life: start, answer, read, agree (lock), evaluate.

A plan is a draft while the pupil, guardians and staff prepare the talk;
the mentor agrees it at the talk, which locks it: after that only goal
status, goal evaluations and the talk's evaluation change. Starting the
next term's plan archives the earlier ones, which stay readable and change
no more.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.models import (
    PLAN_TEMPLATE_FORM,
    Answer,
    DevelopmentPlan,
    Goal,
    GoalStatus,
    GoalStatusChange,
    NoticeKind,
    PlanState,
    PlanTemplate,
    PreparationQuestion,
    Pupil,
    QuestionRole,
    ReadConfirmation,
    User,
)
from core.selectors.notices import page_audience
from core.selectors.pages import pupil_page
from core.services.common import (
    check_term,
    create_first,
    fetch,
    readable_pupil,
    require,
    save_versioned,
    text,
)
from core.services.errors import Conflict, Invalid, NotAllowed, NotFound
from core.services.notices import Change, notify
from permissions import rules
from permissions.relations import Role

TALK_DAYS_BACK = dt.timedelta(days=180)  # a plan agreed after the talk, not long after


def term_key(term: str) -> tuple[int, int]:
    """Sort key of a term: VT2027 comes after HT2026."""
    return int(term[2:]), 0 if term.startswith("VT") else 1


def plan_for(actor: User, pk: int, *, lock: bool = True) -> DevelopmentPlan:
    """A plan the actor reads, locked for the caller's transaction."""
    plans = DevelopmentPlan.objects.select_related("pupil__person")
    return fetch(plans, pupil_page(actor), pk, lock=lock)


def require_state(plan: DevelopmentPlan, *states: PlanState) -> None:
    """Refuse a change the plan's state does not allow (a locked or archived plan)."""
    if plan.state not in states:
        label = PlanState(plan.state).label.lower()
        raise NotAllowed(f"The plan is {label} and can no longer be changed this way.")


def development_plan_start(
    *, actor: User, pupil_id: int, term: str, template_id: int | None = None
) -> DevelopmentPlan:
    """Start the pupil's plan for `term`; earlier plans still open are archived."""
    pupil = readable_pupil(actor, pupil_id)
    require(rules.can_start_plan(actor, pupil))
    check_term(term)
    template = _template(pupil.school_form, template_id)
    with transaction.atomic():
        # Locking the pupil serialises two starts, even for a pupil with no plan yet.
        Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
        plans = DevelopmentPlan.objects.filter(pupil=pupil)
        terms = list(plans.values_list("term", flat=True))
        if term in terms:
            raise Conflict(f"{pupil} already has a plan for {term}.", field="term")
        if any(term_key(other) > term_key(term) for other in terms):
            raise Invalid(
                "A plan for a later term exists; plans are started in order.", field="term"
            )
        plans.exclude(state=PlanState.ARCHIVED).update(
            state=PlanState.ARCHIVED,
            changed_by=actor,
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
        return create_first(
            DevelopmentPlan,
            None,
            pupil=pupil,
            term=term,
            template=template,
            started_by=actor,
            changed_by=actor,
        )


def _template_forms(school_form: str) -> list[str]:
    """The pupil's own school form, then the one whose template it follows if it has none."""
    return [
        school_form,
        *([PLAN_TEMPLATE_FORM[school_form]] if school_form in PLAN_TEMPLATE_FORM else []),
    ]


def _template(school_form: str, template_id: int | None) -> PlanTemplate:
    """The chosen active template, or the newest active one for the school form."""
    active = PlanTemplate.objects.filter(is_active=True)
    if template_id is not None:
        found = active.filter(pk=template_id).first()
        if found is None:
            raise NotFound("No such template.", field="templateId")
        if school_form and found.school_form not in _template_forms(school_form):
            raise Invalid("The template is for another school form.", field="templateId")
        return found
    newest = None
    for form in _template_forms(school_form):
        newest = newest or active.filter(school_form=form).order_by("-version", "-pk").first()
    if newest is None:
        raise Invalid("No active template fits the pupil; choose one.", field="templateId")
    return newest


def answer_save(
    *,
    actor: User,
    plan_id: int,
    question_id: int,
    role: QuestionRole,
    text_: str,
    version: int | None,
) -> Answer:
    """Save the answer `role` gives to a question, if the actor answers for that role.

    `version` is the version the actor edited, or None for a first answer;
    an answer someone saved in between is a `Conflict`, never overwritten.
    """
    body = text(text_, "text")
    with transaction.atomic():
        plan = plan_for(actor, plan_id)
        require(
            rules.can_answer_question(actor, plan.pupil, Role(role.value)),
            f"You do not answer questions put to the {role.value}.",
        )
        require_state(plan, PlanState.DRAFT)
        question = PreparationQuestion.objects.filter(
            pk=question_id, section__template_id=plan.template_id
        ).first()
        if question is None:
            raise Invalid("The question is not part of this plan.", field="questionId")
        if role.value not in question.roles:
            raise Invalid("The question is not put to that role.", field="role")
        answer = Answer.objects.filter(plan=plan, question=question, role=role).first()
        if answer is None:
            answer = create_first(
                Answer, version, plan=plan, question=question, role=role, text=body, author=actor
            )
        elif version is None:
            raise Conflict
        else:
            save_versioned(answer, version, text=body, author=actor)
        touch(plan, actor)
        plan_notice(
            plan, actor, NoticeKind.PLAN_CHANGED, f"Nytt svar i utvecklingsplanen {plan.term}"
        )
        return answer


def plan_notice(plan: DevelopmentPlan, actor: User, kind: NoticeKind, text_: str) -> None:
    """Tell the readers of the pupil's page, once this commits (one notice per plan)."""
    change = Change(kind, "DevelopmentPlan", plan.pk, text_, pupil_id=plan.pupil_id)
    notify(change, actor=actor, audience=page_audience(plan.pupil_id))


def touch(plan: DevelopmentPlan, actor: User) -> None:
    """Record that the plan changed, and who changed it.

    Raising the plan's version too means the mentor cannot agree a plan
    with an answer or a proposal they have not seen: the agreement names
    the version it was shown.
    """
    DevelopmentPlan.objects.filter(pk=plan.pk).update(
        changed_by=actor, updated_at=timezone.now(), version=F("version") + 1
    )
    plan.version += 1


def development_plan_read_confirm(*, actor: User, plan_id: int, wishes: str) -> ReadConfirmation:
    """A guardian's "I have read it", with wishes for the talk; again updates the wishes."""
    body = text(wishes, "wishes", required=False)
    with transaction.atomic():
        plan = plan_for(actor, plan_id)
        require(rules.can_confirm_read(actor, plan.pupil))
        require_state(plan, PlanState.DRAFT)
        confirmation, _ = ReadConfirmation.objects.update_or_create(
            plan=plan, guardian=actor, defaults={"wishes": body}
        )
        touch(plan, actor)
        return confirmation


def development_plan_agree(
    *, actor: User, plan_id: int, version: int, talk_date: dt.date | None = None
) -> DevelopmentPlan:
    """The mentor agrees the plan at the talk: it locks, and proposals start."""
    with transaction.atomic():
        plan = plan_for(actor, plan_id)
        require(rules.can_agree_plan(actor, plan.pupil))
        require_state(plan, PlanState.DRAFT)
        talk_date = talk_date or timezone.localdate()
        if not timezone.localdate() - TALK_DAYS_BACK <= talk_date <= timezone.localdate():
            raise Invalid("The talk is today or held within the last 180 days.", field="talkDate")
        now = timezone.now()
        save_versioned(
            plan,
            version,
            state=PlanState.AGREED,
            agreed_at=now,
            changed_by=actor,
            talk_date=talk_date,
        )
        _start_proposals(plan, actor)
        plan_notice(
            plan, actor, NoticeKind.PLAN_AGREED, f"Utvecklingsplanen {plan.term} är överenskommen"
        )
        return plan


def _start_proposals(plan: DevelopmentPlan, actor: User) -> None:
    """Goals proposed before the talk move to IN_PROGRESS, each step recorded."""
    new = Goal.objects.filter(plan=plan, status=GoalStatus.NEW)
    proposals = list(new.values_list("pk", flat=True))
    Goal.objects.filter(pk__in=proposals).update(
        status=GoalStatus.IN_PROGRESS, version=F("version") + 1, updated_at=timezone.now()
    )
    GoalStatusChange.objects.bulk_create(
        GoalStatusChange(
            goal_id=pk,
            from_status=GoalStatus.NEW,
            to_status=GoalStatus.IN_PROGRESS,
            changed_by=actor,
        )
        for pk in proposals
    )


def development_plan_evaluate(
    *, actor: User, plan_id: int, version: int, evaluation: str
) -> DevelopmentPlan:
    """Write the evaluation of the talk into an agreed plan (teachers and mentors)."""
    body = text(evaluation, "evaluation")
    with transaction.atomic():
        plan = plan_for(actor, plan_id)
        require(rules.can_start_plan(actor, plan.pupil))
        require_state(plan, PlanState.AGREED)
        save_versioned(plan, version, talk_evaluation=body, changed_by=actor)
        return plan
