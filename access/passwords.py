"""Password hashing with Argon2id (memory-hard; argon2-cffi's RFC 9106 low-memory profile).

Hashes carry their parameters, so raising them later re-hashes each password at its next
sign-in (`needs_rehash`) without locking anybody out."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12  # NIST SP 800-63B allows 8; a control room's accounts deserve more
MAX_LENGTH = 256
_hasher = PasswordHasher()  # argon2id, 64 MiB, 3 passes, 4 lanes
# Checked when the account does not exist, so a wrong name takes as long as a wrong password.
_UNKNOWN = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
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
