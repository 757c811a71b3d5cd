"""Downloads that cannot be had, over real HTTP: each is a PermanentFailure (which the file carrier turns into a «не
передан» line) within a bounded time, never an error that sinks the event; and where a download may go at all.

Every server here is on loopback, so the tests allow it by name (`FetchPolicy(trusted=…)`, `public_only=False`) —
except where they prove the production policy refuses it."""

from __future__ import annotations

import dataclasses
import gzip
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Response

from adapters.http.transfer import FetchPolicy, download, is_public, resolve
from adapters.pachca.files import STORAGE_HOSTS, HttpMessengerFiles, storage_policy
from adapters.pachca.messenger import pachca_client
from adapters.tracker.client import tracker_client
from adapters.tracker.files import HttpTrackerFiles
from adapters.tracker.models import AttachmentRef
from domain.files import FileRef
from ports.errors import PermanentFailure

LOOPBACK = FetchPolicy(trusted=frozenset({"localhost", "127.0.0.1"}))
ANYWHERE = FetchPolicy(public_only=False)


def pachca(base: str, policy: FetchPolicy | None) -> HttpMessengerFiles:
    return HttpMessengerFiles(pachca_client(requests.Session(), base, "pachca-token", sleep=lambda _: None), policy)


def fetch(files: HttpMessengerFiles | HttpTrackerFiles, url: str, max_bytes: int = 10**6) -> bytes:
    with files.download(FileRef("a.bin", url), max_bytes) as local:
        return Path(local.path).read_bytes()


def test_a_redirect_loop_cannot_be_had(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/s3/a").respond_with_response(Response(status=302, headers={"Location": "/s3/b"}))
    httpserver.expect_request("/s3/b").respond_with_response(Response(status=302, headers={"Location": "/s3/a"}))

    with pytest.raises(PermanentFailure, match="redirected more than 5 times"):
        fetch(pachca(httpserver.url_for("/api"), LOOPBACK), httpserver.url_for("/s3/a"))
    assert len(httpserver.log) == 6


def test_a_redirect_to_a_local_file_cannot_be_had(httpserver: HTTPServer) -> None:
    redirect = Response(status=302, headers={"Location": "file:///etc/passwd"})
    httpserver.expect_request("/s3/a").respond_with_response(redirect)

    with pytest.raises(PermanentFailure, match="only go to http"):
        fetch(pachca(httpserver.url_for("/api"), LOOPBACK), httpserver.url_for("/s3/a"))


def test_a_gzip_encoded_download_is_the_files_own_bytes(httpserver: HTTPServer) -> None:
    """Its Content-Length counts the bytes on the wire; the file is what they decode to."""
    content = b"line of a log\n" * 5000
    packed = gzip.compress(content)
    headers = {"Content-Encoding": "gzip", "Content-Length": str(len(packed))}
    httpserver.expect_request("/s3/log.txt").respond_with_response(Response(packed, headers=headers))

    assert fetch(pachca(httpserver.url_for("/api"), LOOPBACK), httpserver.url_for("/s3/log.txt")) == content
    assert httpserver.log[0][0].headers["Accept-Encoding"] == "identity"  # asked for the file as it is


@pytest.fixture
def slow_server() -> Iterator[tuple[str, list[float]]]:
    """A server that sends its headers and ten bytes, then a byte every 0.1 s (or nothing), for up to 5 s."""
    listener = socket.create_server(("127.0.0.1", 0))
    stopped: list[float] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                request = conn.recv(65536)
                trickle = b"/trickle" in request
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 10)
                for _ in range(50):
                    if stop.wait(0.1):
                        break
                    try:
                        if trickle:
                            conn.sendall(b"x")
                    except OSError:
                        break
                stopped.append(time.monotonic())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", stopped
    stop.set()
    thread.join(2)
    listener.close()


@pytest.mark.parametrize("path", ["/trickle", "/hang"])
def test_a_body_that_never_ends_cannot_be_had_within_the_deadline(
    slow_server: tuple[str, list[float]], path: str
) -> None:
    base, _ = slow_server
    files = pachca(base + "/api", FetchPolicy(trusted=frozenset({"127.0.0.1"}), deadline=0.5))
    started = time.monotonic()

    with pytest.raises(PermanentFailure, match=re.escape("took longer than 0.5 s")):
        fetch(files, base + path)

    assert time.monotonic() - started < 1.0  # the deadline, with a 2x margin, not the 10 s read timeout


def test_the_production_policy_refuses_a_loopback_file_before_any_request(httpserver: HTTPServer) -> None:
    """With Pachca's own API base, a file URL on loopback (or any host the API does not name) is never fetched."""
    production = storage_policy("https://api.pachca.com/api/shared/v1")
    public_api = {"api.pachca.com": ["95.213.1.2"]}  # no DNS in tests: the API's address as it would resolve
    files = pachca(
        "https://api.pachca.com/api/shared/v1",
        dataclasses.replace(production, resolver=lambda host: public_api.get(host) or resolve(host)),
    )

    with pytest.raises(PermanentFailure, match="not a storage host"):
        fetch(files, httpserver.url_for("/internal/answer"))
    assert httpserver.log == []


