from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.cast import Cast, build_cast
from tests.workflows import Work, build_work


def pytest_report_header() -> list[str]:
    """Say which database and channel layer this run uses (CI runs both)."""
    engine = str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]
    layer = str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).rsplit(".", 1)[-1]
    return [f"database: {engine}, channel layer: {layer}"]


@pytest.fixture(autouse=True)
def _summaries_counted_afresh(settings: Any) -> None:
    """Every summary is counted when asked, unless a test keeps them itself."""
    settings.SUMMARY_CACHE_SECONDS = 0


@pytest.fixture
def cast(db: None) -> Cast:
    """Alva's school and everyone around her (see tests/cast.py)."""
    return build_cast()


@pytest.fixture
def work(cast: Cast) -> Work:
    """Alva's page in the middle of a term (see tests/workflows.py)."""
    return build_work(cast)
