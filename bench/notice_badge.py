"""The live notice badge: delay from commit to badge, and memory per open socket.

Loads a fresh demo municipality (`manage.py demo_data --pupils N`), starts
--processes Daphne processes that share events through Redis
(channels_redis), and opens --sockets websockets split evenly over them,
every one subscribed to `noticeBadge` with a bearer token, as a
municipality's open tabs would be: every user the change concerns has
--tabs sockets (one guardian --main-tabs), and the rest of the sockets
belong to other users of the municipality, one each as far as there are
users, who must receive nothing after their first count. --main-tabs 500
--pupils 30 is the stress case of one user with hundreds of tabs: the
event is then worked out once per process, but every socket still costs
the server its own GraphQL result. A teacher then makes --changes
changes, one at a time, alternating between the processes: a post on the
class blog (`--change blog`, told to the class's pupils, guardians and
staff) or an entry in one pupil's learning log (`--change log`, told to
that pupil's guardians and staff).

Delay: the server records the notice after commit and wakes the sockets
before it answers the mutation, so "after response" (badge arrival minus
the arrival of the mutation's HTTP response, at least 0) is the best
client-side view of commit to badge, and "after request" (from just before
the mutation was sent) bounds it from above. Budget (docs/architecture.md): p99 under
100 ms. Each change waits for all its badges (at most --wait s) before the
next. A badge later than --timeout s is missed, one not come by the end
counts as never in the percentiles. No change starts after --max-seconds,
nor after a change whose last badge was missed: the servers are saturated,
and further changes would only queue behind it. Memory: the Daphne
processes' resident size after start-up and a warm-up, then with every
socket subscribed, divided by the sockets. Last, the work done per user
and event (fresh user from the token, then the badge, in one trip to the
database thread that every socket on that token shares) is timed in a
`manage.py shell`, to tell server work from queueing.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/notice_badge.py --sockets 1000

REDIS_URL defaults to redis://127.0.0.1:6379/0. BENCH_DATABASE_URL=postgres://...
runs on PostgreSQL (a fresh database, dropped afterwards); SQLite otherwise.
--server-env KEY=VALUE changes the servers' environment only, e.g.
REDIS_URL=redis://127.0.0.1:6379/0?socket_timeout=60.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 100.0
BADGE = "subscription { noticeBadge { unreadCount newest { text } } }"
BLOG_POST = (
    "mutation($i: BlogPostCreateInput!) { blogPostCreate(input: $i) { errors { code message } } }"
)
SERVER_SECRET = "bench-notice-badge-secret-key-not-for-production-0123456789abcdef"  # noqa: S105

# Run by `manage.py shell -c` in the demo database: picks the teacher who
# makes the changes, the users they reach and strangers, and gives each a token.
CHOOSE_USERS = r"""
import json, os
from django.conf import settings
from strawberry.relay import to_base64
from core.models import Group, GroupKind, GroupMembership, StaffAssignment, User, active_on
from core.selectors.notices import group_audience, page_audience
from core.services.tokens import token_create
from permissions import rules
from permissions.relations import guardianships_with_rights, today

p = json.loads(os.environ["BENCH_PARAMS"])
day = today()
users = User.objects.filter(is_active=True, is_superuser=False, person__isnull=False)


def classes_of(user):
    taught = StaffAssignment.objects.filter(active_on(day), staff_id=user.person_id)
    return Group.objects.filter(kind=GroupKind.CLASS, pk__in=taught.values("group_id"))


def pupils_of(group):
    members = GroupMembership.objects.filter(active_on(day), group=group).select_related(
        "pupil__person").order_by("pupil__person__family_name", "pupil__pk")
    return [m.pupil for m in members]


def guardian_users(pupil):
    rights = guardianships_with_rights(day).filter(pupil=pupil).values("guardian_id")
    return list(users.filter(person_id__in=rights).order_by("pk"))


