"""Generated guides for the search benchmark: deterministic clinical and career
text (random.Random(2026)) composed from benchmarks/data/search_themes.json
(35 themes: what a guide can be about, its specialties, titles, terms, people
and actions) and benchmarks/data/search_vocabulary.json (sentence templates,
headings, settings, colleagues...), inserted as rows under /guides/.

``python benchmarks/search_corpus.py --phase generate N`` (in a child process of
search_bench.py, with Django's settings in the environment) adds N guides.
"""

import datetime
import json
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import DATA_DIR
from benchmarks.harness.processes import child_main, django_setup

SEED = 2026
BATCH = 500


# The vocabulary (benchmarks/data/) ------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """What a guide can be about. ``people`` are patients for clinical themes and
    physicians in a situation otherwise; ``actions`` are verb phrases."""

    key: str
    topic: str
    specialties: tuple[str, ...]
    mentor: str  # slug of the demo mentor who most often writes on it
    titles: tuple[str, ...]
    terms: tuple[str, ...]
    people: tuple[str, ...]
    actions: tuple[str, ...]


def load_themes(path=DATA_DIR / "search_themes.json"):
    lists = ("specialties", "titles", "terms", "people", "actions")
    return tuple(
        Theme(**{key: tuple(value) if key in lists else value for key, value in item.items()})
        for item in json.loads(path.read_text())
    )


THEMES = load_themes()
_VOCABULARY = json.loads((DATA_DIR / "search_vocabulary.json").read_text())
# The 13 specialties used by the demo guides plus 15 more: 28 in all.
EXTRA_SPECIALTIES = tuple(_VOCABULARY["extra_specialties"])
SETTINGS = tuple(_VOCABULARY["settings"])
COLLEAGUES = tuple(_VOCABULARY["colleagues"])
TEMPLATES = {group: tuple(items) for group, items in _VOCABULARY["templates"].items()}
HEADINGS = {topic: tuple(items) for topic, items in _VOCABULARY["headings"].items()}
TITLE_ANGLES = tuple(_VOCABULARY["title_angles"])
PEARL_TITLES = tuple(_VOCABULARY["pearl_titles"])
AUDIENCES = ("student", "resident", "early_career", "experienced")
AUDIENCE_WEIGHTS = (1, 4, 3, 2)
# Themes appear with different frequencies, like a real library: the first ones
# in each topic more often.
THEME_WEIGHTS = tuple(3 if i % 4 == 0 else 2 if i % 4 == 1 else 1 for i in range(len(THEMES)))


# The generator (plain Python; no Django) ----------------------------------------


def capitalise(text):
    return text[:1].upper() + text[1:]


def slugify_words(text):
    kept = "".join(ch.lower() if ch.isalnum() else " " for ch in text)
    return "-".join(kept.split())[:60].strip("-")


class GuideWriter:
    """Composes guides from THEMES: deterministic for a given random.Random."""

    def __init__(self, rng):
        self.rng = rng

    def sentence(self, theme, template_group=None):
        rng = self.rng
        group = template_group or theme.topic
        template = rng.choice(TEMPLATES[group])
        term, term2 = rng.sample(theme.terms, 2)
        text = template.format(
            term=term,
            term2=term2,
            person=rng.choice(theme.people),
            action=rng.choice(theme.actions),
            setting=rng.choice(SETTINGS),
            colleague=rng.choice(COLLEAGUES),
        )
        return capitalise(text)

    def paragraph(self, primary, secondary, sentences):
        out = []
        for _ in range(sentences):
            roll = self.rng.random()
            if roll < 0.12:
                out.append(self.rng.choice(TEMPLATES["shared"]))
            elif roll < 0.32 and secondary is not None:
                out.append(self.sentence(secondary))
            else:
                out.append(self.sentence(primary))
        return " ".join(out)

    def guide(self, number):
        rng = self.rng
        primary = rng.choices(THEMES, weights=THEME_WEIGHTS)[0]
        secondary = rng.choice(THEMES) if rng.random() < 0.55 else None
        if secondary is primary:
            secondary = None
        title = capitalise(rng.choice(primary.titles) + rng.choice(TITLE_ANGLES))
        summary = (
            f"{capitalise(rng.choice(primary.terms))} for "
            f"{rng.choice(primary.people)}, and what to do next: "
            f"{rng.choice(primary.actions)}. {self.sentence(primary)}"
        )
        objectives = [
            f"Recognise {rng.choice(primary.terms)} in {rng.choice(SETTINGS)}",
            f"Explain when to {rng.choice(primary.actions)}",
            f"Apply a structured approach to {rng.choice(primary.terms)}",
        ]
        # Sentences up to a target length, then spread over 4 or 5 headed sections.
        target = rng.randint(360, 620)  # plus headings, pearl and takeaways: 400-700 words
        sentences, length = [], 0
        while length < target:
            sentences.append(self.paragraph(primary, secondary, 1))
            length += len(sentences[-1].split())
        headings = rng.sample(HEADINGS[primary.topic], rng.randint(4, 5))
        cuts = sorted(rng.sample(range(1, len(sentences)), len(headings) - 1))
        body, words = [], []
        for heading, start, end in zip(headings, [0, *cuts], [*cuts, len(sentences)], strict=True):
            heading = capitalise(heading.format(term=rng.choice(primary.terms)))
            section = sentences[start:end]
            split = rng.randint(1, len(section)) if len(section) > 3 else len(section)
            paragraphs = [" ".join(part) for part in (section[:split], section[split:]) if part]
            html = f"<h2>{heading}</h2>" + "".join(f"<p>{p}</p>" for p in paragraphs)
            body.append({"type": "paragraph", "value": html})
            words += [heading, *paragraphs]
        pearl = self.paragraph(primary, None, 2)
        body.insert(
            rng.randint(1, len(body)),
            {
                "type": "pearl",
                "value": {"title": rng.choice(PEARL_TITLES), "text": f"<p>{pearl}</p>"},
            },
        )
        takeaways = [capitalise(a) + "." for a in rng.sample(primary.actions, 3)]
        body.append({"type": "takeaways", "value": {"title": "Key takeaways", "items": takeaways}})
        words += [pearl, *takeaways]
        specialties = list(primary.specialties[: rng.randint(1, len(primary.specialties))])
        if secondary is not None and rng.random() < 0.5:
            specialties.append(rng.choice(secondary.specialties))
        if rng.random() < 0.15:
            specialties.append(rng.choice(EXTRA_SPECIALTIES))
        release = datetime.date(2026, 11, 1) - datetime.timedelta(days=rng.randint(30, 6 * 365))
        return {
            "title": title,
            "slug": f"{slugify_words(title)}-{number:05d}",
            "summary": summary,
            "topic": primary.topic,
            "audience_level": rng.choices(AUDIENCES, weights=AUDIENCE_WEIGHTS)[0],
            "objectives": [{"type": "objective", "value": o} for o in objectives],
            "body": body,
            "body_text": " ".join(words),
            "specialties": list(dict.fromkeys(specialties)),
            "mentor": primary.mentor,
            "co_author": rng.random() < 0.25,
            "release_date": release,
            "last_reviewed": release + datetime.timedelta(days=rng.randint(0, 25)),
            "published_minute": rng.randint(0, 24 * 60 - 1),
        }


def generate(count, seed=SEED):
    """``count`` guide descriptions (dicts), the same ones for the same seed."""
    return list(generated(count, seed))


def generated(count, seed=SEED):
    """The same guides as generate(), one at a time: 100,000 of them would take
    about a gigabyte as a list."""
    writer = GuideWriter(random.Random(seed))
    for number in range(1, count + 1):
        yield writer.guide(number)


def batches(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# Inserting them (inside Django, in a child process) ------------------------------


def phase_generate(count):
    """Insert ``count`` generated guides under the guide index as live pages.

    The rows are what publishing writes (wagtailcore_page with a treebeard path,
    url_path, content type, locale and publication dates; cms_guidepage; authors;
    specialty tags), without revisions or log entries, which nothing here reads
    (search documents are built from the page rows). They are written table by
    table in one transaction: COPY on PostgreSQL, one executemany per table and
    batch on SQLite; page ids are given, not returned one by one.
    """
    django_setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.db.models import F, Max

    from taggit.models import Tag
    from wagtail.models import Page

    from cms.models import GuideAuthor, GuideIndexPage, GuidePage, GuideSpecialty, Mentor

    started = time.perf_counter()
    generate_s = 0.0
    words: list[int] = []

    index = GuideIndexPage.objects.get()
    content_type = ContentType.objects.get_for_model(GuidePage)
    mentors = {m.slug: m.pk for m in Mentor.objects.order_by("slug")}
    mentor_list = list(mentors.values())
    tags: dict = {}
    last_child = Page.objects.filter(path__startswith=index.path, depth=index.depth + 1)
    last_path = last_child.order_by("-path").values_list("path", flat=True).first()
    first_step = Page._str2int(last_path[-Page.steplen :]) + 1 if last_path else 1
    rng = random.Random(SEED + 1)  # co-authors only; the text comes from generate()
    writer = RowWriter(connection)

    guides = batches(generated(count), BATCH)
    with transaction.atomic():
        next_id = (Page.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        for offset in range(0, count, BATCH):
            composing = time.perf_counter()
            batch = next(guides)
            generate_s += time.perf_counter() - composing
            words += [len(guide["body_text"].split()) for guide in batch]
            for name in sorted({n for guide in batch for n in guide["specialties"]} - set(tags)):
                tags[name] = Tag.objects.get_or_create(name=name)[0].pk
            pages, guide_rows, authors, specialties = [], [], [], []
            for number, guide in enumerate(batch, start=first_step + offset):
                page_id, next_id = next_id, next_id + 1
                published = datetime.datetime.combine(
                    guide["release_date"], datetime.time(), tzinfo=datetime.UTC
                ) + datetime.timedelta(minutes=guide["published_minute"])
                pages.append(
                    Page(
                        id=page_id,
                        title=guide["title"],
                        draft_title=guide["title"],
                        slug=guide["slug"],
                        path=Page._get_path(index.path, index.depth + 1, number),
                        depth=index.depth + 1,
                        numchild=0,
                        url_path=f"{index.url_path}{guide['slug']}/",
                        content_type=content_type,
                        locale_id=index.locale_id,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                    )
                )
                guide_rows.append(guide_values(page_id, guide, connection))
                first = mentors.get(guide["mentor"]) or mentor_list[0]
                authors.append((page_id, first, 0))
                if guide["co_author"]:
                    second = rng.choice([m for m in mentor_list if m != first])
                    authors.append((page_id, second, 1))
                specialties += [(page_id, tags[name]) for name in guide["specialties"]]
            writer.write_models(Page, pages)
            writer.write(GuidePage._meta.db_table, list(guide_rows[0]), guide_rows)
            writer.write(
                GuideAuthor._meta.db_table, ["page_id", "mentor_id", "sort_order"], authors
            )
            writer.write(
                GuideSpecialty._meta.db_table, ["content_object_id", "tag_id"], specialties
            )
        Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + count)
        writer.reset_sequence(Page._meta.db_table)

    return {
        "guides": count,
        "generate_s": generate_s,
        "insert_s": time.perf_counter() - started - generate_s,
        "body_words_median": statistics.median(words),
        "body_words_min": min(words),
        "body_words_max": max(words),
        "specialties": GuideSpecialty.tag_model().objects.count(),
        "guides_in_database": GuidePage.objects.live().count(),
    }


def guide_values(page_id, guide, connection):
    """{column: value} of a guide's cms_guidepage row (StreamFields as their
    stored JSON), as GuidePage's own fields would write it."""
    from cms.blocks.text import reading_minutes_for
    from cms.models import GuidePage
    from cms.models.pages import REVIEW_INTERVAL_YEARS, add_years

    values = {
        "page_ptr_id": page_id,
        "summary": guide["summary"],
        "topic": guide["topic"],
        "audience_level": guide["audience_level"],
        "objectives": _stream_json(guide["objectives"]),
        "body": _stream_json(guide["body"]),
        "references": "[]",
        "reading_minutes_computed": reading_minutes_for(guide["body_text"]),
        "release_date": guide["release_date"],
        "last_reviewed": guide["last_reviewed"],
        "review_due": add_years(guide["last_reviewed"], REVIEW_INTERVAL_YEARS),
    }
    for field in GuidePage._meta.local_concrete_fields:  # the rest: their defaults
        if field.column not in values:
            values[field.column] = field.get_db_prep_save(field.get_default(), connection)
    return values


