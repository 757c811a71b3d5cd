"""HttpMessengerFiles over real HTTP: a message's files read, downloaded in chunks, and uploaded in Pachca's steps,
with every request and answer checked against Pachca's spec (the form post too)."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from adapters.pachca.files import HttpMessengerFiles
from adapters.pachca.messenger import HttpChatMessenger, pachca_client
from domain.files import FileRef, LocalFile
from ports.errors import FileTooLarge, NotFound, PermanentFailure, TransientFailure
from ports.files import MessengerFiles, PachcaUpload
from tests.adapters.openapi_spec import assert_form_valid, assert_response_valid
from tests.adapters.pachca.test_pachca import BASE, THREAD, TOKEN, message_json, sent_body, serve
from tests.domain.test_images import GIF, jpeg

# a PNG's signature and header chunk (1280 x 720), then bytes that stand for its image data
PNG = b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sIIBBBBB", 13, b"IHDR", 1280, 720, 8, 6, 0, 0, 0) + bytes(range(256)) * 40
KEY = "attaches/files/93746/e354fd79-4f3e-4b5a-9c8d-1a2b3c4d5e6f/${filename}"


@pytest.fixture
def files(httpserver: HTTPServer) -> Iterator[HttpMessengerFiles]:
    with requests.Session() as session:
        yield HttpMessengerFiles(pachca_client(session, httpserver.url_for(BASE), TOKEN, sleep=lambda _: None))


def file_json(name: str, url: str, file_type: str = "file") -> dict[str, Any]:
    return {"id": 3560, "key": f"attaches/files/12/abc/{name}", "name": name, "file_type": file_type, "url": url}


def upload_params(direct_url: str) -> dict[str, Any]:
    return {
        "Content-Disposition": "attachment",
        "acl": "private",
        "policy": "eyJloNBpcmF0aW9uIjoiMjAyPi0xMi0wOFQwNjo1NzozNFHusCJjb",
        "x-amz-credential": "286471_server/20211122/kz-6x/s3/aws4_request",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-date": "20211122T065734Z",
        "x-amz-signature": "87e8f3ba4083c937c0e891d7a11tre932d8c33cg4bacf5380bf27624c1ok1475",
        "key": KEY,
        "direct_url": direct_url,
    }


def local_file(tmp_path: Path, name: str, data: bytes, image: bool = False) -> LocalFile:
    path = tmp_path / "spooled"
    path.write_bytes(data)
    return LocalFile(FileRef(name, "unused", len(data), image=image), str(path), len(data))


def test_it_is_the_port(files: HttpMessengerFiles) -> None:
    assert isinstance(files, MessengerFiles)


def test_a_messages_files_are_read_from_the_message(httpserver: HTTPServer, files: HttpMessengerFiles) -> None:
    body = {
        "data": message_json(
            files=[
                file_json("screen.png", "https://s3.example/screen.png?X-Amz-Signature=1", "image"),
                file_json("log.txt", "https://s3.example/log.txt?X-Amz-Signature=2"),
            ]
        )
    }
    assert_response_valid("GET", "/messages/{id}", 200, body)
    httpserver.expect_request(f"{BASE}/messages/194275", method="GET").respond_with_json(body)

    found = files.message_files(194275)

    assert [(f.name, f.is_image, f.mime) for f in found] == [
        ("screen.png", True, "image/png"),
        ("log.txt", False, "text/plain"),
    ]
    assert found[0].url == "https://s3.example/screen.png?X-Amz-Signature=1"


def test_a_message_without_files_has_none(httpserver: HTTPServer, files: HttpMessengerFiles) -> None:
    httpserver.expect_request(f"{BASE}/messages/5", method="GET").respond_with_json({"data": message_json(id=5)})

    assert files.message_files(5) == []


def test_a_download_streams_to_a_temporary_file_without_credentials_and_removes_it(
    httpserver: HTTPServer, files: HttpMessengerFiles
) -> None:
    httpserver.expect_request("/s3/screen.png", query_string="X-Amz-Signature=abc").respond_with_data(PNG)
    ref = FileRef("screen.png", httpserver.url_for("/s3/screen.png") + "?X-Amz-Signature=abc", image=True)

    with files.download(ref, max_bytes=len(PNG)) as local:
        assert Path(local.path).read_bytes() == PNG
        assert local.size == len(PNG)
        path = local.path

    assert not os.path.exists(path)
    [(request, _)] = httpserver.log
    assert "Authorization" not in request.headers  # a presigned URL carries its own signature


def test_a_download_over_the_limit_stops_and_leaves_nothing(
    httpserver: HTTPServer, files: HttpMessengerFiles, spool: str
) -> None:
    chunks = (b"x" * 65536 for _ in range(64))  # 4 MiB, sent without a Content-Length
    httpserver.expect_request("/s3/big.bin").respond_with_response(Response(chunks))
    before = set(os.listdir(spool))

    with (
        pytest.raises(FileTooLarge) as raised,
        files.download(FileRef("big.bin", httpserver.url_for("/s3/big.bin")), 1_000_000),
    ):
        pass

    assert raised.value.size is None  # stopped part way: the real size is not known
    assert set(os.listdir(spool)) == before


def test_a_size_known_to_be_over_the_limit_is_not_even_fetched(
    httpserver: HTTPServer, files: HttpMessengerFiles
) -> None:
    with pytest.raises(FileTooLarge), files.download(FileRef("big.bin", httpserver.url_for("/x"), size=10), 9):
        pass
    assert httpserver.log == []


def test_a_download_that_is_gone_is_not_found(httpserver: HTTPServer, files: HttpMessengerFiles) -> None:
    httpserver.expect_request("/s3/gone.pdf").respond_with_data("<Error>NoSuchKey</Error>", status=404)

    with pytest.raises(NotFound), files.download(FileRef("gone.pdf", httpserver.url_for("/s3/gone.pdf")), 100):
        pass


def test_an_upload_posts_every_field_then_the_file_last_and_names_the_key(
    httpserver: HTTPServer, files: HttpMessengerFiles, tmp_path: Path
) -> None:
    params = upload_params(httpserver.url_for("/direct_upload"))
    assert_response_valid("POST", "/uploads", 201, params)
    httpserver.expect_request(f"{BASE}/uploads", method="POST").respond_with_json(params, status=201)
    forms: list[tuple[Request, list[str]]] = []
    httpserver.expect_request("/direct_upload", method="POST").respond_with_handler(_record_form(forms))

    uploaded = files.upload(local_file(tmp_path, "экран 1.png", PNG, image=True))

    key = KEY.replace("${filename}", "экран 1.png")
    assert uploaded == PachcaUpload(key, "экран 1.png", "image", len(PNG), width=1280, height=720)
    [(request, order)] = forms
    assert order == [*(k for k in params if k != "direct_url"), "file"]
    fields = {name: request.form[name] for name in request.form}
    assert fields["key"] == key  # filled in before the form post, as Pachca's SDK does: storage substitutes nothing
    assert request.files["file"].read() == PNG
    assert request.files["file"].filename == "экран 1.png"
    assert_form_valid("POST", "/direct_url", fields | {"file": "<binary>"})
    assert "Authorization" not in request.headers
    uploads_call = httpserver.log[0][0]
    assert uploads_call.get_data() == b"" and uploads_call.headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_failed_form_post_is_retried_with_the_whole_file(
    httpserver: HTTPServer, files: HttpMessengerFiles, tmp_path: Path
) -> None:
    params = upload_params(httpserver.url_for("/up"))
    httpserver.expect_ordered_request(f"{BASE}/uploads").respond_with_json(params, 201)
    httpserver.expect_ordered_request("/up").respond_with_data("busy", status=503)
    forms: list[tuple[Request, list[str]]] = []
    httpserver.expect_ordered_request("/up").respond_with_handler(_record_form(forms))

    uploaded = files.upload(local_file(tmp_path, "report.pdf", b"%PDF-1.7 " * 1000))

    assert uploaded.file_type == "file" and uploaded.key.endswith("/report.pdf")
    [(request, _)] = forms
    assert request.files["file"].read() == b"%PDF-1.7 " * 1000


def test_an_expired_form_post_is_permanent(httpserver: HTTPServer, files: HttpMessengerFiles, tmp_path: Path) -> None:
    httpserver.expect_request(f"{BASE}/uploads").respond_with_json(upload_params(httpserver.url_for("/up")), 201)
    httpserver.expect_request("/up").respond_with_data("<Error>AccessDenied</Error>", status=403)

    with pytest.raises(PermanentFailure):
        files.upload(local_file(tmp_path, "a.txt", b"a"))


def test_a_name_that_would_break_the_form_is_made_safe(
    httpserver: HTTPServer, files: HttpMessengerFiles, tmp_path: Path
) -> None:
    httpserver.expect_request(f"{BASE}/uploads").respond_with_json(upload_params(httpserver.url_for("/up")), 201)
    forms: list[tuple[Request, list[str]]] = []
    httpserver.expect_request("/up").respond_with_handler(_record_form(forms))

    uploaded = files.upload(local_file(tmp_path, '../"a"\r\n.txt', b"a"))

    assert uploaded.name == "..__a_ .txt" and uploaded.key.endswith("/..__a_ .txt")
    assert forms[0][0].files["file"].filename == "..__a_ .txt"
    assert forms[0][0].form["key"] == uploaded.key


def _record_form(forms: list[tuple[Request, list[str]]]) -> Any:
    def handler(request: Request) -> Response:
        raw = request.get_data(cache=True)
        order = [part.split(b'"')[1].decode() for part in raw.split(b"Content-Disposition: form-data; name=")[1:]]
        forms.append((request, order))
        return Response(status=204)

    return handler


@pytest.fixture
def spool(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """A temporary directory of this test's own, where the adapter spools: other processes' files do not show."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return str(tmp_path)


