"""What an operator watches (DESIGN.md section 12): Prometheus metrics at `/metrics` and JSON
logs with `LMSDESK_LOG_FORMAT=json`.

Requests are labelled by their route's template (`/media/{asset_id}`, under the API prefix),
never the raw path, so ids cannot blow up the number of series. With `serve --workers N` every
worker writes its samples to PROMETHEUS_MULTIPROC_DIR and a scrape of any worker reports them
all.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("lmsdesk_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "lmsdesk_http_request_duration_seconds",
    "Time to answer an HTTP request (until the response starts)",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SYNC_PUSHED = Counter(
    "lmsdesk_sync_mutations_pushed", "Mutations received in sync pushes", ["result"]
)
SYNC_PULLS = Counter("lmsdesk_sync_pulls", "Sync pulls answered", ["page"])
WEBHOOKS = Counter("lmsdesk_webhooks", "Payment webhooks by outcome", ["outcome"])


class RequestMetrics:
    """Pure ASGI middleware: counts and times every request by route template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                LATENCY.labels(scope["method"], _route(scope)).observe(
                    time.perf_counter() - started
                )
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            REQUESTS.labels(scope["method"], _route(scope), str(status)).inc()


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


class QueueDepth(Collector):
    """Work waiting in PostgreSQL, read at scrape time (the same on every process)."""

    def __init__(self, depths: Callable[[], dict[str, int]]) -> None:
        self._depths = depths

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "lmsdesk_queue_depth", "Work waiting to be done, by queue", labels=["queue"]
        )
        try:
            for queue, depth in self._depths().items():
                family.add_metric([queue], depth)
        except Exception:  # a database outage must not break the scrape of everything else
            logging.getLogger(__name__).warning("queue depth unavailable", exc_info=True)
        yield family


def render_metrics(depths: Callable[[], dict[str, int]]) -> tuple[bytes, str]:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY  # this process's own samples (and the process metrics)
    scrape = CollectorRegistry()
    scrape.register(QueueDepth(depths))
    return generate_latest(registry) + generate_latest(scrape), CONTENT_TYPE_LATEST


def configure_logging(log_format: str, *, force: bool = False) -> None:
    """Plain lines for a terminal; one JSON object per line for a log pipeline. Leaves logging
    alone when something (a test runner, an embedding program) configured it already."""
    root = logging.getLogger()
    if root.handlers and not force:
        return
    handler = logging.StreamHandler()
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's own handlers would print plain lines beside ours: route them to the root.
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
