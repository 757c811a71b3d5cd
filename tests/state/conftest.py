"""The stores under test: `state` runs a test against memory, SQLite and PostgreSQL; `durable_url` against the last two.

PostgreSQL comes from `TEST_POSTGRES_URL` (e.g. postgresql://postgres@127.0.0.1:5432/test); `make test` runs pytest
through `tests/services.sh`, which starts a throwaway PostgreSQL and sets it when it is not set. Unset, its cases fail
and say so: a test that skips proves nothing.
Each test gets a fresh schema of its own through the URL's search_path.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from adapters.state.stores import open_state

POSTGRES_ENV = "TEST_POSTGRES_URL"


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.fail(
            f"{POSTGRES_ENV} is not set: run the tests with `make test` (tests/services.sh starts a PostgreSQL)"
        )
    import psycopg

    schema = f"state_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    yield with_search_path(admin_url, schema)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/state.db"


DURABLE = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DURABLE)
def durable_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture(params=["memory", *DURABLE])
def state(request: pytest.FixtureRequest) -> Iterator[object]:
    url = "memory://" if request.param == "memory" else request.getfixturevalue(f"{request.param}_url")
    store = open_state(url)
    yield store
    close = getattr(store, "close", None)
    if close:
        close()
