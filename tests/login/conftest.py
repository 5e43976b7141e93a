"""The test OpenID provider for the sign-in tests, and the service configured for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.login.oidc import forget_providers
from tests.servers import free_port, oidc_client, oidc_provider, oidc_settings

SERVICE = "http://testserver"  # where Django's test client says it is


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    """One provider process for a module's tests, knowing the service's two clients."""
    clients = [oidc_client("eid", SERVICE), oidc_client("kommun", SERVICE)]
    with oidc_provider(free_port(), clients) as url:
        yield url


@pytest.fixture
def providers(settings, provider_url: str) -> Iterator[str]:
    """The service configured with the provider as `eid` (families) and `kommun` (staff)."""
    settings.OIDC_PROVIDERS = oidc_settings(provider_url, "eid", "kommun")
    forget_providers()
    yield provider_url
    forget_providers()
