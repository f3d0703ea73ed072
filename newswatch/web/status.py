"""The status page: what ``newswatch status`` prints, from the same reading of Redis as the
state gauges of ``/metrics`` (:mod:`newswatch.census`): processes alive, the queue, feeds by
health, the last hour's throughput and publish -> alert latency; the counters since start
from this process's metrics exposition; a link to Grafana when ``grafana_url`` is set."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from newswatch import metrics
from newswatch.status import collect, since_start
from newswatch.web.security import require_reader
from newswatch.web.templating import render


def status_page(request: Request) -> Response:
    require_reader(request)
    status = collect(request.app.state.redis, time.time(), metrics_url=None)
    body, _ = metrics.render_latest()
    started = since_start(body.decode("utf-8", errors="replace"))
    return render(
        request,
        "status.html",
        title="Status",
        state=status,
        census=status.census,
        hour=status.hour,
        since=started,
        grafana_url=request.app.state.settings.grafana_url,
    )


routes = [Route("/status", status_page, methods=["GET"])]