def test_the_third_step_names_the_uploaded_files_on_the_message(httpserver: HTTPServer) -> None:
    answer = message_json(id=194300, entity_type="thread", entity_id=265142, chat_id=26372661)
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": answer})
    uploads = [
        PachcaUpload("attaches/files/93746/e354/screen.png", "screen.png", "image", 2048),
        PachcaUpload("attaches/files/93746/f001/log.pdf", "log.pdf", "file", 51200),
    ]
    with requests.Session() as session:
        messenger = HttpChatMessenger(pachca_client(session, httpserver.url_for(BASE), TOKEN))

        assert messenger.post_to_thread(THREAD, "Добавлен комментарий", files=uploads).message_id == 194300

    body = sent_body(httpserver, "POST", "/messages")
    assert body["message"]["files"] == [
        {"key": "attaches/files/93746/e354/screen.png", "name": "screen.png", "file_type": "image", "size": 2048},
        {"key": "attaches/files/93746/f001/log.pdf", "name": "log.pdf", "file_type": "file", "size": 51200},
    ]


def test_a_download_broken_off_is_transient_and_leaves_nothing(
    httpserver: HTTPServer, files: HttpMessengerFiles, spool: str
) -> None:
    def broken() -> Iterator[bytes]:
        yield b"x" * 65536
        raise ConnectionResetError("the storage went away")

    answer = Response(broken(), headers={"Content-Length": str(2 * 65536)})  # as storage sends it: sized
    httpserver.expect_request("/s3/half.bin").respond_with_response(answer)
    before = set(os.listdir(spool))

    with (
        pytest.raises(TransientFailure),
        files.download(FileRef("half.bin", httpserver.url_for("/s3/half.bin")), 10**6),
    ):
        pass

    assert set(os.listdir(spool)) == before


