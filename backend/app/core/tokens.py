"""Bearer secrets: random, recognisable by their prefix, stored only as a hash.

A SHA-256 of 32 random bytes needs no salt or slow hash: nothing about it can be
guessed, so a fast digest lets every request look its token up by index."""

import hashlib
import secrets

# A prefix says what a secret is, so a leaked one can be recognised (and a key
# sent where a session is expected is refused at once).
KEY_PREFIX = "ln_"
SESSION_PREFIX = "ls_"
INVITATION_PREFIX = "li_"
RESET_PREFIX = "lr_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token(prefix: str) -> tuple[str, str]:
    """A new secret and the hash to store."""
    raw = prefix + secrets.token_urlsafe(32)
    return raw, hash_token(raw)