def _stream_json(blocks):
    """A StreamField's stored JSON: each top-level block with an id, as
    StreamField writes it (the ids are uuid4s, not from the seeded text)."""
    return json.dumps([{**block, "id": str(uuid.uuid4())} for block in blocks])


class RowWriter:
    """Rows written straight into tables: COPY on PostgreSQL, executemany on
    SQLite (inside the caller's transaction)."""

    def __init__(self, connection):
        self.connection = connection

    def write_models(self, model, objects):
        fields = model._meta.local_concrete_fields
        rows = [
            {f.column: f.get_db_prep_save(f.pre_save(obj, True), self.connection) for f in fields}
            for obj in objects
        ]
        self.write(model._meta.db_table, [f.column for f in fields], rows)

    def write(self, table, columns, rows):
        if not rows:
            return
        tuples = [tuple(r[c] for c in columns) if isinstance(r, dict) else r for r in rows]
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(c) for c in columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                    for row in tuples:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(insert, tuples)

    def reset_sequence(self, table):
        """After ids were given explicitly: the next id PostgreSQL hands out."""
        if self.connection.vendor != "postgresql":
            return
        latest = f"SELECT MAX(id) FROM {self.connection.ops.quote_name(table)}"  # noqa: S608
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({latest}))", [table])


if __name__ == "__main__":
    child_main({"generate": lambda count: phase_generate(int(count))})
