"""Argon2id password hashes, computed off the event loop: one takes tens of
milliseconds of CPU, which would stall every other request in the process."""

import asyncio

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))
# Checked when no account matches, so an unknown email costs what a known one does.
_UNKNOWN = _hasher.hash("an account that does not exist")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; as slow without a hash as with one."""
    matches = await asyncio.to_thread(
        _hasher.verify, password, password_hash or _UNKNOWN
    )
    return matches and password_hash is not None
