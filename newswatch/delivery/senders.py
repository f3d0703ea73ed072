"""Sending one message to one channel, and saying how it went.

Two kinds of channel (see :mod:`newswatch.core.channels`): signed JSON webhooks, posted here
through the guarded :class:`~newswatch.net.outbound.Poster`, and apprise URLs, handed to
apprise with every name lookup of the sending thread checked by the same guard. Channel URLs
carry credentials: nothing here logs them, and apprise's own (debug) logging, which prints
URLs, is kept off.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from newswatch import metrics
from newswatch.config import Settings
from newswatch.core.channels import WEBHOOK, channel_kind
from newswatch.core.delivery import permanent_status
from newswatch.core.errors import FetchError
from newswatch.core.ports import parse_port_ranges
from newswatch.core.render import Message
from newswatch.core.signing import signature_headers
from newswatch.logs import get_logger
from newswatch.net.outbound import GuardPolicy, Poster, guarded_resolution

log = get_logger(__name__)
_APPRISE_LOGGER = logging.getLogger("apprise")
_APPRISE_LOGGER.setLevel(logging.WARNING)  # its debug lines print channel URLs
_APPRISE_LOGGER.propagate = False  # its warnings become the delivery's recorded reason
_STATUS_RE = re.compile(r"error=(\d{3})")
MAX_DETAIL = 300


@dataclasses.dataclass(frozen=True)
class Sent:
    """How one attempt went. ``ok`` or not; when not, whether a later attempt may succeed,
    how long the receiver asked us to wait, and whether the channel is gone for good (410)."""

    ok: bool
    reason: str = "ok"  # short, a metric label: ok, http_503, timeout, blocked_address, ...
    detail: str = ""  # for people (no URL, no secret)
    status: int | None = None
    retryable: bool = False
    retry_after: float | None = None
    gone: bool = False

    @classmethod
    def failed_status(cls, status: int, retry_after: float | None, detail: str) -> Sent:
        return cls(
            False,
            f"http_{status}",
            detail,
            status=status,
            retryable=not permanent_status(status),
            retry_after=retry_after,
            gone=status == 410,
        )


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 7 * 86400))
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now)


class Senders:
    """Sends to webhooks and apprise URLs; one per delivery loop."""

    def __init__(
        self,
        policy: GuardPolicy,
        *,
        timeout: float,
        user_agent: str,
    ) -> None:
        self.policy = policy
        self.timeout = timeout
        self.poster = Poster(policy, timeout=timeout, user_agent=user_agent)

    @classmethod
    def from_settings(cls, settings: Settings) -> Senders:
        policy = GuardPolicy(
            allow_private=settings.allow_private_networks,
            ports=parse_port_ranges(settings.delivery_ports),
        )
        return cls(policy, timeout=settings.delivery_timeout, user_agent=settings.user_agent)

    def close(self) -> None:
        self.poster.close()

    def send(
        self,
        url: str,
        *,
        msg_id: str,
        message: Message,
        payload: dict[str, Any],
        secrets: Sequence[str],
    ) -> Sent:
        if channel_kind(url) == WEBHOOK:
            return self.webhook(url, msg_id=msg_id, payload=payload, secrets=secrets)
        return self.apprise(url, message)

    def webhook(
        self, url: str, *, msg_id: str, payload: dict[str, Any], secrets: Sequence[str]
    ) -> Sent:
        """POST the payload signed with every secret; the same ``msg_id`` on every attempt
        (the receiver's de-duplication key), a fresh timestamp on each."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json"}
        # the wall clock, whatever clock the decisions run on: receivers compare it with theirs
        headers.update(signature_headers(secrets, msg_id, int(time.time()), body))
        try:
            answer = self.poster.post(url, body, headers)
        except FetchError as exc:
            return Sent(False, exc.reason, exc.message[:MAX_DETAIL], retryable=exc.retryable)
        if 200 <= answer.status < 300:
            return Sent(True, detail=f"HTTP {answer.status}", status=answer.status)
        retry_after = retry_after_seconds(answer.headers.get("retry-after"), time.time())
        detail = f"HTTP {answer.status}"
        if 300 <= answer.status < 400:
            return Sent(
                False,
                f"http_{answer.status}",
                detail + ": redirects are not followed; give the final URL",
                status=answer.status,
            )
        return Sent.failed_status(answer.status, retry_after, detail)

    def apprise(self, url: str, message: Message) -> Sent:
        """Notify through apprise, within the delivery timeout as a whole. Apprise bounds
        each connect and each read, not the send: a receiver trickling its answer (or an SMTP
        server its replies) would hold the delivery loop for as long as it likes, past the
        delivery's lease, and the message would be sent twice. So the send runs in its own
        thread and the loop waits ``timeout`` for it; a send still running then is recorded
        as a timeout (retried later) and left to end on its own, at most
        :data:`MAX_OVERDUE_SENDS` of them per host and :data:`MAX_OVERDUE_TOTAL` in all: beyond,
        sends to that host (or to any) fail at once, as retryable timeouts that say why."""
        plugin = instantiate(url)
        if plugin is None:
            return Sent(False, "invalid_channel", "apprise does not understand this URL")
        plugin.socket_connect_timeout = plugin.socket_read_timeout = self.timeout
        host = str(getattr(plugin, "host", "") or channel_kind(url))
        refusal = _overdue.refusal(host)
        if refusal is not None:
            metrics.APPRISE_OVERDUE.labels("refused").inc()
            return Sent(False, "timeout", refusal, retryable=True)
        outcome: list[Sent] = []
        send = threading.Thread(target=self._notify, args=(plugin, url, message, outcome))
        send.daemon = True
        send.start()
        send.join(self.timeout)
        if _overdue.late(send, host, finished=lambda: bool(outcome)):
            metrics.APPRISE_OVERDUE.labels("left_running").inc()
            return Sent(
                False,
                "timeout",
                f"apprise did not finish within the delivery timeout ({self.timeout:g} s)",
                retryable=True,
            )
        return outcome[0]

    def _notify(self, plugin: Any, url: str, message: Message, outcome: list[Sent]) -> None:
        """The send, in its own thread (the guard and the warnings are per thread)."""
        try:
            outcome.append(self._notify_here(plugin, url, message))
        except Exception as exc:  # the guard or the warnings failed: still an outcome
            outcome.append(Sent(False, "apprise", type(exc).__name__, retryable=True))
        finally:
            _overdue.ended(threading.current_thread())

    def _notify_here(self, plugin: Any, url: str, message: Message) -> Sent:
        """Apprise says only True or False: the warnings it logs meanwhile (from this
        thread) give the reason, and the HTTP status when it has one."""
        import apprise  # loading its plugins takes seconds: only when sending

        with _apprise_warnings() as warnings, guarded_resolution(self.policy) as refused:
            try:
                ok = bool(
                    plugin.notify(
                        body=message.text,
                        title=message.title,
                        body_format=apprise.NotifyFormat.TEXT,
                    )
                )
            except Exception as exc:  # a plugin bug must not kill the delivery loop
                log.warning(
                    "apprise channel raised",
                    channel_kind=channel_kind(url),
                    error=type(exc).__name__,
                )
                ok, warnings = False, [*warnings, f"{type(exc).__name__}"]
        if ok:
            return Sent(True)
        if refused:
            return Sent(False, "blocked_address", refused[0][:MAX_DETAIL])
        detail = "; ".join(warnings)[:MAX_DETAIL] or "apprise reported a failure"
        status = next((int(m.group(1)) for w in warnings if (m := _STATUS_RE.search(w))), None)
        if status is not None:
            return Sent.failed_status(status, None, detail)
        return Sent(False, "apprise", detail, retryable=True)


MAX_OVERDUE_SENDS = 2  # apprise sends per host still running past their timeout
# and in all: many slow hosts, one late send each, would otherwise pile up threads
MAX_OVERDUE_TOTAL = 8


class _Overdue:
    """The apprise sends still running past their timeout, per host: each holds a thread
    and a connection until the receiver lets go."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hosts: dict[threading.Thread, str] = {}

    def refusal(self, host: str) -> str | None:
        """Why a send to ``host`` must not start (too many sends still running), or None."""
        with self._lock:
            here = sum(1 for h in self._hosts.values() if h == host)
            total = len(self._hosts)
        if here >= MAX_OVERDUE_SENDS:
            return (
                f"{here} earlier sends to this host are still running past the delivery "
                f"timeout (at most {MAX_OVERDUE_SENDS} per host): not sent, tried again later"
            )
        if total >= MAX_OVERDUE_TOTAL:
            return (
                f"{total} earlier apprise sends are still running past the delivery timeout "
                f"(at most {MAX_OVERDUE_TOTAL} in all): not sent, tried again later"
            )
        return None

    def late(self, send: threading.Thread, host: str, finished: Callable[[], bool]) -> bool:
        """Whether ``send`` is past its timeout (then counted until it ends)."""
        with self._lock:
            if finished():
                return False
            self._hosts[send] = host
            return True

    def ended(self, send: threading.Thread) -> None:
        with self._lock:
            self._hosts.pop(send, None)


_overdue = _Overdue()


_apprise_lock = threading.Lock()


def instantiate(url: str) -> Any:
    """Apprise's plugin object for ``url`` (None when apprise does not understand it)."""
    import apprise

    with _apprise_lock:  # the first call loads every plugin; not thread-safe
        return apprise.Apprise.instantiate(url, suppress_exceptions=True)


def apprise_problem(url: str) -> str | None:
    """The check the catalogue runs on apprise channel URLs when they are saved."""
    if instantiate(url) is None:
        return (
            "apprise does not understand this URL (unknown service, or missing or malformed "
            "tokens): see https://github.com/caronc/apprise/wiki for each service's form"
        )
    return None


class _ThreadWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage()[:MAX_DETAIL])


@contextmanager
def _apprise_warnings() -> Iterator[list[str]]:
    handler = _ThreadWarnings()
    _APPRISE_LOGGER.addHandler(handler)
    try:
        yield handler.messages
    finally:
        _APPRISE_LOGGER.removeHandler(handler)
