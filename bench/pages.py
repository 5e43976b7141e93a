"""Whole pages over HTTP: GraphQL against hand-written SQL views, alternating in one run.

Loads a fresh demo municipality (`demo_data --pupils N`, 2,000 by default)
and starts one Daphne with DEBUG=0 that serves both the service and, under
/hand/, a Django view per page that authenticates the same bearer token
(the same middleware) and answers the same JSON from one hand-written SQL
statement with the same rules (the stored access rows). Every page is
asked both ways first and the answers compared; then, for 1 and 8
concurrent clients (keep-alive connections), requests alternate between
the two ways, --rounds per page and way and client count. Reported per
page and way: p50, p95 and p99 latency, requests per second, and the
server's CPU time per request (from /proc, user plus system).

Pages, each asked with a bearer token of the user it is for:
- home: a guardian's children, each child's HT2026 plans with goals, and
  published assessments;
- class: a class's first 30 pupils by name, with plan state and goals;
- overview: a mentor's `group.overview` (the hand-written view is the one
  of bench/group_overview.py: the same selector, serialised by hand);
- pupil: a pupil's own page: plans with goals and the first 20 log entries;
- badge: the viewer's unread notice count.

    .venv/bin/python bench/pages.py                       # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/pages.py

BENCH_DATABASE_URL names a PostgreSQL server (a fresh database is made on
it and dropped afterwards). Budget (docs/performance.md): GraphQL within
2x of the hand-written view at p50 and p99; the home page at least 150
requests per second at 8 concurrent clients on PostgreSQL.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TERM = "HT2026"
SERVER_SECRET = "bench-pages-not-a-secret"  # noqa: S105 -- a throwaway server's key

PAGES: dict[str, str] = {
    "home": """{ me { children(first: 10) { edges { node { id name
        developmentPlans(filters: {term: "HT2026"}) { id state goals { id text status } }
        assessments(filters: {term: "HT2026"}) { id text prognosis subject { name } }
        } } } } }""",
    "class": """query($id: ID!) { node(id: $id) { ... on Group {
        pupils(first: 30) { edges { node { id name
        developmentPlans(filters: {term: "HT2026"}) { state goals { id } } } } } } } }""",
    "overview": """query($id: ID!) { group(id: $id) { overview(term: "HT2026") { term pupils {
        pupilId name schoolYear planId planState
        progress { role asked answered share } goalsByStatus { status count }
        assessmentsAtRisk latestLogEntry { id text createdAt } } } } }""",
    "pupil": """query($id: ID!) { node(id: $id) { ... on Pupil { id name
        developmentPlans(filters: {term: "HT2026"}) { id state goals { id text status } }
        learningLog(first: 20) { edges { node { id text } } } } } }""",
    "badge": "{ me { unreadNoticeCount } }",
}


def gid(kind: str, pk: int) -> str:
    """A relay global id, as the schema writes it."""
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


# -- the hand-written views (served by bench/pages_urls.py) -----------------

# The viewer's access rows that hold today (permissions.models.Access).
_MINE = """mine AS (SELECT role, pupil_id, group_id FROM permissions_access
    WHERE (person_id = %(person)s OR user_id = %(user)s)
      AND first_day <= %(day)s AND last_day >= %(day)s)"""
_NAME = "pe.given_name || ' ' || pe.family_name"


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _params(request: Any, **extra: Any) -> dict[str, Any]:
    from permissions.relations import today

    user = request.user
    return {"person": user.person_id or 0, "user": user.pk or 0, "day": today(), **extra}


def _json(data: Any) -> Any:
    from django.http import JsonResponse

    return JsonResponse({"data": data})


def _plans(rows: list[tuple[Any, ...]], *, goal_fields: bool = True) -> dict[int, list[Any]]:
    """`plan` and `goal` rows as plans per pupil, goals per plan, both by id."""
    plans: dict[int, list[dict[str, Any]]] = {}
    by_id: dict[int, dict[str, Any]] = {}
    for kind, pk, owner, text, _, _ in sorted(rows, key=lambda r: r[1]):
        if kind == "plan":
            by_id[pk] = {"id": gid("DevelopmentPlan", pk), "state": text.upper(), "goals": []}
            plans.setdefault(owner, []).append(by_id[pk])
    for kind, pk, owner, text, status, _ in sorted(rows, key=lambda r: r[1]):
        if kind == "goal":
            goal = {"id": gid("Goal", pk)}
            if goal_fields:
                goal |= {"text": text, "status": status.upper()}
            by_id[owner]["goals"].append(goal)
    return plans


def _plan_rows(pupils: str) -> str:
    return f"""SELECT 'plan', d.id, d.pupil_id, d.state, NULL, NULL FROM core_developmentplan d
        WHERE d.term = %(term)s AND d.pupil_id IN ({pupils})
      UNION ALL
      SELECT 'goal', g.id, g.plan_id, g.text, g.status, NULL
        FROM core_goal g JOIN core_developmentplan d ON d.id = g.plan_id
        WHERE d.term = %(term)s AND d.pupil_id IN ({pupils})"""


def hand_home(request: Any) -> Any:
    """A guardian's children with plans, goals and published assessments, in one statement."""
    kids = "SELECT pupil_id FROM mine WHERE role = 'guardian' AND pupil_id IS NOT NULL"
    sql = f"""WITH {_MINE}
      SELECT 'pupil', p.id, NULL, {_NAME}, NULL, NULL
        FROM core_pupil p JOIN core_person pe ON pe.id = p.person_id WHERE p.id IN ({kids})
      UNION ALL {_plan_rows(kids)}
      UNION ALL
      SELECT 'assessment', w.id, w.pupil_id, w.text, w.prognosis, s.name
        FROM core_writtenassessment w JOIN core_subject s ON s.id = w.subject_id
        WHERE w.term = %(term)s AND w.published_at IS NOT NULL AND w.pupil_id IN ({kids})"""
    rows = _rows(sql, _params(request, term=TERM))
    plans = _plans(rows)
    assessments: dict[int, list[Any]] = {}
    for kind, pk, pupil, text, prognosis, subject in sorted(rows, key=lambda r: r[1]):
        if kind == "assessment":
            assessments.setdefault(pupil, []).append(
                {
                    "id": gid("WrittenAssessment", pk),
                    "text": text,
                    "prognosis": prognosis.upper(),
                    "subject": {"name": subject},
                }
            )
    children = [
        {
            "node": {
                "id": gid("Pupil", pk),
                "name": name,
                "developmentPlans": plans.get(pk, []),
                "assessments": assessments.get(pk, []),
            }
        }
        for kind, pk, _, name, _, _ in sorted(rows, key=lambda r: r[1])
        if kind == "pupil"
    ][:10]
    return _json({"me": {"children": {"edges": children}}})


