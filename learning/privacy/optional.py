"""Models of optional apps (allauth's parts, Wagtail's user profiles): None
when the app is not installed."""

from typing import Any

from django.apps import apps
from django.db.models import QuerySet


def optional_model(app_label: str, model_name: str, app_name: str) -> type[Any] | None:
    if not apps.is_installed(app_name):
        return None
    return apps.get_model(app_label, model_name)


def email_addresses(user: Any) -> QuerySet[Any] | None:
    """The account's allauth e-mail addresses, or None without allauth."""
    model = optional_model("account", "EmailAddress", "allauth.account")
    return model._default_manager.filter(user=user) if model else None
