"""Domain exceptions raised by services and turned into an HTTP answer once per adapter."""


class DomainError(Exception):
    """Base of every refusal a service can give."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The actor may see the record but may not do this to it (HTTP 403)."""


class NotFound(DomainError):
    """The record does not exist or the actor may not see it (HTTP 404)."""


class InvalidTransition(DomainError):
    """The record's state does not allow this step now (HTTP 409)."""


class ValidationFailed(DomainError):
    """Input is malformed; ``errors`` maps each field to what is wrong with it (HTTP 422)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in errors.items()))
        self.errors = errors


class ConfirmationNeeded(InvalidTransition):
    """The step is allowed but unusual: the actor must confirm it first (HTTP 409)."""