def hand_class(request: Any, group_id: int) -> Any:
    """A class's first 30 readable pupils by name with plan state and goals."""
    roles = (
        "'pupil', 'guardian', 'teacher', 'mentor', 'principal', 'school_admin', 'student_health'"
    )
    members = f"""SELECT p.id FROM core_groupmembership m
        JOIN core_pupil p ON p.id = m.pupil_id JOIN core_person pe ON pe.id = p.person_id
        WHERE m.group_id = %(group)s
          AND (m.start_date IS NULL OR m.start_date <= %(day)s)
          AND (m.end_date IS NULL OR m.end_date >= %(day)s)
          AND EXISTS (SELECT 1 FROM mine WHERE group_id = %(group)s AND role IN ({roles}))
          AND p.id IN (SELECT pupil_id FROM mine WHERE pupil_id IS NOT NULL)
        ORDER BY pe.family_name, pe.given_name, p.id LIMIT 30"""
    sql = f"""WITH {_MINE}, first AS ({members})
      SELECT 'pupil', p.id, NULL, {_NAME}, pe.family_name, pe.given_name
        FROM core_pupil p JOIN core_person pe ON pe.id = p.person_id
        WHERE p.id IN (SELECT id FROM first)
      UNION ALL {_plan_rows("SELECT id FROM first")}"""
    rows = _rows(sql, _params(request, term=TERM, group=group_id))
    plans = _plans(rows, goal_fields=False)
    pupils = sorted((r for r in rows if r[0] == "pupil"), key=lambda r: (r[4], r[5], r[1]))
    edges = [
        {
            "node": {
                "id": gid("Pupil", pk),
                "name": name,
                "developmentPlans": [
                    {"state": plan["state"], "goals": plan["goals"]} for plan in plans.get(pk, [])
                ],
            }
        }
        for _, pk, _, name, _, _ in pupils
    ]
    return _json(
        {
            "node": {"pupils": {"edges": edges}}
            if pupils or _sees_group(request, group_id)
            else None
        }
    )


def _sees_group(request: Any, group_id: int) -> bool:
    from core.models import Group
    from permissions.relations import visible_groups

    return (
        visible_groups(request.user).filter(pk=group_id).exists()
        and Group.objects.filter(pk=group_id).exists()
    )


