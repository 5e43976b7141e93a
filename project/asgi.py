"""ASGI entry point: Django over HTTP, GraphQL subscriptions over websocket."""

from __future__ import annotations

import gc
import os

from channels.routing import ProtocolTypeRouter
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django_application = get_asgi_application()
if settings.DEBUG:
    # The admin's CSS and JS on the laptop setup; production serves them
    # from a proxy or CDN after collectstatic.
    django_application = ASGIStaticFilesHandler(django_application)

# Imported after Django is set up: the schema loads models.
from subscriptions.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application})

# What start-up loaded (modules, the schema, settings) lives as long as the
# process: out of the collector's sight, a full collection no longer walks
# it, which shortens the pauses behind a page's p99 (docs/performance.md).
gc.collect()
gc.freeze()