def choices():
    # The tests' demo accounts when this demo size has them, else any class teacher.
    preferred = list(users.filter(username=p["teacher"]))
    teachers = users.filter(person__staff_assignments__group__kind=GroupKind.CLASS)
    for teacher in preferred + list(teachers.distinct().order_by("pk")):
        groups = [(group, pupils_of(group)) for group in classes_of(teacher).order_by("name")]
        # The preferred pupil's class first.
        groups.sort(key=lambda pair: p["pupil"] not in {str(pupil.person) for pupil in pair[1]})
        for group, pupils in groups:
            if not rules.can_write_class_blog(teacher, group):
                continue
            pupils.sort(key=lambda pupil: str(pupil.person) != p["pupil"])
            for pupil in pupils:
                if guardian_users(pupil) and rules.can_write_learning_log(teacher, pupil):
                    yield teacher, group, pupil


teacher, group, pupil = next(choices())
if p["change"] == "blog":
    audience = group_audience([group.pk])
else:
    audience = page_audience(pupil.pk)
receivers = list(audience.exclude(pk=teacher.pk).filter(person__isnull=False).order_by("pk"))
guardians = guardian_users(pupil)
main = next((u for u in guardians if u.username == p["guardian"]), guardians[0])
receivers.sort(key=lambda u: u.pk != main.pk)
outside = users.exclude(pk__in=audience.values("pk")).exclude(pk=teacher.pk).order_by("pk")
strangers = list(outside.filter(username=p["stranger"]))
more = p["strangers"] - len(strangers)
strangers += list(outside.exclude(pk__in=[u.pk for u in strangers])[:more])


def entry(user):
    return {"username": user.username, "token": token_create(user=user, name="bench")[1]}


# Everyone in the run has accepted the terms of use, as on any day but the first.
chosen = [teacher.pk, *(u.pk for u in receivers), *(u.pk for u in strangers[: p["strangers"]])]
User.objects.filter(pk__in=chosen).update(terms_version=settings.TERMS_VERSION)


print("BENCH " + json.dumps({
    "teacher": entry(teacher),
    "group": {"id": to_base64("Group", group.pk), "name": group.name},
    "pupil": {"id": to_base64("Pupil", pupil.pk), "name": str(pupil.person)},
    "receivers": [entry(u) for u in receivers],
    "strangers": [entry(u) for u in strangers[: p["strangers"]]],
}))
"""

# Run by `manage.py shell -c` after the run: the work done per user and event
# (`schema.notices.subscriptions`) timed in one process: a fresh user from the
# token, then the badge, on a kept connection as the servers' database threads
# do (`subscriptions.shared.Batch`); with `reconnect`, each event opens and
# closes a connection, as `database_sync_to_async` does when CONN_MAX_AGE is 0.
WAKE_UP_COST = r"""
import json, os, time
from django.db import close_old_connections, connection
from core.selectors.accounts import terms_pending
from core.services.tokens import token_authenticate
from schema.notices.subscriptions import badge

p = json.loads(os.environ["BENCH_PARAMS"])


def wake(secret, reconnect):
    if reconnect:
        close_old_connections()
    start = time.perf_counter()
    user = token_authenticate(secret)
    terms_pending(user)
    middle = time.perf_counter()
    badge(user)
    end = time.perf_counter()
    if reconnect:
        close_old_connections()
    return middle - start, end - middle


sql = [0.0, 0]


def timed(execute, *args):
    start = time.perf_counter()
    try:
        return execute(*args)
    finally:
        sql[0] += time.perf_counter() - start
        sql[1] += 1


# The badge as `unread_badge` answers it, its statement composed and compiled anew.
def compiled_afresh(user):
    from django.db.models import Count, Window
    from core.selectors.notices import _notice_columns, notices_of

    unread = notices_of(user).filter(read_at__isnull=True)
    first = unread.annotate(unread_total=Window(Count("pk")))
    return list(first.values_list(*_notice_columns(), "unread_total")[:1])


result = {}
for name, secret in p["tokens"].items():
    user = token_authenticate(secret)
    for way, work in (("template", badge), ("afresh", compiled_afresh)):
        work(user)
        start = time.perf_counter()
        for _ in range(p["rounds"]):
            work(user)
        result.setdefault("compiled", {})[f"{name} {way}"] = (
            (time.perf_counter() - start) / p["rounds"] * 1000
        )
