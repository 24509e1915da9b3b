"""Elasticsearch engine: the only package that imports elasticsearch(-dsl).

Documents live in versioned indices ("<alias>-<UTC timestamp>") behind an
alias; searches and incremental writes go through the alias, and rebuild()
fills a fresh index and then moves the alias in one atomic `_aliases` call.
Queries are built from parsed words only (search.query), never from raw user
text, so no query-syntax parser ever sees what someone typed.

Modules: mapping (analysis and the document mapping), errors (client errors
as readable messages), bulk (bulk writes), queries (search requests),
responses (reading hits, facets and suggestions), spelling ("did you mean")
and engine (ElasticsearchEngine).
"""

from .engine import ElasticsearchEngine

__all__ = ["ElasticsearchEngine"]
