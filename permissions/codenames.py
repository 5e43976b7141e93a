"""Every permission name the service uses, in one place.

Grants are stored object permissions (django-guardian); capabilities are
what `user.has_perm(f"core.{capability}", obj)` asks, answered by the
roster backend from `permissions.rules`.
"""

from __future__ import annotations

import enum


class Grant(enum.StrEnum):
    """Object permissions an administrator grants (stored with django-guardian)."""

    # On Organisation or School: a role over the school(s).
    PRINCIPAL = "act_as_principal"
    SCHOOL_ADMIN = "act_as_school_admin"
    ANALYTICS = "view_summaries"
    STUDENT_HEALTH = "act_as_student_health"
    # On Group: teach the group without an imported assignment.
    GROUP_TEACHER = "teach_group"
    # On Pupil: read one pupil's page (an explicit share).
    PUPIL_SHARE = "view_pupil_page"

    @property
    def perm(self) -> str:
        """The name `has_perm` and guardian's `assign_perm` take."""
        return f"core.{self.value}"


SCHOOL_GRANTS = (Grant.PRINCIPAL, Grant.SCHOOL_ADMIN, Grant.ANALYTICS, Grant.STUDENT_HEALTH)


class Capability(enum.StrEnum):
    """Things a viewer may do; one row each in the policy table of `rules`."""

    READ_PUPIL_PAGE = "read_pupil_page"
    ANSWER_QUESTIONS = "answer_questions"
    PROPOSE_GOAL = "propose_goal"
    ADVANCE_GOAL = "advance_goal"
    CONCLUDE_GOAL = "conclude_goal"
    WRITE_ASSESSMENT = "write_assessment"
    READ_ASSESSMENT_DRAFT = "read_assessment_draft"
    START_PLAN = "start_plan"
    AGREE_PLAN = "agree_plan"
    CONFIRM_READ = "confirm_read"
    WRITE_LEARNING_LOG = "write_learning_log"
    READ_CLASS_BLOG = "read_class_blog"
    WRITE_CLASS_BLOG = "write_class_blog"
    PRIVATE_BLOG = "private_blog"
    READ_GUARDIAN_CONTACTS = "read_guardian_contacts"
    READ_CLASS_LIST = "read_class_list"
    READ_CIVIC_NO = "read_civic_no"
    READ_SUMMARIES = "read_summaries"

    @property
    def perm(self) -> str:
        """The name `has_perm` takes."""
        return f"core.{self.value}"
