"""The sandbox's own HTTP API under `/sandbox/…` and its page at `/`; every other request goes to the bridge."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from entrypoints.sandbox.scene import Refused, Scene
from entrypoints.sandbox.simulators.http import Answer, Call, StartResponse, WsgiApp, answer, wsgi_app
from entrypoints.sandbox.timeline import Timeline
from entrypoints.sandbox.view import chat, issues

PAGE_TYPES = {"index.html": "text/html; charset=utf-8", "sandbox.js": "text/javascript; charset=utf-8"}
PAGE_TYPES["sandbox.css"] = "text/css; charset=utf-8"
Outbox = Callable[[], dict[str, Any]]


class SandboxApi:
    """The page and its API answer only their own page: a `Host` that names the sandbox (an IP address,
    `localhost`, or the name it was started on: a rebound DNS name is refused), and for actions a JSON body from
    the same origin (a page elsewhere can send `text/plain` or a form without asking, never JSON)."""

    def __init__(
        self, scene: Scene, timeline: Timeline, outbox: Outbox, host: str = "127.0.0.1", run: str = ""
    ) -> None:
        self.host = host.lower()
        self.scene = scene
        self.timeline = timeline
        self.outbox = outbox
        self.run = run  # this start's id: a page that sees another one knows the sandbox restarted
        self.actions: dict[str, Callable[[dict[str, Any]], Any]] = {
            "write": lambda b: scene.write(str(b["text"])),
            "reply": lambda b: scene.reply(int(b["thread_id"]), str(b["text"])),
            "press": lambda b: scene.press(int(b["message_id"]), str(b["data"])),
            "submit": lambda b: scene.submit(str(b["trigger_id"]), {str(k): str(v) for k, v in b["values"].items()}),
            "comment": lambda b: scene.comment(str(b["key"]), str(b["text"])),
            "move": lambda b: scene.move(str(b["key"]), str(b["transition"])),
            "switch": lambda b: scene.switch(str(b["name"]), bool(b["on"])),
        }

    def handle(self, call: Call) -> Answer:
        refused = self._refusal(call)
        if refused is not None:
            return answer({"ok": False, "error": refused[1]}, refused[0])
        name = call.path.removeprefix("/sandbox/")
        if call.method == "GET" and call.path == "/":
            return _page("index.html")
        if call.method == "GET" and name in PAGE_TYPES:
            return _page(name)
        if call.method == "GET" and name == "state":
            return answer(self.state(int(call.args.get("since", "0") or 0)))
        if call.method == "GET" and name.startswith("tracker/"):
            return Answer(302, b"", {"Location": "/#" + name.removeprefix("tracker/")}, "text/plain")
        if call.method == "POST" and name in self.actions:
            return self._act(name, call)
        return answer({"ok": False, "error": "not found"}, 404)

    def state(self, since: int) -> dict[str, Any]:
        world = self.scene.world
        return {
            "run": self.run,
            "chat": chat(world.pachca),
            "issues": issues(world.tracker),
            "timeline": self.timeline.since(since),
            "outbox": self.outbox(),
            "switches": self.scene.switches(),
            "duplicates": world.duplicates(),
        }

    def _refusal(self, call: Call) -> tuple[int, str] | None:
        host = call.headers.get("host", "")
        if not self._is_own_host(host):
            return 403, "this sandbox answers only at its own address (Host)"
        if call.method != "POST":
            return None
        if call.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return 415, "actions take a JSON body (Content-Type: application/json)"
        origin = call.headers.get("origin")
        if origin is not None and origin.lower() != f"http://{host.lower()}":
            return 403, "actions are taken only from the sandbox's own page (Origin)"
        if call.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return 403, "actions are taken only from the sandbox's own page (Sec-Fetch-Site)"
        return None

    def _is_own_host(self, host: str) -> bool:
        name = urlsplit(f"//{host}").hostname or ""
        if name in (self.host, "localhost") or name.endswith(".localhost"):
            return True
        try:
            ipaddress.ip_address(name)  # an address cannot be rebound to another machine's name
        except ValueError:
            return False
        return True

    def _act(self, name: str, call: Call) -> Answer:
        try:
            body = call.json()
            said = self.actions[name](body if isinstance(body, dict) else {})
        except (Refused, KeyError, TypeError, ValueError) as e:
            return answer({"ok": False, "error": str(e) or type(e).__name__}, 400)
        return answer({"ok": True, **(said if isinstance(said, dict) else {})})


def routed(sandbox: SandboxApi, bridge: WsgiApp) -> WsgiApp:
    """`/` and `/sandbox/…` are the sandbox's; the rest is the bridge's, exactly as `serve` answers it."""
    page = wsgi_app(sandbox.handle)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
        path, method = environ.get("PATH_INFO", "/"), environ.get("REQUEST_METHOD")
        mine = path.startswith("/sandbox/") or (path == "/" and method == "GET")
        return (page if mine else bridge)(environ, start_response)

    return app


def _page(name: str) -> Answer:
    content = files("entrypoints.sandbox").joinpath("page", name).read_bytes()
    return Answer(200, content, {"Cache-Control": "no-store"}, PAGE_TYPES[name])
