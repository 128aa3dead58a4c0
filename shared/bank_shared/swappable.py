"""One process-wide instance of a dependency (a client of another service, an audit log), created on first use
and kept for the warm execution environment; tests swap in a fake. The one way services wire such dependencies:

    _ledger = Swappable[Ledger](HttpLedger)
    get_ledger, set_ledger = _ledger.get, _ledger.set
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Swappable(Generic[T]):
    def __init__(self, create: Callable[[], T]) -> None:
        self._create = create
        self._instance: T | None = None

    def get(self) -> T:
        if self._instance is None:
            self._instance = self._create()
        return self._instance

    def set(self, instance: T | None) -> None:
        """A fake for tests; None returns to the real one (created again on next use)."""
        self._instance = instance
