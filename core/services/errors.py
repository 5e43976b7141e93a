"""What a service raises when it changes nothing.

The GraphQL layer turns each into a typed error of the mutation's payload;
a service raises before it writes, or inside the transaction it rolls back.
"""

from __future__ import annotations

from typing import ClassVar


class ServiceError(Exception):
    """A refusal with a message a person can read and, maybe, the field at fault."""

    code: ClassVar[str] = "validation"
    default: ClassVar[str] = "The input was refused."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default
        self.field = field
        super().__init__(self.message)


class Invalid(ServiceError):
    """The input breaks a rule."""


class NotFound(ServiceError):
    """Missing, or hidden from the actor: the two are never told apart."""

    code = "not_found"
    default = "Not found."


class NotAllowed(ServiceError):
    """The actor can read the object but may not do this to it."""

    code = "not_allowed"
    default = "You may not do this."


class Conflict(ServiceError):
    """Someone saved a newer version first; the caller should reload."""

    code = "conflict"
    default = "Someone else saved a newer version; reload and try again."
