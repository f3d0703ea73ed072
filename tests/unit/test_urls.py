from __future__ import annotations

import pytest

from newswatch.core.errors import InvalidURLError
from newswatch.core.urls import MAX_URL_LENGTH, canonical_url, source_of, source_of_canonical


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme and host case, default port, fragment
        ("HTTP://WWW.Example.COM:80/a/b#section-2", "http://www.example.com/a/b"),
        ("https://Example.com:443/Path/", "https://example.com/Path/"),
        # a non-default port is kept
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        # tracking parameters go, meaningful ones stay (sorted by name)
        (
            "https://example.com/story?utm_source=rss&utm_medium=feed&id=3&fbclid=abc",
            "https://example.com/story?id=3",
        ),
        ("https://example.com/?gclid=1&page=2&b=x", "https://example.com/?b=x&page=2"),
        ("https://example.com/?mc_cid=1&_ga=3&igshid=4&q=news", "https://example.com/?q=news"),
        # repeated names keep their order; encoding is left as written
        ("https://example.com/s?q=caf%C3%A9&q=2", "https://example.com/s?q=caf%C3%A9&q=2"),
        ("https://example.com/?q=a+b&x=%2F", "https://example.com/?q=a+b&x=%2F"),
        # a valueless parameter is an identity, not noise
        ("https://example.com/news?12345", "https://example.com/news?12345"),
        # empty path, dot segments, duplicate slashes
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a/../b/./c/", "https://example.com/b/c/"),
        ("https://example.com//a//b", "https://example.com/a/b"),
        # fully qualified host, IPv6 literal with its default port
        ("https://EXAMPLE.com./x", "https://example.com/x"),
        ("https://[2001:db8::1]:443/x", "https://[2001:db8::1]/x"),
        ("http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
        # surrounding whitespace from feeds
        ("  https://example.com/x\n", "https://example.com/x"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTP://News.Example.org:80/a/../b?utm_campaign=x&z=1&a=2#top")
    assert once == "http://news.example.org/b?a=2&z=1"
    assert canonical_url(once) == once


def test_copies_of_one_article_share_a_canonical_url() -> None:
    copies = [
        "https://www.example.com/2024/story.html",
        "https://WWW.EXAMPLE.COM:443/2024/story.html#comments",
        "https://www.example.com/2024/story.html?utm_source=twitter&fbclid=xyz",
    ]
    assert len({canonical_url(u) for u in copies}) == 1


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/file", "scheme 'ftp' is not http or https"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("mailto:someone@example.com", "scheme 'mailto'"),
        ("/relative/path", "no scheme"),
        ("http:///no-host", "no host"),
        ("https://example.com:99999/", "out of range"),
        ("https://exa mple.com/", "whitespace"),
        ("", "empty"),
    ],
)
def test_canonical_url_refuses(url: str, why: str) -> None:
    with pytest.raises(InvalidURLError, match=why) as info:
        canonical_url(url)
    assert info.value.retryable is False


def test_canonical_url_refuses_overlong_url() -> None:
    with pytest.raises(InvalidURLError, match="longer than"):
        canonical_url("https://example.com/" + "a" * MAX_URL_LENGTH)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.Example.com/a", "example.com"),
        ("https://WWW.EXAMPLE.CO.UK:8080/a?b=1", "example.co.uk"),
        ("http://news.example.org./x", "news.example.org"),
        ("https://www2.example.com/", "www2.example.com"),
        ("https://user:pw@Example.com/", "example.com"),
    ],
)
def test_source_of(url: str, expected: str) -> None:
    assert source_of(url) == expected
    # the worker asks with the canonical URL it already has: the same answer
    assert source_of_canonical(canonical_url(url)) == expected


def test_source_of_refuses_non_http() -> None:
    with pytest.raises(InvalidURLError):
        source_of("file:///etc/passwd")
