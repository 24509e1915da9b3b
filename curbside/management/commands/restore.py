from django.core.management.base import BaseCommand, CommandError

from curbside.backups import BackupError, check_archive, restore_backup
from search.database import separate_index


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`: the database and the media. Checks every "
        "checksum first; refuses to replace a database that holds data without --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The backup archive (curbside-<UTC time>.tar).")
        parser.add_argument(
            "--force",
            "--yes",
            action="store_true",
            dest="force",
            help="Replace the data of a database that is not empty.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only verify the archive against its manifest; change nothing.",
        )

    def handle(self, *args, **options):
        try:
            if options["check"]:
                manifest = check_archive(options["archive"])
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{options['archive']} is intact (made {manifest['created_at']}, "
                        f"{len(manifest['media']['files'])} media files)."
                    )
                )
                return
            manifest, pending = restore_backup(options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(f"{exc}") from exc
        counts = ", ".join(f"{n} {key}" for key, n in manifest["counts"].items())
        self.stdout.write(f"Restored the backup made {manifest['created_at']}: {counts}.")
        self.stdout.write(f"Media: {len(manifest['media']['files'])} files, checksums verified.")
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"This release has {len(pending)} migrations the backup does not: "
                    "run `make migrate` now."
                )
            )
        if separate_index():
            self.stdout.write(
                self.style.WARNING(
                    "The search index has a database of its own (SEARCH_DATABASE_URL), "
                    "which backups leave out: rebuild it now: manage.py search_index rebuild."
                )
            )
        else:
            self.stdout.write(
                "If ELASTICSEARCH_URL is set, rebuild the index: manage.py search_index rebuild."
            )
        self.stdout.write(self.style.SUCCESS("Restore complete."))
