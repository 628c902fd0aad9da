"""One error hierarchy for Diogel: every failure a user can cause is a ``DiogelError``."""

from __future__ import annotations


class DiogelError(Exception):
    """Base class for errors a user can act on.

    Parameters
    ----------
    message : str
        What went wrong, in plain English.
    hint : str, optional
        What to do about it.

    Examples
    --------
    >>> err = DiogelError("file 'x.csv' is empty", hint="download it again")
    >>> str(err)
    "file 'x.csv' is empty. Hint: download it again"
    """

    #: Short machine-readable code used in JSON error responses.
    code = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self) -> tuple[object, ...]:
        # Errors raised in worker processes travel back to the caller intact.
        return (_rebuild, (type(self), self.message, self.hint))

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}. Hint: {self.hint}"
        return self.message

    def to_dict(self) -> dict[str, str | None]:
        """The one JSON error shape shared by the CLI ``--json`` mode and the web API."""
        return {"error": self.code, "message": self.message, "hint": self.hint}


def _rebuild(cls: type[DiogelError], message: str, hint: str | None) -> DiogelError:
    return cls(message, hint=hint)


class InputError(DiogelError):
    """An argument or an input file is not what was expected."""

    code = "invalid_input"


class NotFoundError(DiogelError):
    """Something named by the user (a file, an area, a dataset) does not exist."""

    code = "not_found"


class StoreError(DiogelError):
    """The database could not be opened, migrated or written."""

    code = "store_error"


class ConfigError(DiogelError):
    """Settings are missing or contradictory."""

    code = "config_error"


class AccessDenied(DiogelError):
    """The caller is not allowed to read or change this."""

    code = "access_denied"
