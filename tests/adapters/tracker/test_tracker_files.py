"""HttpTrackerFiles over real HTTP: a comment's attachments, their download with the robot's credentials (only from
the API's host), temporary attachments uploaded as multipart, and the PATCHes of a description and a comment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from adapters.tracker.client import tracker_client
from adapters.tracker.files import HttpTrackerFiles
from adapters.tracker.issues import HttpIssueTracker
from domain.files import FileRef, LocalFile
from ports.errors import NotFound, OutcomeUnknown, PermanentFailure
from ports.files import TrackerFiles
from tests.adapters.tracker.test_tracker import FIELD_IDS, KEY, NEW_ISSUE, ORG, TOKEN, only_request

PDF = b"%PDF-1.7\n" + b"0123456789" * 5000


@pytest.fixture
def files(httpserver: HTTPServer) -> Iterator[HttpTrackerFiles]:
    with requests.Session() as session:
        yield HttpTrackerFiles(
            tracker_client(session, httpserver.url_for("/"), TOKEN, org_id=ORG, sleep=lambda _: None)
        )


@pytest.fixture
def tracker(httpserver: HTTPServer) -> HttpIssueTracker:
    return HttpIssueTracker(tracker_client(requests.Session(), httpserver.url_for("/"), TOKEN, org_id=ORG))


def test_it_is_the_port(files: HttpTrackerFiles) -> None:
    assert isinstance(files, TrackerFiles)


def test_a_comment_is_read_with_its_attachments_named_and_located(
    httpserver: HTTPServer, tracker: HttpIssueTracker
) -> None:
    refs = [{"self": "…", "id": "4159", "display": "screen.png"}, {"self": "…", "id": 4160, "display": "акт 1.pdf"}]
    comment = {"id": 626, "text": "См. файлы", "createdBy": {"id": "1", "display": "Иван"}, "attachments": refs}
    httpserver.expect_request(
        f"/v2/issues/{KEY}/comments/626", query_string={"expand": "attachments"}
    ).respond_with_json(comment)

    found = tracker.get_comment(KEY, "626")

    assert found.text == "См. файлы"
    assert found.files == (
        FileRef("screen.png", httpserver.url_for(f"/v2/issues/{KEY}/attachments/4159/screen.png"), ident="4159"),
        FileRef(
            "акт 1.pdf",
            httpserver.url_for(f"/v2/issues/{KEY}/attachments/4160/%D0%B0%D0%BA%D1%82%201.pdf"),
            ident="4160",
        ),
    )
    assert found.files[0].is_image and found.files[1].mime == "application/pdf"


def test_a_comment_without_attachments_has_no_files(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    comment = {"id": 626, "text": "Без файлов", "createdBy": {"id": "1"}}
    httpserver.expect_request(f"/v2/issues/{KEY}/comments/626").respond_with_json(comment)

    assert tracker.get_comment(KEY, "626").files == ()


def test_a_download_carries_the_robots_credentials(httpserver: HTTPServer, files: HttpTrackerFiles) -> None:
    httpserver.expect_request(f"/v2/issues/{KEY}/attachments/4160/a.pdf").respond_with_data(PDF)
    ref = FileRef("a.pdf", httpserver.url_for(f"/v2/issues/{KEY}/attachments/4160/a.pdf"))

    with files.download(ref, 10 * len(PDF)) as local:
        assert Path(local.path).read_bytes() == PDF

    only_request(httpserver)


def test_an_attachment_elsewhere_is_not_fetched_with_the_credentials(
    httpserver: HTTPServer, files: HttpTrackerFiles
) -> None:
    ref = FileRef("a.pdf", "http://127.0.0.2:9/steal?file=a.pdf")

    with pytest.raises(PermanentFailure), files.download(ref, 100):
        pass
    assert httpserver.log == []


def test_a_missing_attachment_is_not_found(httpserver: HTTPServer, files: HttpTrackerFiles) -> None:
    httpserver.expect_request("/v2/issues/SERVICEDESK-42/attachments/1/a.pdf").respond_with_data("", status=404)

    with (
        pytest.raises(NotFound),
        files.download(FileRef("a.pdf", httpserver.url_for(f"/v2/issues/{KEY}/attachments/1/a.pdf")), 9),
    ):
        pass


def test_an_upload_is_one_multipart_file_part_and_gives_the_temporary_id(
    httpserver: HTTPServer, files: HttpTrackerFiles, tmp_path: Path
) -> None:
    seen: list[Request] = []
    answer = {"id": "6231e9bd0c6f8e1d3a3b6c01", "name": "отчёт.pdf", "content": "…", "mimetype": "application/pdf"}
    httpserver.expect_request(
        "/v2/attachments/", method="POST", query_string={"filename": "отчёт.pdf"}
    ).respond_with_handler(_recording(seen, answer))

    attachment_id = files.upload(_local(tmp_path, "отчёт.pdf", PDF))

    assert attachment_id == "6231e9bd0c6f8e1d3a3b6c01"
    request = only_request(httpserver)
    assert request.mimetype == "multipart/form-data"
    assert list(request.files) == ["file"] and not request.form
    part = request.files["file"]
    assert (part.filename, part.mimetype, part.read()) == ("отчёт.pdf", "application/pdf", PDF)
    assert int(request.headers["Content-Length"]) > len(PDF)  # sized up front: not chunked


def test_an_upload_whose_answer_is_lost_is_not_repeated(
    httpserver: HTTPServer, files: HttpTrackerFiles, tmp_path: Path
) -> None:
    httpserver.expect_request("/v2/attachments/", method="POST").respond_with_data("oops", status=503)

    with pytest.raises(OutcomeUnknown):
        files.upload(_local(tmp_path, "a.txt", b"a"))
    assert len(httpserver.log) == 1


def test_the_description_is_read_and_replaced(httpserver: HTTPServer, files: HttpTrackerFiles) -> None:
    httpserver.expect_ordered_request(f"/v2/issues/{KEY}", method="GET").respond_with_json(
        {"key": str(KEY), "description": "Старый текст\n\nАвтор: Олег"}
    )
    httpserver.expect_ordered_request(f"/v2/issues/{KEY}", method="PATCH").respond_with_json({"key": str(KEY)})

    assert files.description(KEY) == "Старый текст\n\nАвтор: Олег"
    files.update_description(KEY, "Новый текст\n\nАвтор: Олег")

    patch = httpserver.log[1][0]
    assert json.loads(patch.get_data()) == {"description": "Новый текст\n\nАвтор: Олег", "markupType": "md"}


def test_a_comment_is_edited_in_place(httpserver: HTTPServer, files: HttpTrackerFiles) -> None:
    httpserver.expect_request(f"/v2/issues/{KEY}/comments/626", method="PATCH").respond_with_json({"id": 626})

    files.edit_comment(KEY, "626", "_Сообщение удалено в Пачке._")

    request = only_request(httpserver)
    assert json.loads(request.get_data()) == {"text": "_Сообщение удалено в Пачке._", "markupType": "md"}


def _local(tmp_path: Path, name: str, data: bytes) -> LocalFile:
    path = tmp_path / "spooled"
    path.write_bytes(data)
    return LocalFile(FileRef(name, "unused", len(data)), str(path), len(data))


def _recording(seen: list[Request], answer: dict[str, Any]) -> Any:
    def handler(request: Request) -> Response:
        request.get_data(cache=True)
        seen.append(request)
        return Response(json.dumps(answer), status=201, content_type="application/json")

    return handler


def test_temporary_attachments_go_onto_a_new_comment(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request(f"/v2/issues/{KEY}/comments", method="POST").respond_with_json({"id": 627}, status=201)

    assert tracker.add_comment(KEY, "См. скриншот", attachment_ids=["6231e9bd", "6231e9be"]) == "627"

    body = json.loads(only_request(httpserver).get_data())
    assert body == {"text": "См. скриншот", "markupType": "md", "attachmentIds": ["6231e9bd", "6231e9be"]}


def test_temporary_attachments_go_onto_a_new_issue(httpserver: HTTPServer, tracker: HttpIssueTracker) -> None:
    httpserver.expect_request("/v2/issues/", method="POST").respond_with_json({"key": str(KEY)}, status=201)

    tracker.create_issue(replace(NEW_ISSUE, attachment_ids=("6231e9bd",)), FIELD_IDS)

    assert json.loads(only_request(httpserver).get_data())["attachmentIds"] == ["6231e9bd"]
