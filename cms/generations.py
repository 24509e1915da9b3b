"""Generations: answers kept in the shared cache until anything they read changes.

A generation is a random token kept in the cache under its own key. Every
answer is stored with the token that was current when its records were read;
any change to those records sets a new token, and an answer stored under
another token is worked out again. The order makes it safe under
concurrency: a request reads the token *before* it reads the database and
stores its answer under the token it read, so an answer read before a change
committed is never served after it. A change sets a new token at once (inside
its transaction, where the database cache writes with it) and again once the
transaction commits: a request that read the old rows while the change was
still uncommitted may have stored its answer under the first new token.

With the embedded default cache (the database), reading the token and the
answers is one query: ``read`` reads them together.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished, post_page_move


class Generation:
    def __init__(self, key: str) -> None:
        self.key = key

    def read(self, keys: list[str]) -> tuple[str, dict[str, Any]]:
        """The current token and the answers stored under it, of ``keys``
        (those stored under another token are left out), in one cache read."""
        found = cache.get_many([self.key, *keys])
        token = found.pop(self.key, None)
        if token is None:
            return self.renew(), {}
        return token, {
            key: stored[1]
            for key, stored in found.items()
            if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == token
        }

    def store(self, key: str, token: str, answer: Any, timeout: int) -> None:
        """Keep ``answer``, worked out from records read after ``token`` was."""
        cache.set(key, (token, answer), timeout)

    def renew(self) -> str:
        token = secrets.token_hex(8)
        cache.set(self.key, token, None)
        return token

    def invalidate(self) -> None:
        """Every answer is worked out again from the next request on (and
        again after the current transaction commits)."""
        self.renew()
        transaction.on_commit(self.renew)

    def renew_on_changes(self, models: Iterable[type[Model]], uid: str) -> None:
        """Set a new token whenever a row of ``models`` is saved or deleted,
        and whenever any page is published, unpublished or moved. Connected
        model by model, not to every sender: a receiver for all models would
        cost every save a call and take Django's fast bulk delete away from
        every model. Call it once, from an app's ``ready``."""
        for model in models:
            label = f"{uid}:{model._meta.label_lower}"
            post_save.connect(self._changed, sender=model, dispatch_uid=f"{label}:save")
            post_delete.connect(self._changed, sender=model, dispatch_uid=f"{label}:delete")
        page_published.connect(self._changed, dispatch_uid=f"{uid}:publish")
        page_unpublished.connect(self._changed, dispatch_uid=f"{uid}:unpublish")
        post_page_move.connect(self._changed, dispatch_uid=f"{uid}:move")

    def _changed(self, **kwargs: Any) -> None:
        self.invalidate()
