"""What the two embedded engines share: the document, facet and spelling
tables, facet counting (in memory, facet_matrix), paging and the "did you
mean" logic. The full-text parts differ by database and live in sqlite.py
and postgres.py.

Modules: writing (EmbeddedWriter: index, remove, rebuild), engine
(EmbeddedEngine: search and suggest), rows (the document table and hits),
facets (filters as SQL, facets from counts), facet_matrix (the counting,
from each process's copy of the facet entries), spelling ("did you mean")
and snippets.
"""

from .engine import EmbeddedEngine
from .facets import Filters
from .snippets import pick_snippet
from .spelling import SPELLING_MAX, SPELLING_MIN, edit_distance, spelling_words
from .writing import WRITE_BATCH, EmbeddedWriter

__all__ = [
    "SPELLING_MAX",
    "SPELLING_MIN",
    "WRITE_BATCH",
    "EmbeddedEngine",
    "EmbeddedWriter",
    "Filters",
    "edit_distance",
    "pick_snippet",
    "spelling_words",
]
