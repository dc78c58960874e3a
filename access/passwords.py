"""Password hashing with Argon2id (memory-hard; argon2-cffi's RFC 9106 low-memory profile).

Hashes carry their parameters, so raising them later re-hashes each password at its next
sign-in (`needs_rehash`) without locking anybody out."""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12  # NIST SP 800-63B allows 8; a control room's accounts deserve more
MAX_LENGTH = 256
_hasher = PasswordHasher()  # argon2id, 64 MiB, 3 passes, 4 lanes
# Each check holds 64 MiB: a burst of sign-ins waits its turn here (one check per core)
# instead of growing the process by 64 MiB per request.
CHECKS_AT_ONCE = max(1, os.cpu_count() or 1)
QUEUE_WAIT_S = 10.0  # then the sign-in is answered "busy" (429) rather than queued further
_checks = threading.BoundedSemaphore(CHECKS_AT_ONCE)


class Busy(RuntimeError):
    """Every password-check slot stayed taken for QUEUE_WAIT_S: try again shortly."""


@contextlib.contextmanager
def _check_slot() -> Iterator[None]:
    if not _checks.acquire(timeout=QUEUE_WAIT_S):
        raise Busy
    try:
        yield
    finally:
        _checks.release()


# Checked when the account does not exist, so a wrong name takes as long as a wrong password.
_UNKNOWN = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    with _check_slot():
        return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """Raises Busy when no check slot came free in time (nothing was checked)."""
    with _check_slot():
        try:
            return _hasher.verify(stored_hash or _UNKNOWN, password) and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def generate_password() -> str:
    """16 random characters from a URL-safe alphabet (~96 bits): for demo users and resets."""
    return secrets.token_urlsafe(12)


def weakness(password: str, name: str) -> str | None:
    """The catalogue key of what is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return "password_too_short"
    if len(password) > MAX_LENGTH:
        return "password_too_long"
    if name and name.lower() in password.lower():
        return "password_has_name"
    return None
