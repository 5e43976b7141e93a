"""Strong login: how a viewer signed in, and what a weaker sign-in may not read.

Every signed-in request and socket carries the level of assurance of the
sign-in behind it (`Assurance`, stamped on the viewer object by
`project.middleware.AssuranceMiddleware` and by the socket consumer): a
password is LOW, an e-legitimation the level its identity provider vouched
for in `acr`. A bearer token keeps the level of the session that made it.

The pupil's page (plans, answers, goals, assessments, learning log and its
photos, the private blog) needs at least `STRONG`, as the Swedish data
protection authority asks of a school platform. An organiser may relax this
for its own pupils (`Organisation.strong_login_required`); by default it
holds everywhere. A weaker sign-in still reads blogs, preschool
documentation, notices and class lists, and the rest answers
STRONG_AUTH_REQUIRED with where to step up (`schema.assurance`).

A viewer object that no sign-in stamped is server code acting for a user
(a service called by a command or a test, the notice fan-out); it is not
narrowed. Every HTTP request and socket operation is stamped.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Q, QuerySet

from core.models import Notice, NoticeKind, Pupil
from permissions.relations import Viewer, memo, person_of, visible_pupils

V = TypeVar("V", bound=Viewer)


class Assurance(enum.IntEnum):
    """Levels of assurance, numbered as Sweden Connect's loa1 to loa4."""

    LOW = 1  # a password, a session that recorded nothing
    LOA2 = 2
    SUBSTANTIAL = 3  # loa3, eIDAS substantial: BankID, Freja eID+
    HIGH = 4  # loa4, eIDAS high


STRONG = Assurance.SUBSTANTIAL
# Where the viewer object carries its level (see the module docstring), and
# where a session stores it (a session without it signed in by password).
ATTRIBUTE = "assurance"
SESSION_KEY = "_auth_assurance"
_REFUSED = "_strong_login_refused"


CODE = "STRONG_AUTH_REQUIRED"
MESSAGE = (
    "Sign in with e-legitimation (for example BankID) to read or change a pupil's page; "
    "a password is not enough."
)


def step_up_url() -> str:
    """Where a client sends its user to sign in more strongly (`STRONG_LOGIN_URL`)."""
    return str(settings.STRONG_LOGIN_URL)


def parse(value: Any) -> Assurance:
    """A stored level (an int, or a name), LOW for anything unknown."""
    try:
        return Assurance(int(value))
    except (TypeError, ValueError):
        try:
            return Assurance[str(value).upper()]
        except KeyError:
            return Assurance.LOW


def session_level(session: Any) -> Assurance:
    """The level a session recorded at sign-in; LOW when it recorded none."""
    return parse(session.get(SESSION_KEY)) if session is not None else Assurance.LOW


def stamp(viewer: V, level: Assurance) -> V:
    """Record on the viewer object how it signed in; returns it.

    Attributes, not `__dict__`: a request's user may be a lazy object, which
    passes attributes on to the user it wraps.
    """
    setattr(viewer, ATTRIBUTE, Assurance(level))
    return viewer


def assurance_of(viewer: Viewer) -> Assurance | None:
    """The level stamped on the viewer, None for server code acting for a user."""
    level = getattr(viewer, ATTRIBUTE, None)
    return Assurance(level) if level is not None else None


def weak(viewer: Viewer) -> bool:
    """Whether the viewer signed in below `STRONG` (anonymous viewers read no pages)."""
    level = assurance_of(viewer)
    return level is not None and level < STRONG and viewer.is_authenticated


def _relaxed() -> Q:
    """Pupils whose organiser lets a weaker sign-in read their page."""
    return Q(school__organisation__strong_login_required=False)


def page_pupils(viewer: Viewer) -> QuerySet[Pupil]:
    """The pupils whose page this sign-in may read: `visible_pupils`, less under weak login.

    Under a weak sign-in, a pupil whose organiser asks for strong login is
    left out, and the viewer is marked refused (`refused`) when there is one.
    """
    pupils = visible_pupils(viewer)
    if not weak(viewer):
        return pupils
    if _misses_pages(viewer):
        setattr(viewer, _REFUSED, True)
    return memo(viewer, ("page_pupils",), lambda: pupils.filter(_relaxed()))


def _misses_pages(viewer: Viewer) -> bool:
    """Whether some page the viewer reads needs a stronger sign-in (one query per request)."""
    return memo(
        viewer,
        ("strong_login_missed",),
        lambda: visible_pupils(viewer).exclude(_relaxed()).exists(),
    )


def private_blog_owner(viewer: Viewer) -> int:
    """The person whose private blog the viewer reads: their own, none under weak login."""
    person = person_of(viewer) or 0
    if not weak(viewer) or not person:
        return person
    hidden = memo(
        viewer,
        ("private_blog_hidden",),
        lambda: bool(strong_only_pupils(Pupil.objects.filter(person_id=person).values("pk"))),
    )
    if not hidden:  # no private blog, or one its organiser opens to a weaker sign-in
        return person
    setattr(viewer, _REFUSED, True)
    return 0


def refused(viewer: Viewer) -> bool:
    """Whether this request left out pupil-page data for want of a strong sign-in."""
    return bool(getattr(viewer, _REFUSED, False))


def strong_only_pupils(pupil_ids: Any) -> set[int]:
    """Of these pupils (ids or a subquery), those whose organiser asks for strong login."""
    found = Pupil.objects.filter(pk__in=pupil_ids).exclude(_relaxed())
    return set(found.values_list("pk", flat=True))


def notice_text(notice: Notice, hidden: Collection[int]) -> str:
    """A notice's text; for a pupil in `hidden`, only what kind of change it was.

    A notice about a pupil's page (a goal moved, an assessment published)
    names what changed; a weaker sign-in and an email, which has no sign-in
    at all, get the kind alone ("Nytt skriftligt omdöme"), not its status,
    subject or term.
    """
    if notice.kind == NoticeKind.BLOG_POST or notice.pupil_id not in hidden:
        return notice.text
    return str(NoticeKind(notice.kind).label)


def shown_notice_text(viewer: Viewer, notice: Notice) -> str:
    """`notice_text` as the viewer's sign-in may read it (one query per weak request)."""
    if not weak(viewer) or notice.pupil_id is None:
        return notice.text
    hidden = memo(
        viewer,
        ("strong_only_notice_pupils",),
        lambda: strong_only_pupils(visible_pupils(viewer).values("pk")),
    )
    return notice_text(notice, hidden)


def page_open_to(viewer: Viewer, pupil: Pupil) -> bool:
    """Whether the viewer's sign-in is strong enough for this pupil's page."""
    return not weak(viewer) or pupil.pk not in strong_only_pupils([pupil.pk])


def forget_refusal(viewer: Viewer) -> None:
    """Clear the mark once the viewer has been told."""
    if refused(viewer):
        setattr(viewer, _REFUSED, False)


def may_change_pages(viewer: Viewer) -> bool:
    """Whether the viewer may change pupil-page data now (a weak sign-in may not)."""
    return not weak(viewer) or not _misses_pages(viewer)


def token_level(session: Assurance, parent: Assurance | None) -> Assurance:
    """A new token's level: never above the sign-in (or the token) that made it."""
    return min(session, parent) if parent is not None else session
