"""Moving file bytes without holding them: a download streamed to a temporary file, an upload streamed from it.

A download follows its redirects itself, one hop at a time, so that every hop is checked against a `FetchPolicy`
(which hosts, which addresses, how long), credentials never follow it to another host, and whatever cannot be had (a
loop, a `file://` target, a refused address, a body that hangs) is a `PermanentFailure` the caller turns into a line.

An upload's multipart body is built by requests-toolbelt's MultipartEncoder, which reads the file part in blocks as
the request is sent (requests' own `files=` builds the whole body in memory first).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from adapters.http.client import HttpClient
from domain.files import FileRef, LocalFile, clean_name
from ports.errors import FileTooLarge, PermanentFailure, TransientFailure

CHUNK_BYTES = 64 * 1024
REDIRECTS = (301, 302, 303, 307, 308)
IDENTITY = {"Accept-Encoding": "identity"}  # the size announced is the file's own, not a compressed stream's


def resolve(host: str) -> list[str]:
    """Every address `host` resolves to (an unresolvable host has none)."""
    try:
        return [str(info[4][0]) for info in socket.getaddrinfo(host, None)]
    except (OSError, UnicodeError):
        return []


def is_public(address: str) -> bool:
    """Not loopback, private, link-local (the cloud's metadata service), multicast, reserved or unspecified."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class FetchPolicy:
    """Where a download may go, hop by hop, and how long it may take.

    - `trusted`: host names fetched as configured, whatever their address (the API's own host, which a test or a
      proxy may put on loopback), and any other name for the same addresses;
    - `allowed`: the other host names a download may reach (`.example.com` allows its subdomains); None allows any;
    - `public_only`: every other host must resolve only to public addresses (no loopback, private or link-local);
    - `deadline`: seconds for one whole download, redirects included; `max_redirects` hops at most.
    """

    trusted: frozenset[str] = frozenset()
    allowed: tuple[str, ...] | None = None
    public_only: bool = True
    deadline: float = 60.0
    max_redirects: int = 5
    resolver: Callable[[str], list[str]] = field(default=resolve, compare=False)

    def check(self, url: str, service: str) -> None:
        """Raises PermanentFailure for a hop this policy refuses; says why without the URL's query."""
        parts = urlsplit(url)
        host = (parts.hostname or "").casefold()
        if parts.scheme not in ("http", "https") or not host:
            raise PermanentFailure(f"{service}: a download may only go to http(s), not {parts.scheme or 'nowhere'}")
        if host in self.trusted:
            return
        addresses = self.resolver(host) if self.public_only or self.trusted else []
        public = bool(addresses) and all(is_public(address) for address in addresses)
        if addresses and not public and set(addresses) <= {a for name in self.trusted for a in self.resolver(name)}:
            return  # the API's own (private) machine under another name: a test's, a sandbox's, a proxy's
        if self.allowed is not None and not any(_matches(host, name) for name in self.allowed):
            raise PermanentFailure(f"{service}: a download to {host} is refused: not a storage host of the API")
        if self.public_only and not public:
            raise PermanentFailure(f"{service}: a download to {host} is refused: not a public address")


def _matches(host: str, name: str) -> bool:
    name = name.casefold()
    return host.endswith(name) if name.startswith(".") else host == name


@contextmanager
def download(
    client: HttpClient,
    url: str,
    file: FileRef,
    max_bytes: int,
    headers: Mapping[str, str],
    policy: FetchPolicy | None = None,
) -> Iterator[LocalFile]:
    """GETs `url` in chunks into a temporary file, removed when the context ends (or the download fails)."""
    fd, path = tempfile.mkstemp(prefix="servicedesk-file-")
    try:
        with os.fdopen(fd, "wb") as out:
            size = _copy(client, url, file, max_bytes, headers, policy or FetchPolicy(), out)
        yield LocalFile(file, path, size)
    finally:
        os.unlink(path)


def _copy(
    client: HttpClient,
    url: str,
    file: FileRef,
    max_bytes: int,
    headers: Mapping[str, str],
    policy: FetchPolicy,
    out: Any,
) -> int:
    service = client.service
    if file.size is not None and file.size > max_bytes:
        raise FileTooLarge(f"{service}: {file.size} bytes, over {max_bytes}", file.size)
    deadline = time.monotonic() + policy.deadline
    response = _follow(client, url, headers, policy)
    with response:
        encoded = response.headers.get("Content-Encoding", "identity").casefold() not in ("", "identity")
        length = response.headers.get("Content-Length", "")
        announced = int(length) if length.isdigit() else 0
        if announced > max_bytes and not encoded:
            raise FileTooLarge(f"{service}: {announced} bytes, over {max_bytes}", announced)
        with _watchdog(response, deadline) as expired:
            try:
                size = _write_chunks(response, max_bytes, out, service, deadline)
            except (requests.RequestException, OSError) as e:
                if expired.is_set():
                    raise PermanentFailure(f"{service}: a download took longer than {policy.deadline:g} s") from e
                raise TransientFailure(f"{service}: a download broke off") from e
        # with a Content-Encoding the length counts the bytes on the wire, not the file's own
        received = _wire_bytes(response) if encoded else size
    if announced and received is not None and received != announced:
        raise TransientFailure(f"{service}: a download broke off after {received} of {announced} bytes")
    return size


def _follow(client: HttpClient, url: str, headers: Mapping[str, str], policy: FetchPolicy) -> requests.Response:
    """The answer at the end of `url`'s redirects, each hop checked; credentials stay with the first host."""
    origin = urlsplit(url)[:2]
    for _ in range(policy.max_redirects + 1):
        policy.check(url, client.service)
        sent = {**headers, **IDENTITY} if urlsplit(url)[:2] == origin else dict(IDENTITY)
        try:
            response = client.request("GET", url, idempotent=True, headers=sent, stream=True, follow_redirects=False)
        except requests.RequestException as e:  # a malformed URL, an unsupported scheme: never to be had
            raise PermanentFailure(f"{client.service}: a download cannot be made ({type(e).__name__})") from e
        location = response.headers.get("Location")
        if response.status_code < 300:
            return response
        response.close()
        if response.status_code not in REDIRECTS or not location:
            raise PermanentFailure(f"{client.service}: a download answered {response.status_code}, not the file")
        url = urljoin(url, location)
    raise PermanentFailure(f"{client.service}: a download redirected more than {policy.max_redirects} times")


@contextmanager
def _watchdog(response: requests.Response, deadline: float) -> Iterator[threading.Event]:
    """Cuts the connection when the deadline passes: a body trickling a byte at a time never trips a read timeout,
    and a read of a whole chunk would wait for it."""
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
        with contextlib.suppress(OSError):
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
            response.close()

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), cut)
    timer.daemon = True
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()


