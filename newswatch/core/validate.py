"""The one validation of each catalogue type, shared by the YAML file, the API and the CLI.

``check_feed(raw)`` (and ``check_topic``, ``check_subscription``) takes what a reader produced
(a mapping from YAML or JSON, or one built from command-line options) and returns the domain
value with every problem found, each located by its field (see :mod:`newswatch.core.problems`).
``validate_*`` is the same, raising :class:`InvalidInput` when there are errors.
``check_catalog`` validates a whole catalogue, with the checks across entries (duplicates,
subscriptions naming unknown topics).
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from newswatch.core.catalog import DEFAULT_INTERVAL, Catalog, Feed, Subscription, Topic
from newswatch.core.channels import (
    SECRET_PREFIX,
    WEBHOOK,
    channel_kind,
    channel_problem,
    redact_channel,
    secret_problem,
)
from newswatch.core.delivery import parse_quiet_hours, parse_schedule, zone
from newswatch.core.errors import InvalidURLError, QueryError
from newswatch.core.problems import InvalidInput, Loc, Problem, describe, did_you_mean, errors
from newswatch.core.query import parse_query
from newswatch.core.urls import canonical_url

T = TypeVar("T")

# -- intervals -----------------------------------------------------------------------------

MIN_INTERVAL = 30  # seconds; polling a feed more often is rude and rarely useful
MAX_INTERVAL = 7 * 24 * 3600
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL_RE = re.compile(r"(?:\d+[smhd])+")
_INTERVAL_PART_RE = re.compile(r"(\d+)([smhd])")
_INTERVAL_FORMS = 'an integer number of seconds or a duration like "90s", "15m", "2h", "1h30m"'


def parse_interval(value: object) -> int:
    """Seconds from an integer (seconds) or a duration string ("90s", "15m", "2h", "1h30m").

    Raises ValueError saying what was given and what is accepted, including the bounds
    (MIN_INTERVAL..MAX_INTERVAL)."""
    if isinstance(value, bool):  # bool is an int in Python; `interval: yes` is a mistake
        raise ValueError(f"interval must be {_INTERVAL_FORMS}, got a boolean")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str):
        text = value.strip().lower()
        if text.isdigit() and len(text) < 12:
            seconds = int(text)
        elif len(text) < 40 and _INTERVAL_RE.fullmatch(text):
            seconds = sum(
                int(n) * _UNIT_SECONDS[unit] for n, unit in _INTERVAL_PART_RE.findall(text)
            )
        else:
            raise ValueError(f"interval must be {_INTERVAL_FORMS}, got {value[:40]!r}")
    else:
        raise ValueError(f"interval must be {_INTERVAL_FORMS}, got {type(value).__name__}")
    if seconds < MIN_INTERVAL:
        raise ValueError(
            f"interval of {seconds}s is too short: the minimum is {MIN_INTERVAL}s "
            "(polling more often burdens the publisher)"
        )
    if seconds > MAX_INTERVAL:
        raise ValueError(
            f"interval of {format_interval(seconds)} is too long: the maximum is "
            f"{format_interval(MAX_INTERVAL)}"
        )
    return seconds


def format_interval(seconds: int) -> str:
    """The shortest duration string for ``seconds`` ("15m", "1h30m", "90s" stays "1m30s")."""
    parts = []
    rest = seconds
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts) or "0s"


# -- identifiers and URLs ----------------------------------------------------------------------

NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
NAME_RULE = (
    "use 1-64 characters from a-z, 0-9, '_' and '-', starting with a letter or digit "
    "(names appear in URLs and as metric labels)"
)
MAX_URL_CHARS = 2048
MAX_FEED_NAME_CHARS = 200
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def feed_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a feed URL (None when it can): http(s) with a host."""
    if not url.strip():
        return "the URL is empty"
    if url != url.strip() or any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return "the URL contains whitespace or control characters"
    if len(url) > MAX_URL_CHARS:
        return f"the URL is longer than {MAX_URL_CHARS} characters"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"the URL does not parse ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        got = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        return f"must be an http:// or https:// URL, got {got}"
    if not parts.hostname:
        return "the URL has no host"
    return None


