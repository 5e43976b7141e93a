"""Validity periods shared by every roster relation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.db.models.query import QuerySet


def active_on(day: dt.date, prefix: str = "") -> Q:
    """A filter for rows whose inclusive [start_date, end_date] holds `day`.

    `prefix` reaches a related row, e.g. ``active_on(today, "guardianships__")``.
    An empty start or end date means the period is open on that side.
    """
    start, end = f"{prefix}start_date", f"{prefix}end_date"
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
    )


class DatedQuerySet(models.QuerySet[Any]):
    """Query helpers for rows with a validity period."""

    def active(self, day: dt.date | None = None) -> Self:
        """Rows valid on `day` (today when not given)."""
        return self.filter(active_on(day or dt.date.today()))


class Dated(models.Model):
    """A relation that holds from `start_date` through `end_date`, inclusive.

    Relations are never deleted when they end; they get an end date, so the
    history of who could see what stays answerable.
    """

    start_date = models.DateField(
        null=True, blank=True, help_text="First day the relation holds; empty = always."
    )
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day the relation holds; empty = open."
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_active(self, day: dt.date | None = None) -> bool:
        """Whether the relation holds on `day` (today when not given)."""
        day = day or dt.date.today()
        starts_ok = self.start_date is None or self.start_date <= day
        return starts_ok and (self.end_date is None or self.end_date >= day)


def only_active(queryset: QuerySet[Any], day: dt.date | None = None) -> QuerySet[Any]:
    """Filter any queryset of a Dated model to the rows valid on `day`."""
    return queryset.filter(active_on(day or dt.date.today()))
