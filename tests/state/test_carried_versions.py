"""The versions of carried messages against memory, SQLite and PostgreSQL: checking that a version is newer and
taking the message is one atomic step, so concurrent edits end with the newest written and a deletion is final."""

from __future__ import annotations

import threading
import time
from typing import Any

from ports.state.records import CarriedVersions, VersionClaim

T = 1_700_000_000.0
LEASE = 60.0
MESSAGE = 194300


def test_implements_carried_versions(state: Any) -> None:
    assert isinstance(state, CarriedVersions)


def test_a_newer_version_is_taken_and_an_older_or_equal_one_is_stale(state: Any) -> None:
    assert state.take_version(MESSAGE, 100.0, T, LEASE) is VersionClaim.TAKEN
    state.carry_version(MESSAGE, 100.0)

    assert state.take_version(MESSAGE, 99.0, T, LEASE) is VersionClaim.STALE
    assert state.take_version(MESSAGE, 100.0, T, LEASE) is VersionClaim.STALE
    assert state.take_version(MESSAGE, 101.0, T, LEASE) is VersionClaim.TAKEN


def test_a_message_being_written_is_busy_for_any_other_version_until_let_go_or_its_lease_ends(state: Any) -> None:
    assert state.take_version(MESSAGE, 100.0, T, LEASE) is VersionClaim.TAKEN

    assert state.take_version(MESSAGE, 101.0, T + 1, LEASE) is VersionClaim.BUSY
    assert state.take_version(MESSAGE, None, T + 1, LEASE) is VersionClaim.BUSY
    assert state.take_version(MESSAGE, 101.0, T + LEASE + 1, LEASE) is VersionClaim.TAKEN  # the holder died
    state.let_go_version(MESSAGE)
    assert state.take_version(MESSAGE, 100.5, T + LEASE + 2, LEASE) is VersionClaim.TAKEN  # nothing was carried


def test_nothing_is_taken_after_a_carried_deletion(state: Any) -> None:
    state.take_version(MESSAGE, 100.0, T, LEASE)
    state.carry_version(MESSAGE, 100.0)
    assert state.take_version(MESSAGE, None, T, LEASE) is VersionClaim.TAKEN
    state.carry_version(MESSAGE, None)

    assert state.take_version(MESSAGE, 1e12, T, LEASE) is VersionClaim.STALE
    assert state.take_version(MESSAGE, None, T, LEASE) is VersionClaim.STALE
    assert state.take_version(MESSAGE + 1, 100.0, T, LEASE) is VersionClaim.TAKEN  # another message is free


def test_twenty_concurrent_writers_end_with_the_newest_version_written(state: Any) -> None:
    written: list[float] = []  # what Tracker shows, in the order the writes landed
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def writer(version: float) -> None:
        try:
            start.wait()
            while True:
                taken = state.take_version(MESSAGE, version, T, LEASE)
                if taken is VersionClaim.STALE:
                    return
                if taken is VersionClaim.TAKEN:
                    time.sleep(0.002)  # the Tracker write, long enough for others to come by
                    written.append(version)
                    state.carry_version(MESSAGE, version)
                    return
                time.sleep(0.001)  # busy: the outbox would retry it
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(float(v),)) for v in range(1, 21)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert written[-1] == 20.0
    assert written == sorted(written)  # an older version never lands after a newer one
