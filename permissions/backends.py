"""Django auth backend that answers capability checks from the roster.

`user.has_perm("core.read_pupil_page", pupil)` reaches `RosterBackend`,
which asks `permissions.rules` (and, for a pupil's page, whether the sign-in
is strong enough: `permissions.assurance`); stored grants are answered by
django-guardian's own backend, listed beside it in settings.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from core.models import Group, Pupil
from permissions import rules
from permissions.assurance import page_open_to
from permissions.codenames import Capability

_PUPIL_CAPABILITIES = {
    Capability.READ_PUPIL_PAGE: rules.can_read_pupil_page,
    Capability.PROPOSE_GOAL: rules.can_propose_goal,
    Capability.ADVANCE_GOAL: rules.can_advance_goal,
    Capability.CONCLUDE_GOAL: rules.can_conclude_goal,
    Capability.READ_ASSESSMENT_DRAFT: rules.can_read_assessment_draft,
    Capability.START_PLAN: rules.can_start_plan,
    Capability.AGREE_PLAN: rules.can_agree_plan,
    Capability.WRITE_LEARNING_LOG: rules.can_write_learning_log,
    Capability.CONFIRM_READ: rules.can_confirm_read,
    Capability.PRIVATE_BLOG: rules.can_use_private_blog,
}
_GROUP_CAPABILITIES = {
    Capability.READ_CLASS_BLOG: rules.can_read_class_blog,
    Capability.WRITE_CLASS_BLOG: rules.can_write_class_blog,
    Capability.READ_CLASS_LIST: rules.can_read_class_list,
    Capability.READ_SUMMARIES: rules.can_read_group_summary,
}


class RosterBackend(BaseBackend):
    """Object permissions derived from roster relations; never authenticates."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        """Answer `core.<capability>` for a Pupil or Group; anything else is not ours."""
        app, _, name = perm.partition(".")
        if app != "core" or name not in Capability.__members__.values():
            return False
        capability = Capability(name)
        if isinstance(obj, Pupil) and capability in _PUPIL_CAPABILITIES:
            if not page_open_to(user_obj, obj):  # a weaker sign-in, strong login required
                return False
            return _PUPIL_CAPABILITIES[capability](user_obj, obj)
        if isinstance(obj, Group) and capability in _GROUP_CAPABILITIES:
            return _GROUP_CAPABILITIES[capability](user_obj, obj)
        return False
