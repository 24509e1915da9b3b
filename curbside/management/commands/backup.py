import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from curbside.backups import BackupError, create_backup, default_filename


class Command(BaseCommand):
    help = (
        "Back up the database and the media together into one archive "
        "(var/backups/curbside-<UTC time>.tar unless --dir, BACKUP_DIR or --output say otherwise)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=os.environ.get("BACKUP_DIR") or str(settings.BASE_DIR / "var" / "backups"),
            help="Directory for the archive (default: BACKUP_DIR, else var/backups).",
        )
        parser.add_argument("--output", help="The archive's full path (instead of --dir).")

    def handle(self, *args, **options):
        path = options["output"] or os.path.join(options["dir"], default_filename())
        try:
            manifest = create_backup(path)
        except BackupError as exc:
            raise CommandError(f"{exc}") from exc
        counts = ", ".join(f"{n} {key}" for key, n in manifest["counts"].items())
        files = manifest["media"]["files"]
        size = sum(entry["size"] for entry in files.values())
        self.stdout.write(f"Database ({manifest['database']['vendor']}): {counts}.")
        self.stdout.write(f"Media: {len(files)} files, {size:,} bytes.")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
