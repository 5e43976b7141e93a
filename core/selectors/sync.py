"""How current the roster is: the live SS 12000 sync's last good run."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from core.models import SyncOutcome, SyncRun


def roster_sync_state() -> str | None:
    """'ok', 'stale' or 'never' when an SS 12000 server is configured, else None.

    Stale: the last good run started more than SS12000_STALE_MINUTES ago.
    """
    if not settings.SS12000_URL:
        return None
    last_good = SyncRun.objects.filter(source=settings.SS12000_URL, outcome=SyncOutcome.OK).first()
    if last_good is None:
        return "never"
    limit = dt.timedelta(minutes=settings.SS12000_STALE_MINUTES)
    return "ok" if timezone.now() - last_good.started_at <= limit else "stale"
