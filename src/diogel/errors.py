"""One error hierarchy for Diogel: every failure a user can cause is a ``DiogelError``."""

from __future__ import annotations


class Term(str):
    """An English word or phrase, marked for translation, that fills a placeholder of an
    error message (such as the name of the field that is wrong): where the message is
    shown in another language, the word is translated with it. Made by :func:`N_`."""

    __slots__ = ()


def N_(message: str) -> Term:
    """Mark an English word or message for translation where it is written; it is
    translated where it is shown (the CLI prints it as it is).

    Examples
    --------
    >>> N_("agency id")
    'agency id'
    >>> isinstance(N_("agency id"), Term)
    True
    """
    return Term(message)


class DiogelError(Exception):
    """Base class for errors a user can act on.

    Parameters
    ----------
    message : str
        What went wrong, in plain English.
    hint : str, optional
        What to do about it.
    **values
        Values for ``{name}`` placeholders of ``message`` and ``hint``. Given values, the
        two are templates: the English ones fill them in, and a page in another language
        can translate the templates (they are gettext message ids) and fill in the same
        values, translating those made with :func:`N_`.

    Examples
    --------
    >>> err = DiogelError("file 'x.csv' is empty", hint="download it again")
    >>> str(err)
    "file 'x.csv' is empty. Hint: download it again"
    >>> err = DiogelError("{what} {value!r} is not a date", hint="write YYYY-MM-DD",
    ...                   what=N_("starts"), value="soon")
    >>> str(err)
    "starts 'soon' is not a date. Hint: write YYYY-MM-DD"
    >>> err.template, err.values["what"]
    ('{what} {value!r} is not a date', 'starts')
    """

    #: Short machine-readable code used in JSON error responses.
    code = "error"

    def __init__(self, message: str, *, hint: str | None = None, **values: object) -> None:
        text = message.format(**values) if values else message
        super().__init__(text)
        self.message = text
        self.hint = hint.format(**values) if values and hint else hint
        #: The message and hint before their placeholders were filled (gettext message
        #: ids), and the values that fill them.
        self.template = message
        self.hint_template = hint
        self.values = values

    def __reduce__(self) -> tuple[object, ...]:
        # Errors raised in worker processes travel back to the caller intact.
        return (_rebuild, (type(self), self.template, self.hint_template, self.values))

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}. Hint: {self.hint}"
        return self.message

    def to_dict(self) -> dict[str, str | None]:
        """The one JSON error shape shared by the CLI ``--json`` mode and the web API."""
        return {"error": self.code, "message": self.message, "hint": self.hint}


def _rebuild(
    cls: type[DiogelError], message: str, hint: str | None, values: dict[str, object] | None = None
) -> DiogelError:
    return cls(message, hint=hint, **(values or {}))


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
