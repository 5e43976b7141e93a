"""Failed sign-ins counted per login name and per client address (django-axes).

Axes counts the failures and refuses a locked-out sign-in in its backend;
this module holds the two places where the service's rules differ from
axes' defaults: the client's address behind a load balancer, and a limit
per address of its own.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler  # type: ignore[import-untyped]
from axes.helpers import get_client_username, get_failure_limit  # type: ignore[import-untyped]
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, trusting TRUSTED_PROXY_COUNT proxies in front.

    Each trusted proxy appends the address it was reached from to
    X-Forwarded-For, so the client is the entry that many places from the
    end; entries further left are whatever the client sent. Written here
    rather than through django-ipware (axes' optional helper): ipware 8
    counts only the proxies named inside the header and answers no address
    at all when the header is shorter than its count, which would switch
    the per-address limit off.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-count] if len(hops) >= count else remote


def _sum(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LoginAttemptHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes is untyped
    """Axes' database handler with a limit per address besides the one per name.

    Axes holds both counts against one limit, but a school's pupils share
    one public address: LOGIN_ADDRESS_FAILURE_LIMIT lets that address fail
    more often than one login name may.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The failures measured against the per-name limit.

        The address count is shifted so that it reaches the per-name limit
        exactly when it reaches its own; the order is that of
        AXES_LOCKOUT_PARAMETERS, name first.
        """
        by_name, by_address = (_sum(q) for q in self.get_user_attempts(request, credentials))
        limit = int(get_failure_limit(request, credentials))
        headroom = settings.LOGIN_ADDRESS_FAILURE_LIMIT - limit
        return max(by_name, by_address - headroom)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a good password, forget the failures of that name only.

        Axes would also clear the address, so one account's owner could
        wipe the count of guesses made at others from the same address.
        """
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(deleted)
