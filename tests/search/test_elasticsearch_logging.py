"""The Elasticsearch client (elastic_transport) logs every request at INFO;
the settings quiet it to WARNING, so searches and health checks do not fill
the production logs. Runs against ELASTICSEARCH_URL (deselected without it)."""

import logging
import os
import uuid

import pytest

from search.engines.base import SearchQuery
from search.engines.elasticsearch import ElasticsearchEngine

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")


@pytest.fixture
def es_url():
    return ES_URL


def client_lines(caplog):
    return [
        record
        for record in caplog.records
        if record.name.startswith("elastic_transport") and record.levelno < logging.WARNING
    ]


def test_a_search_logs_nothing_below_warning_from_the_elasticsearch_client(es_url, caplog):
    engine = ElasticsearchEngine(es_url, f"curbside-logging-{uuid.uuid4().hex[:8]}", timeout=10)
    try:
        engine.rebuild([])
        caplog.set_level(logging.INFO)  # the root level of production logs

        engine.search(SearchQuery("sepsis"))
        engine.problems()  # what /healthz asks
        assert client_lines(caplog) == []

        # Without the setting the same search would log (the check can fail).
        caplog.set_level(logging.INFO, logger="elastic_transport")
        engine.search(SearchQuery("sepsis"))
        assert client_lines(caplog)
    finally:
        engine.delete_all()
