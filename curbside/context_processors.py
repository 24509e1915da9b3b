"""The header's "Log in" and "Sign up" links bring the visitor back to the page
they were on (``?next=``): someone who signs up from a path page lands on it
again once their address is confirmed."""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

ACCOUNT_PREFIX = "/accounts/"


def _safe(request: HttpRequest, target: str) -> bool:
    return (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


def return_to(request: HttpRequest) -> str:
    """Where signing in or up from this page should return ("" for the
    default, the learner's dashboard). On the account pages themselves, the
    page the visitor came from (their own ``next``), never the account page."""
    if request.path.startswith(ACCOUNT_PREFIX):
        target = request.GET.get("next", "")
        return target if target and _safe(request, target) else ""
    if request.path == "/":
        return ""
    target = request.get_full_path()
    return target if _safe(request, target) else ""


def account_links(request: HttpRequest) -> dict[str, str]:
    login, signup = reverse("account_login"), reverse("account_signup")
    target = return_to(request)
    if target:
        query = "?" + urlencode({"next": target})
        login, signup = login + query, signup + query
    return {"header_login_url": login, "header_signup_url": signup}
