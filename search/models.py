"""Tables of the embedded engine, and the queue of index updates.

The embedded engine keeps one row per indexed page (IndexedDocument), its
facet values (FacetValue, and FacetEntry: one row per document and value, so
multi-valued facets count correctly with GROUP BY) and the words of the index
(SpellingTerm) for "did you mean". The full-text structures live beside them and are created by
migration 0002 for the database in use: an FTS5 table on SQLite, generated
tsvector columns with GIN indexes on PostgreSQL.

PendingIndexUpdate is an outbox: a change to a page writes a row in the same
transaction as the change, and the indexing task deletes it only once every
engine has the update. An engine that was down catches up on the next run.
"""

from django.db import models


class IndexedDocument(models.Model):
    page_id = models.BigIntegerField(unique=True)
    kind = models.CharField(max_length=10)
    title = models.TextField()
    url = models.TextField()
    summary = models.TextField(blank=True)
    objectives = models.TextField(blank=True)
    body = models.TextField(blank=True)
    meta = models.TextField(blank=True)
    mentor_names = models.TextField(blank=True, help_text="One name a line.")
    topic_labels = models.TextField(blank=True, help_text="One label a line.")
    credits = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)
    # A random number written with the row each time it is written (one per
    # write transaction): each process's copy of the facet entries
    # (engines/embedded/facet_matrix.py) re-reads a document's entries when
    # its stamp is not the one it read them with.
    stamp = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["-release_date", "-id"], name="search_doc_newest"),
            models.Index(fields=["stamp", "id"], name="search_doc_stamp"),
        ]

    def __str__(self) -> str:
        return self.title


class FacetValue(models.Model):
    """One value of one facet ("topic" = "clinical", labelled "Clinical
    judgment"). Entries point at it by integer id, so counting facets is a
    GROUP BY over small integers."""

    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=100)
    label = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "value"], name="search_unique_facet_value")
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class FacetEntry(models.Model):
    document = models.ForeignKey(
        IndexedDocument, on_delete=models.CASCADE, related_name="facet_entries"
    )
    facet_value = models.ForeignKey(FacetValue, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "facet_value"], name="search_unique_facet_entry"
            )
        ]
        indexes = [
            models.Index(fields=["facet_value", "document"], name="search_entry_by_value"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.facet_value_id}"


class IndexState(models.Model):
    """One row: a random token set anew by every transaction that writes the
    embedded index (documents, facet entries or facet values). A search reads
    it in the same statement as its matches; a process whose copy of the
    facet entries was read under another token brings it up to date first.
    Random rather than counted, so a token written by a transaction that was
    rolled back is never seen again."""

    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"index state {self.token}"


class SpellingTerm(models.Model):
    """A word of the index and how many documents contain it."""

    term = models.CharField(max_length=40, unique=True)
    documents = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.term


class PendingIndexUpdate(models.Model):
    page_id = models.BigIntegerField(unique=True)
    requested_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"page {self.page_id}"
