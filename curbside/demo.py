"""The demo users for ``seed_demo``: they need the accounts code (confirmed
addresses, two-factor authentication), which lives in the project package,
so they are seeded here, before the editorial content that links to them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cms.demo.registry import register_seeder

from .security import activate_totp, confirm_email, has_second_factor, mfa_required

DEMO_PASSWORD = "curbside-demo"  # noqa: S105 - documented demo credential, DEBUG only
# The demo admin, reviewer and staff must use two-factor authentication like
# their real counterparts; they share this documented authenticator secret
# (README; `python manage.py shell -c "from curbside.security import totp_code;
# print(totp_code('CURBSIDEDEMOCURBSIDEDEMO'))"` prints the current code).
DEMO_TOTP_SECRET = "CURBSIDEDEMOCURBSIDEDEMO"  # noqa: S105 - documented, DEBUG only

DEMO_USERS = [
    # username, first, last, group, superuser
    ("admin", "Ada", "Admin", None, True),
    ("mentor", "Daniel", "Reyes", "Mentors", False),
    ("reviewer", "Ruth", "Okonkwo", "CME reviewers", False),
    ("staff", "Samir", "Patel", "Institution staff", False),
    ("doctor", "Maya", "Chen", None, False),
]


@register_seeder("users", order=-10)
def seed_users(stdout):
    User = get_user_model()
    users = {}
    for username, first, last, group_name, superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@curbside.example",
                "is_superuser": superuser,
                "is_staff": superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            stdout(f"  user {username}")
        confirm_email(user)
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        if mfa_required(user) and not has_second_factor(user):
            activate_totp(user, DEMO_TOTP_SECRET)
            stdout(f"  two-factor authentication for {username}")
        users[username] = user
    return users
