"""The API's one error type: a status, the field at fault, and a message an integrator can act on."""

from __future__ import annotations


class BadRequest(Exception):
    """The request cannot be served; field names the part that is wrong."""

    def __init__(
        self, field: str, message: str, status: int = 400, code: str = "invalid", retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.field, self.message, self.status, self.code, self.retry_after = field, message, status, code, retry_after
