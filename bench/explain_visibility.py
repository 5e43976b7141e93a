"""EXPLAIN ANALYZE of visible_pupils on PostgreSQL with a demo municipality.

Creates (and drops first) a scratch database, imports --pupils demo pupils
and prints the plan and time of the visibility query for a teacher, a
guardian and a principal. The output is kept in docs/access-model.md.

    .venv/bin/python bench/explain_visibility.py --pupils 10000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SCRATCH = "skolsidan_explain"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=10_000)
    args = parser.parse_args()
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        admin.execute(f"CREATE DATABASE {SCRATCH}")
    os.environ["DATABASE_URL"] = f"{SERVER}/{SCRATCH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from core.importers.demo import build_dataset, write_dataset
    from core.importers.source import load_dataset
    from core.importers.ss12000 import import_dataset
    from core.models import User
    from permissions.relations import visible_pupils

    call_command("migrate", verbosity=0)
    dataset = build_dataset(pupils=args.pupils)
    folder = Path(tempfile.mkdtemp(prefix="explain-"))
    write_dataset(dataset, folder)
    import_dataset(load_dataset(folder))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    logins = {login.role: login.username for login in dataset.logins}
    print(f"PostgreSQL {connection.pg_version}, {args.pupils} pupils")
    for role in ("teacher", "guardian", "principal"):
        viewer = User.objects.get(username=logins[role])
        query = visible_pupils(viewer).values("pk")
        started = time.perf_counter()
        count = len(list(query))
        took = (time.perf_counter() - started) * 1000
        print(f"\n## {role}: {count} pupils, {took:.1f} ms from Python\n")
        print(query.explain(analyze=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
