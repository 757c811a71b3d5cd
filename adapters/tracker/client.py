"""What every Tracker adapter shares: the client with the organisation header, reading answers, `myself`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import requests

from adapters.http.client import HttpClient
from adapters.tracker.models import User
from domain.people import Person
from ports.errors import PermanentFailure


def tracker_client(
    session: requests.Session,
    base_url: str,
    token: str,
    org_id: str | None = None,
    cloud_org_id: str | None = None,
    **kw: Any,
) -> HttpClient:
    """An HttpClient for Tracker; exactly one of `org_id` (Yandex 360) and `cloud_org_id` (Cloud) is sent."""
    if bool(org_id) == bool(cloud_org_id):
        raise ValueError("tracker: give exactly one of org_id and cloud_org_id")
    org_header = {"X-Org-ID": org_id} if org_id else {"X-Cloud-Org-ID": str(cloud_org_id)}
    headers = {"Authorization": f"OAuth {token}", **org_header}
    return HttpClient(session, base_url, headers, service="tracker", **kw)


class TrackerResource:
    """A part of Tracker's REST API (v2), called through the one outbound call policy (`adapters.http.client`)."""

    def __init__(self, client: HttpClient) -> None:
        self._client = client

    def myself(self) -> Person:
        response = self._get("/v2/myself")
        with reading("GET /v2/myself"):
            return User.model_validate_json(response.content).to_person()

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        return self._client.request("GET", path, idempotent=True, params=params)


def segment(value: str) -> str:
    """`value` as one path segment."""
    return quote(value, safe="")


@contextmanager
def reading(call: str, service: str = "tracker") -> Iterator[None]:
    """Turns an answer that cannot be read (bad JSON, missing fields, a malformed key) into a port error."""
    try:
        yield
    except ValueError as e:
        raise PermanentFailure(f"{service}: unexpected answer to {call}") from e
