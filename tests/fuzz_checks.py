"""Schemathesis checks for tests/test_fuzz.py: what a server error is here.

Schemathesis counts any GraphQL error with a `path` as a server error unless
its code is one of Apollo's or graphql-java's. Here an error with a code
(`extensions.code`, e.g. VALIDATION with the argument's name) is an answer
to the client, and so is an operation refused before it runs (no `data`, no
`path`: GraphQL's own validation). A server error is a 5xx, a masked
"Unexpected error." or an error raised while executing that has no code.
Loaded by `st run` through SCHEMATHESIS_HOOKS.
"""

from __future__ import annotations

from typing import Any

import schemathesis

MASKED = "Unexpected error."


@schemathesis.check
def no_server_error(ctx: Any, response: Any, case: Any) -> None:
    """Fail on a 5xx, a masked error or an untyped execution error."""
    del ctx, case
    assert response.status_code < 500, f"HTTP {response.status_code}"
    body = response.json()
    errors = body.get("errors") or []
    refused = body.get("data") is None and not any("path" in error for error in errors)
    for error in errors:
        assert error.get("message") != MASKED, f"masked server error: {error}"
        typed = "code" in (error.get("extensions") or {})
        assert typed or refused, f"untyped execution error: {error}"
