"""One error type for broken business rules (HackSoft core/exceptions.py)."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the operation. ``message`` is translated and shown to the user.

    The API answers with ``status_code`` (400: the request itself is not acceptable).
    """

    status_code = 400

    def __init__(self, message, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class ConflictError(ApplicationError):
    """The request is well formed but conflicts with the current state of the object (HTTP 409).

    For example a workflow step that is not possible from the current status, or a report that can no
    longer be changed: the same request may succeed once the object is in another state.
    """

    status_code = 409
