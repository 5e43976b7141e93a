"""The live sync: pull an SS 12000 API server into the roster, one run at a time.

A run takes the source's lock (a row of `SyncLock`; a lock older than
`SS12000_LOCK_MINUTES` is taken as left by a run that died), reads every
page from the server (`core.importers.client`), then imports the whole
dataset in one transaction (`core.importers.ss12000.import_dataset`): an
interrupted or failed run writes nothing but its `SyncRun` row. The first
run, and every run after a failed one, loads everything; a run after a good
one asks for what was modified after that run started, and for what was
deleted since (`/deletedEntities`), with a minute's overlap for clocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.importers.client import Client, Server
from core.importers.report import ImportReport
from core.importers.ss12000 import MassEnd, import_dataset
from core.models import SyncLock, SyncOutcome, SyncRun

_OVERLAP = dt.timedelta(minutes=1)


class Locked(Exception):  # noqa: N818 -- what happened, as the command reports it
    """Another sync of the same source is running."""


def configured_server() -> Server | None:
    """The server of the settings, or None when no SS 12000 server is configured."""
    if not settings.SS12000_URL:
        return None
    return Server(
        url=settings.SS12000_URL,
        token_url=settings.SS12000_TOKEN_URL,
        client_id=settings.SS12000_CLIENT_ID,
        client_secret=settings.SS12000_CLIENT_SECRET,
        scope=settings.SS12000_SCOPE,
        page_size=settings.SS12000_PAGE_SIZE,
    )


def sync(
    server: Server,
    *,
    full: bool = False,
    allow_mass_end: bool = False,
    say: Callable[[str], None] = lambda _: None,
    sleep: Callable[[float], None] | None = None,
) -> tuple[SyncRun, ImportReport | None]:
    """One run: fetch, import, record. Raises `Locked` if another run holds the source."""
    with _lock(server.url):
        last = SyncRun.objects.filter(source=server.url).first()
        # After a failed or stopped run, load everything again.
        good = last is not None and last.outcome == SyncOutcome.OK
        after = None if full or not good or last is None else last.started_at - _OVERLAP
        run = SyncRun.objects.create(
            source=server.url, started_at=timezone.now(), delta_after=after
        )
        client = Client(server, report=say, **({"sleep": sleep} if sleep else {}))
        report: ImportReport | None = None
        try:
            dataset = client.dataset(modified_after=after)
            say("all pages read; importing")
            report = import_dataset(
                dataset, today=timezone.localdate(), allow_mass_end=allow_mass_end
            )
        except MassEnd as stop:
            _finish(run, SyncOutcome.STOPPED, str(stop), stop.report, client)
            stop.report.write(_report_stem(run))
            return run, stop.report
        except Exception as error:  # recorded as failed, then raised to the caller
            _finish(run, SyncOutcome.FAILED, f"{type(error).__name__}: {error}", None, client)
            raise
        _finish(run, SyncOutcome.OK, "", report, client)
        report.write(_report_stem(run))
        return run, report


def _finish(
    run: SyncRun, outcome: str, message: str, report: ImportReport | None, client: Client
) -> None:
    counts: dict[str, Any] = {
        "pages": client.progress.pages,
        "records": client.progress.records,
        "restarts": client.progress.restarts,
        "retries": client.progress.retries,
    }
    if report is not None:
        counts["rows"] = {k: list(v) for k, v in report.as_table().items()}
        counts["faults"] = len(report.rejections)
    run.outcome, run.message, run.counts = outcome, message[:2000], counts
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "message", "counts", "finished_at"])


def _report_stem(run: SyncRun) -> Path:
    """Where a run's report goes: IMPORT_REPORT_DIR, named by the run."""
    stamp = timezone.localtime(run.started_at).strftime("%Y%m%d-%H%M%S")
    return Path(settings.IMPORT_REPORT_DIR) / f"sync-{run.pk}-{stamp}"


@contextmanager
def _lock(source: str) -> Iterator[None]:
    """Hold the source's lock for the block; `Locked` if a live run holds it."""
    now = timezone.now()
    stale = now - dt.timedelta(minutes=settings.SS12000_LOCK_MINUTES)
    SyncLock.objects.filter(source=source, taken_at__lt=stale).delete()
    try:
        with transaction.atomic():
            SyncLock.objects.create(source=source, taken_at=now)
    except IntegrityError:
        holder = SyncLock.objects.filter(source=source).first()
        since = f" since {timezone.localtime(holder.taken_at):%H:%M:%S}" if holder else ""
        raise Locked(f"Another sync of {source} is running{since}.") from None
    try:
        yield
    finally:
        SyncLock.objects.filter(source=source, taken_at=now).delete()
