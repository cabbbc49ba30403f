"""Where the areas plug into the kernel without the kernel knowing them.

An area registers a provider in its AppConfig.ready(); the kernel (and the layers above)
read every registered provider. This keeps the arrows pointing down: the kernel never
imports an app, yet a chair's bookings in every area are seen when any area books a
meeting, and a child's record shows what each layer knows of the child. See
docs/adr/0008-layers.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


class Registry:
    """An ordered set of provider functions, registered once each."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Callable[..., Any]] = []

    def register(self, provider: Callable[..., Any]) -> Callable[..., Any]:
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def __iter__(self) -> Iterator[Callable[..., Any]]:
        return iter(list(self._providers))
