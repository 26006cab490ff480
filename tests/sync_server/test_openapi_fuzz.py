"""schemathesis over the OpenAPI schema, signed in and not, on SQLite and PostgreSQL: the
server never answers 5xx, and every answer has a status and a body its schema documents."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from sync_server.app import create_app, migrate
from tests.sync_server.fixtures import _postgres_schema, fast_settings, sign_up

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    root: Path = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        urls = iter([f"sqlite:///{root / 'server.sqlite3'}"])
    else:
        urls = _postgres_schema()
    url = next(urls)
    app = create_app(fast_settings(root / "server", url))
    migrate(app.state.engine)
    with TestClient(app) as client:
        user = sign_up(client)
    app.state.fuzz_headers = user.headers
    yield app
    app.state.engine.dispose()
    next(urls, None)  # drops the PostgreSQL schema


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


def test_no_operation_answers_5xx(fuzz_app, fuzz_schema):
    operations = [result.ok() for result in fuzz_schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case: schemathesis.Case) -> None:
            for headers in (fuzz_app.state.fuzz_headers, {}):
                case.call_and_validate(headers=headers, checks=CHECKS)

        no_server_error()
