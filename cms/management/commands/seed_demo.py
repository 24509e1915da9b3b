from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.demo import content  # noqa: F401 - registers the editorial seeder
from cms.demo.registry import seeders


class Command(BaseCommand):
    help = (
        "Create the demo content and demo users (password 'curbside-demo'). "
        "Idempotent; refuses to run when DEBUG is off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it only runs "
                "with DEBUG on (the development settings). Nothing was changed."
            )

        def say(message):
            self.stdout.write(message)

        for seeder in seeders():
            self.stdout.write(f"Seeding {seeder.name}...")
            with transaction.atomic():
                seeder.func(say)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
