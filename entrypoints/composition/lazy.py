"""How the composition root keeps a cold start to what one event needs.

A provider names its class by import path, `Deferred("application.usecases.tickets.OpenTicket")`, and the module is
imported when the provider first builds it. A handler is `OnFirstCall(provider, "execute")`: its use case, with the
services and adapters only it uses, is built (and their modules imported) when the first event of its class comes.
The inbox's handlers are `HandlersOnFirstEvent`: an event class's use cases are built when its first event comes,
and from then on the inbox finds them with a plain dict lookup, so a warm event goes straight to its use case. So a
cold function answering a Pachca message imports the ticket's use case, not the Tracker comment's, the buttons',
the recovery's or the form's. `tests/entrypoints/composition` resolves every path, so a wrong one fails a
test, not an event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, KeysView, Mapping, Sequence
from importlib import import_module
from typing import Any

from dependency_injector import providers

# one lock for every first build: two threads of `serve` meeting their first events build one set of singletons
_building = threading.RLock()


class Deferred:
    """A class or function named by its import path, imported when first called."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._target: Callable[..., Any] | None = None

    def resolve(self) -> Callable[..., Any]:
        if self._target is None:
            module, _, name = self.path.rpartition(".")
            self._target = getattr(import_module(module), name)
        return self._target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Deferred({self.path!r})"


class OnFirstCall:
    """`method` of what `build` provides, built when first called (under one lock), then called directly."""

    def __init__(self, build: Callable[[], object], method: str) -> None:
        self._build = build
        self._method = method
        self._bound: Callable[..., Any] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        bound = self._bound
        if bound is None:
            with _building:
                if self._bound is None:
                    self._bound = getattr(self._build(), self._method)
                bound = self._bound
        return bound(*args, **kwargs)

    def __repr__(self) -> str:
        return f"OnFirstCall({self._build!r}, {self._method!r})"


def on_first_call(provider: providers.Provider[Any], method: str) -> providers.Provider[OnFirstCall]:
    """`provider`'s `method` as a callable that builds the provided object on its first call."""
    return providers.Singleton(OnFirstCall, provider.provider, method)


Handler = Callable[[Any], str]


class HandlersOnFirstEvent(dict[type, list[Handler]]):
    """Every event class -> its handlers, each built (its use case made, its modules imported) when the class's first
    event comes. `builders` gives, per class, what builds each handler. A lookup of a class already built is the
    plain dict's own (`__missing__` runs only the first time), so no code of this module is on a warm event's path.
    The classes it knows are the builders' classes: iterating, `in` and `len` never build anything."""

    def __init__(self, builders: Mapping[type, Sequence[Callable[[], Handler]]]) -> None:
        super().__init__()
        self.builders = dict(builders)

    def __missing__(self, kind: type) -> list[Handler]:
        built = self.builders[kind]  # KeyError for a class without handlers, as a plain dict
        with _building:
            if not dict.__contains__(self, kind):
                self[kind] = [build() for build in built]
            return dict.__getitem__(self, kind)

    def count(self, kind: type) -> int:
        """How many handlers the class has, without building them."""
        return len(self.builders.get(kind, ()))

    def __contains__(self, kind: object) -> bool:
        return kind in self.builders

    def __iter__(self) -> Iterator[type]:
        return iter(self.builders)

    def __len__(self) -> int:
        return len(self.builders)

    def keys(self) -> KeysView[type]:  # type: ignore[override]
        return self.builders.keys()

    def values(self) -> list[list[Handler]]:  # type: ignore[override]
        """Every class's handlers, all built (for a check or a test, not for an event)."""
        return [self[kind] for kind in self.builders]

    def items(self) -> list[tuple[type, list[Handler]]]:  # type: ignore[override]
        return [(kind, self[kind]) for kind in self.builders]

    def get(self, kind: type, default: Any = None) -> Any:
        return self[kind] if kind in self.builders else default
