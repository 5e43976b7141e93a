"""A GraphQL fuzzer against a live server finds no server error.

Schemathesis (`st run`) generates valid and invalid operations for every
root field and mutation (read by introspection), with a fixed seed
and a bounded number of examples each, and sends them as a signed-in
teacher to Daphne running as in production (DEBUG off). tests/fuzz_checks.py
says what a server error is. The server's log must show no traceback and no
GraphQL error logged as the server's (Strawberry prints those with their
"GraphQL request:" excerpt); Django's warnings for 4xx may be there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import (
    ROOT,
    TEACHER,
    _wait_for,
    accept_terms,
    demo_database,
    free_port,
    token_for,
)

pytestmark = pytest.mark.live
SEED = 20261202
EXAMPLES = 25  # per operation: about 750 requests, within a minute here
CHECKS = ROOT / "tests" / "fuzz_checks.py"
_TIMEOUT = 300
SERVER_FAULTS = ("Traceback", "GraphQL request:", "Internal Server Error")


@contextmanager
def _daphne_logging_to(env: dict[str, str], log: Path) -> Iterator[str]:
    """`tests.servers.daphne`, with the server's stderr kept in `log`."""
    port = free_port()
    with log.open("wb") as stderr:
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
            stdout=subprocess.DEVNULL,
            stderr=stderr,  # no access log
        )
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz", process)
            yield f"127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_the_fuzzer_finds_no_server_error(tmp_path):
    # given
    with demo_database(tmp_path) as env:
        token = token_for(env, TEACHER)
        production = {**env, "DEBUG": "0", "SECRET_KEY": "fuzz-" + "x" * 50}
        with _daphne_logging_to(production, tmp_path / "server.log") as base:
            accept_terms(base, token)

            # when
            done = subprocess.run(  # noqa: S603 - Schemathesis, installed with the dev extras
                [
                    sys.executable,
                    "-m",
                    "schemathesis.cli",
                    "run",
                    f"http://{base}/graphql/",
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--seed",
                    str(SEED),
                    "--max-examples",
                    str(EXAMPLES),
                    "--workers",
                    "1",
                    "--checks",
                    "no_server_error,response_schema_conformance",
                    "--no-color",
                ],
                cwd=tmp_path,
                env={**os.environ, "SCHEMATHESIS_HOOKS": str(CHECKS)},
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                check=False,
            )
        log = (tmp_path / "server.log").read_text()

    # then
    assert done.returncode == 0, done.stdout[-20_000:] + done.stderr
    assert [m for m in SERVER_FAULTS if m in log] == [], log[-20_000:]
