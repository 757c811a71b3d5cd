"""Port-level failures: adapters translate library errors into these (`raise ... from e`)."""


class ExternalServiceError(Exception):
    """A call to Pachca, Tracker, Yandex 360 or the state store failed."""


class TransientFailure(ExternalServiceError):
    """Worth retrying later: 429, 5xx, a timeout or a connection error. The write, if any, did not happen."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OutcomeUnknown(TransientFailure):
    """A non-idempotent write was sent but its answer was lost: it may or may not have happened."""


class PermanentFailure(ExternalServiceError):
    """Retrying cannot help: a 4xx such as 400, 403, 409 or 422."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotFound(PermanentFailure):
    """The thing asked for does not exist (404)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=404)


class FileTooLarge(PermanentFailure):
    """The file turned out larger than allowed while it was being downloaded; what was read is thrown away."""

    def __init__(self, message: str, size: int | None) -> None:
        super().__init__(message, status=413)
        self.size = size  # as the source announced it; None when the download was stopped part way


class ResolutionRefused(PermanentFailure):
    """A transition refused the resolution it was given: its workflow closes without one (400 or 422)."""


class Refused(Exception):
    """The event asks for something the bridge will not do (post where it did not open the conversation): it is
    kept as refused, with its reason, for `doctor` to count; never retried."""


class StateUnavailable(ExternalServiceError):
    """The state store cannot be reached; nothing could be recorded."""
