"""argon2id password hashing, run in a worker thread so that a login never stalls the event loop."""

from __future__ import annotations

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current RFC 9106 low-memory profile

COMMON_PASSWORDS = frozenset({
    "password", "password1", "12345678", "123456789", "1234567890", "qwertyuiop", "11111111",
    "88888888", "abc12345", "abcd1234", "a1234567", "iloveyou", "admin123", "woaini1314",
    "1qaz2wsx", "qwer1234", "password123", "123123123", "000000000", "aaaaaaaaaa",
})


def password_problem(password: str, *, min_length: int) -> str | None:
    """Why a new password is not acceptable, in Chinese then English; None if it is fine."""
    if not password:
        return "请设置密码 (password required)"
    if len(password) < min_length:
        return f"密码至少 {min_length} 位 (at least {min_length} characters)"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "密码过于简单，请换一个更难猜的密码 (too easy to guess)"
    return None


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(verify)


#: A real hash to verify against when the account does not exist, so that the response time does
#: not reveal whether an email is registered.
DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing-only")