def hand_overview(request: Any, group_id: int) -> Any:
    """The mentor's overview: bench/group_overview.py's hand-serialised view."""
    sys.path.insert(0, str(ROOT / "bench"))
    from group_overview import json_view

    return json_view(request, group_id)


def hand_pupil(request: Any) -> Any:
    """The pupil's own page: plans with goals and the first 20 log entries."""
    own = "SELECT pupil_id FROM mine WHERE role = 'pupil' AND pupil_id IS NOT NULL"
    sql = f"""WITH {_MINE}
      SELECT 'pupil', p.id, NULL, {_NAME}, NULL, NULL
        FROM core_pupil p JOIN core_person pe ON pe.id = p.person_id WHERE p.id IN ({own})
      UNION ALL {_plan_rows(own)}
      UNION ALL
      SELECT 'entry', e.id, e.pupil_id, e.text, NULL, NULL FROM core_learninglogentry e
        WHERE e.pupil_id IN ({own})"""
    rows = _rows(sql, _params(request, term=TERM))
    plans = _plans(rows)
    pupil = next((r for r in rows if r[0] == "pupil"), None)
    if pupil is None:
        return _json({"node": None})
    entries = sorted((r for r in rows if r[0] == "entry"), key=lambda r: r[1])[:20]
    return _json(
        {
            "node": {
                "id": gid("Pupil", pupil[1]),
                "name": pupil[3],
                "developmentPlans": plans.get(pupil[1], []),
                "learningLog": {
                    "edges": [
                        {"node": {"id": gid("LearningLogEntry", r[1]), "text": r[3]}}
                        for r in entries
                    ]
                },
            }
        }
    )


def hand_badge(request: Any) -> Any:
    """The unread count: own notices about what the viewer may still read."""
    classroom = "'pupil', 'guardian', 'teacher', 'mentor', 'principal', 'school_admin'"
    sql = f"""WITH {_MINE}
      SELECT COUNT(*) FROM core_notice n
      WHERE n.recipient_id = %(user)s AND n.read_at IS NULL AND (
        n.pupil_id IN (SELECT pupil_id FROM mine WHERE pupil_id IS NOT NULL)
        OR n.group_id IN (SELECT group_id FROM mine WHERE group_id IS NOT NULL
                          AND role IN ({classroom}))
        OR n.school_id IN (SELECT a.school_id FROM permissions_access a
            WHERE (a.person_id = %(person)s OR a.user_id = %(user)s) AND a.pupil_id IS NULL
              AND a.school_id IS NOT NULL AND a.role IN ({classroom}, 'staff')
              AND a.first_day <= %(day)s AND a.last_day >= %(day)s))"""
    (count,) = _rows(sql, _params(request))[0]
    return _json({"me": {"unreadNoticeCount": count}})


# -- the client ---------------------------------------------------------------

CHOOSE = """
import json, os
from django.conf import settings
from core.models import Group, GroupKind, Pupil, StaffAssignment, StaffRole, User
from core.services.tokens import token_create
from core.services.accounts import terms_accept
from permissions.relations import children

def ready(user):
    if user.terms_version != settings.TERMS_VERSION:
        terms_accept(actor=user, version=settings.TERMS_VERSION)
    return token_create(user=user, name="bench", days=1)[1]

guardians = User.objects.filter(person__guardianships__isnull=False, is_active=True).distinct()
guardian = max(guardians.order_by("pk")[:200], key=lambda u: children(u).count())
classes = Group.objects.filter(kind=GroupKind.CLASS).order_by("pk")
group = max(classes[:50], key=lambda g: g.memberships.count())
teacher = User.objects.filter(
    person__staff_assignments__group=group, person__staff_assignments__role=StaffRole.TEACHER
).first()
mentor = User.objects.filter(
    person__staff_assignments__group=group, person__staff_assignments__role=StaffRole.MENTOR
).first() or teacher
pupil = User.objects.filter(person__pupil__memberships__group=group).order_by("pk").first()
print("BENCH " + json.dumps({
    "group": group.pk, "pupil": pupil.person.pupil.pk,
    "tokens": {"home": ready(guardian), "class": ready(teacher), "overview": ready(mentor),
               "pupil": ready(pupil), "badge": ready(guardian)},
    "users": {"home": guardian.username, "class": teacher.username,
              "overview": mentor.username, "pupil": pupil.username},
}))
"""


