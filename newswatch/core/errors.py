"""The one exception tree of newswatch.

Third-party errors are translated into these at the boundary where they occur. Every error
says whether it is worth a retry (``retryable``) and carries a short machine-readable
``reason`` that is safe to use as a metric label (never a URL, title or query).
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Base of every error newswatch raises on purpose."""

    retryable: bool = False
    reason: str = "error"

    def __init__(self, message: str, *, reason: str | None = None, retryable: bool | None = None):
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason
        if retryable is not None:
            self.retryable = retryable


class ConfigError(NewswatchError):
    """The configuration is invalid. ``problems`` lists every fault found, with its location."""

    reason = "config"

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems) or "invalid configuration")
        self.problems = problems


class QueryError(NewswatchError):
    """A topic query does not parse. ``position`` is the 0-based offset of the fault."""

    reason = "query"

    def __init__(self, message: str, *, query: str, position: int, hint: str = ""):
        self.query = query
        self.position = position
        self.hint = hint
        text = f"{message} at position {position + 1}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)

    def pointer(self) -> str:
        """The query with a caret under the faulty position, for terminal output."""
        return f"{self.query}\n{' ' * self.position}^"


class PackError(NewswatchError):
    """A file of the topic pack, or a topic's reference to the pack, is wrong."""

    reason = "pack"


class FetchError(NewswatchError):
    """An HTTP fetch failed. Subclasses say why."""

    reason = "fetch"
    retryable = True


class BlockedAddressError(FetchError):
    """The URL resolves to a private, loopback, link-local or otherwise reserved address."""

    reason = "blocked_address"
    retryable = False


class BlockedPortError(FetchError):
    """The URL names a port the deployment does not fetch from (``allowed_ports``)."""

    reason = "blocked_port"
    retryable = False


class InvalidURLError(FetchError):
    reason = "invalid_url"
    retryable = False


class DNSError(FetchError):
    reason = "dns"


class ConnectError(FetchError):
    reason = "connect"


class FetchTimeoutError(FetchError):
    reason = "timeout"


class TooLargeError(FetchError):
    reason = "too_large"
    retryable = False


class TooManyRedirectsError(FetchError):
    reason = "redirects"
    retryable = False


class HTTPStatusError(FetchError):
    """The origin answered with a status that is not a success."""

    reason = "http_status"

    def __init__(self, message: str, *, status: int, retry_after: int | None = None):
        # 5xx and 429 are worth a retry; other 4xx are not.
        super().__init__(message, retryable=status >= 500 or status == 429)
        self.status = status
        self.retry_after = retry_after  # seconds the origin asked us to wait (Retry-After)


class FeedParseError(NewswatchError):
    """The body is not a feed we can read."""

    reason = "unparseable"
    retryable = False


class ExtractionError(NewswatchError):
    """No article could be extracted from a page (empty text, not HTML, oversized)."""

    reason = "extraction"
    retryable = False


class NotFoundError(NewswatchError):
    """A catalogue item (feed, topic, subscription) or a stored record that is not there."""

    reason = "not_found"


class ConflictError(NewswatchError):
    """A write the catalogue refuses as it stands: the item exists already, or another item
    depends on it."""

    reason = "conflict"
