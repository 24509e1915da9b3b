"""What the privacy tests (test_privacy_*.py) share besides their fixtures
(``certified`` and ``others_certificate``, in conftest.py)."""

from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery"  # UserFactory's
User = get_user_model()