def local_address_kind(url: str) -> str | None:
    """ "loopback" or "private" when the URL's host is written as such an address (or is
    ``localhost``): newswatch refuses to fetch those unless ``allow_private_networks`` is set.
    Names that resolve there are only found when fetched."""
    host = (urllib.parse.urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback:
        return "loopback"
    if address.is_private or address.is_link_local or address.is_unspecified:
        return "private"
    return None


def feed_identity(url: str) -> str:
    """Two spellings of one feed URL (host case, default port, tracking parameters) are one."""
    try:
        return canonical_url(url)
    except InvalidURLError:
        return url


# -- checking fields ---------------------------------------------------------------------------


class _Bad(Exception):
    """A field value refused: the message, and where in the value when it has a position."""

    def __init__(self, message: str, *, position: int | None = None, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.position = position
        self.hint = hint


Check = Callable[[Any], Any]


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise _Bad(f"expected a string, got {describe(value)}")
    return value


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"expected true or false, got {describe(value)}")
    return value


def _list_of(check: Check, *, min_items: int = 0, max_items: int = 1000) -> Check:
    """A list whose items pass ``check``; an item's problem is located at its index."""

    def checked(value: object) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise _Bad(f"expected a list, got {describe(value)}")
        if len(value) < min_items:
            raise _Bad("must not be empty")
        if len(value) > max_items:
            raise _Bad(f"at most {max_items} entries, got {len(value)}")
        items, problems = [], []
        for index, item in enumerate(value):
            try:
                items.append(check(item))
            except _Bad as bad:
                problems.append(_problem((index,), bad))
        if problems:
            raise _Nested(problems)
        return tuple(items)

    return checked


class _Nested(Exception):
    """Problems of the items of a list field (each already located within the field)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


def _problem(loc: Loc, bad: _Bad) -> Problem:
    return Problem(loc, bad.message, position=bad.position, hint=bad.hint)


_MISSING = object()


def _fields(
    raw: object, spec: Mapping[str, tuple[Check, object]]
) -> tuple[dict[str, Any], list[Problem]]:
    """Check ``raw`` against ``spec`` (field name -> (check, default; _MISSING: required)).
    Returns the checked values (absent optional fields left out) and every problem."""
    if not isinstance(raw, Mapping):
        return {}, [
            Problem((), f"expected a mapping with keys {', '.join(spec)}, got {describe(raw)}")
        ]
    problems: list[Problem] = []
    for key in raw:
        if not isinstance(key, str):
            problems.append(Problem((str(key),), f"keys must be strings, got {describe(key)}"))
        elif key not in spec:
            allowed = ", ".join(spec)
            problems.append(
                Problem(
                    (key,), f"unknown key {key!r}{did_you_mean(key, spec)}; allowed here: {allowed}"
                )
            )
    values: dict[str, Any] = {}
    for name, (check, default) in spec.items():
        if name not in raw:
            if default is _MISSING:
                problems.append(Problem((name,), "required key is missing"))
            continue
        try:
            values[name] = check(raw[name])
        except _Bad as bad:
            problems.append(_problem((name,), bad))
        except _Nested as nested:
            problems.extend(p.within(name) for p in nested.problems)
    problems.sort(
        key=lambda p: list(spec).index(str(p.loc[0])) if p.loc and p.loc[0] in spec else -1
    )
    return values, problems


def _result(build: Callable[[], T], problems: list[Problem]) -> tuple[T | None, list[Problem]]:
    if errors(problems):
        return None, problems
    return build(), problems


def _raise_on_errors(result: tuple[T | None, list[Problem]]) -> T:
    value, problems = result
    if value is None or errors(problems):
        raise InvalidInput(errors(problems))
    return value


# -- feeds -------------------------------------------------------------------------------------


def _feed_url(value: object) -> str:
    url = _string(value)
    problem = feed_url_problem(url)
    if problem:
        raise _Bad(f"{problem}: {url[:200]!r}")
    return url


def _feed_name(value: object) -> str:
    name = _string(value).strip()
    if len(name) > MAX_FEED_NAME_CHARS:
        raise _Bad(f"a feed name is at most {MAX_FEED_NAME_CHARS} characters, got {len(name)}")
    if _CONTROL_RE.search(name):
        raise _Bad("a feed name cannot contain control characters")
    return name


def _interval(value: object) -> int | None:
    if value is None:
        return None
    try:
        return parse_interval(value)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


FEED_FIELDS: dict[str, tuple[Check, object]] = {
    "url": (_feed_url, _MISSING),
    "name": (_feed_name, ""),
    "interval": (_interval, DEFAULT_INTERVAL),
    "fetch_pages": (_boolean, True),
}


def check_feed(raw: object) -> tuple[Feed | None, list[Problem]]:
    """A feed from its fields (url, name, interval, fetch_pages), with every problem, and a
    warning when its URL is on the local network (fetched only with allow_private_networks)."""
    values, problems = _fields(raw, FEED_FIELDS)
    url = values.get("url")
    if url and (where := local_address_kind(url)):
        problems.append(
            Problem(
                ("url",),
                f"{url[:200]!r} is a {where} address: newswatch refuses to fetch it unless "
                "the allow_private_networks setting is true",
                severity="warning",
            )
        )
    return _result(lambda: Feed(**values), problems)


def validate_feed(raw: object) -> Feed:
    return _raise_on_errors(check_feed(raw))


# -- topics ------------------------------------------------------------------------------------

# A pack entry a topic refers to (``pack: NAME``): its query and languages, or None when
# there is no such entry. Packs are resolved at validation, so stored topics carry the query
# (shown by the API); the worker matches with the pack's query of the day
# (newswatch.core.pack.matcher_query), so an upgraded pack reaches stored topics.
PackLookup = Callable[[str], tuple[str, tuple[str, ...]] | None]


def _name(kind: str) -> Check:
    def checked(value: object) -> str:
        name = _string(value)
        if not NAME_RE.fullmatch(name):
            raise _Bad(f"{kind} name {name[:80]!r} is not allowed: {NAME_RULE}")
        return name

    return checked


def _query(value: object) -> str:
    query = _string(value)
    try:
        parse_query(query)
    except QueryError as exc:
        raise _Bad(str(exc), position=exc.position, hint=exc.hint) from None
    return query


def _language(value: object) -> str:
    code = _string(value).strip().lower()
    if not _LANGUAGE_RE.fullmatch(code):
        raise _Bad(
            f"not a language code: {code[:20]!r} "
            "(use two-letter ISO 639-1 codes such as 'en', 'fr', 'es')"
        )
    return code


TOPIC_FIELDS: dict[str, tuple[Check, object]] = {
    "name": (_name("topic"), _MISSING),
    "query": (_query, _MISSING),
    "languages": (_list_of(_language, max_items=200), ()),
}


def check_topic(
    raw: object, *, packs: PackLookup | None = None
) -> tuple[Topic | None, list[Problem]]:
    """A topic from its fields (name, query, languages; ``pack`` when ``packs`` is given),
    with every problem."""
    spec = dict(TOPIC_FIELDS)
    if packs is not None:
        spec["pack"] = (_name("pack"), "")
        if isinstance(raw, Mapping) and "pack" in raw:
            spec["query"] = (_query, "")  # the pack supplies it
    values, problems = _fields(raw, spec)
    pack = values.get("pack", "")
    if pack and packs is not None:
        entry = packs(pack)
        if entry is None:
            problems.append(Problem(("pack",), f"no topic {pack!r} in the topic pack"))
        else:
            query, languages = entry
            if values.get("query"):
                # the worker matches a pack topic with the pack's query of the day: a query
                # written beside it would be shown but never used
                problems.append(
                    Problem(("query",), "give either query or pack, not both (the pack topic "
                            "carries its own query)")
                )  # fmt: skip
            values["query"] = query
            values.setdefault("languages", languages)
    return _result(lambda: Topic(**values), problems)


def validate_topic(raw: object, *, packs: PackLookup | None = None) -> Topic:
    return _raise_on_errors(check_topic(raw, packs=packs))


# -- subscriptions -----------------------------------------------------------------------------

MODES = ("instant", "digest")
MAX_SOURCES = 10_000
MAX_PER_HOUR = 3600

# Whether the delivery tier can send to an apprise URL (None: it can; else why not). The
# catalogue's writers pass the delivery tier's check (apprise is no part of the pure core);
# without one, channels get the checks of their form only.
ChannelCheck = Callable[[str], str | None]


def _mode(value: object) -> str:
    mode = _string(value)
    if mode not in MODES:
        raise _Bad(f"mode must be {' or '.join(map(repr, MODES))}, got {mode[:40]!r}")
    return mode


def _channel(check: ChannelCheck | None) -> Check:
    def checked(value: object) -> str:
        url = _string(value)
        problem = channel_problem(url)
        if problem is None and check is not None and channel_kind(url) != WEBHOOK:
            problem = check(url)
        if problem:
            raise _Bad(f"{problem}: {redact_channel(url)}")
        return url

    return checked


def _count(low: int, high: int, what: str) -> Check:
    def checked(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad(f"expected a whole number, got {describe(value)}")
        if not low <= value <= high:
            raise _Bad(f"{what} is {low} to {high}, got {value}")
        return value

    return checked


def _parsed(parse: Callable[[str], object]) -> Check:
    def checked(value: object) -> str:
        text = _string(value).strip()
        try:
            parse(text)
        except ValueError as exc:
            raise _Bad(str(exc)) from None
        return text

    return checked


def _secret(value: object) -> str:
    secret = _string(value)
    problem = secret_problem(secret)
    if problem:
        raise _Bad(problem)
    return secret


def _subscription_fields(channels: ChannelCheck | None) -> dict[str, tuple[Check, object]]:
    return {
        "name": (_name("subscription"), _MISSING),
        "topics": (_list_of(_string, min_items=1, max_items=10_000), _MISSING),
        "channels": (_list_of(_channel(channels), max_items=100), ()),
        "mode": (_mode, "instant"),
        "digest": (_parsed(lambda text: parse_schedule(text, parse_interval)), ""),
        "timezone": (_parsed(zone), "UTC"),
        "quiet_hours": (_parsed(parse_quiet_hours), ""),
        "urgent_topics": (_list_of(_string, max_items=10_000), ()),
        "max_per_hour": (_count(0, MAX_PER_HOUR, "max_per_hour (0: no cap)"), 0),
        "min_sources": (_count(1, MAX_SOURCES, "min_sources"), 1),
        "notify_at_sources": (_count(0, MAX_SOURCES, "notify_at_sources (0: never)"), 0),
        "webhook_secrets": (_list_of(_secret, max_items=2), ()),
    }


SUBSCRIPTION_FIELDS = _subscription_fields(None)


def check_subscription(
    raw: object, *, channels: ChannelCheck | None = None
) -> tuple[Subscription | None, list[Problem]]:
    """A subscription from its fields (see :class:`Subscription`), with every problem,
    including the fields that only make sense together. Whether its topics exist is a
    question for the whole catalogue: see :func:`unknown_topics`."""
    values, problems = _fields(raw, _subscription_fields(channels))
    problems.extend(_subscription_consistency(values, raw))
    return _result(lambda: Subscription(**values), problems)


def _subscription_consistency(values: Mapping[str, Any], raw: object) -> Iterator[Problem]:
    given = raw if isinstance(raw, Mapping) else {}
    mode = values.get("mode", "instant")
    if mode == "digest" and not values.get("digest") and "digest" not in given:
        yield Problem(
            ("digest",),
            'a digest subscription needs a schedule: an interval ("1d", "6h") or a cron '
            'expression ("0 8 * * 1-5")',
        )
    if mode != "digest" and values.get("digest"):
        yield Problem(("digest",), 'a digest schedule only applies with mode: "digest"')
    if values.get("urgent_topics") and not values.get("quiet_hours"):
        yield Problem(("urgent_topics",), "urgent topics bypass quiet hours: set quiet_hours too")
    topics = set(values.get("topics", ()))
    for index, topic in enumerate(values.get("urgent_topics", ())):
        if topics and topic not in topics:
            yield Problem(
                ("urgent_topics", index),
                f"{topic!r} is not one of this subscription's topics{did_you_mean(topic, topics)}",
            )
    crossing = values.get("notify_at_sources", 0)
    if crossing and crossing <= values.get("min_sources", 1):
        yield Problem(
            ("notify_at_sources",),
            f"notify_at_sources ({crossing}) must be above min_sources "
            f"({values.get('min_sources', 1)}): a story is first sent at min_sources",
        )
    urls = values.get("channels", ())
    webhooks = [url for url in urls if channel_kind(url) == WEBHOOK]
    if webhooks and not values.get("webhook_secrets") and "webhook_secrets" not in given:
        yield Problem(
            ("webhook_secrets",),
            "webhook channels are signed: give one secret (two while rotating)",
            hint=f"make one with: echo {SECRET_PREFIX}$(openssl rand -base64 32)",
        )
    if values.get("webhook_secrets") and not webhooks:
        yield Problem(("webhook_secrets",), "webhook secrets are only used by https:// channels")
    for index, _, first in _first_of(list(urls)):
        yield Problem(("channels", index), f"the same channel as channels[{first}]")


def validate_subscription(raw: object, *, channels: ChannelCheck | None = None) -> Subscription:
    return _raise_on_errors(check_subscription(raw, channels=channels))


def unknown_topics(
    subscription: Subscription, known: Sequence[str], *, listed_as: str = "known topics are"
) -> list[Problem]:
    """A problem for each topic the subscription names that is not in ``known``."""
    known_set = set(known)
    shown = sorted(known_set)
    listing = ", ".join(shown[:30]) + (f" and {len(shown) - 30} more" if len(shown) > 30 else "")
    problems = []
    for position, topic in enumerate(subscription.topics):
        if topic in known_set:
            continue
        message = f"unknown topic {topic!r}{did_you_mean(topic, shown)}"
        message += f"; {listed_as} {listing}" if shown else "; no topics are defined"
        problems.append(Problem(("topics", position), message))
    return problems


def as_input(item: Feed | Topic | Subscription) -> dict[str, Any]:
    """The fields that validate back into ``item`` (for a change that keeps what it does not
    give)."""
    data = item.to_dict()
    if isinstance(item, Topic):
        # a pack topic is given by its reference, its query comes from the pack
        data.pop("query" if item.pack else "pack")
    return data


# -- a whole catalogue -------------------------------------------------------------------------

SECTIONS = ("feeds", "topics", "subscriptions")


def check_catalog(
    raw: Mapping[str, Any],
    *,
    packs: PackLookup | None = None,
    channels: ChannelCheck | None = None,
) -> tuple[Catalog | None, list[Problem]]:
    """Validate the ``feeds``, ``topics`` and ``subscriptions`` lists of ``raw`` (other keys
    are the caller's), each entry on its own and then across entries. One bad entry never
    hides the problems of another."""
    problems: list[Problem] = []
    checked: dict[str, list[Any]] = {}
    checks: dict[str, Callable[[object], tuple[Any, list[Problem]]]] = {
        "feeds": check_feed,
        "topics": lambda raw: check_topic(raw, packs=packs),
        "subscriptions": lambda raw: check_subscription(raw, channels=channels),
    }
    for section in SECTIONS:
        entries = raw.get(section, [])
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            problems.append(Problem((section,), f"expected a list, got {describe(entries)}"))
            checked[section] = []
            continue
        items = []
        for index, entry in enumerate(entries):
            item, found = checks[section](entry)
            problems.extend(p.within(section, index) for p in found)
            items.append(item)
        checked[section] = items
    problems.extend(_across_entries(raw, checked))
    catalog = Catalog(
        feeds=tuple(f for f in checked["feeds"] if f is not None),
        topics=tuple(t for t in checked["topics"] if t is not None),
        subscriptions=tuple(s for s in checked["subscriptions"] if s is not None),
    )
    return _result(lambda: catalog, problems)


def validate_catalog(
    raw: Mapping[str, Any],
    *,
    packs: PackLookup | None = None,
    channels: ChannelCheck | None = None,
) -> Catalog:
    return _raise_on_errors(check_catalog(raw, packs=packs, channels=channels))


def _first_of(values: Sequence[str | None]) -> Iterator[tuple[int, str, int]]:
    """(index, value, index of its first occurrence) for each repeated value."""
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if value is not None:
            earlier = first.setdefault(value, index)
            if earlier != index:
                yield index, value, earlier


def _raw_names(raw: Mapping[str, Any], section: str, field: str) -> list[str | None]:
    """The ``field`` of each entry of a section as written, where it is a string: a name that
    fails its own rules still collides with its twin."""
    entries = raw.get(section)
    if not isinstance(entries, list):
        return []
    return [
        e.get(field) if isinstance(e, Mapping) and isinstance(e.get(field), str) else None
        for e in entries
    ]


def _across_entries(raw: Mapping[str, Any], checked: Mapping[str, list[Any]]) -> Iterator[Problem]:
    urls = [
        url if url is not None and feed_url_problem(url) is None else None
        for url in _raw_names(raw, "feeds", "url")
    ]
    identities = [feed_identity(url) if url is not None else None for url in urls]
    for index, _, first in _first_of(identities):
        yield Problem(
            ("feeds", index, "url"),
            f"duplicate feed URL {urls[index]!r}: the same feed as {{ref}}; "
            "each feed is polled once, so list it once",
            ref=("feeds", first),
        )
    for index, name, first in _first_of(_raw_names(raw, "topics", "name")):
        yield Problem(
            ("topics", index, "name"),
            f"duplicate topic name {name!r}: already used by {{ref}}; "
            "alerts are filed by topic name, so names must be unique",
            ref=("topics", first),
        )
    for index, name, first in _first_of(_raw_names(raw, "subscriptions", "name")):
        yield Problem(
            ("subscriptions", index, "name"),
            f"duplicate subscription name {name!r}: already used by {{ref}}",
            ref=("subscriptions", first),
        )
    if not isinstance(raw.get("topics", []), list | None):
        return  # the topics are unknown: do not call every subscription's topics unknown
    names = [n for n in _raw_names(raw, "topics", "name") if n is not None]
    for index, subscription in enumerate(checked["subscriptions"]):
        if subscription is not None:
            for problem in unknown_topics(
                subscription, names, listed_as="topics defined under topics: are"
            ):
                yield problem.within("subscriptions", index)
