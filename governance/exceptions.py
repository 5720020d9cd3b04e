"""One error type for broken business rules (HackSoft core/exceptions.py)."""

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the operation. ``message`` is translated and shown to the user."""

    def __init__(self, message, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)
