"""Routes of the Daphne that `bench/pages.py` measures.

The service's own routes, and under /hand/ the hand-written views the
GraphQL pages are compared with (`bench/pages.py`).
"""

from __future__ import annotations

from typing import Any

from django.urls import include, path


def _hand(name: str) -> Any:
    def view(request: Any, *args: Any, **kwargs: Any) -> Any:
        from bench import pages

        return getattr(pages, name)(request, *args, **kwargs)

    return view


urlpatterns = [
    path("hand/home", _hand("hand_home")),
    path("hand/class/<int:group_id>", _hand("hand_class")),
    path("hand/overview/<int:group_id>", _hand("hand_overview")),
    path("hand/pupil", _hand("hand_pupil")),
    path("hand/badge", _hand("hand_badge")),
    path("", include("project.urls")),
]
