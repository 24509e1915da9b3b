"""Client, transport and bulk errors as one readable line each."""

from __future__ import annotations

from elasticsearch import ApiError, TransportError
from elasticsearch.exceptions import ConnectionError as TransportConnectionError
from elasticsearch.exceptions import ConnectionTimeout
from elasticsearch.helpers import BulkIndexError, ScanError

# Every error the client raises that means "Elasticsearch did not do it".
CLIENT_ERRORS = (ApiError, TransportError, BulkIndexError, ScanError)


def api_reason(error: ApiError) -> str:
    info = error.body if isinstance(error.body, dict) else {}
    detail = info.get("error")
    if isinstance(detail, dict):
        causes = detail.get("root_cause") or [detail]
        cause = causes[0] if isinstance(causes[0], dict) else detail
        return f"{cause.get('type', error.message)}: {cause.get('reason', '')}".strip(": ")
    if isinstance(detail, str):
        return detail
    if error.body:
        return str(error.body)[:200]
    return "(empty response: is this Elasticsearch?)"


def bulk_item_error(item: dict) -> str:
    (action, result), *_ = item.items()
    error = result.get("error")
    if isinstance(error, dict):
        error = f"{error.get('type')}: {error.get('reason')}"
    return f"{action} of document {result.get('_id')} failed ({result.get('status')}): {error}"


def describe(error: Exception, url: str, timeout: float) -> str:
    """What went wrong talking to the cluster at `url`, for people."""
    if isinstance(error, ConnectionTimeout):
        reason = f"no answer within {timeout:g}s"
    elif isinstance(error, TransportConnectionError):
        detail = str(error.message or error.__cause__ or error)
        if "refused" in detail.lower():
            reason = "connection refused"
        elif "resolve" in detail.lower():
            reason = f"cannot resolve the host name ({detail})"
        else:
            reason = f"cannot connect ({detail})"
    elif isinstance(error, ApiError):
        reason = f"HTTP {error.meta.status} {api_reason(error)}"
    elif isinstance(error, BulkIndexError):
        first = bulk_item_error(error.errors[0]) if error.errors else error
        reason = f"{len(error.errors)} documents rejected; first: {first}"
    else:
        reason = str(error)
    return f"Elasticsearch at {url}: {reason}"
