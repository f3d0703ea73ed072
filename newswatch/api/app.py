"""The HTTP API application: JSON over Starlette, one Redis client for all requests.

Endpoints are plain functions, so Starlette runs them in its thread pool and the blocking Redis
client never stalls the event loop.
"""

from __future__ import annotations

import redis
from starlette.applications import Starlette
from starlette.exceptions import HTTPException

from newswatch.api import errors, routes_alerts, routes_catalog, routes_ops
from newswatch.config import Settings
from newswatch.core.errors import ConfigError
from newswatch.store.alerts import AlertStore


def create_app(client: redis.Redis, *, settings: Settings) -> Starlette:
    app = Starlette(
        routes=[*routes_ops.routes, *routes_alerts.routes, *routes_catalog.routes],
        exception_handlers={
            errors.ApiError: errors.api_error,
            HTTPException: errors.http_error,
            redis.RedisError: errors.redis_error,
            ConfigError: errors.stored_config_error,
            Exception: errors.internal_error,
        },
    )
    app.state.redis = client
    app.state.settings = settings
    app.state.alerts = AlertStore(client, maxlen=settings.alert_stream_maxlen)
    return app
