"""What the two embedded engines share: the document, facet and spelling
tables, facet counting in SQL, paging and the "did you mean" logic. The
full-text parts differ by database and live in sqlite.py and postgres.py.

Modules: writing (EmbeddedWriter: index, remove, rebuild), engine
(EmbeddedEngine: search and suggest), rows (the document table and hits),
facets (filters and facet counts), spelling ("did you mean") and snippets.
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
