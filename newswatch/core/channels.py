"""Delivery channels as written in a subscription: what kind each is, its id, its redacted
form, and the webhook signing secrets.

A channel is a URL. ``http://`` and ``https://`` URLs are signed JSON webhooks (Standard
Webhooks); every other scheme is an apprise URL (``mailto://``, ``ntfy://``, ``slack://``,
``json://``, ...), which the delivery tier hands to apprise. Channel URLs carry credentials
(a password, a bot token, a webhook path), so they are shown only redacted
(:func:`redact_channel`) and logged only by their id.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse

from newswatch.core.models import short_hash

WEBHOOK = "webhook"
WEBHOOK_SCHEMES = ("http", "https")
MAX_CHANNEL_CHARS = 2048
SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not a secret
SECRET_BYTES = (24, 64)  # Standard Webhooks: 24 to 64 random bytes, base64 after the prefix
_SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]{0,31})://", re.IGNORECASE)
_HOSTLIKE_RE = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+|\[[0-9a-f:.]+\]", re.IGNORECASE)
REDACTED = "***"


def scheme_of(url: str) -> str:
    """The URL's scheme in lower case ("" when it has none)."""
    found = _SCHEME_RE.match(url)
    return found.group(1).lower() if found else ""


def channel_kind(url: str) -> str:
    """ "webhook" for http(s) URLs, else the apprise scheme ("mailto", "ntfy", ...): the
    label deliveries are counted under (a bounded set, never the URL)."""
    scheme = scheme_of(url)
    if scheme in WEBHOOK_SCHEMES:
        return WEBHOOK
    return re.sub(r"[^a-z0-9]", "_", scheme) or "unknown"


def channel_id(subscription: str, url: str) -> str:
    """The id of one channel of one subscription: deliveries, holds and the disabled mark
    are kept under it, and logs name a channel by it."""
    return short_hash("channel", subscription, url, length=16)


def channel_problem(url: str) -> str | None:
    """What is wrong with the form of a channel URL (None when nothing): the checks that
    need no library. Whether apprise understands the URL is the delivery tier's question."""
    if not url.strip():
        return "the channel URL is empty"
    if len(url) > MAX_CHANNEL_CHARS:
        return f"a channel URL is at most {MAX_CHANNEL_CHARS} characters, got {len(url)}"
    if url != url.strip() or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return "the channel URL contains whitespace or control characters"
    scheme = scheme_of(url)
    if not scheme:
        return (
            "a channel is a URL with a scheme: https://... for a signed webhook, or an apprise "
            "URL such as mailto://, ntfy://, slack://, json://"
        )
    if scheme in WEBHOOK_SCHEMES:
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            return f"the webhook URL does not parse ({exc})"
        if not parts.hostname:
            return "the webhook URL has no host"
    return None


def redact_channel(url: str) -> str:
    """A channel URL with its credentials hidden, enough to recognise it: the scheme, the
    host when it looks like one (a name with a dot, an IP), and ``***`` for everything that
    may be a secret (user and password, path, query; apprise puts tokens in all of them).

    >>> redact_channel("mailto://me:pw@smtp.example.com?to=a@b.example")
    'mailto://***@smtp.example.com/***'
    """
    scheme = scheme_of(url)
    if not scheme:
        return REDACTED
    rest = url[len(scheme) + 3 :]
    authority, _, tail = rest.partition("/")
    authority, query_mark, query = authority.partition("?")
    _userinfo, at, hostport = authority.rpartition("@")
    host = hostport if _HOSTLIKE_RE.fullmatch(hostport.rsplit(":", 1)[0] or "-") else ""
    if not host:
        return f"{scheme}://{REDACTED}"
    shown = f"{scheme}://{REDACTED + '@' if at else ''}{host}"
    if tail or query_mark or query:
        shown += f"/{REDACTED}"
    return shown


def secret_problem(secret: str) -> str | None:
    """What is wrong with a webhook signing secret (None when nothing): Standard Webhooks
    keys are ``whsec_`` and the base64 of 24 to 64 random bytes."""
    key = secret_key(secret)
    if key is None:
        return (
            f"a webhook secret is {SECRET_PREFIX!r} followed by the base64 of 24 to 64 random "
            f"bytes; make one with: echo {SECRET_PREFIX}$(openssl rand -base64 32)"
        )
    if not SECRET_BYTES[0] <= len(key) <= SECRET_BYTES[1]:
        return (
            f"a webhook secret holds {SECRET_BYTES[0]} to {SECRET_BYTES[1]} bytes, "
            f"this one {len(key)}"
        )
    return None


def secret_key(secret: str) -> bytes | None:
    """The key bytes of a ``whsec_...`` secret, None when it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    try:
        return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return None
