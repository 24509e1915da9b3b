"""Domain signals of the certificate services. The services send them and
know nothing of background tasks; ``learning.apps`` connects the task module
to them when Django starts, so every sender reaches the queue.

``pdf_needed``: sent with ``certificate_id`` once the transaction that issued
or reissued a certificate has committed; its PDF must be rendered.
"""

from django.dispatch import Signal

pdf_needed = Signal()
