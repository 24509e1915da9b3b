"""Other apps add their demo content to ``seed_demo`` by registering a seeder
here (from their ``AppConfig.ready``), so ``cms`` never imports them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Seeder:
    name: str
    order: int
    func: Callable


_seeders: dict[str, Seeder] = {}


def register_seeder(name, order):
    def decorator(func):
        _seeders[name] = Seeder(name=name, order=order, func=func)
        return func

    return decorator


def seeders():
    return sorted(_seeders.values(), key=lambda s: (s.order, s.name))
