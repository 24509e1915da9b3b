"""The learner's own pages: the dashboard and the profile (with a safe
return to where the learner was asked for it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from learning.models import LearnerProfile

from .. import progress as journey_progress
from ..forms import ProfileForm
from .common import _learner


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "learning/dashboard.html",
        {"dashboard": journey_progress.dashboard(_learner(request))},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    learner = _learner(request)
    instance = LearnerProfile.objects.filter(user=learner).first() or LearnerProfile(
        user=learner, full_name=learner.get_full_name()
    )
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile is saved.")
            if _safe_next(request):
                # A path, never a URL name: redirect("0") would try to reverse "0".
                return HttpResponseRedirect(request.GET["next"])
            return redirect("learner_dashboard")
        return TemplateResponse(request, "learning/profile.html", {"form": form}, status=400)
    return TemplateResponse(request, "learning/profile.html", {"form": form})


def _safe_next(request: HttpRequest) -> bool:
    target = request.GET.get("next")
    if not target:
        return False
    # A local path only, and no control characters (a newline cannot go in a header).
    return (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
