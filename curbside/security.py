"""Account and admin security: who must use two-factor authentication, the
middleware that enforces it in the Wagtail admin, the allauth adapters, and
the redirect that sends Wagtail's own log-in forms to allauth's.

See docs/accounts-security.md.
"""

import functools
import logging
import smtplib
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.functional import cached_property

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

# Who must use two-factor authentication, and who has it, live in
# cms.two_factor (every app may ask); imported here for the middleware, the
# adapters and the factories.
from cms.two_factor import (  # noqa: E402, F401 - re-exported
    MFA_REQUIRED_GROUPS,
    SECOND_FACTOR_TYPES,
    has_second_factor,
    mfa_required,
)

logger = logging.getLogger(__name__)


def _account_named(login):
    """The id of the account ``login`` names, by username or by any of its
    e-mail addresses (case ignored, as allauth matches them), or None."""
    login = login.strip()
    if not login or len(login) > 254:
        return None
    User = get_user_model()
    if "@" in login:
        found = EmailAddress.objects.filter(email__iexact=login).values_list("user_id", flat=True)
        account = found.first()
        if account is None:
            account = (
                User._default_manager.filter(email__iexact=login)
                .values_list("pk", flat=True)
                .first()
            )
        return account
    field = f"{User.USERNAME_FIELD}__iexact"
    return User._default_manager.filter(**{field: login}).values_list("pk", flat=True).first()


def activate_totp(user, secret=None):
    """Give ``user`` a TOTP authenticator through allauth's own code path and
    return its (base32) secret. For factories and the demo seed."""
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def confirm_email(user):
    """Record ``user.email`` as their confirmed primary address (log-in needs
    one: ACCOUNT_EMAIL_VERIFICATION). For factories and the demo seed."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
    )


def totp_code(secret, at=None):
    """The authenticator-app code for ``secret`` now (or at Unix time ``at``),
    computed by allauth's own functions. For tests and the demo accounts."""
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


