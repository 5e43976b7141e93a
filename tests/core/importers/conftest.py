"""The SS 12000 server process the sync tests talk to (`tests.ss12000_server`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Peer, ss12000_server
from tests.ss12000_data import dataset


@pytest.fixture
def peer(tmp_path: Path) -> Iterator[Peer]:
    with ss12000_server(tmp_path) as url:
        found = Peer(tmp_path, url)
        found.control()
        found.serve(dataset())
        yield found
