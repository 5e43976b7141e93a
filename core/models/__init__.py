"""The domain models, one module per area."""

from core.models.accounts import ApiToken
from core.models.curriculum import Subject
from core.models.dated import Dated, DatedQuerySet, active_on
from core.models.organisations import Group, GroupKind, Organisation, School, SchoolForm
from core.models.people import Person, SecurityMarking, User
from core.models.roster import (
    Duty,
    DutyRole,
    GroupMembership,
    Guardianship,
    Pupil,
    PupilMentor,
    RelationType,
    StaffAssignment,
    StaffRole,
)

__all__ = [
    "ApiToken",
    "Dated",
    "DatedQuerySet",
    "Duty",
    "DutyRole",
    "Group",
    "GroupKind",
    "GroupMembership",
    "Guardianship",
    "Organisation",
    "Person",
    "Pupil",
    "PupilMentor",
    "RelationType",
    "School",
    "SchoolForm",
    "SecurityMarking",
    "StaffAssignment",
    "StaffRole",
    "Subject",
    "User",
    "active_on",
]
