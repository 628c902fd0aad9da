"""Pseudonymise identifiers with a keyed HMAC; the key lives outside the database.

A pseudonym is ``HMAC-SHA256(key, role + value)`` cut to 32 hex digits (128 bits).
The same identifier under the same key always gives the same pseudonym, so re-sent
rows replace their earlier copies and repeat callers can be counted; without the key
nobody can recompute a pseudonym from a guessed identifier (a plain hash of an NHS or
case number could be reversed by trying every number). The key is read from a file or
from ``DIOGEL_PSEUDONYM_KEY`` and is never written to the database; only a short key
id (an HMAC of a fixed text) is stored, so that a load with a different key is noticed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from diogel.errors import ConfigError

#: Environment variable holding the key itself.
KEY_ENV = "DIOGEL_PSEUDONYM_KEY"
#: Environment variable naming a file that holds the key.
KEY_FILE_ENV = "DIOGEL_PSEUDONYM_KEY_FILE"
#: Shortest key accepted, in bytes.
MIN_KEY_BYTES = 16
#: Hex digits kept of each HMAC.
PSEUDONYM_LENGTH = 32

_KEY_HINT = (
    "make a key with 'diogel partner-data new-key KEYFILE', keep it outside the database "
    f"and pass --key-file KEYFILE (or set {KEY_FILE_ENV} or {KEY_ENV})"
)


@dataclass(frozen=True)
class PseudonymKey:
    """A secret key for pseudonyms. Its bytes never appear in ``repr`` or in the database.

    Examples
    --------
    >>> key = PseudonymKey(b"a test key of enough length")
    >>> key
    PseudonymKey(key_id='ea7866903c90')
    >>> key.pseudonym("ED0001234", "record") == key.pseudonym(" ed0001234 ", "record")
    True
    >>> key.pseudonym("ED0001234", "record") == key.pseudonym("ED0001234", "person")
    False
    >>> key.pseudonym("   ", "record") is None
    True
    """

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise ConfigError(
                f"the pseudonym key has {len(self.secret)} bytes; at least "
                f"{MIN_KEY_BYTES} are needed",
                hint=_KEY_HINT,
            )

    def __repr__(self) -> str:
        return f"PseudonymKey(key_id='{self.key_id}')"

    @property
    def key_id(self) -> str:
        """A short public fingerprint of the key (says which key, reveals nothing of it)."""
        return hmac.new(self.secret, b"diogel key id", hashlib.sha256).hexdigest()[:12]

    def pseudonym(self, value: str, role: str) -> str | None:
        """The pseudonym of one identifier (None for a blank one).

        Identifiers are compared without surrounding or inner spaces and case, so
        "ED 000123" and "ed000123" are the same person or record.
        """
        cleaned = normalise_identifier(value)
        if not cleaned:
            return None
        message = f"{role}\x1f{cleaned}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]

    def pseudonyms(self, values: Iterable[str], role: str) -> list[str | None]:
        """Pseudonyms of many identifiers; each distinct value is hashed once."""
        cache: dict[str, str | None] = {}
        out: list[str | None] = []
        for v in values:
            if v not in cache:
                cache[v] = self.pseudonym(v, role)
            out.append(cache[v])
        return out


def normalise_identifier(value: str) -> str:
    """Upper case without spaces: how identifiers are compared.

    Examples
    --------
    >>> normalise_identifier(" ed 000123 ")
    'ED000123'
    """
    return re.sub(r"\s+", "", str(value)).upper()


def new_key_text() -> str:
    """A fresh random key as 64 hex digits (256 bits)."""
    import secrets

    return secrets.token_hex(32)


def read_key(
    key_file: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> PseudonymKey:
    """The pseudonym key: from ``key_file``, else ``DIOGEL_PSEUDONYM_KEY_FILE``, else
    ``DIOGEL_PSEUDONYM_KEY``.

    Raises
    ------
    ConfigError
        When no key is given, the file cannot be read, or the key is too short.

    Examples
    --------
    >>> read_key(environ={KEY_ENV: "0123456789abcdef0123"}).key_id
    'c468d4aa69f2'
    >>> read_key(environ={})
    Traceback (most recent call last):
    ...
    diogel.errors.ConfigError: no pseudonym key: this mapping has identifiers, which are pseudonymised on load. Hint: make a key with 'diogel partner-data new-key KEYFILE', keep it outside the database and pass --key-file KEYFILE (or set DIOGEL_PSEUDONYM_KEY_FILE or DIOGEL_PSEUDONYM_KEY)
    """
    env = os.environ if environ is None else environ
    path = key_file or env.get(KEY_FILE_ENV)
    if path:
        p = Path(path)
        try:
            secret = p.read_bytes().strip()
        except OSError as exc:
            raise ConfigError(
                f"cannot read the pseudonym key file '{p}' ({exc.strerror})", hint=_KEY_HINT
            ) from exc
        return PseudonymKey(secret)
    text = env.get(KEY_ENV, "").strip()
    if not text:
        raise ConfigError(
            "no pseudonym key: this mapping has identifiers, which are pseudonymised on load",
            hint=_KEY_HINT,
        )
    return PseudonymKey(text.encode("utf-8"))


def write_new_key(path: str | Path) -> PseudonymKey:
    """Write a new random key to ``path`` (readable by its owner only) and return it.

    Raises
    ------
    ConfigError
        If the file already exists: overwriting a key would change every pseudonym.
    """
    p = Path(path)
    if p.exists():
        raise ConfigError(
            f"'{p}' already exists; a new key would change every pseudonym",
            hint="choose another file name, or delete the old key only if you mean to",
        )
    text = new_key_text()
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text + "\n")
    return PseudonymKey(text.encode("ascii"))
