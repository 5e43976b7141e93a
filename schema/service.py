"""Root fields about the service itself."""

from __future__ import annotations

import strawberry

API_VERSION = "0.1.0"


@strawberry.type
class ServiceQuery:
    """Facts about the running service."""

    @strawberry.field(description="Version of this GraphQL API.")
    def api_version(self) -> str:
        """Version of this GraphQL API."""
        return API_VERSION
