"""`newswatch subscriptions test NAME` and `newswatch deliveries list|dead|replay ID`.

Channel URLs carry credentials: every line printed here names a channel redacted."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import redis
import typer

from newswatch.core.catalog import Subscription
from newswatch.core.channels import channel_id, redact_channel
from newswatch.core.errors import NotFoundError
from newswatch.core.times import iso_from_unix
from newswatch.delivery import content
from newswatch.delivery.senders import Senders, Sent
from newswatch.runtime import DataDir, find_instance
from newswatch.store.catalog import CatalogStore
from newswatch.store.connection import connect
from newswatch.store.deliveries import MAX_LIST, Delivery, DeliveryStore

subscriptions_app = typer.Typer(help="Subscriptions: who is told about which topics, and how.")
deliveries_app = typer.Typer(help="Deliveries: what was sent, what failed, replaying it.")

AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
Limit = Annotated[
    int, typer.Option(min=1, max=MAX_LIST, help=f"How many, newest first (1 to {MAX_LIST}).")
]


def test_channels(
    subscription: Subscription, senders: Senders, *, now: float
) -> list[tuple[str, Sent]]:
    """Send a sample alert through every channel of ``subscription`` now, whatever its mode
    and quiet hours; (redacted channel, outcome) for each."""
    sample = content.sample_alert(subscription.topics[0], now)
    results = []
    for url in subscription.channels:
        test_id = f"test-{channel_id(subscription.name, url)}-{int(now)}"
        message, payload = content.build(
            delivery_id=test_id,
            kind="test",
            subscription=subscription.name,
            note="test",
            alerts=[sample],
        )
        sent = senders.send(
            url,
            msg_id=f"msg_{test_id}",
            message=message,
            payload=payload,
            secrets=subscription.webhook_secrets,
        )
        results.append((redact_channel(url), sent))
    return results


@subscriptions_app.command("test")
def test_command(
    name: Annotated[str, typer.Argument(help="The subscription's name.")],
    data_dir: DataDir = None,
) -> None:
    """Send a sample alert through every channel of NAME now and report each outcome (exit 1
    when one failed)."""
    runtime = find_instance("newswatch subscriptions test", data_dir=data_dir)
    client = connect(runtime.redis_url, socket_timeout=10)
    try:
        entry = CatalogStore(client).find("subscription", name)
    except NotFoundError as exc:
        print(f"newswatch subscriptions test: {exc.message}", file=sys.stderr)
        raise typer.Exit(2) from None
    finally:
        client.close()
    subscription: Subscription = entry.item
    if not subscription.channels:
        print(f"subscription {name!r} has no channels: nothing to test", file=sys.stderr)
        raise typer.Exit(2)
    senders = Senders.from_settings(runtime.settings)
    try:
        results = test_channels(subscription, senders, now=time.time())
    finally:
        senders.close()
    for shown, sent in results:
        outcome = "ok" if sent.ok else f"FAILED ({sent.reason}): {sent.detail}"
        print(f"{shown}: {outcome}")
    raise typer.Exit(0 if all(sent.ok for _, sent in results) else 1)


def _view(delivery: Delivery) -> dict[str, Any]:
    data = delivery.to_dict()
    for name in ("created_at", "alert_at", "next_at", "sent_at"):
        data[name] = iso_from_unix(data[name]) if data[name] else None
    return data


def _line(delivery: Delivery) -> str:
    when = iso_from_unix(delivery.sent_at or delivery.next_at or delivery.created_at)
    line = (
        f"{delivery.id}  {delivery.status:<7} {delivery.kind:<6} {delivery.subscription} "
        f"-> {delivery.channel_kind} {delivery.channel}  attempts {delivery.attempts}  {when}"
    )
    if delivery.status != "sent" and delivery.last_error:
        line += f"\n    {delivery.reason}: {delivery.last_error}"
    return line


def _print(deliveries: list[Delivery], as_json: bool, *, empty: str) -> None:
    """One line per delivery; ``empty`` for none (not in JSON lines, where no line is the
    empty list)."""
    for delivery in deliveries:
        print(json.dumps(_view(delivery)) if as_json else _line(delivery))
    if not deliveries and not as_json:
        print(empty)


def _store(program: str, data_dir: Path | None) -> tuple[redis.Redis, DeliveryStore]:
    client = connect(find_instance(program, data_dir=data_dir).redis_url, socket_timeout=10)
    return client, DeliveryStore(client)


@deliveries_app.command("list")
def list_command(data_dir: DataDir = None, as_json: AsJson = False, limit: Limit = 50) -> None:
    """Recent deliveries, newest first: status, attempts, the last error (or "no deliveries
    yet")."""
    client, store = _store("newswatch deliveries list", data_dir)
    with client:
        _print(store.recent(limit=limit), as_json, empty="no deliveries yet")


@deliveries_app.command("dead")
def dead_command(data_dir: DataDir = None, as_json: AsJson = False, limit: Limit = 50) -> None:
    """The dead-letter list (deliveries that failed for good), then the disabled channels (or
    "no dead letters")."""
    client, store = _store("newswatch deliveries dead", data_dir)
    with client:
        disabled = store.disabled()
        none = "no dead letters" + ("" if disabled else " and no disabled channels")
        _print(store.dead_letters(limit=limit), as_json, empty=none)
        for channel, why in sorted(disabled.items()):
            if as_json:
                print(json.dumps({"disabled_channel": channel, **why}))
            else:
                print(f"channel {channel} of {why.get('subscription')} disabled: {why.get('why')}")


@deliveries_app.command("replay")
def replay_command(
    delivery_id: Annotated[str, typer.Argument(metavar="ID", help="A dead letter's id.")],
    data_dir: DataDir = None,
) -> None:
    """Send a dead letter again, from its first attempt (its channel is enabled again)."""
    client, store = _store("newswatch deliveries replay", data_dir)
    with client:
        try:
            delivery = store.replay(delivery_id, now=time.time())
        except NotFoundError as exc:
            print(f"newswatch deliveries replay: {exc.message}", file=sys.stderr)
            raise typer.Exit(2) from None
        if store.enable(delivery.channel):
            print(f"channel {delivery.channel} enabled again")
        print(f"delivery {delivery.id} queued again")
