"""Analysis and the mapping of one indexed page, and how a SearchDocument
becomes an Elasticsearch document."""

from __future__ import annotations

from elasticsearch_dsl import (
    Completion,
    Date,
    Document,
    Integer,
    Keyword,
    MetaField,
    Object,
    ScaledFloat,
    Text,
    analyzer,
    token_filter,
)

from search.abbreviations import synonym_lines
from search.query import STOP_WORDS

from ..base import FACETS, SearchDocument

# --- Analysis -----------------------------------------------------------------

_possessive = token_filter("curbside_possessive", type="stemmer", language="possessive_english")
_stop = token_filter("curbside_stop", type="stop", stopwords="_english_")
_stemmer = token_filter("curbside_stemmer", type="stemmer", language="english")
# Synonyms come before stop words and stemming: rules such as "goals of care"
# are parsed by the filters in front of this one, and must keep their words.
_synonyms = token_filter("curbside_synonyms", type="synonym_graph", synonyms=synonym_lines())

ENGLISH = analyzer(
    "curbside_english",
    tokenizer="standard",
    filter=["lowercase", _possessive, _stop, _stemmer],
)
ENGLISH_SEARCH = analyzer(
    "curbside_english_search",
    tokenizer="standard",
    filter=["lowercase", _possessive, _synonyms, _stop, _stemmer],
)
# Spelling and completion see whole, unstemmed words, so suggestions are words.
COMPLETION = analyzer("curbside_completion", tokenizer="standard", filter=["lowercase"])


def _english_text() -> Text:
    return Text(analyzer=ENGLISH, search_analyzer=ENGLISH_SEARCH)


# --- The document -----------------------------------------------------------------

# facet key -> keyword field holding the values (what filters match)
FILTER_FIELDS = {
    "type": "kind",
    "topic": "topics",
    "specialty": "specialties",
    "audience": "audiences",
    "mentor": "mentors",
    "credit": "credit",
}
# "value<US>label" pairs in facets.<key>, aggregated to show labels with counts.
PAIR_SEPARATOR = "\x1f"


class CurbsideDocument(Document):
    """The mapping of one indexed page (index names are given per call)."""

    page_id = Integer()
    kind = Keyword()
    title = _english_text()
    summary = _english_text()
    objectives = _english_text()
    body = _english_text()
    # SearchDocument.meta_text (labels of topics, mentors...); `meta` is reserved by the DSL.
    meta_text = _english_text()
    # Every word of the text fields, unstemmed, for "did you mean". Filled by
    # to_source() rather than copy_to so it works on any Elasticsearch-like
    # server; left out of _source to keep documents small.
    spell = Text(analyzer="standard")
    topics = Keyword(multi=True)
    specialties = Keyword(multi=True)
    audiences = Keyword(multi=True)
    mentors = Keyword(multi=True)
    credit = Keyword()
    facets = Object(properties={key: Keyword(multi=True) for key, _ in FACETS})
    credits = ScaledFloat(scaling_factor=100)
    release_date = Date()
    last_reviewed = Date()
    url = Keyword(index=False)
    suggest = Completion(analyzer=COMPLETION)

    class Meta:
        source = MetaField(excludes=["spell"])

    class Index:
        settings = {"number_of_shards": 1}


def _plain(text: str) -> str:
    """No control characters (completion inputs and facet pairs reserve some)."""
    return "".join(ch if ch >= " " else " " for ch in text or "")


def _completion_inputs(title: str) -> list[dict]:
    """The title, and what is left of it from each later word, so typing
    "infarc" suggests "Myocardial infarction basics"."""
    title = " ".join(_plain(title).split())
    if not title:
        return []
    title_words = title.split(" ")[:12]
    suffixes = [" ".join(title_words[i:]) for i in range(1, len(title_words))]
    suffixes = [s for s in suffixes if s.split(" ", 1)[0].lower() not in STOP_WORDS]
    inputs = [{"input": [title], "weight": 2}]
    if suffixes:
        inputs.append({"input": suffixes, "weight": 1})
    return inputs


def to_source(document: SearchDocument) -> CurbsideDocument:
    """The Elasticsearch document for a SearchDocument."""
    values = document.facet_values()
    return CurbsideDocument(
        meta={"id": str(document.page_id)},
        page_id=document.page_id,
        kind=document.kind,
        title=document.title,
        summary=document.summary,
        objectives=document.objectives,
        body=document.body,
        meta_text=document.meta_text,
        spell=" ".join(
            (
                document.title,
                document.summary,
                document.objectives,
                document.meta_text,
                document.body,
            )
        ),
        topics=[value for value, _ in document.topics],
        specialties=[value for value, _ in document.specialties],
        audiences=[value for value, _ in document.audiences],
        mentors=[value for value, _ in document.mentors],
        credit="yes" if document.credit_bearing else None,
        facets={
            key: [f"{_plain(value)}{PAIR_SEPARATOR}{_plain(label)}" for value, label in pairs]
            for key, pairs in values.items()
        },
        credits=float(document.credits) if document.credits is not None else None,
        release_date=document.release_date,
        last_reviewed=document.last_reviewed,
        url=document.url,
        suggest=_completion_inputs(document.title),
    )


def split_pair(pair: str) -> tuple[str, str]:
    """(value, label) of a "value<US>label" facet pair."""
    value, _, label = pair.partition(PAIR_SEPARATOR)
    return value, label or value
