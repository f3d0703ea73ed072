"""URL canonicalisation: one spelling per article, so the same story reached through a
tracking link, a different host case or a default port gets the same identity.

courlan does the normalisation (scheme and host case, punycode, default ports, duplicate
slashes) and supplies the list of tracking parameters; we add what identity needs on top of it:
fragments are dropped, dot segments are resolved, valueless query parameters are kept (courlan
would drop ``?12345``, merging different articles), and only http(s) URLs with a host pass.
"""

from __future__ import annotations

import urllib.parse

from courlan import normalize_url
from courlan.clean import TRACKERS_RE

from newswatch.core.errors import InvalidURLError

MAX_URL_LENGTH = 8192  # longer "URLs" are garbage or an attack, not an article address
_SCHEMES = frozenset({"http", "https"})


def _split(url: str) -> urllib.parse.SplitResult:
    """Parse and validate: http(s), a host, a numeric port, a sane length."""
    text = url.strip()
    if not text:
        raise InvalidURLError("invalid URL: empty")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidURLError(
            f"invalid URL {text[:80]!r}...: longer than {MAX_URL_LENGTH} characters"
        )
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a non-numeric or out-of-range port
    except ValueError as exc:
        raise InvalidURLError(f"invalid URL {text!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        why = f"scheme {scheme!r} is not http or https" if scheme else "no scheme (relative URL)"
        raise InvalidURLError(f"invalid URL {text!r}: {why}")
    if not parts.hostname:
        raise InvalidURLError(f"invalid URL {text!r}: no host")
    if any(ch.isspace() or ord(ch) < 0x20 for ch in parts.netloc):
        raise InvalidURLError(f"invalid URL {text!r}: whitespace or control characters in host")
    return parts


def _param_name(piece: str) -> str:
    return urllib.parse.unquote_plus(piece.partition("=")[0])


def _clean_query(query: str) -> str:
    """Drop tracking parameters (courlan's list) and empty pieces; keep every other parameter
    as written (``?12345`` stays ``?12345``), sorted by name (repeated names keep their
    order)."""
    pieces = [piece for piece in query.split("&") if piece]
    kept = [piece for piece in pieces if not TRACKERS_RE.search(_param_name(piece).lower())]
    return "&".join(sorted(kept, key=_param_name))


def _netloc(parts: urllib.parse.SplitResult) -> str:
    """Rebuild the authority from courlan's result without what it leaves behind: a default
    port after an IPv6 literal, the trailing dot of a fully qualified host name."""
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host.rstrip(".")
    port = parts.port
    if port is not None and port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{port}"
    userinfo, at, _ = parts.netloc.rpartition("@")
    return f"{userinfo}{at}{host}"


def _resolve_dots(path: str) -> str:
    """RFC 3986 remove_dot_segments: ``/a/../b/./c`` -> ``/b/c``."""
    if "." not in path:
        return path
    resolved = urllib.parse.urlsplit(urllib.parse.urljoin("http://h/", path)).path
    if path.endswith("/") and not resolved.endswith("/"):
        resolved += "/"
    return resolved


def canonical_url(url: str) -> str:
    """The canonical spelling of an http(s) URL.

    Lower-case scheme and host, no default port, no fragment, no tracking parameters
    (utm_*, fbclid, gclid, ...), remaining query parameters sorted, dot segments resolved,
    an empty path written as ``/``. Raises :class:`InvalidURLError` for anything that is not an
    absolute http(s) URL with a host.
    """
    parts = _split(url)
    # courlan normalises scheme, host (case, punycode), port and path; it also cleans the
    # query, but drops valueless parameters, so the query is cleaned here instead.
    bare = parts._replace(query="", fragment="")
    normal = urllib.parse.urlsplit(normalize_url(bare, strict=False))
    path = _resolve_dots(normal.path) or "/"
    return urllib.parse.urlunsplit(
        (normal.scheme, _netloc(normal), path, _clean_query(parts.query), "")
    )


def source_of(url: str) -> str:
    """The site an URL belongs to: its lower-case host without a leading ``www.``.

    ``https://WWW.Example.com:8080/x`` -> ``example.com``. Raises :class:`InvalidURLError`
    like :func:`canonical_url`.
    """
    return source_of_canonical(canonical_url(url))


def source_of_canonical(canonical: str) -> str:
    """:func:`source_of` an URL already in :func:`canonical_url`'s form (not checked again)."""
    host = urllib.parse.urlsplit(canonical).hostname or ""
    host = host.rstrip(".")
    return host.removeprefix("www.")
