"""STATE_URL: which store it opens, where a SQLite file goes, and what a PostgreSQL connection is given."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.state.memory import MemoryState
from adapters.state.sqlite import SqliteState
from adapters.state.stores import open_state
from ports.errors import StateUnavailable


def test_memory_url_opens_a_memory_store() -> None:
    assert isinstance(open_state("memory://"), MemoryState)


def test_a_relative_sqlite_path_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_state("sqlite:///data/state.db")
    assert isinstance(store, SqliteState)
    store.ping()
    store.close()
    assert (tmp_path / "data" / "state.db").is_file()


def test_an_absolute_sqlite_path_is_used_as_is(tmp_path: Path) -> None:
    store = open_state(f"sqlite:///{tmp_path}/abs/state.db")
    assert isinstance(store, SqliteState)
    store.ping()
    store.close()
    assert (tmp_path / "abs" / "state.db").is_file()


def test_nothing_is_touched_before_first_use(tmp_path: Path) -> None:
    open_state(f"sqlite:///{tmp_path}/never/state.db")
    assert not (tmp_path / "never").exists()


@pytest.mark.parametrize(
    "url",
    [
        "",
        "state.db",
        "mysql://user@host/db",
        "redis://localhost",
        "memory://something",
        "sqlite://",
        "sqlite:///",
        "sqlite://host/state.db",
        "sqlite:///:memory:",
        "sqlite:///data/",
        "sqlite:///state.db?mode=ro",
    ],
)
def test_a_bad_url_is_a_clear_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="STATE_URL"):
        open_state(url)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://bot:s3cr3t@db.internal:not-a-port/bridge",
        "postgresql://bot:s3cr3t@db.internal/bridge?unknown_option=1",
        "ftp://bot:s3cr3t@db.internal/bridge",
    ],
)
def test_a_bad_url_never_shows_its_password(url: str) -> None:
    with pytest.raises(ValueError, match="STATE_URL") as raised:
        open_state(url)
    assert "s3cr3t" not in str(raised.value)


def test_postgres_is_imported_only_for_a_postgres_url() -> None:
    script = (
        "import sys\n"
        "from adapters.state.stores import open_state\n"
        "open_state('memory://'); open_state('sqlite:///unused.db')\n"
        "assert 'psycopg' not in sys.modules and 'adapters.state.postgres' not in sys.modules\n"
        "for url in ('postgresql://u@127.0.0.1:1/db', 'postgres://u@127.0.0.1:1/db'):\n"
        "    assert type(open_state(url)).__name__ == 'PostgresState'\n"
        "assert 'psycopg' in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", script], cwd=root, check=True, timeout=30)


def test_an_unreachable_postgres_is_state_unavailable() -> None:
    store = open_state("postgresql://bot:s3cr3t@127.0.0.1:1/bridge?connect_timeout=2")
    with pytest.raises(StateUnavailable) as raised:
        store.ping()
    assert "s3cr3t" not in str(raised.value)


# A PostgreSQL server that asks for a cleartext password, records it and refuses: what a client really sends.


class PasswordCatcher:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.passwords: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(10)
            while True:  # SSL and GSS encryption requests are declined, then comes the startup message
                length, code = struct.unpack("!ii", _read(connection, 8))
                if code in (80877103, 80877104):
                    connection.sendall(b"N")
                    continue
                _read(connection, length - 8)
                break
            connection.sendall(b"R" + struct.pack("!ii", 8, 3))  # AuthenticationCleartextPassword
            kind, length = struct.unpack("!ci", _read(connection, 5))
            assert kind == b"p"
            self.passwords.append(_read(connection, length - 4).rstrip(b"\0").decode())
            fields = b"SFATAL\0C28P01\0Mpassword authentication failed\0\0"
            connection.sendall(b"E" + struct.pack("!i", len(fields) + 4) + fields)


def _read(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


@pytest.fixture
def catcher() -> Iterator[PasswordCatcher]:
    server = PasswordCatcher()
    yield server
    server.listener.close()
    server.thread.join(timeout=5)


def test_without_a_password_in_the_url_the_provider_gives_it(catcher: PasswordCatcher) -> None:
    store = open_state(
        f"postgresql://bot@127.0.0.1:{catcher.port}/bridge?sslmode=disable", password_provider=lambda: "iam-token-1"
    )
    with pytest.raises(StateUnavailable) as raised:
        store.ping()
    assert catcher.passwords == ["iam-token-1"]
    assert "iam-token-1" not in str(raised.value)


def test_a_password_in_the_url_wins_over_the_provider(catcher: PasswordCatcher) -> None:
    store = open_state(
        f"postgresql://bot:from-url@127.0.0.1:{catcher.port}/bridge?sslmode=disable",
        password_provider=lambda: "iam-token-1",
    )
    with pytest.raises(StateUnavailable):
        store.ping()
    assert catcher.passwords == ["from-url"]


def test_a_failing_password_provider_is_state_unavailable() -> None:
    def provider() -> str:
        raise TimeoutError("metadata service did not answer")

    store = open_state("postgresql://bot@127.0.0.1:1/bridge", password_provider=provider)
    with pytest.raises(StateUnavailable, match="provider"):
        store.ping()
