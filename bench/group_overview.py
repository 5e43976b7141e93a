"""Group.overview through GraphQL against a hand-written Django JSON view.

Builds a class of --pupils pupils with full pages (plans, answers, goals,
assessments, learning log) in a scratch database, then serves the same
overview both ways, alternating, --rounds times each, through Django's
request handling (RequestFactory, session-less teacher). Both sides read
the data with the same selector (`core.selectors.overview.group_overview`),
so the ratio is the cost of GraphQL itself: parsing, validation, limits,
the optimizer and serialisation. Budget (docs/architecture.md): within 2x.

    .venv/bin/python bench/group_overview.py --pupils 300 --rounds 30

BENCH_DATABASE_URL selects another (empty) database, e.g. PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

QUERY = """query($id: ID!) { group(id: $id) { overview(term: "HT2026") { term pupils {
    pupilId name schoolYear planId planState
    progress { role asked answered share } goalsByStatus { status count }
    assessmentsAtRisk latestLogEntry { id text createdAt } } } } }"""


def json_view(request: Any, group_id: int) -> Any:
    """The hand-written view: the same data, serialised by hand."""
    from django.http import Http404, JsonResponse
    from strawberry.relay import to_base64

    from core.models import Group
    from core.selectors.overview import group_overview

    group = Group.objects.filter(pk=group_id).first()
    rows = None if group is None else group_overview(request.user, group, "HT2026")
    if rows is None:
        raise Http404
    pupils = []
    for row in rows:
        plan, entry = row.plan, row.latest_entry
        pupils.append(
            {
                "pupilId": to_base64("Pupil", row.pupil.pk),
                "name": str(row.pupil.person),
                "schoolYear": row.pupil.school_year,
                "planId": plan and to_base64("DevelopmentPlan", plan.pk),
                "planState": plan and plan.state.upper(),
                "progress": [
                    {"role": r.name, "asked": a, "answered": n, "share": n / a if a else 0.0}
                    for r, a, n in row.progress.per_role()
                ],
                "goalsByStatus": [
                    {"status": s.name, "count": row.goals[s.value]} for s in _statuses()
                ],
                "assessmentsAtRisk": row.at_risk,
                "latestLogEntry": entry
                and {
                    "id": to_base64("LearningLogEntry", entry.pk),
                    "text": entry.text,
                    "createdAt": entry.created_at.isoformat(),
                },
            }
        )
    body = {"data": {"group": {"overview": {"term": "HT2026", "pupils": pupils}}}}
    return JsonResponse(body)


def _statuses() -> list[Any]:
    from core.models import GoalStatus

    return list(GoalStatus)


def signed_in(request: Any, user: Any) -> Any:
    """The request as AuthenticationMiddleware leaves it: `user`, and `auser` the view awaits."""

    async def auser() -> Any:
        return user

    request.user, request.auser = user, auser
    return request


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-overview-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from asgiref.sync import async_to_sync
    from django.core.management import call_command
    from django.test import RequestFactory
    from strawberry.relay import to_base64

    from core.importers.demo.pages import fill_pages
    from core.models import Subject
    from core.services.curriculum import curriculum_load
    from schema import schema
    from schema.views import GraphQLView
    from tests.factories import (
        GroupFactory,
        GroupMembershipFactory,
        PupilFactory,
        StaffAssignmentFactory,
        user_for,
    )

    call_command("migrate", verbosity=0)
    curriculum_load()
    group = GroupFactory(school_year=3)
    teacher = user_for(StaffAssignmentFactory(group=group).staff)
    for _ in range(args.pupils):
        GroupMembershipFactory(group=group, pupil=PupilFactory(school=group.school))
    subjects = list(Subject.objects.filter(code__in=["MA", "SV", "EN", "NO", "SO"]))
    fill_pages(group, term="HT2026", author=teacher, subjects=subjects)

    graphql = GraphQLView.as_view(schema=schema)
    factory = RequestFactory()
    body = json.dumps({"query": QUERY, "variables": {"id": to_base64("Group", group.pk)}})

    def via_graphql() -> dict[str, Any]:
        request = signed_in(
            factory.post("/graphql/", body, content_type="application/json"), teacher
        )
        response = async_to_sync(graphql)(request)
        return json.loads(response.content)  # type: ignore[no-any-return]

    def via_json() -> dict[str, Any]:
        request = factory.get(f"/overview/{group.pk}")
        request.user = teacher
        return json.loads(json_view(request, group.pk).content)  # type: ignore[no-any-return]

    same = via_graphql() == via_json()
    timings: dict[str, list[float]] = {"graphql": [], "json": []}
    for _ in range(args.rounds):
        for name, serve in (("graphql", via_graphql), ("json", via_json)):
            start = time.perf_counter()
            serve()
            timings[name].append(time.perf_counter() - start)
    graphql_ms = statistics.median(timings["graphql"]) * 1000
    json_ms = statistics.median(timings["json"]) * 1000
    engine = django.db.connection.vendor
    print(f"Group.overview of {args.pupils} pupils on {engine}, median of {args.rounds} rounds")
    print(f"  same data both ways: {same}")
    print(f"  GraphQL       {graphql_ms:8.1f} ms")
    print(f"  JSON view     {json_ms:8.1f} ms")
    print(f"  ratio         {graphql_ms / json_ms:8.2f}x (budget 2x)")
    return 0 if same and graphql_ms <= 2 * json_ms else 1


if __name__ == "__main__":
    raise SystemExit(main())
