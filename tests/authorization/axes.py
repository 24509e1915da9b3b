"""The matrix's two axes: the roles, its columns (ROLES), and what one of its
rows is (Row: a URL, how to request it, and what its answer must not show)."""

from dataclasses import dataclass

ROLES = ["anon", "doc_a", "doc_b", "men_a", "men_b", "rev", "stf_a", "stf_b", "su"]


# ---------------------------------------------------------------------------
# The URLs (rows). ``{name}`` is filled from world.ids.


@dataclass(frozen=True)
class Row:
    url: str
    method: str = "get"
    data: tuple = ()
    public_identity: bool = False  # the page shows a certificate holder by design
    extra_forbidden: tuple = ()  # (role, string) pairs that must not appear
