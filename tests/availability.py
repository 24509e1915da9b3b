"""Tests that need a service (Chromium, PostgreSQL, a search server) skip on a
laptop without it, and fail in CI (CI=true), where everything must run."""

import os

import pytest


def in_ci():
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available, what):
    if available:
        return
    message = f"{what} is not available"
    if in_ci():
        pytest.fail(f"{message}, and CI must run every test.")
    pytest.skip(message)
