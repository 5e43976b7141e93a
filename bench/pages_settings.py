"""Settings of the Daphne that `bench/pages.py` measures: the service's, one route table more."""

from __future__ import annotations

from project.settings import *  # noqa: F403 -- the service's settings

ROOT_URLCONF = "bench.pages_urls"
