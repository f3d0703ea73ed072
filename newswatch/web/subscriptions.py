"""The subscriptions page: the list (channels redacted), the recent deliveries and the dead
letters with a replay button; a form to create or change a subscription (through the
catalogue's one validation, channels checked as a file's are) and to send a test through
its channels."""

from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newswatch.api.routes_deliveries import view as delivery_view
from newswatch.core.catalog import Subscription
from newswatch.core.errors import ConflictError, NotFoundError
from newswatch.core.problems import InvalidInput, Problem
from newswatch.core.validate import as_input, check_subscription
from newswatch.delivery.senders import Senders, apprise_problem
from newswatch.store.catalog import CatalogStore, Entry
from newswatch.store.deliveries import DeliveryStore
from newswatch.web.security import PageError, change_form, done, require_reader, require_writer
from newswatch.web.templating import render

ORIGIN = "web"
SHOWN = 50
MAX_FIELD_CHARS = 4000
MAX_CHANNELS = 20


def _text(form: Any, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _catalog(request: Request) -> CatalogStore:
    return CatalogStore(request.app.state.redis)


def subscriptions_page(
    request: Request, *, results: list[dict[str, Any]] | None = None
) -> Response:
    require_reader(request)
    entries = sorted(_catalog(request).entries("subscription"), key=lambda e: e.item.key)
    store = DeliveryStore(request.app.state.redis)
    return render(
        request,
        "subscriptions.html",
        title="Subscriptions",
        subscriptions=[{**e.item.public_dict(), "origin": e.origin} for e in entries],
        deliveries=[delivery_view(d) for d in store.recent(limit=SHOWN)],
        dead=[delivery_view(d) for d in store.dead_letters(limit=SHOWN)],
        dead_count=store.dead_count(),
        disabled=sorted(store.disabled()),
        results=results or [],
        notice=request.query_params.get("notice", "")[:200],
    )


def list_subscriptions(request: Request) -> Response:
    return subscriptions_page(request)


def _editor(
    request: Request,
    *,
    values: dict[str, Any],
    existing: Entry[Any] | None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    topics = sorted(t.name for t in _catalog(request).topics())
    return render(
        request,
        "subscription_edit.html",
        status=status,
        title=f"Subscription {values.get('name', '')}" if existing else "New subscription",
        values=values,
        existing=existing is not None,
        shown_channels=existing.item.public_dict()["channels"] if existing else [],
        topics=topics,
        problems=[p.text() if not p.loc else f"{p.loc[0]}: {p.text()}" for p in problems or []],
    )


def new_subscription(request: Request) -> Response:
    require_writer(request)
    return _editor(request, values={"name": "", "topics": [], "mode": "instant"}, existing=None)


def _find(request: Request, name: str) -> Entry[Any]:
    try:
        return _catalog(request).find("subscription", name)
    except NotFoundError as exc:
        raise PageError(404, exc.message) from None


def edit_subscription(request: Request) -> Response:
    require_writer(request)
    entry = _find(request, request.path_params["name"])
    values = as_input(entry.item)
    values.pop("channels", None)  # never shown whole: they carry credentials
    values.pop("webhook_secrets", None)
    return _editor(request, values=values, existing=entry)


def _submitted(form: Any, before: Subscription | None) -> dict[str, Any]:
    """The subscription's fields from the form; channels and webhook secrets left empty
    keep the current ones (the page never shows them whole)."""
    values: dict[str, Any] = as_input(before) if before is not None else {}
    values["name"] = _text(form, "name")
    values["topics"] = [t for t in form.getlist("topics") if isinstance(t, str)][:200]
    values["mode"] = _text(form, "mode") or "instant"
    digest = _text(form, "digest")  # shown in the form: empty there means none
    values.pop("digest", None)
    if digest:
        values["digest"] = digest
    # fields the form does not show are kept; those left empty are not given at all
    for field in ("digest", "quiet_hours", "timezone"):
        if values.get(field) == "":
            values.pop(field)
    channels = [
        line.strip()
        for line in _text(form, "channels", MAX_FIELD_CHARS).splitlines()
        if line.strip()
    ]
    if channels or before is None:
        values["channels"] = channels[:MAX_CHANNELS]
    secret = _text(form, "webhook_secret", 500)
    if secret:
        values["webhook_secrets"] = [secret]
    min_sources = _text(form, "min_sources")
    if min_sources:
        values["min_sources"] = int(min_sources) if min_sources.isdigit() else min_sources
    return values


async def save_subscription(request: Request) -> Response:
    form = await change_form(request)
    name = _text(form, "name")
    existing = _text(form, "existing") == "1"
    before = _find(request, name) if existing else None
    values = _submitted(form, before.item if before else None)
    item, problems = check_subscription(values, channels=apprise_problem)
    errors = [p for p in problems if p.severity == "error"]
    shown = {k: v for k, v in values.items() if k not in ("channels", "webhook_secrets")}
    if item is None or errors:
        return _editor(request, values=shown, existing=before, problems=errors, status=422)
    catalog = _catalog(request)
    try:
        if before is None:
            await run_in_threadpool(catalog.add, item, origin=ORIGIN)
        else:
            await run_in_threadpool(catalog.put, item, origin=ORIGIN)
    except InvalidInput as exc:
        return _editor(request, values=shown, existing=before, problems=list(exc.problems),
                       status=422)  # fmt: skip
    except ConflictError as exc:
        clash = [Problem(("name",), exc.message)]
        return _editor(request, values=shown, existing=before, problems=clash, status=409)
    return done("/subscriptions", f"Saved {item.name}")


async def remove_subscription(request: Request) -> Response:
    await change_form(request)
    entry = _find(request, request.path_params["name"])
    _catalog(request).remove("subscription", entry.item.key)
    return done("/subscriptions", f"Removed {entry.item.name}")


async def send_test(request: Request) -> Response:
    """A sample alert through every channel now; the outcomes shown on the page."""
    from newswatch.deliveries_cli import test_channels

    await change_form(request)
    subscription: Subscription = _find(request, request.path_params["name"]).item
    if not subscription.channels:
        return done("/subscriptions", f"{subscription.name} has no channels: nothing to test")
    senders = Senders.from_settings(request.app.state.settings)
    try:
        outcomes = await run_in_threadpool(test_channels, subscription, senders, now=time.time())
    finally:
        senders.close()
    results = [
        {
            "subscription": subscription.name,
            "channel": shown,
            "ok": sent.ok,
            "detail": "" if sent.ok else f"{sent.reason}: {sent.detail}",
        }
        for shown, sent in outcomes
    ]
    return subscriptions_page(request, results=results)


async def replay(request: Request) -> Response:
    form = await change_form(request)
    store = DeliveryStore(request.app.state.redis)
    delivery_id = _text(form, "id", 100)
    try:
        delivery = store.replay(delivery_id, now=time.time())
    except NotFoundError as exc:
        raise PageError(404, exc.message) from None
    store.enable(delivery.channel)
    return done("/subscriptions", f"Replaying {delivery.id}")


routes = [
    Route("/subscriptions", list_subscriptions, methods=["GET"]),
    Route("/subscriptions/new", new_subscription, methods=["GET"]),
    Route("/subscriptions/save", save_subscription, methods=["POST"]),
    Route("/subscriptions/replay", replay, methods=["POST"]),
    Route("/subscriptions/{name}", edit_subscription, methods=["GET"]),
    Route("/subscriptions/{name}/remove", remove_subscription, methods=["POST"]),
    Route("/subscriptions/{name}/test", send_test, methods=["POST"]),
]
