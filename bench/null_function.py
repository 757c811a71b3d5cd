"""The null product of the cold-start bench: a Cloud Function that answers every event 200 and does nothing else.

It imports exactly the third-party libraries the bridge's function needs to answer one webhook, the way the bridge
loads them, so that `bench/cold_start.py` can run it through the same child harness, with the same event, and what
is left of the bridge's cold start is the bridge's own:

- `requests`: the HTTP client of every adapter;
- `pydantic.BaseModel`: the settings and the APIs' answers are pydantic models (only the import: building a model is
  the product's own cost);
- `dependency_injector.containers` and `.providers`: a DI container assembles the function. The providers import
  `pydantic_settings` (the bridge's settings are a `BaseSettings`) and `asyncio` whenever they are installed, and
  PyYAML and Werkzeug where those are (the dev venv; the function's archive does not install them);
- `pythonjsonlogger`: the function's log lines are JSON.
"""

from __future__ import annotations

import json
from typing import Any

import requests  # noqa: F401 - the cost of importing it is the point
from dependency_injector import containers, providers  # noqa: F401
from pydantic import BaseModel  # noqa: F401
from pythonjsonlogger.json import JsonFormatter  # noqa: F401


def handler(event: Any, context: Any) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json; charset=utf-8"},
        "body": json.dumps({"ok": True, "outcome": "null"}),
        "isBase64Encoded": False,
    }
