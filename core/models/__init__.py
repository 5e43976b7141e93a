"""The domain models, one module per area."""

from core.models.accounts import AccountSettings, ApiToken, FederatedSignIn
from core.models.blogs import BlogImage, BlogKind, BlogPost
from core.models.curriculum import Curriculum, KnowledgeRequirement, Subject
from core.models.dated import Dated, DatedQuerySet, active_on
from core.models.learning import (
    LearningLogComment,
    LearningLogEntry,
    LearningLogImage,
    Prognosis,
    WrittenAssessment,
)
from core.models.notices import EmailDigest, Notice, NoticeCategory, NoticeKind
from core.models.organisations import (
    PLAN_TEMPLATE_FORM,
    Group,
    GroupKind,
    Organisation,
    School,
    SchoolForm,
)
from core.models.people import Person, SecurityMarking, User
from core.models.plans import (
    Answer,
    DevelopmentPlan,
    Goal,
    GoalStatus,
    GoalStatusChange,
    PlanSection,
    PlanState,
    PlanTemplate,
    PreparationQuestion,
    QuestionRole,
    ReadConfirmation,
)
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
from core.models.sync import SyncLock, SyncOutcome, SyncRun
from core.models.teaching import AssessmentMatrix, MatrixCriterion, MatrixMark, TeachingPlan

__all__ = [
    "PLAN_TEMPLATE_FORM",
    "AccountSettings",
    "Answer",
    "ApiToken",
    "AssessmentMatrix",
    "BlogImage",
    "BlogKind",
    "BlogPost",
    "Curriculum",
    "Dated",
    "DatedQuerySet",
    "DevelopmentPlan",
    "Duty",
    "DutyRole",
    "EmailDigest",
    "FederatedSignIn",
    "Goal",
    "GoalStatus",
    "GoalStatusChange",
    "Group",
    "GroupKind",
    "GroupMembership",
    "Guardianship",
    "KnowledgeRequirement",
    "LearningLogComment",
    "LearningLogEntry",
    "LearningLogImage",
    "MatrixCriterion",
    "MatrixMark",
    "Notice",
    "NoticeCategory",
    "NoticeKind",
    "Organisation",
    "Person",
    "PlanSection",
    "PlanState",
    "PlanTemplate",
    "PreparationQuestion",
    "Prognosis",
    "Pupil",
    "PupilMentor",
    "QuestionRole",
    "ReadConfirmation",
    "RelationType",
    "School",
    "SchoolForm",
    "SecurityMarking",
    "StaffAssignment",
    "StaffRole",
    "Subject",
    "SyncLock",
    "SyncOutcome",
    "SyncRun",
    "TeachingPlan",
    "User",
    "WrittenAssessment",
    "active_on",
]
