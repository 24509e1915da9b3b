"""Who may use the institution staff's admin pages (certificate issuance:
learning.certificates.admin_views; CME reports: learning.reports.views)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def staff_may_act(user: Any) -> bool:
    return user.is_active and (user.is_superuser or user.staff_institutions.exists())


class StaffOnlyMixin:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not staff_may_act(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
