"""Yandex Cloud Functions entry point: `index.handler`."""

from entrypoints.function.handler import handler

__all__ = ["handler"]
