"""`seed_demo` ends by building the search index over the demo content."""

from collections.abc import Callable

from cms.demo.registry import register_seeder


@register_seeder("search", order=100)
def seed_search_index(stdout: Callable[[str], object]) -> None:
    from .indexing import rebuild

    counts = rebuild()
    for name, count in counts.items():
        stdout(f"  search index ({name}): {count} guides and paths")
