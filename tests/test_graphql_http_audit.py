"""The GraphQL over HTTP audit suite (npm `graphql-http`) against a live server.

`tests/audit/audit.mjs` runs every one of the suite's `serverAudits` and
prints one JSON line per audit. CI installs Node's side with
`npm ci --prefix tests/audit` (see .ci/run, and `make test` where npm is
installed); without them this test fails in CI and skips elsewhere. The
server runs as in production (DEBUG off).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.servers import ROOT, daphne, demo_database, require_node

pytestmark = pytest.mark.live
AUDIT = ROOT / "tests" / "audit"
AUDITS = 61  # graphql-http 1.23.1, pinned in tests/audit/package.json
_TIMEOUT = 120


def test_the_server_passes_every_graphql_over_http_audit(tmp_path):
    # given
    node = require_node(AUDIT, "graphql-http", "the audit's packages")
    with demo_database(tmp_path) as env:
        production = {**env, "DEBUG": "0", "SECRET_KEY": "audit-" + "x" * 50}
        with daphne(production) as base:
            # when
            done = subprocess.run(  # noqa: S603 - node runs our own script
                [node, str(AUDIT / "audit.mjs"), f"http://{base}/graphql/"],
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                check=False,
            )

    # then
    results = [json.loads(line) for line in done.stdout.splitlines()]
    failures = [line for line in done.stdout.splitlines() if json.loads(line)["status"] != "ok"]
    ok = len(results) - len(failures)
    assert (ok, len(results)) == (AUDITS, AUDITS), "\n".join([*failures, done.stderr])
