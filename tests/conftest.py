from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db.backends.signals import connection_created

from tests.cast import Cast, add_combinations, build_cast
from tests.workflows import Work, build_work


def pytest_report_header() -> list[str]:
    """Say which database and channel layer this run uses (CI runs both)."""
    engine = str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]
    layer = str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).rsplit(".", 1)[-1]
    return [f"database: {engine}, channel layer: {layer}"]


def _unsynced(sender: object, connection: Any, **kwargs: object) -> None:
    """The test database is a file (see settings); a test run need not survive a power cut."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")


connection_created.connect(_unsynced)


@pytest.fixture(autouse=True, scope="session")
def _socket_connections_closed_at_the_end(django_db_setup: None) -> Iterator[None]:
    """The sockets' database threads keep their connections; the test database goes at the end."""
    yield
    from subscriptions.consumers import close_database_threads  # noqa: PLC0415 -- after setup

    close_database_threads()


@pytest.fixture(autouse=True)
def _summaries_counted_afresh(settings: Any) -> None:
    """Every summary is counted when asked, unless a test keeps them itself."""
    settings.SUMMARY_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _import_reports_in_a_temporary_directory(settings: Any, tmp_path_factory: Any) -> None:
    settings.IMPORT_REPORT_DIR = tmp_path_factory.mktemp("import-reports")


@pytest.fixture
def cast(db: None) -> Cast:
    """Alva's school and everyone around her (see tests/cast.py)."""
    return build_cast()


@pytest.fixture
def combined(cast: Cast) -> Cast:
    """The cast with its combinations and Elis's guardians (see tests/cast.py)."""
    return add_combinations(cast)


@pytest.fixture
def work(cast: Cast) -> Work:
    """Alva's page in the middle of a term (see tests/workflows.py)."""
    return build_work(cast)
