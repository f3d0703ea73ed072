"""Who may do what through the API: a bearer token for writes, and for reads too when the API
listens beyond loopback.

The token comes from the ``api_token`` setting, else from the file ``DATA_DIR/api-token``
(which ``newswatch up`` creates with a random token on first start). Without any token, the
API's writes are disabled, and the API refuses to listen beyond loopback at all. The token is
compared in constant time and never written to a log or an error message.
"""

from __future__ import annotations

import dataclasses
import hmac
import ipaddress
import json
import os
import secrets
from pathlib import Path
from typing import Any, Literal

from newswatch.config import TOKEN_CHARS, Settings
from newswatch.core.errors import ConfigError
from newswatch.web import paths as web_paths

TOKEN_FILE = "api-token"  # noqa: S105 - a file name, not a secret
OPEN_PATHS = frozenset({"/", "/api", "/healthz", "/metrics"})
# POSTs that only read: they evaluate a query and write nothing
QUERY_PATHS = frozenset({"/api/topics/test", "/api/topics/backtest"})
HOW_TO_SET = "set NEWSWATCH_API_TOKEN (or api_token under settings:), or put a token in {file}"

Need = Literal["read", "write"]


def token_file(settings: Settings, data_dir: Path | None = None) -> Path:
    return (data_dir or settings.data_dir) / TOKEN_FILE


def load_token(settings: Settings, data_dir: Path | None = None) -> str | None:
    """The API token: the setting, else the token file's first line. Raises ConfigError for a
    token file that cannot be read or does not hold a usable token."""
    if settings.api_token is not None:
        return settings.api_token.get_secret_value()
    path = token_file(settings, data_dir)
    try:
        with path.open("rb") as handle:
            raw = handle.read(TOKEN_CHARS[1] + 2)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read the API token: {exc.strerror or exc}"]) from None
    token = raw.decode("ascii", errors="replace").strip()
    low, high = TOKEN_CHARS
    if not low <= len(token) <= high or not all("!" <= c <= "~" for c in token):
        raise ConfigError(
            [f"{path}: not an API token: {low} to {high} printable ASCII characters expected"]
        )
    return token


def ensure_token_file(settings: Settings, data_dir: Path) -> Path | None:
    """Create ``DATA_DIR/api-token`` with a random token (owner-only) unless a token is set
    or the file exists; returns the file when the token is there, None when set otherwise."""
    if settings.api_token is not None:
        return None
    path = token_file(settings, data_dir)
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
    return path


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings, token: str | None, data_dir: Path | None = None) -> None:
    """Refuse to serve beyond loopback without a token (anyone who reaches the port could
    change the catalogue)."""
    if token is None and not is_loopback(settings.api_host):
        raise ConfigError(
            [
                f"the API would listen on {settings.api_host} (beyond this machine) with no "
                "token, so anyone who can reach it could change what is watched: "
                + HOW_TO_SET.format(file=token_file(settings, data_dir))
                + ", or listen on 127.0.0.1 (api_host)"
            ]
        )


@dataclasses.dataclass(frozen=True)
class AccessPolicy:
    token: str | None
    reads_open: bool  # on loopback, reads need no token
    token_hint: str  # how to set a token, for the refusal of a write when none is set

    @classmethod
    def of(cls, settings: Settings, data_dir: Path | None = None) -> AccessPolicy:
        token = load_token(settings, data_dir)
        check_exposure(settings, token, data_dir)
        return cls(
            token,
            reads_open=is_loopback(settings.api_host),
            token_hint=HOW_TO_SET.format(file=token_file(settings, data_dir)),
        )

    def needed(self, method: str, path: str) -> Need | None:
        # the web pages check their own login (a session cookie and CSRF tokens)
        if path in OPEN_PATHS or web_paths.handles(path):
            return None
        if method in ("GET", "HEAD", "OPTIONS") or path in QUERY_PATHS:
            return None if self.reads_open else "read"
        return "write"

    def refusal(self, need: Need, authorization: str) -> tuple[int, str] | None:
        """None when the request may go on, else the status and the message to answer."""
        if self.token is None:
            return (
                403,
                f"writes through the API are disabled: no API token is set; {self.token_hint}",
            )
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self.token.encode()
        ):
            return None
        what = "a change" if need == "write" else "a read beyond loopback"
        return 401, f"{what} needs the API token: send the header Authorization: Bearer TOKEN"


class AccessMiddleware:
    """Checks every HTTP request against the policy before any endpoint runs."""

    def __init__(self, app: Any, policy: AccessPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            need = self.policy.needed(scope["method"], scope["path"])
            if need is not None:
                authorization = ""
                for name, value in scope.get("headers", []):
                    if name == b"authorization":
                        authorization = value.decode("latin-1")
                refused = self.policy.refusal(need, authorization)
                if refused is not None:
                    await _answer(send, *refused)
                    return
        await self.app(scope, receive, send)


async def _answer(send: Any, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="newswatch"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
