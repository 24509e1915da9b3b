"""What gets indexed: published, public guides and learning paths, turned
into SearchDocuments. Also which pages a change touches (a guide's edit
changes the paths it is a step of; a mentor's new name changes their guides)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.db.models import Choices, F, Model, QuerySet, TextField
from django.db.models.functions import Cast

from wagtail.models import Page, Site

from cms.blocks import stream_text
from cms.blocks.text import raw_stream_text
from cms.models import AudienceLevel, GuideAuthor, GuidePage, GuideSpecialty, Mentor, Topic
from learning.models import LearningPathPage, PathStep

from .engines.base import MARK_END, MARK_START, SearchDocument

INDEXED_MODELS = (GuidePage, LearningPathPage)
BATCH_SIZE = 200
# Guides read per query by a rebuild (all_documents).
REBUILD_CHUNK = 1000

_M = TypeVar("_M", bound=Model)


_TO_SPACE = dict.fromkeys(range(32), " ") | {ord(MARK_START): " ", ord(MARK_END): " "}


def clean_text(text: str) -> str:
    """Text as indexed: no highlight markers, no NUL or other control
    characters (PostgreSQL rejects NUL), whitespace collapsed."""
    return " ".join((text or "").translate(_TO_SPACE).split())


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


def _public_guide_ids(guide_ids: set[int]) -> set[int]:
    """Which of these guides are live and behind no view restriction."""
    if not guide_ids:
        return set()
    return set(
        GuidePage.objects.filter(pk__in=guide_ids).live().public().values_list("pk", flat=True)
    )


def path_document(page: LearningPathPage) -> SearchDocument:
    """A path is found by its own text and by what its public guides cover;
    its facets are the union of theirs. A step behind a view restriction
    adds nothing: its summary is not the visitor's to read (and only its
    title shows on the path page)."""
    steps = list(page.steps.all())
    public = _public_guide_ids({step.guide_id for step in steps})
    guides = [step.guide for step in steps if step.guide_id in public]
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
    """Every published, public guide and path, for a rebuild. Guides are read
    REBUILD_CHUNK at a time as plain columns (see _guide_chunk): the same
    documents guide_document makes, about ten times faster."""
    yield from _all_guide_documents()
    yield from _batched(_paths(), path_document)


_GUIDE_COLUMNS = (
    "pk",
    "title",
    "url_path",
    "summary",
    "objectives_json",
    "body_json",
    "topic",
    "audience_level",
    "release_date",
    "last_reviewed",
)


def _all_guide_documents() -> Iterator[SearchDocument]:
    roots = Site.get_site_root_paths()
    last = 0
    while True:
        rows = list(
            _guides()
            .prefetch_related(None)
            .filter(pk__gt=last)
            .annotate(
                objectives_json=Cast(F("objectives"), TextField()),
                body_json=Cast(F("body"), TextField()),
            )
            .values_list(*_GUIDE_COLUMNS)[:REBUILD_CHUNK]
        )
        if not rows:
            return
        yield from _guide_chunk(rows, roots)
        last = rows[-1][0]


def _guide_chunk(rows: list[tuple[Any, ...]], roots: list[Any]) -> Iterator[SearchDocument]:
    """Documents for one chunk of guide rows (_GUIDE_COLUMNS): their authors
    and specialties in one query each, the StreamField text from the stored
    JSON (cms.blocks.text.raw_stream_text) and the URL from the site root
    paths read once per rebuild."""
    ids = [row[0] for row in rows]
    mentors: dict[int, list[tuple[str, str]]] = defaultdict(list)
    authors = GuideAuthor.objects.filter(page_id__in=ids).order_by("page_id", "sort_order", "pk")
    for page_id, slug, name in authors.values_list("page_id", "mentor__slug", "mentor__name"):
        mentors[page_id].append((slug, name))
    specialties: dict[int, list[tuple[str, str]]] = defaultdict(list)
    tagged = GuideSpecialty.objects.filter(content_object_id__in=ids)
    for page_id, slug, name in tagged.values_list("content_object_id", "tag__slug", "tag__name"):
        specialties[page_id].append((slug, name))
    objectives_block = GuidePage._meta.get_field("objectives").stream_block
    body_block = GuidePage._meta.get_field("body").stream_block
    parents: dict[str, str] = {}
    for pk, title, url_path, summary, objectives, body, topic, audience, released, reviewed in rows:
        yield SearchDocument(
            page_id=pk,
            kind="guide",
            title=clean_text(title),
            url=_page_url(url_path, roots, parents),
            summary=clean_text(summary),
            objectives=clean_text(raw_stream_text(objectives_block, _stream_json(objectives))),
            body=clean_text(raw_stream_text(body_block, _stream_json(body))),
            topics=((topic, _label(Topic, topic)),) if topic else (),
            specialties=tuple(sorted(specialties[pk])),
            audiences=((audience, _label(AudienceLevel, audience)),) if audience else (),
            mentors=tuple(mentors[pk]),
            credits=None,
            release_date=released,
            last_reviewed=reviewed,
        )


def _stream_json(text: str | None) -> list[Any]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    # PostgreSQL's jsonb may hold the stream as a JSON string of JSON.
    if isinstance(value, str):
        return _stream_json(value)
    return value if isinstance(value, list) else []


_SLUG = re.compile(r"[A-Za-z0-9_-]+")


def _page_url(url_path: str, roots: list[Any], parents: dict[str, str] | None = None) -> str:
    """page.url for a page with this url_path, with the site root paths read
    once (Page.get_url reads them from the cache for every page). With
    ``parents``, a page whose slug needs no quoting is its parent's URL plus
    the slug (what Wagtail's URL reversal gives), the parent's computed once."""
    if parents is not None:
        parent, _, slug = url_path.rstrip("/").rpartition("/")
        if _SLUG.fullmatch(slug):
            if parent not in parents:
                parents[parent] = _page_url(f"{parent}/", roots)
            base = parents[parent]
            if base.endswith("/"):
                return f"{base}{slug}/"
    page = Page(url_path=url_path)
    page._wagtail_cached_site_root_paths = roots
    return page.url or ""


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
