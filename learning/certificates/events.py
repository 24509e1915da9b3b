"""Domain signals of the certificate services. The services send them and
know nothing of background tasks or reminders; ``learning.apps`` connects
the receivers when Django starts, so every sender reaches them.

``pdf_needed``: sent with ``certificate_id`` once the transaction that issued
or reissued a certificate has committed; its PDF must be rendered.

``pdf_ready``: sent with ``certificate`` INSIDE the transaction that marks its
PDF ready, so what a receiver writes (the learner's "certificate ready"
notification, learning.reminders) commits or rolls back with it.
"""

from django.dispatch import Signal

pdf_needed = Signal()
pdf_ready = Signal()
