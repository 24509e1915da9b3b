"""Request types for the type checker."""

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedRequest(HttpRequest):
    """A request that reached a view behind login_required or the staff
    check: its user is signed in. Only a type; Django builds the request."""

    user: User