for name, secret in p["tokens"].items():
    for reconnect in (False, True):
        wake(secret, reconnect)
        sql[:] = [0.0, 0]
        with connection.execute_wrapper(timed):
            times = [wake(secret, reconnect) for _ in range(p["rounds"])]
        result[name + (" reconnect" if reconnect else "")] = {
            "user": sum(t for t, _ in times) / len(times) * 1000,
            "badge": sum(t for _, t in times) / len(times) * 1000,
            "sql": sql[0] / len(times) * 1000,
            "queries": sql[1] / len(times),
        }
print("BENCH " + json.dumps(result))
"""


@dataclass
class Socket:
    """One subscribed websocket and the badges it received after the first."""

    user: str
    server: int
    receiving: bool
    first_count: int = 0
    arrivals: list[tuple[float, int]] = field(default_factory=list)
    dropped: bool = False  # closed by the server before the end


@dataclass
class Change:
    """One change: when its mutation was sent and answered, and how many badges came."""

    sent: float
    answered: float
    server: int
    failed: bool = False  # answered with an error after its commit
    arrived: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)
    finished: float = math.inf  # when the last badge came


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sockets", type=int, default=1000)
    add("--changes", type=int, default=50)
    add("--processes", type=int, default=2)
    add("--pupils", type=int, default=300, help="demo size (`demo_data --pupils`)")
    add("--tabs", type=int, default=1, help="sockets of each user the change concerns")
    add("--main-tabs", type=int, default=3, help="sockets of the main guardian")
    add("--change", choices=["blog", "log"], default="blog", help="what the teacher does")
    add("--interval", type=float, default=0.2, help="seconds from a change's last badge on")
    add("--timeout", type=float, default=5.0, help="seconds after which a badge is missed")
    add("--wait", type=float, default=60.0, help="longest wait for a change's last badge")
    add("--max-seconds", type=float, default=60.0, help="no new change after this long")
    add(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment of the Daphne processes (repeatable)",
    )
    args = parser.parse_args()
    if min(args.tabs, args.main_tabs, args.processes, args.changes) < 1:
        parser.error("need 1+ tabs, main tabs, processes and changes")

    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if problem := _redis_problem(redis_url):
        print(
            f"Redis at {redis_url} is unreachable ({problem}); the processes share events "
            "only through Redis. Start it or set REDIS_URL.",
            file=sys.stderr,
        )
        return 2
    os.environ["REDIS_URL"] = redis_url
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ.pop("DATABASE_URL", None)  # demo_database then makes a SQLite file
    _raise_open_files(args.sockets + 512)
    sys.path.insert(0, str(ROOT))
    from tests.servers import GUARDIAN, STRANGER, TEACHER, demo_database

    work = Path(tempfile.mkdtemp(prefix="bench-badge-"))
    started = time.monotonic()
    with demo_database(work, pupils=args.pupils) as env:
        engine = env["DATABASE_URL"].split(":", 1)[0]
        params = {
            "teacher": TEACHER,
            "guardian": GUARDIAN,
            "stranger": STRANGER,
            "pupil": "Hugo Hägg",
            "change": args.change,
            "strangers": args.sockets,
        }
        cast = shell(env, CHOOSE_USERS, params)
        receiving = args.main_tabs + args.tabs * (len(cast["receivers"]) - 1)
        strangers = args.sockets - receiving
        if strangers < 0 or (strangers and not cast["strangers"]):
            print(
                f"{args.sockets} sockets do not fit {receiving} receiving sockets and a "
                "stranger's; open more sockets or fewer tabs",
                file=sys.stderr,
            )
            return 2
        server_env = {**env, "DEBUG": "0", "SECRET_KEY": SERVER_SECRET}
        server_env.update(item.split("=", 1) for item in args.server_env)
        with daphnes(server_env, args.processes, work) as servers:
            bases = [base for base, _ in servers]
            plan = _plan(cast, args, strangers)
            run = Run(args, bases, cast, plan, [pid for _, pid in servers])
            asyncio.run(run.measure())
        tokens = {
            "main guardian": cast["receivers"][0]["token"],
            "teacher": cast["teacher"]["token"],
        }
        cost = shell(server_env, WAKE_UP_COST, {"rounds": 20, "tokens": tokens})
    print(run.report(engine, cost, time.monotonic() - started))
    print(f"  Daphne logs: {work}")
    return 0 if run.ok() else 1


def _redis_problem(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.exceptions.RedisError, OSError) as error:
        return str(error) or type(error).__name__
    return None


def _raise_open_files(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        limit = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))  # the servers inherit it


def shell(env: dict[str, str], script: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run `script` in `manage.py shell`; the JSON it printed after `BENCH `."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        check=False,
        env={**env, "BENCH_PARAMS": json.dumps(params)},
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode or not lines:
        sys.exit(f"manage.py shell failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(lines[-1].removeprefix("BENCH "))  # type: ignore[no-any-return]


@contextmanager
def daphnes(env: dict[str, str], count: int, work: Path) -> Iterator[list[tuple[str, int]]]:
    """`count` Daphne processes on free loopback ports: (host:port, pid) each (logs in `work`)."""
    from tests.servers import free_port

    processes: list[tuple[str, subprocess.Popen[bytes], Path]] = []
    try:
        for number in range(count):
            port, log = free_port(), work / f"daphne-{number}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "project.asgi:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            processes.append((f"127.0.0.1:{port}", process, log))
        for base, process, log in processes:
            _wait_for(base, process, log)
        yield [(base, process.pid) for base, process, _ in processes]
    finally:
        for _, process, _ in processes:
            process.terminate()
        for _, process, _ in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"Daphne on {base} exited:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://{base}/healthz", timeout=1)
        except OSError:
            time.sleep(0.2)
        else:
            return
    sys.exit(f"Daphne on {base} did not answer /healthz within 30 s:\n{log.read_text()[-3000:]}")


def _plan(cast: dict[str, Any], args: argparse.Namespace, strangers: int) -> list[Socket]:
    """Who holds each socket: the main guardian's tabs, the other receivers', strangers'."""
    main, others = cast["receivers"][0], cast["receivers"][1:]
    owners = [main["username"]] * args.main_tabs
    owners += [other["username"] for other in others for _ in range(args.tabs)]
    receiving = len(owners)
    owners += [cast["strangers"][i % len(cast["strangers"])]["username"] for i in range(strangers)]
    return [
        Socket(user=owner, server=i % args.processes, receiving=i < receiving)
        for i, owner in enumerate(owners)
    ]


