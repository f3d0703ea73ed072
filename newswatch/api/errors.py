"""JSON errors: every failure the API answers is ``{"error": "..."}`` with a fitting status."""

from __future__ import annotations

import redis
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from newswatch.core.errors import ConfigError, ConflictError, NotFoundError
from newswatch.core.problems import InvalidInput, loc_path
from newswatch.logs import get_logger

log = get_logger("newswatch.api")


class ApiError(Exception):
    """A request the API refuses, with the status and the message to send."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def json_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return json_error(exc.status, exc.message)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown route, wrong method) as JSON."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"not found: {request.url.path}"
    elif exc.status_code == 405:
        message = f"method {request.method} not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)


async def invalid_input(request: Request, exc: Exception) -> Response:
    """422 naming every field at fault, with the position in a query and a hint: the same
    problems `newswatch check` prints for a file."""
    assert isinstance(exc, InvalidInput)
    what = exc.what
    summary = "; ".join(f"{loc_path(p.loc) or 'body'}: {p.text()}" for p in exc.problems)
    return JSONResponse(
        {
            "error": f"invalid {what + ': ' if what else ''}{summary}",
            "problems": [problem.to_dict() for problem in exc.problems],
        },
        status_code=422,
    )


async def not_found(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotFoundError)
    return json_error(404, exc.message)


async def conflict(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConflictError)
    return json_error(409, exc.message)


async def redis_error(request: Request, exc: Exception) -> Response:
    """Redis down or misbehaving: 503 with the reason, never a traceback."""
    log.warning("redis error", path=request.url.path, error=str(exc))
    kind = (
        "unreachable" if isinstance(exc, redis.ConnectionError | redis.TimeoutError) else "failed"
    )
    return json_error(503, f"Redis {kind}: {exc}")


async def stored_config_error(request: Request, exc: Exception) -> Response:
    """The configuration published in Redis does not validate: say so, and what to do."""
    assert isinstance(exc, ConfigError)
    log.error("invalid stored configuration", path=request.url.path, error=str(exc))
    return json_error(500, f"stored configuration is invalid: {exc.message}")


async def internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc=exc, path=request.url.path)
    return json_error(500, "internal server error")
