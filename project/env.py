"""Typed readers for settings taken from the environment.

Each reader fails at start with a message that names the variable and the
value it could not use, so a misconfigured deployment never half-starts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def env_str(name: str, default: str) -> str:
    """Return the variable as text, or the default when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    """Return the variable read as a yes/no flag."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    msg = f"{name}={raw!r} is not a yes/no value; use 1/0, true/false or yes/no."
    raise ImproperlyConfigured(msg)


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Return the variable as a whole number of at least `minimum`."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        msg = f"{name}={raw!r} is not a whole number."
        raise ImproperlyConfigured(msg) from None
    if value < minimum:
        msg = f"{name}={raw!r} is below the minimum {minimum}."
        raise ImproperlyConfigured(msg)
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated variable as a list of non-empty items."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_json_list(name: str) -> list[dict[str, Any]]:
    """A JSON list of objects, given inline or as `@path` to a file; [] when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return []
    try:
        text = Path(raw[1:]).read_text(encoding="utf-8") if raw.startswith("@") else raw
        value = json.loads(text)
    except (OSError, ValueError) as error:
        msg = f"{name}: {error}"
        raise ImproperlyConfigured(msg) from None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        msg = f"{name} must be a JSON list of objects."
        raise ImproperlyConfigured(msg)
    return value


def redis_url(name: str) -> str | None:
    """Return a redis:// or rediss:// URL, or None when the variable is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        msg = f"{name}={raw!r} must start with redis://, rediss:// or unix://."
        raise ImproperlyConfigured(msg)
    return raw
