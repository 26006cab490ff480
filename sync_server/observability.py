"""Request ids, JSON access logs and Prometheus metrics, as one ASGI middleware."""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("authorworks.server")
API = "/api/v1"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields."""

    _STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in self._STANDARD})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def configure_logging(json_logs: bool) -> None:
    if not json_logs or any(getattr(h, "_authorworks", False) for h in log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._authorworks = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "authorworks_http_requests_total",
            "HTTP requests by method, route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "authorworks_http_request_duration_seconds",
            "HTTP request duration by method and route",
            ["method", "route"],
            registry=self.registry,
        )
        self.sync_ops = Counter(
            "authorworks_sync_ops_total",
            "Pushed sync ops by outcome",
            ["outcome"],
            registry=self.registry,
        )

    def watch_collab(self, stats: Callable[[], dict[str, int]]) -> None:
        """Live rooms and their connections on this worker, read at each scrape."""

        def reader(key: str) -> Callable[[], float]:
            return lambda: float(stats()[key])

        for name, what in (("rooms", "Live rooms loaded"), ("connections", "Live connections")):
            gauge = Gauge(f"authorworks_collab_{name}", what, registry=self.registry)
            gauge.set_function(reader(name))


class RequestMiddleware:
    """Gives each request an id (X-Request-ID, taken from the client if it sent a sane one),
    logs one JSON line per request and records the metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if 0 < len(given) <= 64 and given.isprintable() else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        start = time.perf_counter()
        status = 500
        path = scope.get("path", "")

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            if template.startswith("/") and path.startswith(API) and not template.startswith(API):
                template = API + template  # routes of included routers know only their own part
            method = scope.get("method", "")
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(elapsed)
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
