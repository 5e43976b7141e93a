"""Origin checks for websockets."""

from __future__ import annotations

from typing import Any
from urllib.parse import ParseResult

from channels.security.websocket import OriginValidator
from django.conf import settings


class BrowserOriginValidator(OriginValidator):  # type: ignore[misc]
    """Refuse cross-site browser sockets; let non-browser clients through.

    Browsers always send Origin, so a page on another site cannot ride a
    guardian's session cookie into a socket. Apps and scripts send no Origin
    and authenticate with a bearer token instead, which a foreign page
    cannot read. Channels' own validator refuses a missing Origin, which
    would lock those clients out.
    """

    def __init__(self, application: Any) -> None:
        super().__init__(application, settings.ALLOWED_HOSTS)

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        """Accept no Origin (not a browser) or one of ALLOWED_HOSTS."""
        if parsed_origin is None:
            return True
        return bool(super().valid_origin(parsed_origin))
