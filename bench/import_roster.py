"""Benchmark: import a synthetic municipality, then import it again.

Budget (docs/architecture.md): 10,000 pupils with guardians and staff, and
their access rows, in under 60 s; the second run writes nothing (access
rows included). Uses a fresh SQLite file unless
BENCH_DATABASE_URL names another (empty) database.

    .venv/bin/python bench/import_roster.py --pupils 10000
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


if __name__ == "__main__":
    sys.exit(main())
