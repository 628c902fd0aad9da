"""Accounts: argon2 password hashes, sessions and API tokens (stored only as digests)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from diogel.errors import InputError, NotFoundError
from diogel.sharing.checks import username as valid_username
from diogel.storage import Store
from diogel.storage import web as db
from diogel.storage.web import UserRow

#: Roles, each allowed everything the ones before it may do.
ROLES: Final = ("viewer", "analyst", "admin")
#: How long a login lasts.
SESSION_DAYS: Final = 7
#: Shortest password accepted.
MIN_PASSWORD: Final = 10
#: Prefix that marks a Diogel API token (so secret scanners can find leaked ones).
TOKEN_PREFIX: Final = "dgl_"

_HASHER = PasswordHasher()
#: Verified against when a user does not exist, so that the time taken does not tell.
_DUMMY_HASH = _HASHER.hash("not a real password")


@dataclass(frozen=True)
class User:
    """Who is making a request."""

    user_id: int
    username: str
    role: str

    def can(self, role: str) -> bool:
        """Whether this user's role includes ``role``.

        Examples
        --------
        >>> User(1, "ann", "analyst").can("viewer"), User(1, "ann", "analyst").can("admin")
        (True, False)
        """
        return ROLES.index(self.role) >= ROLES.index(role)


def now() -> dt.datetime:
    """The current time in UTC, without a zone (as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def digest(secret: str) -> str:
    """SHA-256 of a session or token value: what the database keeps.

    Examples
    --------
    >>> digest("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _public(row: UserRow) -> User:
    return User(row.user_id, row.username, row.role)


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`, else an ``InputError``."""
    if role not in ROLES:
        raise InputError(f"role '{role}' is not known", hint=f"choose one of {', '.join(ROLES)}")
    return role


def create_user(store: Store, username: str, password: str, role: str = "viewer") -> User:
    """Add a user with an argon2 hash of their password."""
    name = username.strip()
    # One rule for user names, the one memberships and agreements check: letters, digits
    # and . _ @ -, so no web user can take the operator's cli:LOGIN in the audit log.
    valid_username(name)
    if name.lower() == "system":
        raise InputError(
            "'system' cannot be a user name: the audit log uses it for changes Diogel makes itself",
            hint="choose another name",
        )
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"the password for '{name}' is too short",
            hint=f"use at least {MIN_PASSWORD} characters",
        )
    check_role(role)
    if db.user_by_name(store, name) is not None:
        raise InputError(f"there is already a user called '{name}'", hint="choose another name")
    user_id = db.add_user(store, name, _HASHER.hash(password), role, now())
    return User(user_id, name, role)


def find_user(store: Store, username: str) -> UserRow:
    """The stored user of this name, or a ``NotFoundError``."""
    row = db.user_by_name(store, username)
    if row is None:
        raise NotFoundError(f"no user called '{username}'", hint="see 'diogel users list'")
    return row


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The user if the name and password match an enabled account, else None."""
    row = db.user_by_name(store, username.strip())
    if row is None or row.disabled:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(row.password_hash, password):
        return None
    if _HASHER.check_needs_rehash(row.password_hash):
        db.set_password_hash(store, row.user_id, _HASHER.hash(password))
    return _public(row)


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def start_session(store: Store, user: User) -> tuple[str, str]:
    """A new session for ``user``: the cookie value (kept only as a digest) and its CSRF
    token."""
    value, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    started = now()
    db.delete_expired_sessions(store, started)
    expires = started + dt.timedelta(days=SESSION_DAYS)
    db.add_session(store, digest(value), user.user_id, csrf, started, expires)
    return value, csrf


def session_user(store: Store, value: str) -> tuple[User, str] | None:
    """The user and CSRF token of a live session cookie, or None."""
    found = db.session_user(store, digest(value), now())
    return None if found is None else (_public(found[0]), found[1])


def end_session(store: Store, value: str) -> None:
    """Log a session out."""
    db.delete_session(store, digest(value))


def create_token(store: Store, username: str, name: str) -> tuple[int, str]:
    """A new API token for a user: its id and the token, shown once and stored as a digest."""
    row = find_user(store, username)
    if row.disabled:
        raise InputError(f"user '{row.username}' is disabled", hint="enable the user first")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = db.add_token(store, digest(token), row.user_id, name.strip() or "token", now())
    return token_id, token


def token_user(store: Store, token: str) -> User | None:
    """The user of an unrevoked API token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = db.token_user(store, digest(token))
    return None if row is None else _public(row)


def revoke_token(store: Store, token_id: int) -> None:
    """Revoke a token so that it no longer works."""
    if not db.revoke_token(store, token_id, now()):
        raise NotFoundError(
            f"no active API token with id {token_id}", hint="see 'diogel tokens list'"
        )


def set_disabled(store: Store, username: str, disabled: bool = True) -> UserRow:
    """Disable a user (ending their sessions; their tokens stop working) or enable again."""
    row = find_user(store, username)
    db.set_user_disabled(store, row.user_id, disabled)
    return row