def test_a_storage_host_that_resolves_to_a_private_address_is_refused() -> None:
    policy = storage_policy("https://api.pachca.com/api/shared/v1")
    api = {"api.pachca.com": ["95.213.1.2"]}
    rebound = FetchPolicy(policy.trusted, policy.allowed, resolver=lambda host: api.get(host, ["10.0.0.7"]))

    with pytest.raises(PermanentFailure, match="not a public address"):
        rebound.check("https://pachca-prod-uploads.s3.storage.selcloud.ru/attaches/x.png", "pachca")
    FetchPolicy(policy.trusted, policy.allowed, resolver=lambda host: api.get(host, ["95.213.1.1"])).check(
        "https://pachca-prod-uploads.s3.storage.selcloud.ru/attaches/x.png", "pachca"
    )


def test_the_apis_own_machine_is_trusted_under_another_name() -> None:
    """A test or a proxy may name the API `localhost` and its files `127.0.0.1`: the same machine, as configured."""
    policy = FetchPolicy(trusted=frozenset({"localhost"}), allowed=(), resolver=lambda host: ["127.0.0.1"])

    policy.check("http://127.0.0.1:8080/files/a.png", "pachca")


def test_a_redirect_to_link_local_or_loopback_is_refused(httpserver: HTTPServer) -> None:
    """The first hop is allowed (the test's server by name); where it redirects is checked again."""
    metadata = Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    httpserver.expect_request("/s3/a").respond_with_response(metadata)
    port = httpserver.port
    loopback = Response(status=307, headers={"Location": f"http://127.0.0.1:{port}/internal"})
    httpserver.expect_request("/s3/b").respond_with_response(loopback)
    # the test's server by name, as if it were a public API host; anything else must be public
    policy = FetchPolicy(
        trusted=frozenset({"localhost"}), resolver=lambda host: {"localhost": ["95.213.1.2"]}.get(host, [host])
    )

    with pytest.raises(PermanentFailure, match=re.escape("169.254.169.254 is refused: not a public address")):
        fetch(pachca(httpserver.url_for("/api"), policy), httpserver.url_for("/s3/a"))
    with pytest.raises(PermanentFailure, match=re.escape("127.0.0.1 is refused: not a public address")):
        fetch(pachca(httpserver.url_for("/api"), policy), httpserver.url_for("/s3/b"))
    assert [request.path for request, _ in httpserver.log] == ["/s3/a", "/s3/b"]


def test_private_loopback_and_link_local_addresses_are_not_public() -> None:
    assert not any(
        is_public(a) for a in ["127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "fe80::1", "0.0.0.0"]
    )
    assert not is_public("::ffff:127.0.0.1")
    assert is_public("95.213.1.1") and is_public("2a02:6b8::1")


def test_the_storage_hosts_are_those_the_spec_names() -> None:
    assert STORAGE_HOSTS == (
        "pachca-prod-uploads.s3.storage.selcloud.ru",
        "pachca-prod.s3.amazonaws.com",
        ".pachca.com",
    )


def test_tracker_credentials_do_not_follow_a_redirect_to_another_host(httpserver: HTTPServer) -> None:
    elsewhere = f"http://127.0.0.1:{httpserver.port}/storage/a.pdf"
    httpserver.expect_request("/v2/issues/SD-1/attachments/7/a.pdf").respond_with_response(
        Response(status=302, headers={"Location": elsewhere})
    )
    httpserver.expect_request("/storage/a.pdf").respond_with_data(b"%PDF-1.7")
    client = tracker_client(requests.Session(), httpserver.url_for("/"), "robot-token", org_id="1")
    files = HttpTrackerFiles(client, ANYWHERE)

    assert fetch(files, httpserver.url_for("/v2/issues/SD-1/attachments/7/a.pdf")) == b"%PDF-1.7"

    first, second = (request for request, _ in httpserver.log)
    assert first.headers["Authorization"] == "OAuth robot-token"
    assert "Authorization" not in second.headers and "X-Org-ID" not in second.headers


def test_an_attachment_named_dot_dot_cannot_change_the_download_path(httpserver: HTTPServer) -> None:
    """`..` would have turned the download into the issue's attachment listing, fetched with the robot's token."""
    issue = httpserver.url_for("/v2/issues/SD-1")
    httpserver.expect_request("/v2/issues/SD-1/attachments/4159/file").respond_with_data(b"data")
    client = tracker_client(requests.Session(), httpserver.url_for("/"), "robot-token", org_id="1")

    ref = AttachmentRef(id="4159", display="..").to_file(issue)
    with HttpTrackerFiles(client).download(ref, 100) as local:
        assert Path(local.path).read_bytes() == b"data"

    assert [request.path for request, _ in httpserver.log] == ["/v2/issues/SD-1/attachments/4159/file"]
    assert AttachmentRef(id="1", display="../../attachments").to_file(issue).url.startswith(f"{issue}/attachments/1/")


def test_download_policies_are_given_to_the_download(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/f").respond_with_data(b"ok")
    client = pachca_client(requests.Session(), httpserver.url_for("/api"), "t")

    with download(client, httpserver.url_for("/f"), FileRef("f", "x"), 10, {}, LOOPBACK) as local:
        assert local.size == 2


def test_a_redirect_without_a_location_is_not_a_file(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/s3/a").respond_with_response(Response("moved", status=302))

    with pytest.raises(PermanentFailure, match="answered 302, not the file"):
        fetch(pachca(httpserver.url_for("/api"), LOOPBACK), httpserver.url_for("/s3/a"))
