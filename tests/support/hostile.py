"""Hostile feeds and pages, as found trying newswatch against a stranger's server (issue 11):
each reproduced what once froze a scheduler or a worker. Shared by the unit tests, the
integration tests and the soak."""

from __future__ import annotations

import time

from newswatch.core.feed import ParsedFeed, parse_feed


def _rss(channel_title: str, items: str, *, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0"><channel>'
        f"<title>{channel_title}</title><link>http://hostile.example/</link>{items}"
        "</channel></rss>"
    ).encode()


def _item(n: int, base: str, extra: str = "") -> str:
    return (
        f"<item><title>Hostile {n}</title><link>{base}/h/{n}</link>"
        f"<guid>hostile-{n}</guid>{extra}</item>"
    )


def quadratic_authors(base: str, size: int = 64 * 1024) -> bytes:
    """Two 64 KB plain ``<author>`` fields: feedparser's e-mail regex over each took ~45 s."""
    author = "a" * size
    return _rss("Authors", "".join(_item(n, base, f"<author>{author}</author>") for n in (1, 2)))


def entity_bomb(base: str, *, value_size: int = 100_000, uses: int = 5000) -> bytes:
    """A 115 KB feed declaring a 100 KB entity used 5,000 times: 500 MB once expanded."""
    prolog = f'<!DOCTYPE rss [<!ENTITY e "{"x" * value_size}">]>'
    return _rss(
        "Entities", _item(1, base, f"<description>{'&e;' * uses}</description>"), prolog=prolog
    )


def huge_title(base: str, size: int = 5 * 1024 * 1024) -> bytes:
    """A 5 MB title: it used to travel whole into every alert."""
    return _rss("Huge title", _item(1, base).replace("Hostile 1", "T" * size, 1))


def many_entries(base: str, count: int = 50_000) -> bytes:
    """50,000 entries: 51 s of feedparser."""
    return _rss("Many", "".join(_item(n, base) for n in range(1, count + 1)))


def huge_paragraphs_page(size: int = 5 * 1024 * 1024) -> bytes:
    """A 5 MB page of ``<p>`` (88,000 elements): refused by the element cap; past it, 13-20 s
    and 200-440 MB in one extraction."""
    paragraph = b"<p>Lorem ipsum dolor sit amet, consectetur adipiscing.</p>\n"
    body = paragraph * (size // len(paragraph))
    return (
        b"<html><head><title>Paragraphs</title></head><body><article>"
        + body
        + b"</article></body></html>"
    )


def huge_table_page(size: int = 5 * 1024 * 1024) -> bytes:
    """A 5 MB page of table rows."""
    row = b"<tr><td>cell one</td><td>cell two</td><td>cell three</td></tr>\n"
    body = row * (size // len(row))
    return (
        b"<html><head><title>Table</title></head><body><table>" + body + b"</table></body></html>"
    )


# -- stand-ins that run in a sandbox child (importable by name) -------------------------------

HANG_MARKER = b"<!-- hang -->"


def parse_or_hang(body: bytes, **kwargs: object) -> ParsedFeed:
    """:func:`parse_feed`, except that a body carrying :data:`HANG_MARKER` never finishes (a
    parser bug no guard knows of yet)."""
    if HANG_MARKER in body:
        while True:
            time.sleep(1)
    return parse_feed(body, **kwargs)  # type: ignore[arg-type]
