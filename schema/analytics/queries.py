"""Summaries for quality work: a class, a school, an organiser."""

from __future__ import annotations

import strawberry
import strawberry_django

from core.selectors.analytics import (
    NotAClassError,
    organisation_summary,
    readable_summary,
    summary_organisations,
)
from core.services.common import check_term
from core.services.errors import Invalid
from schema.analytics.types import SummaryType, csv_path
from schema.arguments import argument_error
from schema.context import Info, viewer
from schema.payloads import pk


def _checked(term: str) -> None:
    try:
        check_term(term)
    except Invalid as error:
        raise argument_error("term", error.message) from error


def _summary(
    info: Info, level: str, gid: strawberry.ID, type_name: str, term: str
) -> SummaryType | None:
    _checked(term)
    try:
        key = pk(gid, type_name, f"{level}Id")
        found = readable_summary(viewer(info), level, key, term)
    except Invalid as error:
        raise argument_error(error.field or f"{level}Id", error.message) from error
    except NotAClassError as error:
        raise argument_error(
            f"{level}Id", "Summaries are made for classes and departments, not teaching groups."
        ) from error
    return None if found is None else SummaryType.of(found, csv_path(level, key))


@strawberry.type
class AnalyticsQuery:
    @strawberry_django.field(
        description="A class's or department's summary; null when the "
        "viewer may not read it. Teachers and mentors of the group, the "
        "school's leaders, analytics granted the school."
    )
    def group_summary(self, info: Info, group_id: strawberry.ID, term: str) -> SummaryType | None:
        return _summary(info, "group", group_id, "Group", term)

    @strawberry_django.field(
        description="A school's summary; null when the viewer may not read "
        "it. The school's leaders and analytics granted it."
    )
    def school_summary(
        self, info: Info, school_id: strawberry.ID, term: str
    ) -> SummaryType | None:
        return _summary(info, "school", school_id, "School", term)

    @strawberry_django.field(
        description="Summaries of the organisers the viewer is granted "
        "analytics for (usually one); empty for everyone else."
    )
    def organisation_summary(self, info: Info, term: str) -> list[SummaryType]:
        _checked(term)
        return [
            SummaryType.of(organisation_summary(o, term), csv_path("organisation", o.pk))
            for o in summary_organisations(viewer(info))
        ]
