"""Factories for editorial content, used by tests and benchmarks."""

import datetime
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from cms.models import GuideAuthor, GuideIndexPage, GuidePage, Institution, Mentor, Topic
from curbside.security import activate_totp, confirm_email, has_second_factor, mfa_required


class UserFactory(DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    groups = factory.PostGeneration(
        lambda user, create, names, **kw: add_groups(user, create, names)
    )
    # Superusers, CME reviewers and institution staff must have a second
    # factor to use the admin (curbside.security), so they get a TOTP authenticator
    # by default; its secret is on ``user.totp_secret``. ``totp=False`` leaves
    # it out, ``totp="BASE32SECRET"`` chooses the secret.
    totp = factory.PostGeneration(lambda user, create, extracted, **kw: extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create and instance.email:
            # Log-in needs a confirmed address (ACCOUNT_EMAIL_VERIFICATION).
            confirm_email(instance)
        wanted = (results or {}).get("totp")
        if (
            create
            and wanted is not False
            and mfa_required(instance)
            and not has_second_factor(instance)
        ):
            instance.totp_secret = activate_totp(instance, wanted or None)


def add_groups(user, create, names):
    if not create:
        return
    for name in names or ():
        user.groups.add(Group.objects.get(name=name))
    user.save()


def _with_groups(*default):
    return factory.PostGeneration(
        lambda user, create, names, **kw: add_groups(
            user, create, default if names is None else names
        )
    )


class MentorUserFactory(UserFactory):
    groups = _with_groups("Mentors")


class ReviewerFactory(UserFactory):
    groups = _with_groups("CME reviewers")


class InstitutionStaffFactory(UserFactory):
    groups = _with_groups("Institution staff")


class MentorFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Jordan Mentor{n}")
    slug = factory.Sequence(lambda n: f"jordan-mentor{n}")
    credentials = "MD"
    specialty = "Internal medicine"
    institution_name = "Riverside University Hospital"
    bio = "<p>Hospitalist and teacher.</p>"
    interests = "Clinical reasoning\nHandoffs"
    disclosure_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )

    class Meta:
        model = Mentor


class InstitutionFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Institution {n} CME Office")
    slug = factory.Sequence(lambda n: f"institution-{n}")
    accreditation_statement = factory.LazyAttribute(
        lambda i: (
            f"{i.name} is accredited by the Accreditation Council for Continuing "
            "Medical Education (ACCME) to provide continuing medical education for physicians."
        )
    )
    credit_designation_statement = factory.LazyAttribute(
        lambda i: (
            f"{i.name} designates this enduring material for a maximum of [N] "
            "AMA PRA Category 1 Credit(s)™."
        )
    )
    signatory_name = "Alex Signer, MD"
    signatory_title = "Director of CME"

    class Meta:
        model = Institution


def body_json(paragraphs=("A practical paragraph about clinical reasoning.",)):
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs])


class GuidePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Guide number {n}")
    slug = factory.Sequence(lambda n: f"guide-{n}")
    summary = "A short guide."
    topic = Topic.CLINICAL
    audience_level = "resident"
    body = factory.LazyFunction(body_json)
    objectives = factory.LazyFunction(
        lambda: json.dumps([{"type": "objective", "value": "Recognise the sick patient"}])
    )
    parent = factory.LazyFunction(lambda: GuideIndexPage.objects.get())

    class Meta:
        model = GuidePage
        skip_postgeneration_save = True

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        for order, mentor in enumerate(extracted or []):
            GuideAuthor.objects.create(page=self, mentor=mentor, sort_order=order)

    @factory.post_generation
    def specialties(self, create, extracted, **kwargs):
        if create and extracted:
            self.specialties.add(*extracted)
            self.save()