class Client:
    """One keep-alive HTTP connection to the server."""

    def __init__(self, base: str) -> None:
        host, port = base.split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def ask(self, method: str, path: str, token: str, body: bytes | None = None) -> Any:
        """One request with the token; the JSON answer (any other status ends the run)."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != 200:  # noqa: PLR2004 -- HTTP OK
            sys.exit(f"{method} {path}: {response.status} {payload[:500]!r}")
        return json.loads(payload)


def requests_of(cast: dict[str, Any]) -> dict[str, dict[str, tuple[str, str, bytes | None]]]:
    """Per page, the GraphQL request and the hand-written view's, as (method, path, body)."""
    group, pupil = cast["group"], cast["pupil"]
    variables = {
        "home": {},
        "class": {"id": gid("Group", group)},
        "overview": {"id": gid("Group", group)},
        "pupil": {"id": gid("Pupil", pupil)},
        "badge": {},
    }
    hand = {
        "home": "/hand/home",
        "class": f"/hand/class/{group}",
        "overview": f"/hand/overview/{group}",
        "pupil": "/hand/pupil",
        "badge": "/hand/badge",
    }
    return {
        page: {
            "graphql": (
                "POST",
                "/graphql/",
                json.dumps({"query": PAGES[page], "variables": variables[page]}).encode(),
            ),
            "hand": ("GET", hand[page], None),
        }
        for page in PAGES
    }


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    base: str,
    pid: int,
    token: str,
    request: tuple[str, str, bytes | None],
    *,
    clients: int,
    rounds: int,
) -> dict[str, float]:
    """`rounds` requests per client from `clients` threads: latencies, rate, CPU per request."""
    latencies: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        client = Client(base)
        mine = []
        for _ in range(rounds):
            start = time.perf_counter()
            client.ask(*request[:2], token, request[2])
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    cpu, wall = cpu_seconds(pid), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - wall, cpu_seconds(pid) - cpu
    latencies.sort()
    return {
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "rps": len(latencies) / wall,
        "cpu": cpu / len(latencies) * 1000,
    }


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank percentile of sorted values."""
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=2000, help="demo size")
    parser.add_argument("--rounds", type=int, default=100, help="requests per client and way")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    args = parser.parse_args()
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    from notice_badge import daphnes, shell  # the other bench's server and shell helpers

    from tests.servers import demo_database

    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    with demo_database(work, pupils=args.pupils) as env:
        engine = env["DATABASE_URL"].split(":", 1)[0]
        cast = shell(env, CHOOSE, {})
        server_env = {
            **env,
            "DEBUG": "0",
            "SECRET_KEY": SERVER_SECRET,
            "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
        }
        with daphnes(server_env, 1, work) as [(base, pid)]:
            return _run(args, base, pid, cast, engine)


def _run(args: argparse.Namespace, base: str, pid: int, cast: dict[str, Any], engine: str) -> int:
    requests = requests_of(cast)
    client, same = Client(base), {}
    for page in args.pages:
        token = cast["tokens"][page]
        answers = {way: client.ask(*r[:2], token, r[2]) for way, r in requests[page].items()}
        same[page] = answers["graphql"] == answers["hand"]
        if not same[page]:
            print(
                f"{page}: the answers differ\n"
                f"  graphql {answers['graphql']}\n  hand    {answers['hand']}"
            )
    if not all(same.values()):
        return 1
    print(f"Pages over HTTP on {engine}, {args.pupils} pupils, Daphne DEBUG=0, bearer tokens")
    print(f"  users: {cast['users']}")
    print("  page      way      clients   p50 ms   p95 ms   p99 ms    req/s  cpu ms/req")
    within = True
    for clients in args.clients:
        for page in args.pages:
            token, found = cast["tokens"][page], {}
            for _ in range(2):  # warm, then measured; the ways alternate
                for way in ("graphql", "hand"):
                    request = requests[page][way]
                    found[way] = measure(
                        base, pid, token, request, clients=clients, rounds=args.rounds
                    )
            for way, m in found.items():
                print(
                    f"  {page:9} {way:8} {clients:7} {m['p50']:8.1f} {m['p95']:8.1f}"
                    f" {m['p99']:8.1f} {m['rps']:8.0f} {m['cpu']:11.1f}"
                )
            ratio = found["graphql"]["p50"] / found["hand"]["p50"]
            ratio99 = found["graphql"]["p99"] / found["hand"]["p99"]
            print(
                f"  {page:9} ratio    {clients:7} {ratio:8.2f} {'':8} {ratio99:8.2f}   (budget 2x)"
            )
            within = within and ratio <= 2 and ratio99 <= 2  # noqa: PLR2004 -- the budget
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
