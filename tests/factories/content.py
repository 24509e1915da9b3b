"""Factories for editorial content: mentors, institutions, guides."""

import datetime
import json

from django.utils import timezone

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from cms.disclosures import Relationship, record_disclosure
from cms.models import GuideAuthor, GuideIndexPage, GuidePage, Institution, Mentor, Topic


class MentorFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Jordan Mentor{n}")
    slug = factory.Sequence(lambda n: f"jordan-mentor{n}")
    credentials = "MD"
    specialty = "Internal medicine"
    institution_name = "Riverside University Hospital"
    bio = "<p>Hospitalist and teacher.</p>"
    interests = "Clinical reasoning\nHandoffs"
    # Alt text goes with a photo (the database refuses a photo without it).
    photo_alt = factory.LazyAttribute(
        lambda m: f"{m.name} in a white coat, smiling" if getattr(m, "photo", None) else ""
    )
    # Not model fields: the first signed disclosure (None for no disclosure at
    # all) and its relationships, as cms.disclosures.Relationship values or
    # (company, nature) pairs. Recorded through the service, as the admin does.
    disclosure_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )
    relationships: list = []

    class Meta:
        model = Mentor

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        kwargs.pop("disclosure_date", None)
        kwargs.pop("relationships", None)
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        given_on = kwargs.pop("disclosure_date", None)
        relationships = [
            rel if isinstance(rel, Relationship) else Relationship(*rel)
            for rel in kwargs.pop("relationships", None) or []
        ]
        mentor = super()._create(model_class, *args, **kwargs)
        if given_on is not None:
            record_disclosure(
                mentor,
                given_on=given_on,
                relationships=relationships,
                none_to_disclose=not relationships,
                signed_name=mentor.name,
            )
        return mentor


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
            "AMA PRA Category 1 Credit(s)™. Physicians should claim only the credit "
            "commensurate with the extent of their participation in the activity."
        )
    )
    signatory_name = "Alex Signer, MD"
    signatory_title = "Director of CME"
    contact_email = factory.LazyAttribute(lambda i: f"cme@{i.slug}.example.org")

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
