"""What every Tracker adapter shares: the client with the organisation header, reading answers, `myself`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, partial
from typing import Any, TypeVar, cast

import requests
from pydantic import BaseModel, ConfigDict, TypeAdapter

from adapters.http.client import HttpClient
from adapters.http.client import reading as reading_answer
from adapters.tracker.models import User
from domain.people import Person

ModelT = TypeVar("ModelT", bound=BaseModel)

reading = partial(reading_answer, service="tracker")  # an answer of Tracker's that cannot be read: a port error
OBJECT = "an object"
LISTED = "a one-element list"


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
        self._shapes: dict[str, str] = {}

    def myself(self) -> Person:
        return self._one("GET /v2/myself", self._client.get("/v2/myself"), User).to_person()

    def answer_shapes(self) -> Mapping[str, str]:
        """How the answers Tracker's reference prints as one-element lists came, by call: `an object` or `a
        one-element list` (see docs/tracker.md, «Answers as lists»)."""
        return dict(self._shapes)

    def _one(self, call: str, response: requests.Response, model: type[ModelT]) -> ModelT:
        """An answer the reference prints as a one-element list (`GET /v2/myself`, `POST …/comments`), read
        whether it comes as that list or as the object itself; the shape seen is kept for `doctor`."""
        with reading(call):
            found = _object_or_list(model).validate_json(response.content)
            if isinstance(found, list):
                if len(found) != 1:
                    raise ValueError(f"a list of {len(found)} where one was expected")
                self._shapes[_template(call)] = LISTED
                return cast(ModelT, found[0])
            self._shapes[_template(call)] = OBJECT
            return cast(ModelT, found)


@cache
def _object_or_list(model: type[ModelT]) -> TypeAdapter[Any]:
    shape: Any = list[model] | model  # type: ignore[valid-type]
    return TypeAdapter(shape, config=ConfigDict(defer_build=True))


def _template(call: str) -> str:
    """`POST /v2/issues/SD-1/comments` -> `POST /v2/issues/{key}/comments`: one entry per kind of call."""
    parts = call.split("/")
    if len(parts) > 3 and parts[2] == "issues":
        parts[3] = "{key}"
    return "/".join(parts)