def _write_chunks(response: requests.Response, max_bytes: int, out: Any, service: str, deadline: float) -> int:
    size = 0
    for chunk in response.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FileTooLarge(f"{service}: over {max_bytes} bytes", None)  # stopped part way: size unknown
        if time.monotonic() > deadline:
            raise PermanentFailure(f"{service}: a download took longer than allowed; {size} bytes were read")
        out.write(chunk)
    return size


def _wire_bytes(response: requests.Response) -> int | None:
    tell = getattr(response.raw, "tell", None)
    return int(tell()) if callable(tell) else None


def safe_name(name: str) -> str:
    """A file name that fits a multipart header and a storage key: clean (one line, no separators, never `..`,
    bounded), and without quotes."""
    return clean_name(name).replace('"', "_")


class MultipartUpload:
    """A multipart body with the file part last, rebuilt from the file for every attempt (a retry reads it again)."""

    def __init__(self, fields: Sequence[tuple[str, str]], part: str, file: LocalFile, name: str) -> None:
        self.fields = list(fields)
        self.part = part
        self.file = file
        self.name = name
        self.boundary = secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={self.boundary}"

    @contextmanager
    def bodies(self) -> Iterator[Any]:
        """A factory of fresh bodies; every file handle it opened is closed when the context ends."""
        from requests_toolbelt import MultipartEncoder  # only where a file is carried: a shorter cold start

        with ExitStack() as handles:

            def body() -> Any:
                handle = handles.enter_context(open(self.file.path, "rb"))
                parts = [*self.fields, (self.part, (self.name, handle, self.file.ref.mime))]
                return MultipartEncoder(fields=parts, boundary=self.boundary)

            yield body
