"""Fetched pages in transit from the scheduler to the workers: compressed, with a TTL."""

from __future__ import annotations

import zlib

import redis

from newswatch.store import keys


def put_page(client: redis.Redis, article_id: str, html: bytes, ttl: int) -> str:
    """Store a page for a worker and return its key."""
    key = keys.page(article_id)
    client.set(key, zlib.compress(html, 3), ex=ttl)
    return key


def put_pages(client: redis.Redis, pages: dict[str, bytes], ttl: int) -> dict[str, str]:
    """Store several pages in one round trip; returns article_id -> key."""
    pipe = client.pipeline(transaction=False)
    out = {}
    for article_id, html in pages.items():
        key = keys.page(article_id)
        pipe.set(key, zlib.compress(html, 3), ex=ttl)
        out[article_id] = key
    pipe.execute()
    return out


def load_pages(client: redis.Redis, page_keys: list[str]) -> dict[str, bytes | None]:
    """Read pages in one round trip; a missing (expired) page maps to None. Pages stay until
    :func:`drop_pages` (after the job succeeded) or their TTL, so a crashed job loses nothing."""
    if not page_keys:
        return {}
    raw: list[bytes | None] = client.mget(page_keys)  # type: ignore[assignment]
    return {
        key: (zlib.decompress(blob) if blob is not None else None)
        for key, blob in zip(page_keys, raw, strict=True)
    }


def drop_pages(client: redis.Redis, page_keys: list[str]) -> None:
    if page_keys:
        client.delete(*page_keys)
