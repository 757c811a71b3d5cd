"""The variables as the installed script reads them, seen from the APIs' side: the Pachca spelling of the token, the
Cloud organisation's header, the legacy create URL as the Tracker base (doctor makes the calls)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.acceptance.conftest import run


def env_for(httpserver: HTTPServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "WEBHOOK_SECRET": "signing",
        "TRACKER_API_TOKEN": "tracker-oauth",
        "PACHCA_API_URL": httpserver.url_for("/pachca"),
        "STATE_URL": f"sqlite:///{tmp_path}/state.db",
        **extra,
    }


def seen(httpserver: HTTPServer, path: str) -> dict[str, str]:
    [request] = [request for request, _ in httpserver.log if request.path == path]
    return dict(request.headers)


@pytest.mark.parametrize("token_name", ["PACHKA_API_TOKEN", "PACHCA_API_TOKEN"])
def test_either_spelling_of_the_pachca_token_is_sent_to_pachca(
    token_name: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    env = env_for(httpserver, tmp_path, TRACKER_ORG_ID="7654321", TRACKER_API_URL=httpserver.url_for("/"))
    done = run("doctor", env={**env, token_name: "pachca-bot-token"}, cwd=tmp_path)

    assert done.returncode == 1  # the fake APIs answer nothing useful: checks fail, the configuration is fine
    assert seen(httpserver, "/pachca/oauth/token/info")["Authorization"] == "Bearer pachca-bot-token"
    tracker = seen(httpserver, "/v2/myself")
    assert tracker["Authorization"] == "OAuth tracker-oauth" and tracker["X-Org-Id"] == "7654321"
    assert "X-Cloud-Org-Id" not in tracker


def test_a_cloud_organisation_is_sent_as_x_cloud_org_id_to_the_legacy_create_urls_host(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    env = env_for(
        httpserver,
        tmp_path,
        PACHKA_API_TOKEN="pachca-bot-token",
        TRACKER_CLOUD_ORG_ID="bpf3crucp1v2example",
        TRACKER_CREATE_URL=httpserver.url_for("/v2/issues/"),
    )
    done = run("doctor", env=env, cwd=tmp_path)

    assert done.returncode == 1
    tracker = seen(httpserver, "/v2/myself")
    assert tracker["X-Cloud-Org-Id"] == "bpf3crucp1v2example" and "X-Org-Id" not in tracker
