"""What gets indexed: published, public guides and learning paths, turned
into SearchDocuments. Also which pages a change touches (a guide's edit
changes the paths it is a step of; a mentor's new name changes their guides)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from django.db.models import Choices, Model, QuerySet

from wagtail.models import Page

from cms.blocks import stream_text
from cms.models import AudienceLevel, GuidePage, Mentor, Topic
from learning.models import LearningPathPage, PathStep

from .engines.base import MARK_END, MARK_START, SearchDocument

INDEXED_MODELS = (GuidePage, LearningPathPage)
BATCH_SIZE = 200

_M = TypeVar("_M", bound=Model)


def clean_text(text: str) -> str:
    """Text as indexed: no highlight markers, no NUL or other control
    characters (PostgreSQL rejects NUL), whitespace collapsed."""
    text = (text or "").replace(MARK_START, " ").replace(MARK_END, " ")
    return " ".join("".join(ch if ch >= " " else " " for ch in text).split())


def _label(choices: type[Choices], value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def guide_document(page: GuidePage) -> SearchDocument:
    mentors = page.author_mentors
    return SearchDocument(
        page_id=page.pk,
        kind="guide",
        title=clean_text(page.title),
        url=page.url or "",
        summary=clean_text(page.summary),
        objectives=clean_text(stream_text(page.objectives)),
        body=clean_text(page.body_text()),
        topics=((page.topic, _label(Topic, page.topic)),) if page.topic else (),
        specialties=tuple(sorted((s.tag.slug, s.tag.name) for s in page.tagged_specialties.all())),
        audiences=((page.audience_level, _label(AudienceLevel, page.audience_level)),)
        if page.audience_level
        else (),
        mentors=tuple((m.slug, m.name) for m in mentors),
        credits=None,
        release_date=page.release_date,
        last_reviewed=page.last_reviewed,
    )


def path_document(page: LearningPathPage) -> SearchDocument:
    """A path is found by its own text and by what its guides cover; its
    facets are the union of its guides'."""
    guides = [step.guide for step in page.steps.all() if step.guide.live]
    topics, specialties, audiences, mentors = {}, {}, {}, {}
    for guide in guides:
        if guide.topic:
            topics[guide.topic] = _label(Topic, guide.topic)
        if guide.audience_level:
            audiences[guide.audience_level] = _label(AudienceLevel, guide.audience_level)
        for item in guide.tagged_specialties.all():
            specialties[item.tag.slug] = item.tag.name
        for author in guide.authors.all():
            mentors[author.mentor.slug] = author.mentor.name
    body = [page.target_audience]
    if page.institution:
        body.append(f"Accredited by {page.institution.name}.")
    body += [f"{guide.title}. {guide.summary}" for guide in guides]
    return SearchDocument(
        page_id=page.pk,
        kind="path",
        title=clean_text(page.title),
        url=page.url or "",
        summary=clean_text(page.summary),
        objectives=clean_text(stream_text(page.objectives)),
        body=clean_text(" ".join(body)),
        topics=tuple(sorted(topics.items())),
        specialties=tuple(sorted(specialties.items())),
        audiences=tuple(sorted(audiences.items())),
        mentors=tuple(sorted(mentors.items(), key=lambda item: item[1])),
        credits=page.max_credits if page.max_credits > 0 else None,
        release_date=page.release_date,
        last_reviewed=page.last_reviewed,
    )


def _guides() -> QuerySet[GuidePage]:
    return (
        GuidePage.objects.live()
        .public()
        .prefetch_related("authors__mentor", "tagged_specialties__tag")
        .order_by("pk")
    )


def _paths() -> QuerySet[LearningPathPage]:
    return (
        LearningPathPage.objects.live()
        .public()
        .select_related("institution")
        .prefetch_related("steps__guide__authors__mentor", "steps__guide__tagged_specialties__tag")
        .order_by("pk")
    )


def published_count() -> int:
    return _guides().count() + _paths().count()


def published_ids() -> set[int]:
    return set(_guides().values_list("pk", flat=True)) | set(_paths().values_list("pk", flat=True))


def _batched(
    queryset: QuerySet[_M], build: Callable[[_M], SearchDocument]
) -> Iterator[SearchDocument]:
    """Walk a queryset in primary-key batches so a rebuild of 10,000 guides
    never holds them all (and their prefetches) in memory at once."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:BATCH_SIZE])
        if not batch:
            return
        for page in batch:
            yield build(page)
        last = batch[-1].pk


def all_documents() -> Iterator[SearchDocument]:
    yield from _batched(_guides(), guide_document)
    yield from _batched(_paths(), path_document)


def documents_for(page_ids: Iterable[int]) -> tuple[list[SearchDocument], set[int]]:
    """Documents for the pages that are indexable now, and the ids of the
    rest (unpublished, private, deleted or not a guide or path) to remove."""
    ids = set(page_ids)
    documents = [guide_document(p) for p in _guides().filter(pk__in=ids)]
    documents += [path_document(p) for p in _paths().filter(pk__in=ids)]
    return documents, ids - {d.page_id for d in documents}


def affected_page_ids(page: Page, descendants: bool = True) -> set[int]:
    """The page, its descendants (a moved or restricted section) and the
    learning paths that have any of those guides as steps."""
    if descendants:
        ids = set(Page.objects.filter(path__startswith=page.path).values_list("pk", flat=True))
    else:
        ids = {page.pk}
    ids |= set(PathStep.objects.filter(guide_id__in=ids).values_list("page_id", flat=True))
    return ids


def mentor_page_ids(mentor: Mentor) -> set[int]:
    guide_ids = set(mentor.authorships.values_list("page_id", flat=True))
    return guide_ids | set(
        PathStep.objects.filter(guide_id__in=guide_ids).values_list("page_id", flat=True)
    )
