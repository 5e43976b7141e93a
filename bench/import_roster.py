"""Benchmark: import a synthetic municipality, then import it again.

Budget (docs/architecture.md): 10,000 pupils with guardians and staff, and
their access rows, in under 60 s; the second run writes nothing (access
rows included). Uses a fresh SQLite file unless
BENCH_DATABASE_URL names another (empty) database. With --live the
municipality is served by the SS 12000 server of the tests
(`tests/ss12000_server.py`, a process on loopback) and pulled by
`core.importers.live.sync`: a full load, then a full load again, then a
delta.

    .venv/bin/python bench/import_roster.py --pupils 10000
    .venv/bin/python bench/import_roster.py --pupils 10000 --live
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=10_000)
    parser.add_argument("--live", action="store_true", help="pull from an SS 12000 server")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.importers.demo import build_dataset, write_dataset
    from core.importers.source import load_dataset
    from core.importers.ss12000 import import_dataset
    from permissions.models import Access

    call_command("migrate", verbosity=0)
    dataset = build_dataset(pupils=args.pupils)
    write_dataset(dataset, work)
    records = sum(len(r) for r in dataset.collections.values())
    print(f"{args.pupils} pupils, {records} SS 12000 records, {connection.vendor}")

    if args.live:
        return _live(work)

    started = time.perf_counter()
    first = import_dataset(load_dataset(work))
    first_seconds = time.perf_counter() - started
    print(f"first import:  {first_seconds:6.2f} s  {first.totals}")
    print(f"access rows:   {Access.objects.count()} (kept in the import's transaction)")

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        second = import_dataset(load_dataset(work))
    second_seconds = time.perf_counter() - started
    writes = sum(q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"} for q in queries)
    print(f"second import: {second_seconds:6.2f} s  {second.totals}, {writes} write statements")

    ok = first_seconds < BUDGET_SECONDS and writes == 0 and second.totals["created"] == 0
    print(f"budget {BUDGET_SECONDS:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


def _live(work: Path) -> int:
    """Full load, full load again, delta: from the loopback SS 12000 server."""
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.importers.client import Server
    from core.importers.live import sync
    from permissions.models import Access
    from tests.servers import ss12000_server

    (work / "control.json").write_text(json.dumps({"clients": {"bench": "bench-secret"}}))
    with ss12000_server(work) as url:
        server = Server(f"{url}/v2.0", f"{url}/token", "bench", "bench-secret", page_size=500)
        timings = []
        for label, full in (
            ("first sync (full)", True),
            ("second sync (full)", True),
            ("delta", False),
        ):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                run, report = sync(server, full=full)
            seconds = time.perf_counter() - started
            # Writes besides the run's own bookkeeping (its SyncRun and SyncLock rows).
            roster_writes = sum(
                q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}
                and "core_sync" not in q["sql"]
                for q in queries
            )
            pages = sum(run.counts["pages"].values())
            totals = report.totals if report else {}
            print(f"{label:19} {seconds:6.2f} s  {pages} pages, {totals}, {roster_writes} writes")
            timings.append((seconds, roster_writes))
        print(f"access rows:   {Access.objects.count()}")
    ok = timings[0][0] < BUDGET_SECONDS and timings[1][1] == 0 and timings[2][1] == 0
    print(f"budget {BUDGET_SECONDS:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
