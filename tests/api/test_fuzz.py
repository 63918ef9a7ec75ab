"""schemathesis against /api/schema/: generated requests to every operation never get a
500 nor a response (status, content type, headers, body) that the schema does not allow.

Runs in `make test` with a few examples per operation; `make fuzz` runs many more
(FUZZ_EXAMPLES)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.api.conftest import ALL_SCOPES
from tests.conftest import stocked_product

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def api_schema(db):
    # As Django's test client does: keep the test's connection (and transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_key(users, channel, make_key, customer, warehouse, make_order):
    product = stocked_product(warehouse, 10_000)
    make_order([(product, 1)])
    return make_key(channel, scopes=ALL_SCOPES)


def test_no_operation_errors_or_breaks_its_schema(api_schema, fuzz_key):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 11
    headers = {"Authorization": f"Token {fuzz_key}"}
    statuses: set[int] = set()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            statuses.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

        check()
    # The fuzzer got through to real work as well as to refusals.
    assert 200 in statuses and {400, 404} <= statuses
