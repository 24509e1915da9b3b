"""A notification kind for the tests of the notifications package itself
(the apps register their real kinds; these tests must not depend on them)."""

from notifications.kinds import Kind, register

EXAMPLE = register(
    Kind(
        key="tests.example",
        label="Example reminders",
        description="Only exists while the tests run.",
        group="Tests",
    )
)
OTHER = register(Kind(key="tests.other", label="Other example news", group="Tests"))
OFF_BY_DEFAULT = register(
    Kind(key="tests.quiet", label="Quiet example digest", group="Tests", default_on=False)
)