def rss_kib(pid: int) -> int:
    """The resident set size of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Run:
    """One measurement: sockets opened, changes made, badges timed."""

    def __init__(
        self,
        args: argparse.Namespace,
        bases: list[str],
        cast: dict[str, Any],
        plan: list[Socket],
        pids: list[int],
    ) -> None:
        self.args, self.bases, self.cast, self.plan, self.pids = args, bases, cast, plan, pids
        people = [cast["teacher"], *cast["receivers"], *cast["strangers"]]
        self.tokens = {person["username"]: person["token"] for person in people}
        self.receiving = [s for s in plan if s.receiving]
        self.changes: list[Change] = []
        self.rss_idle: list[int] = []
        self.rss_open: list[int] = []
        self.rss_after: list[int] = []
        self.open_seconds = 0.0
        self.closing = False
        self.retries = 0
        self.stopped = ""

    async def measure(self) -> None:
        """Warm up, open every socket, make the changes, close."""
        from websockets.asyncio.client import ClientConnection, connect
        from websockets.exceptions import InvalidMessage
        from websockets.typing import Subprotocol

        protocol = [Subprotocol("graphql-transport-ws")]
        # Every process has served a socket and a request before the baseline.
        for base in self.bases:
            async with connect(f"ws://{base}/graphql/", subprotocols=protocol) as ws:
                await self._subscribe(ws, self.cast["teacher"]["token"])
        await asyncio.sleep(1)
        self.rss_idle = [rss_kib(pid) for pid in self.pids]

        opened: list[ClientConnection] = []
        readers: list[asyncio.Task[None]] = []
        gate = asyncio.Semaphore(20)

        async def open_one(socket: Socket) -> None:
            url = f"ws://{self.bases[socket.server]}/graphql/"
            async with gate:
                for attempt in range(5):
                    try:
                        ws = await connect(url, subprotocols=protocol, open_timeout=60)
                        break
                    except InvalidMessage:  # Daphne gave up on a handshake it had no time for
                        self.retries += 1
                        await asyncio.sleep(2**attempt)
                else:
                    raise RuntimeError(f"{url}: 5 handshakes refused")
                opened.append(ws)
                socket.first_count = await self._subscribe(ws, self.tokens[socket.user])
            readers.append(asyncio.create_task(self._read(ws, socket)))

        start = time.perf_counter()
        await asyncio.gather(*(open_one(socket) for socket in self.plan))
        self.open_seconds = time.perf_counter() - start
        await asyncio.sleep(1)
        self.rss_open = [rss_kib(pid) for pid in self.pids]

        first = time.perf_counter()
        for number in range(self.args.changes):
            if time.perf_counter() - first > self.args.max_seconds:
                self.stopped = f"--max-seconds {self.args.max_seconds:.0f} passed"
                break
            change = await self._change(number)
            if change.finished - change.answered > self.args.timeout:
                took = change.finished - change.answered
                self.stopped = (
                    f"saturated: its last badge came {took:.1f} s after the response"
                    if not math.isinf(took)
                    else f"saturated: not every badge came within {self.args.wait:.0f} s"
                )
                break
        await asyncio.sleep(1)  # late or stray badges, the strangers' above all
        self.rss_after = [rss_kib(pid) for pid in self.pids]
        self.closing = True
        for ws in opened:
            await ws.close()
        await asyncio.gather(*readers, return_exceptions=True)

    async def _subscribe(self, ws: Any, token: str) -> int:
        """Authenticate, subscribe to the badge, and return its first count."""
        await ws.send(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            )
        )
        ack = json.loads(await ws.recv())
        if ack["type"] != "connection_ack":
            raise RuntimeError(ack)
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": BADGE}}))
        first = json.loads(await ws.recv())
        if first["type"] != "next":
            raise RuntimeError(first)
        return int(first["payload"]["data"]["noticeBadge"]["unreadCount"])

    async def _read(self, ws: Any, socket: Socket) -> None:
        """Time every message; the unread count says which change it reports."""
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in ws:
                now = time.perf_counter()
                count = _unread_count(json.loads(raw))
                socket.arrivals.append((now, count))
                number = count - socket.first_count - 1
                if socket.receiving and 0 <= number < len(self.changes):
                    self._arrived(self.changes[number])
        except ConnectionClosed:
            socket.dropped = not self.closing

    def _arrived(self, change: Change, badges: int = 1) -> None:
        change.arrived += badges
        if change.arrived >= len(self.receiving) and not change.done.is_set():
            change.finished = time.perf_counter()
            change.done.set()

    async def _change(self, number: int) -> Change:
        """One change as the teacher, then wait for its badges (or give up)."""
        from tests.servers import graphql, write_log_entry

        server = number % len(self.bases)
        base, teacher = self.bases[server], self.cast["teacher"]["token"]
        sent = time.perf_counter()
        if self.args.change == "blog":
            variables = {
                "i": {
                    "kind": "GROUP",
                    "ownerId": self.cast["group"]["id"],
                    "title": f"Veckobrev {number + 1}",
                    "body": "Hej!",
                }
            }
            body = await asyncio.to_thread(graphql, base, BLOG_POST, variables, teacher)
            payload = (body.get("data") or {}).get("blogPostCreate") or {}
        else:
            text = f"Vi mätte skolgården, del {number + 1}."
            pupil = self.cast["pupil"]["id"]
            body = await asyncio.to_thread(write_log_entry, base, teacher, pupil, text)
            payload = (body.get("data") or {}).get("learningLogEntryCreate") or {}
        answered = time.perf_counter()
        if payload.get("errors"):
            raise RuntimeError(f"the change was refused: {body}")
        # An unexpected error may come after the commit (the notices are then
        # recorded): the change still counts, and its badges are still awaited.
        failed = payload.get("errors") != [] or bool(body.get("errors"))
        change = Change(sent=sent, answered=answered, server=server, failed=failed)
        self.changes.append(change)
        # Badges that came before the response are already in `arrivals`.
        self._arrived(change, sum(self._arrival(s, number) is not None for s in self.receiving))
        with suppress(TimeoutError):
            await asyncio.wait_for(change.done.wait(), self.args.wait)
        await asyncio.sleep(self.args.interval)
        return change

    @staticmethod
    def _arrival(socket: Socket, number: int) -> float | None:
        count = socket.first_count + number + 1
        return next((t for t, c in socket.arrivals if c == count), None)

    def delays(self) -> dict[str, list[float]]:
        """Milliseconds per delivered (socket, change), per change, and the misses."""
        keys = ("response", "request", "same", "other", "last", "round trip", "late", "lost")
        found: dict[str, list[float]] = {key: [] for key in keys}
        for number, change in enumerate(self.changes):
            latest = change.answered
            for socket in self.receiving:
                arrival = self._arrival(socket, number)
                if arrival is None:  # counted as infinitely late in the percentiles
                    found["lost"].append(1)
                    latest = math.inf
                    for key in (
                        "response",
                        "request",
                        "same" if socket.server == change.server else "other",
                    ):
                        found[key].append(math.inf)
                    continue
                if arrival - change.answered > self.args.timeout:
                    found["late"].append(1)
                latest = max(latest, arrival)
                delay = max(0.0, arrival - change.answered) * 1000
                found["response"].append(delay)
                found["request"].append((arrival - change.sent) * 1000)
                found["same" if socket.server == change.server else "other"].append(delay)
            found["last"].append((latest - change.answered) * 1000)
            found["round trip"].append((change.answered - change.sent) * 1000)
        return found

    def stranger_messages(self) -> int:
        """Messages after the first on sockets of users the changes do not concern."""
        return sum(len(s.arrivals) for s in self.plan if not s.receiving)

    def ok(self) -> bool:
        """Within budget, nothing missed or failed, nothing told to strangers."""
        found = self.delays()
        return (
            bool(found["response"])
            and percentile(found["response"], 99) < BUDGET_MS
            and not found["late"]
            and not found["lost"]
            and self.stranger_messages() == 0
            and not any(c.failed for c in self.changes)
            and not any(s.dropped for s in self.plan)
        )

    def report(self, engine: str, cost: dict[str, dict[str, float]], seconds: float) -> str:
        """The printed summary."""
        found, args, cast = self.delays(), self.args, self.cast
        sockets, made, main = len(self.plan), len(self.changes), cast["receivers"][0]["username"]
        strangers = [s for s in self.plan if not s.receiving]
        p99 = percentile(found["response"], 99) if found["response"] else math.inf
        what = (
            f"class blog post in {cast['group']['name']}"
            if args.change == "blog"
            else f"learning log entry on {cast['pupil']['name']}"
        )
        stopped = f" (then stopped, {self.stopped})" if self.stopped else ""
        delta = sum(self.rss_open) - sum(self.rss_idle)
        growth = sum(self.rss_after) - sum(self.rss_open)
        # One trip to the database thread per user (token) and event on each process.
        busiest = max(
            len({s.user for s in self.receiving if s.server == n}) for n in range(len(self.bases))
        )
        lines: list[str] = []
        add = lines.append
        add(
            f"notice badge: {sockets} sockets over {len(self.bases)} Daphne processes (Redis), "
            f"{engine}, demo of {args.pupils} pupils; {seconds:.0f} s in all"
        )
        add(
            f"  changes: {made} of {args.changes}{stopped}, each a {what} by "
            f"{cast['teacher']['username']}, alternating processes, the next "
            f"{args.interval * 1000:.0f} ms after the last badge (or after {args.wait:.0f} s)"
        )
        add(
            f"  receiving sockets {len(self.receiving)} ({sum(s.user == main for s in self.plan)} "
            f"of {main}, the rest over {len({s.user for s in self.receiving}) - 1} other users), "
            f"strangers {len(strangers)} ({len({s.user for s in strangers})} users); "
            f"all subscribed in {self.open_seconds:.1f} s ({self.retries} handshakes retried)"
        )
        add(
            f"  delay after response: {summary(found['response'])}   "
            f"(budget p99 < {BUDGET_MS:.0f} ms: {'ok' if p99 < BUDGET_MS else 'OVER'})"
        )
        add(f"  delay after request : {summary(found['request'])}")
        add(f"    on the changing process : {summary(found['same'])}")
        add(f"    on the other process(es): {summary(found['other'])}")
        add(f"  a change's last badge after response: {summary(found['last'])}")
        add(f"  mutation round trip : {summary(found['round trip'])}")
        add(
            f"  missed {len(found['late']) + len(found['lost'])} of {len(self.receiving) * made} "
            f"({len(found['late'])} came later than {args.timeout:.0f} s, {len(found['lost'])} "
            f"had not come when the run ended: 'never' above); strangers received "
            f"{self.stranger_messages()} messages"
        )
        failed = sum(change.failed for change in self.changes)
        dropped = sum(socket.dropped for socket in self.plan)
        if failed or dropped:
            add(
                f"  ERRORS: {failed} changes answered 'Unexpected error' (after commit); "
                f"{dropped} sockets closed by the server during the run (see the Daphne logs)"
            )
        add(
            f"  memory per socket: {delta / sockets:.0f} KiB (RSS +{delta / 1024:.1f} MiB over "
            f"{sockets} sockets; idle {' + '.join(f'{r / 1024:.1f}' for r in self.rss_idle)} MiB;"
            f" {growth / 1024:+.1f} MiB after the changes)"
        )
        add("  database work per user and change (one process, measured after the run):")
        compiled = cost.pop("compiled")
        for name, kept in cost.items():
            if name.endswith("reconnect"):
                continue
            fresh = cost[f"{name} reconnect"]
            total, fresh_total = kept["user"] + kept["badge"], fresh["user"] + fresh["badge"]
            add(
                f"    {name}: {total:.1f} ms on a kept connection, as served (user "
                f"{kept['user']:.1f} + badge {kept['badge']:.1f}; SQL through the ORM "
                f"{kept['sql']:.1f} ms in {kept['queries']:.0f} queries); {fresh_total:.1f} ms "
                "if each event opened a connection"
            )
            add(
                f"      its badge {compiled[f'{name} template']:.2f} ms from the day's compiled "
                f"statement, {compiled[f'{name} afresh']:.2f} ms composed and compiled afresh"
            )
        from subscriptions.shared import DATABASE_THREADS

        vendor = "postgresql" if engine.startswith("postgres") else engine
        threads = DATABASE_THREADS.get(vendor, 1)
        guardian = cost["main guardian"]
        each = guardian["user"] + guardian["badge"]
        add(
            f"    {threads} database thread(s) per process: {busiest} users x {each:.1f} ms"
            f" / {threads} = ~{busiest * each / threads:.0f} ms per change"
        )
        return "\n".join(lines)


def _unread_count(message: dict[str, Any]) -> int:
    """The count a `next` message carries; -1 for anything else (complete, error)."""
    try:
        return int(message["payload"]["data"]["noticeBadge"]["unreadCount"])
    except (KeyError, TypeError):
        return -1


def percentile(values: list[float], p: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> str:
    """p50, p95, p99 and max in milliseconds."""
    if not values:
        return "none"
    points = "  ".join(f"p{p} {ms(percentile(values, p))}" for p in (50, 95, 99))
    return f"{points}  max {ms(max(values))} ms"


def ms(value: float) -> str:
    """Milliseconds, or 'never' for a badge that did not come."""
    return "never" if math.isinf(value) else f"{value:.1f}"


if __name__ == "__main__":
    raise SystemExit(main())
