"""The connections of a SQL state store: one per thread, remembered for `close`, each statement in a transaction of
its own; a statement that finds the tables gone (a database dropped and created again) migrates the schema and runs
again. Queries use `%s` placeholders; a store whose driver wants another style names it in `_placeholder`."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from ports.errors import StateUnavailable


class DbCursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class DbConnection(Protocol):
    def execute(self, query: str, params: Sequence[Any] = ..., /) -> DbCursor: ...

    def close(self) -> None: ...


class SchemaMissing(StateUnavailable):
    """A statement found the bridge's tables gone."""


C = TypeVar("C", bound=DbConnection)
T = TypeVar("T")


class SqlConnections(ABC, Generic[C]):
    """A store provides its connections through `_reading` and `_writing`, and its schema through `_migrate`."""

    _placeholder: ClassVar[str] = "%s"

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[C] = []
        self._migrated = False

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
            self._local = threading.local()
        for connection in connections:
            connection.close()

    @abstractmethod
    def _reading(self) -> AbstractContextManager[C]:
        """The thread's connection for one read; driver errors become StateUnavailable."""

    @abstractmethod
    def _writing(self) -> AbstractContextManager[C]:
        """The thread's connection for one write that commits on leaving; driver errors become StateUnavailable,
        a missing table SchemaMissing."""

    @abstractmethod
    def _migrate(self, db: C) -> None:
        """Creates or migrates the schema unless this store already did (`_migrated`)."""

    def _read(self, work: Callable[[C], T]) -> T:
        return self._again_if_repaired(self._reading, work)

    def _write(self, work: Callable[[C], T]) -> T:
        return self._again_if_repaired(self._writing, work)

    def _again_if_repaired(self, open_: Callable[[], AbstractContextManager[C]], work: Callable[[C], T]) -> T:
        try:
            with open_() as db:
                return work(db)
        except SchemaMissing:
            self._migrated = False  # the tables were dropped: create them again, then run the work once more
            with self._reading() as db:
                self._migrate(db)
        with open_() as db:
            return work(db)

    def _adopt(self, db: C, prepare: Callable[[C], None]) -> C:
        """Prepares a new connection, closing it when that fails, and remembers it for `close`."""
        try:
            prepare(db)
        except BaseException:
            db.close()
            raise
        with self._lock:
            self._connections.append(db)
        return db

    def _read_one(self, query: str, params: Sequence[Any] = ()) -> Any:
        return self._read(lambda db: db.execute(self._dialect(query), params).fetchone())

    def _read_all(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._read(lambda db: db.execute(self._dialect(query), params).fetchall())

    def _execute(self, query: str, params: Sequence[Any] = ()) -> int:
        """Runs one statement in a transaction of its own; the number of rows it changed."""
        return self._write(lambda db: db.execute(self._dialect(query), params).rowcount)

    def _dialect(self, query: str) -> str:
        return query.replace("%s", self._placeholder)
