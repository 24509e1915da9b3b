"""The mentee profile and the mentor offer: one each per person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from ..exceptions import MentoringError
from ..forms import MenteeProfileForm, MentorOfferForm
from ..models import MenteeProfile, MentorOffer, Programme, Role
from ..services import participation
from .common import person


def _form_page(
    request: HttpRequest,
    form_class: type[ModelForm],
    instance: MenteeProfile | MentorOffer,
    role: Role,
    template: str,
) -> HttpResponse:
    joining = Programme.objects.filter(slug=request.GET.get("join", "")).first()
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST":
        if not form.is_valid():
            return TemplateResponse(
                request, template, {"form": form, "joining": joining}, status=400
            )
        with transaction.atomic():
            form.save()
        messages.success(request, "Saved.")
        if joining is not None:
            try:
                participation.join(person(request), joining, role)
            except MentoringError as error:
                messages.error(request, error.message)
                return redirect("mentoring:programme", joining.slug)
            messages.success(request, f"You joined {joining.title}.")
            if role == Role.MENTEE:
                return redirect("mentoring:suggestions", joining.slug)
            return redirect("mentoring:programme", joining.slug)
        return redirect(request.path)
    return TemplateResponse(request, template, {"form": form, "joining": joining})


@login_required
def mentee_profile(request: HttpRequest) -> HttpResponse:
    user = person(request)
    instance = MenteeProfile.objects.filter(user=user).first() or MenteeProfile(user=user)
    return _form_page(
        request, MenteeProfileForm, instance, Role.MENTEE, "mentoring/mentee_profile.html"
    )


@login_required
def mentor_offer(request: HttpRequest) -> HttpResponse:
    user = person(request)
    instance = MentorOffer.objects.filter(user=user).first() or MentorOffer(user=user)
    return _form_page(
        request, MentorOfferForm, instance, Role.MENTOR, "mentoring/mentor_offer.html"
    )
