"""Logged-in browsers: one Redis hash per session, holding its CSRF token, expiring with the
cookie. The cookie carries a random session id; Redis keeps only its SHA-256, so whoever reads
Redis cannot log in with what they read. Logging out deletes the record: the cookie is dead at
once, whatever a browser (or a thief) still holds."""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

import redis

from newswatch.store import keys
from newswatch.store.codec import as_text

MAX_SESSION_ID_CHARS = 128  # what a cookie may bring; ours are 43


def _key(session_id: str) -> str:
    return keys.web_session(hashlib.sha256(session_id.encode()).hexdigest())


class WebSessions:
    """``ttl``: seconds a session lasts from its login."""

    def __init__(self, client: redis.Redis, *, ttl: int):
        if ttl < 1:
            raise ValueError(f"ttl must be at least 1 second, got {ttl}")
        self.client = client
        self.ttl = ttl

    def create(self) -> tuple[str, str]:
        """A new session: (its id for the cookie, its CSRF token for the forms)."""
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(_key(session_id), mapping={"csrf": csrf, "created": repr(time.time())})
        pipe.expire(_key(session_id), self.ttl)
        pipe.execute()
        return session_id, csrf

    def csrf(self, session_id: str) -> str | None:
        """The CSRF token of a live session; None for an unknown, expired or ended one."""
        if not session_id or len(session_id) > MAX_SESSION_ID_CHARS:
            return None
        raw: Any = self.client.hget(_key(session_id), "csrf")
        return as_text(raw) if raw is not None else None

    def end(self, session_id: str) -> bool:
        if not session_id or len(session_id) > MAX_SESSION_ID_CHARS:
            return False
        removed: Any = self.client.delete(_key(session_id))
        return bool(removed)
