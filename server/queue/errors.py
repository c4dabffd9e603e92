"""Domain errors. `kind` tells the outer layers what sort of failure it is; `code` is stable."""
from __future__ import annotations


class DomainError(Exception):
    kind = "conflict"  # not_found | conflict | invalid | forbidden

    def __init__(self, code: str, message: str, *, kind: str | None = None, detail: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail or {}
        if kind:
            self.kind = kind


class NotFound(DomainError):
    kind = "not_found"


class Invalid(DomainError):
    kind = "invalid"


class Conflict(DomainError):
    kind = "conflict"


class Forbidden(DomainError):
    kind = "forbidden"
