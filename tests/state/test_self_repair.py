"""A store whose tables were dropped creates them again without a restart; its health check proves it can write."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.state.sql import TABLES
from adapters.state.stores import open_state
from domain.tickets import Ticket, TicketKey
from ports.errors import StateUnavailable
from ports.state.claims import ClaimStatus
from ports.state.records import VersionClaim
from tests.state.conftest import POSTGRES_ENV

T = 1_700_000_000.0
LEASE = 60.0


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Makes `path` read-only for this process, root included (which ignores file modes: then it is immutable)."""
    path.chmod(0o444)
    immutable = os.access(path, os.W_OK)
    if immutable:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)


def _search_path_schema(url: str) -> str:
    return url.rsplit("search_path%3D", 1)[1]


@pytest.mark.postgres
def test_a_dropped_and_recreated_postgres_schema_is_served_again_without_a_restart(postgres_url: str) -> None:
    import psycopg

    store = open_state(postgres_url)
    try:
        store.claim("before", "message", "{}", T, LEASE)
        schema = _search_path_schema(postgres_url)
        with psycopg.connect(os.environ[POSTGRES_ENV], autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
            admin.execute(f'CREATE SCHEMA "{schema}"')

        store.ping()
        assert store.claim("after", "message", "{}", T, LEASE).status is ClaimStatus.ACQUIRED
        assert store.claim("before", "message", "{}", T, LEASE).status is ClaimStatus.ACQUIRED  # the old rows are gone
        assert store.stats().pending == 2
    finally:
        store.close()


def test_dropped_tables_are_created_again_on_the_next_statement(durable_url: str) -> None:
    store = open_state(durable_url)
    try:
        store.put("bot-id", "1", T + 60)
        _drop_tables(durable_url)

        assert store.get("bot-id", T) is None
        assert store.claim("k", "message", "{}", T, LEASE).status is ClaimStatus.ACQUIRED
    finally:
        store.close()


def _drop_tables(url: str) -> None:
    tables = TABLES
    if url.startswith("sqlite"):
        with sqlite3.connect(url.partition(":///")[2]) as db:
            for table in tables:
                db.execute(f"DROP TABLE {table}")
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        for table in tables:
            db.execute(f"DROP TABLE {table}")


def test_a_read_only_sqlite_file_fails_the_health_check(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    ready = open_state(f"sqlite:///{path}")
    ready.ping()
    ready.close()

    with read_only(path):
        store = open_state(f"sqlite:///{path}")
        try:
            store.stats()  # it still reads
            with pytest.raises(StateUnavailable, match="readonly"):
                store.ping()
        finally:
            store.close()


def test_the_health_check_leaves_nothing_behind(state: Any) -> None:
    state.ping()

    assert state.get("health-probe", 0.0) is None
    assert state.footprint().events == 0


def test_a_store_of_the_first_schema_version_is_migrated_and_its_write_records_kept(tmp_path: Path) -> None:
    import time

    from adapters.state.sqlite_schema import _MIGRATIONS

    path = tmp_path / "state.db"
    with sqlite3.connect(path) as db:  # what the first released version created and wrote
        for statement in _MIGRATIONS[0]:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute("INSERT INTO writes (effect, kind, external_id) VALUES ('e', 'tracker_comment', 'c-1')")
    store = open_state(f"sqlite:///{path}")
    try:
        store.purge(keys_before=time.time() - 86400, now=time.time(), limit=100)

        assert store.is_own("tracker_comment", "c-1")  # counted from the upgrade, not from 1970
        assert store.reserve("chat", 4, 1.1) <= 0.01
    finally:
        store.close()


@pytest.mark.postgres
def test_a_postgres_store_of_the_first_schema_version_is_migrated_and_its_write_records_kept(
    postgres_url: str,
) -> None:
    import time

    import psycopg

    from adapters.state.postgres_schema import _MIGRATIONS

    with psycopg.connect(postgres_url, autocommit=True) as db:
        for statement in _MIGRATIONS[0]:
            db.execute(statement)
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version (version) VALUES (1)")
        db.execute("INSERT INTO writes (effect, kind, external_id) VALUES ('e', 'tracker_comment', 'c-1')")
    store = open_state(postgres_url)
    try:
        store.purge(keys_before=time.time() - 86400, now=time.time(), limit=100)

        assert store.is_own("tracker_comment", "c-1")
        assert store.reserve("chat", 4, 1.1) <= 0.01
    finally:
        store.close()


def _execute(url: str, *statements: str) -> None:
    """Runs statements beside the store, as an operator (or an accident) would."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.partition(":///")[2]) as db:
            for statement in statements:
                db.execute(statement)
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        for statement in statements:
            db.execute(statement)


def _use_every_table(store: Any, n: int) -> None:
    """One call that writes and reads back each table the bridge writes."""
    assert store.claim(f"k{n}", "message", "{}", T, LEASE).status is ClaimStatus.ACQUIRED
    store.save_ticket(Ticket(TicketKey(f"SERVICEDESK-{n}"), 56_000 + n, 918264, 134412))
    assert store.ticket_by_message(56_000 + n) is not None
    store.begin(f"e{n}", "tracker_comment", T)
    store.finish(f"e{n}", "tracker_comment", f"c-{n}")
    assert store.is_own("tracker_comment", f"c-{n}")
    store.put(f"bot-id-{n}", "1", T + 60)
    assert store.get(f"bot-id-{n}", T) == "1"
    assert store.reserve(f"chat-{n}", 4, 1.1) <= 0.01
    assert store.take_version(n, 1.0, T, LEASE) is VersionClaim.TAKEN


@pytest.mark.parametrize("table", TABLES)
def test_a_single_dropped_table_is_created_again_without_a_restart(durable_url: str, table: str) -> None:
    store = open_state(durable_url)
    try:
        _use_every_table(store, 1)
        _execute(durable_url, f"DROP TABLE {table}")

        store.ping()  # healthy again: the table was created on the spot
        _use_every_table(store, 2)
        assert store.stats().pending == (1 if table == "events" else 2)
    finally:
        store.close()


@pytest.mark.parametrize("table", TABLES)
def test_the_health_check_fails_while_a_table_the_bridge_writes_cannot_be_written(durable_url: str, table: str) -> None:
    store = open_state(durable_url)
    try:
        store.ping()
        # the table's name taken by a view, which takes no writes: not missing, so not created again either
        _execute(durable_url, f"DROP TABLE {table}", f"CREATE VIEW {table} AS SELECT 1 AS unused")

        with pytest.raises(StateUnavailable):
            store.ping()
    finally:
        store.close()


def _second_version_with_carried_versions(url: str) -> None:
    """A store as the second schema version left it, with the versions it carried as write records."""
    records = (
        "INSERT INTO writes (effect, kind, external_id, created_at) VALUES "
        "('version:194300', 'pachca_version', '2026-11-27T08:31:00+00:00', 1), "
        "('version:194301', 'pachca_version', 'deleted', 1), "
        "('relay:SERVICEDESK-1/601', 'pachca_message', '50001', 1)"
    )
    if url.startswith("sqlite"):
        from adapters.state.sqlite_schema import _MIGRATIONS as SQLITE

        _execute(url, *SQLITE[0], *SQLITE[1], "PRAGMA user_version = 2", records)
        return
    from adapters.state.postgres_schema import _MIGRATIONS as POSTGRES

    version = ("CREATE TABLE schema_version (version INTEGER NOT NULL)", "INSERT INTO schema_version VALUES (2)")
    _execute(url, *POSTGRES[0], *POSTGRES[1], *version, records)


def test_versions_carried_before_the_upgrade_still_decide_what_is_stale(durable_url: str) -> None:
    _second_version_with_carried_versions(durable_url)
    store = open_state(durable_url)
    try:
        carried = datetime.fromisoformat("2026-11-27T08:31:00+00:00").timestamp()
        assert store.take_version(194300, carried, T, LEASE) is VersionClaim.STALE
        assert store.take_version(194300, carried + 60, T, LEASE) is VersionClaim.TAKEN
        assert store.take_version(194301, carried + 60, T, LEASE) is VersionClaim.STALE  # it was deleted
        store.purge(keys_before=T + 10**9, now=T + 10**9, limit=100)
        assert store.lookup("relay:SERVICEDESK-1/601") is not None  # a carried comment is lasting from the upgrade on
    finally:
        store.close()
