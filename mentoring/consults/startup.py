"""What consults plug in when the app starts (MentoringConfig.ready): the
notification kinds, the privacy export section and eraser, the Wagtail hooks
and the demo seeder."""

from __future__ import annotations


def ready() -> None:
    from cms.personal_data import register_eraser, register_section

    from . import demo, notices, privacy, wagtail_hooks  # noqa: F401  (they register)

    notices.register_kinds()
    register_section("mentoring_consults", privacy.export_section)
    register_eraser("mentoring_consults", privacy.erase)
