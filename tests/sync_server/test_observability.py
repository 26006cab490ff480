"""/metrics, request ids and JSON logs, the OpenAPI docs, production settings."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from sync_server.observability import JsonFormatter
from sync_server.settings import Settings


def test_metrics_count_requests_by_route(sync_client: TestClient, sync_user):
    sync_client.post("/api/v1/sync/push", json={"ops": []}, headers=sync_user.headers)
    sync_client.get("/api/v1/books", headers=sync_user.headers)
    sync_client.get("/api/v1/books", headers=sync_user.headers)
    text = sync_client.get("/metrics").text
    line = next(
        ln
        for ln in text.splitlines()
        if ln.startswith("authorworks_http_requests_total") and 'route="/api/v1/books"' in ln
    )
    assert 'status="200"' in line and line.endswith(" 2.0")
    assert "authorworks_http_request_duration_seconds_bucket" in text


def test_request_id_is_returned_and_logged_as_json(sync_client: TestClient, caplog):
    caplog.set_level(logging.INFO, logger="authorworks.server")
    logger = logging.getLogger("authorworks.server")
    logger.addHandler(caplog.handler)
    try:
        r = sync_client.get("/health", headers={"X-Request-ID": "req-12345"})
        fresh = sync_client.get("/health")
    finally:
        logger.removeHandler(caplog.handler)
    assert r.headers["x-request-id"] == "req-12345"
    assert len(fresh.headers["x-request-id"]) == 32
    record = next(rec for rec in caplog.records if getattr(rec, "request_id", "") == "req-12345")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-12345"
    assert line["path"] == "/health" and line["status"] == 200 and line["level"] == "info"


def test_openapi_documents_the_api(sync_client: TestClient):
    paths = sync_client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/auth/login",
        "/api/v1/sync/push",
        "/api/v1/sync/pull",
        "/api/v1/media/{sha256}",
        "/health",
        "/metrics",
    ):
        assert path in paths
    assert sync_client.get("/docs").status_code == 200


def test_oversized_request_is_refused_with_413(sync_client: TestClient, sync_user):
    big = b"x" * (17 * 1024 * 1024)
    r = sync_client.post(
        "/api/v1/sync/push",
        content=big,
        headers={"Content-Type": "application/json", **sync_user.headers},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_production_mode_refuses_a_short_secret(tmp_path):
    with pytest.raises(ValueError, match="32 characters"):
        Settings(data_dir=tmp_path, production=True, secret_key="short")
    with pytest.raises(ValueError, match="weak secret"):
        Settings(data_dir=tmp_path, production=True, secret_key="a" * 32)
    ok = Settings(data_dir=tmp_path, production=True, secret_key="Zq8-vK2pLm9xRt4Wb7Nc1Yd6Hs3Fj0Ga")
    assert ok.production
