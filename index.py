"""Yandex Cloud Functions entry point: `index.handler`."""

from entrypoints.function import handler

__all__ = ["handler"]
