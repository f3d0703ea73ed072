"""Standard Webhooks signatures (https://www.standardwebhooks.com): the sender signs
``{webhook-id}.{webhook-timestamp}.{body}`` with HMAC-SHA256 under each of its secrets and sends
``webhook-signature: v1,<base64> [v1,<base64>]``; a receiver accepts a delivery when one of
the signatures matches one of its secrets and the timestamp is recent. Two secrets sign
during a rotation, so receivers holding either keep accepting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence

from newswatch.core.channels import secret_key

TOLERANCE = 300  # seconds a receiver accepts between the timestamp and its clock


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``msg_id.timestamp.body`` under a ``whsec_`` secret."""
    key = secret_key(secret)
    if key is None:
        raise ValueError("not a whsec_ secret")
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(
    secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three headers of a signed delivery, signed with every secret."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float) -> bool:
    """What a receiver does (and what the tests' receivers do): recompute the signature
    with its secret, compare in constant time, and refuse a stale or future timestamp."""
    lowered = {k.lower(): v for k, v in headers.items()}
    msg_id = lowered.get("webhook-id", "")
    try:
        timestamp = int(lowered.get("webhook-timestamp", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > TOLERANCE or not msg_id:
        return False
    expected = sign(secret, msg_id, timestamp, body).encode()
    return any(
        hmac.compare_digest(expected, given.encode())
        for given in lowered.get("webhook-signature", "").split()
    )
