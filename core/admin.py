"""Django admin for the roster: searchable, identity numbers masked.

A personal identity number is never an editable field here, and shows in
full only to a school administrator of the person (the same rule as the
API, `permissions.rules.can_read_civic_no`); superusers see the birth date.
"""

from __future__ import annotations

import re

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from guardian.admin import GuardedModelAdmin

from core.identity import mask_civic_number
from core.models import (
    ApiToken,
    Duty,
    Group,
    GroupMembership,
    Guardianship,
    Organisation,
    Person,
    Pupil,
    PupilMentor,
    School,
    StaffAssignment,
    SyncRun,
    User,
)
from permissions.rules import can_read_civic_no, civic_no_readable

_CIVIC_SEPARATORS = re.compile(r"[\s+-]")
_CIVIC_NO = re.compile(r"\d{8}(?:\d{4}|[A-Za-z]{2}\d{2})")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("family_name", "given_name", "masked_civic_no", "security_marking")
    list_filter = ("security_marking",)
    search_fields = ("family_name", "given_name", "email")  # numbers: get_search_results
    exclude = ("civic_no",)  # imported from the register, never typed in here

    @admin.display(description="personal identity number")
    def masked_civic_no(self, person: Person) -> str:
        """Birth date only, for anyone who is not the person's school administrator."""
        return mask_civic_number(person.civic_no) if person.civic_no else ""

    def get_readonly_fields(
        self, request: HttpRequest, obj: Person | None = None
    ) -> list[str] | tuple[str, ...]:
        """The full number read-only for the person's school administrator, else masked."""
        shown = "civic_no" if obj is not None and can_read_civic_no(request.user, obj) else None
        return (*super().get_readonly_fields(request, obj), shown or "masked_civic_no")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Person], search_term: str
    ) -> tuple[QuerySet[Person], bool]:
        """Find a number typed with a separator (20100314-1234) as stored.

        Only among the people whose numbers the user may read: otherwise a
        search would confirm the digits the masked list hides.
        """
        joined = _CIVIC_SEPARATORS.sub("", search_term)
        if not _CIVIC_NO.fullmatch(joined):
            return super().get_search_results(request, queryset, search_term)
        readable = queryset.filter(pk__in=civic_no_readable(request.user).values("pk"))
        return readable.filter(civic_no=joined.upper()), False


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "person", "is_active", "is_staff", "last_login")
    search_fields = ("username", "person__family_name", "person__given_name")
    raw_id_fields = ("person",)
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Roster", {"fields": ("person",)}))  # type: ignore[misc]


@admin.register(Organisation)
class OrganisationAdmin(GuardedModelAdmin):
    list_display = ("name", "organisation_number", "municipality_code", "strong_login_required")
    list_filter = ("strong_login_required",)
    search_fields = ("name",)


@admin.register(School)
class SchoolAdmin(GuardedModelAdmin):
    list_display = ("name", "school_unit_code", "organisation")
    search_fields = ("name", "school_unit_code")


@admin.register(Group)
class GroupAdmin(GuardedModelAdmin):
    list_display = ("name", "school", "kind", "school_year", "start_date", "end_date")
    list_filter = ("kind", "school")
    search_fields = ("name", "school__name")


@admin.register(Pupil)
class PupilAdmin(GuardedModelAdmin):
    list_display = ("person", "school", "school_form", "school_year")
    list_filter = ("school", "school_form")
    search_fields = ("person__family_name", "person__given_name")
    raw_id_fields = ("person",)


class DatedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic over several models
    """Relations: searchable by the people in them, filterable by dates."""

    list_filter = ("start_date", "end_date")


@admin.register(Guardianship)
class GuardianshipAdmin(DatedAdmin):
    list_display = ("pupil", "guardian", "relation_type", "rights_until", "start_date", "end_date")
    search_fields = ("pupil__person__family_name", "guardian__family_name", "guardian__given_name")
    raw_id_fields = ("pupil", "guardian")


@admin.register(GroupMembership)
class GroupMembershipAdmin(DatedAdmin):
    list_display = ("pupil", "group", "start_date", "end_date")
    search_fields = ("pupil__person__family_name", "group__name")
    raw_id_fields = ("pupil", "group")


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(DatedAdmin):
    list_display = ("staff", "group", "role", "subject", "start_date", "end_date")
    search_fields = ("staff__family_name", "group__name")
    raw_id_fields = ("staff", "group")


@admin.register(Duty)
class DutyAdmin(DatedAdmin):
    list_display = ("person", "school", "role", "start_date", "end_date")
    search_fields = ("person__family_name", "school__name")
    raw_id_fields = ("person",)


@admin.register(PupilMentor)
class PupilMentorAdmin(DatedAdmin):
    list_display = ("pupil", "staff", "start_date", "end_date")
    raw_id_fields = ("pupil", "staff")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = (
        "prefix",
        "name",
        "user",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
        "assurance",
    )
    search_fields = ("user__username", "name", "prefix")
    # Revoke here; a token's owner and lifetime are set once, by the service
    # (`manage.py token_create` or `tokenCreate`), which alone shows the secret.
    readonly_fields = (
        "user",
        "prefix",
        "digest",
        "created_at",
        "expires_at",
        "last_used_at",
        "assurance",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:  # noqa: ARG002
        """Tokens are made where their secret can be shown once."""
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin[SyncRun]):
    """The live sync's runs, for the administrator who watches the roster arrive."""

    list_display = ("started_at", "source", "outcome", "delta_after", "finished_at")
    list_filter = ("outcome", "source")
    readonly_fields = (
        "source",
        "started_at",
        "finished_at",
        "delta_after",
        "outcome",
        "counts",
        "message",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:  # noqa: ARG002
        """Runs are made by the sync only."""
        return False

    def has_change_permission(
        self,
        request: HttpRequest,  # noqa: ARG002
        obj: SyncRun | None = None,  # noqa: ARG002
    ) -> bool:
        """A run's record is not edited."""
        return False
