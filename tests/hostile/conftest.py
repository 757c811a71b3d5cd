"""The entrypoint fixtures (`send` through the function and through `serve`, the fake APIs) for the attacks here."""

from tests.entrypoints.conftest import apis, function_env, send, served, state_url

__all__ = ["apis", "function_env", "send", "served", "state_url"]
