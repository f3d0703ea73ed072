"""The HTTP API application: JSON over Starlette, one Redis client for all requests.

Endpoints are plain functions, so Starlette runs them in its thread pool and the blocking Redis
client never stalls the event loop.
"""

from __future__ import annotations

import redis
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from newswatch.api import (
    errors,
    routes_alert_feeds,
    routes_alerts,
    routes_articles,
    routes_catalog,
    routes_deliveries,
    routes_ops,
    routes_records,
    routes_stories,
    routes_topic_trial,
)
from newswatch.api.auth import HOW_TO_SET, AccessMiddleware, AccessPolicy
from newswatch.config import Settings
from newswatch.core.errors import ConfigError, ConflictError, NotFoundError
from newswatch.core.problems import InvalidInput
from newswatch.store.alerts import AlertStore
from newswatch.web import app as web_app


def create_app(
    client: redis.Redis, *, settings: Settings, policy: AccessPolicy | None = None
) -> Starlette:
    """The application. ``policy`` says who may read and write (see
    :mod:`newswatch.api.auth`); without one, reads are open and writes refused."""
    policy = policy or AccessPolicy(None, reads_open=True, token_hint=HOW_TO_SET)
    app = Starlette(
        routes=[
            *web_app.routes(),  # first: "/" gives a browser the alerts page
            *routes_ops.routes,
            *routes_alerts.routes,
            *routes_articles.routes,
            *routes_records.routes,
            *routes_stories.routes,
            *routes_topic_trial.routes,  # before the catalogue's /api/topics/{ref}
            *routes_catalog.routes,
            *routes_alert_feeds.routes,
            *routes_deliveries.routes,
        ],
        middleware=[Middleware(AccessMiddleware, policy=policy)],
        exception_handlers={
            **web_app.EXCEPTION_HANDLERS,
            # on a web page the same refusals are an HTML page with the same message
            **web_app.pages_or_json(
                {
                    errors.ApiError: errors.api_error,
                    InvalidInput: errors.invalid_input,
                    NotFoundError: errors.not_found,
                    ConflictError: errors.conflict,
                    HTTPException: errors.http_error,
                    redis.RedisError: errors.redis_error,
                    ConfigError: errors.stored_config_error,
                    Exception: errors.internal_error,
                }
            ),
        },
    )
    app.state.redis = client
    app.state.settings = settings
    app.state.policy = policy
    app.state.alerts = AlertStore(client, maxlen=settings.alert_stream_maxlen)
    return app
