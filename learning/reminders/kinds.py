"""The learning reminders' kinds: each one a learner turns on or off on
/me/notifications/settings/ or with one click from its e-mail. Keys are
stored on every notification: never rename them."""

from notifications.kinds import Kind, register

GROUP = "Learning paths"

INACTIVITY = Kind(
    key="learning.inactivity",
    label="A reminder when you have not opened a path you started for a week",
    description="At most one e-mail a week, naming each path you have left for 7 days or more "
    "and the next thing to do on it.",
    group=GROUP,
)
CERTIFICATE_READY = Kind(
    key="learning.certificate_ready",
    label="When a certificate is ready to download",
    description="One e-mail per certificate, with links to the PDF and your transcript.",
    group=GROUP,
)
CREDIT_ENDING = Kind(
    key="learning.credit_ending",
    label="30 days before a path you started stops offering credit",
    description="The exact last day to claim, and what is left to do before then.",
    group=GROUP,
)

ALL = (INACTIVITY, CERTIFICATE_READY, CREDIT_ENDING)


def register_kinds() -> None:
    for kind in ALL:
        register(kind)
