"""A rebuild's pacing on a database with one write lock (SQLite): free
spells after each of its transactions, and no garbage collection inside
one."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator


def _sleep_until(moment: float) -> None:
    """Sleep until time.perf_counter() reaches ``moment`` (now if it has)."""
    left = moment - time.perf_counter()
    if left > 0:
        time.sleep(left)


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """No cyclic garbage collection inside: for a rebuild's transactions. A
    full collection in a rebuild's process took 142 ms at 100,000 guides
    (docs/benchmarks.md, "tenth pass"), and inside a transaction on SQLite
    it holds the write lock all that time; it runs after instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class FreeSpells:
    """A rebuild's pacing: after each of its transactions the write lock is
    left free for ``share`` of the time the transaction held it (at most
    ``longest``, 50 ms unless told), so a writer waiting for it gets in.
    Work that needs no lock is done meanwhile: ``after_each`` (the engine's
    _after_transaction), then whatever the caller does next; wait() sleeps
    only for what is left of the spell, then runs ``before_each`` (the
    engine's _before_transaction). ``sizes`` keeps the sizes an engine
    gives its own kinds of transaction (rows or pages each), from one to the
    next."""

    def __init__(
        self,
        share: float,
        after_each: Callable[[], None] | None = None,
        before_each: Callable[[], None] | None = None,
    ) -> None:
        self.share = share
        self.after_each = after_each
        self.before_each = before_each
        self.until = 0.0
        self.sizes: dict[str, int] = {}

    def held(self, seconds: float, longest: float = 0.05) -> None:
        """A transaction has just ended, after holding the lock ``seconds``."""
        self.until = time.perf_counter() + min(seconds * self.share, longest)
        if self.after_each:
            self.after_each()

    def wait(self) -> None:
        """Before the next transaction: until the free spell is over."""
        _sleep_until(self.until)
        if self.before_each:
            self.before_each()

    def resize(self, kind: str, size: int, took: float, aim: float, low: int, high: int) -> int:
        """The next size for a kind of transaction that took ``took`` seconds
        at ``size``: halfway to the size that would take ``aim``, within
        ``low`` and ``high``; kept in ``sizes``."""
        fitting = size * aim / max(took, 1e-4)
        self.sizes[kind] = int(min(high, max(low, (size + fitting) / 2)))
        return self.sizes[kind]
