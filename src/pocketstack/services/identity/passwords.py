"""Password and secret hashing (bcrypt) and Keystone's password rules.

bcrypt reads at most 72 bytes, so the password is first reduced to a fixed-length
digest (base64 of SHA-256); a long password is then no weaker than a short one and
never rejected.  Hashing runs in a worker thread: bcrypt releases the GIL, so the
event loop keeps serving other requests meanwhile.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re

import bcrypt

from pocketstack.services.identity.errors import password_error
from pocketstack.settings import SecurityCompliance


def _prepare(secret: str) -> bytes:
    return base64.b64encode(hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest())


def hash_secret(secret: str, rounds: int) -> str:
    return bcrypt.hashpw(_prepare(secret), bcrypt.gensalt(rounds)).decode("ascii")


def check_secret(secret: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(_prepare(secret), hashed.encode("ascii"))
    except ValueError:
        return False


async def hash_secret_async(secret: str, rounds: int) -> str:
    return await asyncio.to_thread(hash_secret, secret, rounds)


async def check_secret_async(secret: str, hashed: str) -> bool:
    return await asyncio.to_thread(check_secret, secret, hashed)


def check_requirements(password: str, rules: SecurityCompliance, max_length: int) -> None:
    """Keystone's ``password_regex`` rule and maximum length."""
    if len(password) > max_length:
        raise password_error(f"Password validation error: the password must be at most {max_length} characters.")
    if rules.password_regex:
        try:
            ok = re.match(rules.password_regex, password) is not None
        except re.error:
            raise password_error(
                "Password validation error: Unable to validate password due to invalid configuration."
            ) from None
        if not ok:
            detail = rules.password_regex_description or "(no description given)"
            raise password_error(f"The password does not match the requirements: {detail}.")
