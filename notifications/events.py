"""Signals of the notification services. ``created`` is sent after the
transaction that wrote new notifications commits; the task module listens."""

from django.dispatch import Signal

# kwargs: notification_ids (list[int])
created = Signal()
