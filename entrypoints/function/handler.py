"""The Yandex Cloud Functions entrypoint: HTTP events and timer events, never an unhandled exception."""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from adapters.http.budget import InvocationBudget
from domain.instants import iso_utc
from entrypoints.composition.bootstrap import build_container
from entrypoints.config.configuration import ConfigurationError
from entrypoints.config.logs import current_request
from entrypoints.config.settings import DEFAULT_FUNCTION_STATE_URL
from entrypoints.function.events import deadline_of, request_from_event, request_id_of, to_function_response, token_of
from entrypoints.http.exchange import HttpResponse
from entrypoints.http.tracker_reader import is_timer
from entrypoints.http.webhooks import WebhookApp

log = logging.getLogger("servicedesk.function")


class IamToken:
    """The service account's IAM token of the current invocation (the password of a Managed PostgreSQL store)."""

    def __init__(self) -> None:
        self.value: str | None = None

    def __call__(self) -> str | None:
        return self.value


class FunctionRuntime:
    """One function instance: built on the first invocation (a cold start), then reused by every later one."""

    def __init__(self) -> None:
        self.iam_token = IamToken()
        self.reset()

    def reset(self) -> None:
        """Forgets the built instance, as a new cold start would (for tests)."""
        self._app: WebhookApp | None = None
        self._budget = InvocationBudget()
        self._config_error: ConfigurationError | None = None

    def handle(self, event: Any, context: Any) -> dict[str, Any]:
        self.iam_token.value = token_of(context)
        request = current_request.set(request_id_of(event, context) or None)
        try:
            app = self._instance()
            if app is None:
                return to_function_response(HttpResponse(503, {"ok": False, "error": str(self._config_error)}))
            with self._budget.until(deadline_of(context)):
                if isinstance(event, dict) and "httpMethod" not in event and is_timer(event):
                    return to_function_response(app.handle_timer(getattr(context, "request_id", "")))
                return to_function_response(app.handle(request_from_event(event, context)))
        except Exception:
            log.exception("invocation failed")
            return to_function_response(HttpResponse(503, {"ok": False, "error": "internal error"}))
        finally:
            current_request.reset(request)

    def _instance(self) -> WebhookApp | None:
        if self._app is None and self._config_error is None:
            try:
                container = build_container(
                    os.environ, DEFAULT_FUNCTION_STATE_URL, for_function=True, password_provider=self.iam_token
                )
                self._app, self._budget = container.webhooks(), container.outside.budget()
            except ConfigurationError as e:
                self._config_error = e
                line: dict[str, object] = {"time": iso_utc(time.time()), "level": "ERROR"}
                line |= {"logger": "servicedesk.function", "message": e.explain(), "names": e.names}
                print(json.dumps(line, ensure_ascii=False), flush=True)
        return self._app


_runtime = FunctionRuntime()
handler = _runtime.handle  # `index.handler`: the platform calls it once per invocation
reset = _runtime.reset
