"""Domain signals of the search services. ``search.indexing`` sends them and
knows nothing of background tasks; ``search.apps`` connects the task module
to them when Django starts, so every change reaches the queue.

``index_update_requested``: sent once the transaction that recorded pages in
PendingIndexUpdate has committed; the queued updates must be processed.
"""

from django.dispatch import Signal

index_update_requested = Signal()
