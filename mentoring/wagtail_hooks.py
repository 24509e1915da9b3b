"""Registers mentoring's screens with the Wagtail admin (nothing else here)."""

from django.urls import include, path

from wagtail import hooks

from .reports import admin_urls as report_urls


@hooks.register("register_admin_urls")
def register_report_urls() -> list:
    return [path("", include(report_urls))]
