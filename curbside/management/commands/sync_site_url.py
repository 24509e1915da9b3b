"""Keep Wagtail's default Site (its root_url: page.full_url, previews, the
sitemap) on the address in PUBLIC_BASE_URL; `make run` calls it with the
address of the port it serves on."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from wagtail.models import Site


class Command(BaseCommand):
    help = "Point the default Wagtail Site at PUBLIC_BASE_URL (host and port)."

    def handle(self, *args, **options):
        parts = urlsplit(settings.PUBLIC_BASE_URL)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None or not parts.hostname:
            self.stdout.write("No default site to update.")
            return
        if (site.hostname, site.port) != (parts.hostname, port):
            site.hostname, site.port = parts.hostname, port
            site.save(update_fields=["hostname", "port"])
        self.stdout.write(f"The site's address is {site.root_url}.")
