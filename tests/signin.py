"""A person signing in through the test OpenID provider, as a browser would.

The service is reached through a Django test client (in this process) or
over HTTP (a Daphne process); the provider always over HTTP, with its own
cookies. `Browser.sign_in` follows every redirect and fills in the
provider's sign-in page; `start`, `at_provider` and `back` are its steps,
for tests that tamper with one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.test import Client

_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Browser:
    """One person's browser: cookies for the service and for the provider."""

    client: Client | None = None  # the service in this process
    base: str = ""  # or the service over HTTP, e.g. http://127.0.0.1:8000
    web: requests.Session = field(default_factory=requests.Session)

    @property
    def django(self) -> Client:
        """The test client of the service in this process."""
        assert self.client is not None
        return self.client

    def get(self, url: str, **params: Any) -> Any:
        """GET a page of the service, without following redirects."""
        if self.client is not None:
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            return self.client.get(path, params or None)
        return self.web.get(urljoin(self.base, url), params=params, allow_redirects=False)

    def post(self, url: str, data: dict[str, str] | None = None) -> Any:
        """POST a form to the service, without following redirects."""
        if self.client is not None:
            return self.client.post(url, data or {})
        return self.web.post(urljoin(self.base, url), data=data or {}, allow_redirects=False)

    def start(self, provider: str = "eid", next_url: str = "/") -> str:
        """Choose a provider; the URL the service sends the browser to."""
        answer = self.get(f"/login/oidc/{provider}/", next=next_url)
        assert answer.status_code == 302, answer.status_code
        return str(answer.headers["Location"])

    def at_provider(self, url: str, **fields: str) -> str:
        """Sign in at the provider with `fields` (pnr, eppn, loa); where it sends us back."""
        while True:
            answer = self.web.get(url, allow_redirects=False)
            if answer.status_code == 200 and "/interaction/" in url:  # its sign-in page
                answer = self.web.post(f"{url}/login", data=fields, allow_redirects=False)
            assert answer.status_code in _REDIRECTS, (answer.status_code, answer.text[:300])
            url = urljoin(url, answer.headers["Location"])
            if not url.startswith(_origin(answer.url)):
                return url

    def back(self, url: str) -> Any:
        """Return to the service with the provider's answer."""
        return self.get(url)

    def sign_in(self, provider: str = "eid", next_url: str = "/", **fields: str) -> Any:
        """The whole sign-in; the service's last answer."""
        return self.back(self.at_provider(self.start(provider, next_url), **fields))

    def end_at_provider(self, url: str) -> Any:
        """Follow the service's logout to the provider and confirm there, as a person does."""
        answer = self.web.get(url, allow_redirects=False)
        assert answer.status_code == 200, answer.status_code
        xsrf = answer.text.split('name="xsrf" value="', 1)[1].split('"', 1)[0]
        action = answer.text.split('action="', 1)[1].split('"', 1)[0]
        return self.web.post(
            urljoin(url, action), data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