class AdminSecurityMiddleware:
    """Guards the Wagtail admin (everything under /admin/ except log-in,
    log-out and static helpers):

    - a signed-in user without admin access goes to their dashboard with a
      message (Wagtail would send them to the log-in page, which allauth
      answers by redirecting a signed-in user back: a loop);
    - a superuser, CME reviewer or institution staff member without an
      authenticator goes to allauth's authenticator-app activation page.

    Costs nothing outside /admin/; one query per admin request for a user who
    has an authenticator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def admin_prefix(self):
        return reverse("wagtailadmin_home")

    @cached_property
    def exempt_paths(self):
        return (
            reverse("wagtailadmin_login"),
            reverse("wagtailadmin_logout"),
            reverse("wagtailadmin_javascript_catalog"),
            reverse("wagtailadmin_sprite"),
        )

    def __call__(self, request):
        path = request.path_info
        if (
            path.startswith(self.admin_prefix)
            and not path.startswith(self.exempt_paths)
            and request.user.is_authenticated
        ):
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        user = request.user
        if not user.has_perm("wagtailadmin.access_admin"):
            messages.error(
                request,
                "Your account has no access to the admin. It is for mentors, CME reviewers "
                "and institution staff; log out and sign in with such an account.",
            )
            return HttpResponseRedirect(reverse("learner_dashboard"))
        if mfa_required(user) and not has_second_factor(user):
            messages.warning(
                request,
                "Administrators, CME reviewers and institution staff must use two-factor "
                "authentication. Set up an authenticator app to continue to the admin.",
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return None


def admin_login_redirect(request):
    """Wagtail's admin (and front-end) log-in views are replaced by allauth's,
    so that rate limits and two-factor authentication always apply. Any
    method redirects: a POST of credentials here logs nobody in."""
    url = reverse("account_login")
    next_url = request.GET.get("next")
    if next_url:
        query = QueryDict(mutable=True)
        query["next"] = next_url
        url += "?" + query.urlencode(safe="/")
    return HttpResponseRedirect(url)


class AuthenticationBackend(AllauthBackend):
    """The site's only authentication backend (it keeps Django's permission
    checks): a log-in attempt costs exactly one password hash whether the
    account exists or not, so timing tells nothing about who has an account.

    With Django's ModelBackend in front of allauth's, an existing email cost
    three hashes (a dummy one for the unknown username, then allauth checked
    the password once as a username-or-email and once as an email) and an
    unknown one two. Here each account's password is checked once per
    attempt and an attempt that found no account hashes once."""

    def authenticate(self, request, **credentials):
        self._checked = {}
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if not user:
            return None
        if user.pk not in self._checked:
            self._checked[user.pk] = super()._check_password(user, password)
        return self._checked[user.pk]

    def get_user(self, user_id):
        """The signed-in user, read with whether they hold any permission, directly
        or through a group. Most are learners with none, yet every page asks (the
        header's Admin link, Wagtail's user bar) and Django would answer with two
        queries: for them the answer is known without one. Superusers, and users
        read any other way, are checked as before."""
        model = get_user_model()
        user = (
            model._default_manager.annotate(holds_permissions=_holds_permissions(model))
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        if not user.is_superuser and not user.holds_permissions:
            # ModelBackend's own per-request caches of the two sets.
            user._user_perm_cache = set()
            user._group_perm_cache = set()
        return user


@functools.cache
def _holds_permissions_sql(model):
    """Whether a user holds a permission directly or through a group, as plain
    SQL on the tables' own names (no input goes in it): the ORM's Exists
    subqueries cost more CPU to compile than the two queries they spare."""
    user_permissions = model.user_permissions.through._meta.db_table
    user_groups = model.groups.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    user_table = model._meta.db_table
    return (
        f'EXISTS (SELECT 1 FROM "{user_permissions}" WHERE "{user_permissions}"."user_id" = '  # noqa: S608
        f'"{user_table}"."id") OR EXISTS (SELECT 1 FROM "{user_groups}" INNER JOIN '
        f'"{group_permissions}" ON "{group_permissions}"."group_id" = "{user_groups}"."group_id" '
        f'WHERE "{user_groups}"."user_id" = "{user_table}"."id")'
    )


def _holds_permissions(model):
    return RawSQL(_holds_permissions_sql(model), (), output_field=BooleanField())  # noqa: S611


@dataclass(frozen=True)
class EmailSite:
    """What allauth's emails call the site: the product's name ("Hello from
    Curbside!"), not the host and port the request came to. Without
    django.contrib.sites allauth would use the request's host for both."""

    name: str
    domain: str


def email_site(request) -> EmailSite:
    domain = request.get_host() if request is not None else ""
    return EmailSite(
        name=settings.WAGTAIL_SITE_NAME,
        domain=domain or urlsplit(settings.PUBLIC_BASE_URL).netloc,
    )


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject):
        return f"[{settings.WAGTAIL_SITE_NAME}] {subject}"

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed log-ins are counted per account, however it is named.
        allauth counts them per login text typed, so an account's username
        and its e-mail address (learners may sign in with either) each got
        the 5 guesses in 5 minutes: 10 against one password. A login that
        names no account keeps allauth's key (its text)."""
        login = str(credentials.get("email", credentials.get("username", "")) or "")
        account = _account_named(login)
        if account is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_current_site(request).domain}:account:{account}"

    def send_mail(self, template_prefix, email, context):
        """An email server that does not answer gets a normal page saying so
        (503, Retry-After), not a server error. Sign-up, reset and address
        emails are sent in the request: the learner can simply try again."""
        context = {"current_site": email_site(context.get("request") or self.request), **context}
        try:
            super().send_mail(template_prefix, email, context)
        except (OSError, smtplib.SMTPException) as exc:
            logger.exception("Could not send the %s email", template_prefix.rsplit("/", 1)[-1])
            response = TemplateResponse(
                context.get("request") or self.request, "email_unavailable.html", status=503
            )
            response["Retry-After"] = "120"
            raise ImmediateHttpResponse(response) from exc

    def send_account_already_exists_mail(self, email):
        """Sign-up with an address that has an account answers exactly like a
        new sign-up ("confirm your address"), and costs the same: a new account
        hashes its password, so this hashes one too."""
        make_password(get_random_string(24))
        super().send_account_already_exists_mail(email)

    def pre_authenticate(self, request, **credentials):
        """Too many failed log-ins answer 429 with the "too many requests"
        page, not the log-in form again."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from exc
            raise


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Administrators, CME reviewers and institution staff must keep two-factor "
            "authentication on."
        ),
    }

    def can_delete_authenticator(self, authenticator):
        if authenticator.type not in SECOND_FACTOR_TYPES:
            return True
        user = authenticator.user
        if not mfa_required(user):
            return True
        others = Authenticator.objects.filter(
            user_id=user.pk, type__in=SECOND_FACTOR_TYPES
        ).exclude(pk=authenticator.pk)
        return others.exists()
