"""Who reads what on a pupil's page, as filters for any queryset of that model.

Each function returns a `Q` for one model, built from the relations in
`permissions.relations`; GraphQL types, the image view and the benchmarks
all narrow their rows with these, so there is one definition per model.
A row the viewer may not read is filtered out, never marked: hidden rows
answer exactly like missing ones. A page's rows that only a strong sign-in
may read are left out of a weaker one, which is told so
(`permissions.assurance`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.models import AssessmentMatrix, BlogKind, BlogPost
from permissions.assurance import page_pupils, private_blog_owner
from permissions.relations import (
    Viewer,
    blog_groups,
    blog_schools,
    draft_reader_pupils,
)


def reference_data(viewer: Viewer) -> Q:
    """Curriculum text and IUP templates: anyone signed in, nobody else."""
    return Q() if viewer.is_authenticated and viewer.is_active else Q(pk__in=[])


def pupil_page(viewer: Viewer, path: str = "pupil") -> Q:
    """Rows of a pupil's page (plans, goals, answers, log): readers of the page."""
    return Q(**{f"{path}__in": page_pupils(viewer).values("pk")})


def assessments(viewer: Viewer, path: str = "") -> Q:
    """Published assessments for readers of the page; drafts for its teachers and mentors."""
    prefix = f"{path}__" if path else ""
    published = Q(**{f"{prefix}published_at__isnull": False})
    drafts = Q(**{f"{prefix}pupil__in": draft_reader_pupils(viewer).values("pk")})
    return pupil_page(viewer, f"{prefix}pupil") & (published | drafts)


def blog_posts(viewer: Viewer, path: str = "") -> Q:
    """Class and department posts, school posts, and the pupil's own private posts."""
    prefix = f"{path}__" if path else ""
    kind = f"{prefix}kind"
    return (
        Q(
            **{f"{kind}__in": [BlogKind.GROUP, BlogKind.DOCUMENTATION]},
            **{f"{prefix}group__in": blog_groups(viewer).values("pk")},
        )
        | Q(**{kind: BlogKind.SCHOOL, f"{prefix}school__in": blog_schools(viewer).values("pk")})
        | Q(**{kind: BlogKind.PRIVATE, f"{prefix}pupil__person_id": private_blog_owner(viewer)})
    )


def teaching_plans(viewer: Viewer, path: str = "") -> Q:
    """A group's teaching plans: the readers of the group's blog."""
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}group__in": blog_groups(viewer).values("pk")})


def matrices(viewer: Viewer, path: str = "pk") -> Q:
    """Matrices of a readable teaching plan, or holding a mark of a readable pupil."""
    marked = Q(criteria__marks__pupil__in=page_pupils(viewer).values("pk"))
    readable = AssessmentMatrix.objects.filter(teaching_plans(viewer, "teaching_plan") | marked)
    return Q(**{f"{path}__in": readable.values("pk")})


def posts(kind: BlogKind, **owner: int) -> QuerySet[BlogPost]:
    """One blog's posts, newest first (the caller's type narrows them to the viewer)."""
    return BlogPost.objects.filter(kind=kind, **owner).order_by("-created_at", "-pk")
