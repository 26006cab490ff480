"""schemathesis over the OpenAPI schema, signed in and not: the server never answers 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from sync_server.app import create_app, migrate
from tests.sync_server.fixtures import fast_settings, sign_up


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory):
    root: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(fast_settings(root / "server", f"sqlite:///{root / 'server.sqlite3'}"))
    migrate(app.state.engine)
    with TestClient(app) as client:
        user = sign_up(client)
    app.state.fuzz_headers = user.headers
    return app


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
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

        no_server_error()