Shown = tuple[str, int | None, int | None]  # file_type, width, height


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', ("file", None, None)),
        ("scan.tiff", b"II*\x00" + b"\0" * 64, ("file", None, None)),
        ("photo.jpg", jpeg(4032, 3024), ("image", 4032, 3024)),
        ("anim.gif", GIF, ("image", 64, 48)),
        ("named.pdf", b"\x89PNG\r\n\x1a\n", ("file", None, None)),  # neither a readable picture nor named one
        ("broken.png", b"\x89PNG\r\n\x1a\n", ("image", None, None)),  # named a PNG: an image, its size unknown
    ],
)
def test_only_a_png_jpeg_gif_or_webp_is_an_image_with_its_size(
    httpserver: HTTPServer,
    files: HttpMessengerFiles,
    tmp_path: Path,
    name: str,
    data: bytes,
    expected: tuple[str, int | None, int | None],
) -> None:
    """Pachca's 2025-02-27 update: `width` and `height` make the preview right; its previews are of web formats."""
    httpserver.expect_request(f"{BASE}/uploads").respond_with_json(upload_params(httpserver.url_for("/up")), 201)
    httpserver.expect_request("/up").respond_with_data("", status=204)

    uploaded = files.upload(local_file(tmp_path, name, data, image=True))  # the source called it a picture

    assert (uploaded.file_type, uploaded.width, uploaded.height) == expected


def test_the_message_names_an_images_width_and_height(httpserver: HTTPServer) -> None:
    answer = message_json(id=194300, entity_type="thread", entity_id=265142, chat_id=26372661)
    serve(httpserver, "POST", "/messages", "/messages", 201, {"data": answer})
    upload = PachcaUpload("attaches/files/93746/e354/screen.png", "screen.png", "image", 2048, 1280, 720)
    with requests.Session() as session:
        HttpChatMessenger(pachca_client(session, httpserver.url_for(BASE), TOKEN)).post_to_thread(
            THREAD, "Добавлен комментарий", files=[upload]
        )

    [sent] = sent_body(httpserver, "POST", "/messages")["message"]["files"]
    assert sent == {
        "key": "attaches/files/93746/e354/screen.png",
        "name": "screen.png",
        "file_type": "image",
        "size": 2048,
        "width": 1280,
        "height": 720,
    }
