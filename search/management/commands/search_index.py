"""`manage.py search_index rebuild | status | process`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from search import indexing
from search.documents import published_count
from search.engines import EngineUnavailable, SearchEngine, get_embedded_engine, get_engines


class ProgressBar:
    """A one-line bar on a terminal, a line every 10% otherwise (the
    command's own stdout, an OutputWrapper)."""

    def __init__(self, stream: OutputWrapper, total: int, label: str, width: int = 30) -> None:
        self.stream, self.total, self.label, self.width = stream, max(total, 1), label, width
        self.done = 0
        self.last_step = -1
        self.tty = stream.isatty()

    def advance(self, n: int) -> None:
        self.done += n
        fraction = min(self.done / self.total, 1)
        if self.tty:
            filled = int(fraction * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {self.done:,}/{self.total:,}", ending="")
            self.stream.flush()
        elif int(fraction * 10) > self.last_step:
            self.last_step = int(fraction * 10)
            self.stream.write(f"{self.label}: {self.done:,}/{self.total:,}")

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Search index: `rebuild` every engine from the published guides and paths, "
        "`status` (documents in each index against published pages), "
        "`process` (apply queued updates now, e.g. from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "status", "process"])
        parser.add_argument(
            "--embedded-only",
            action="store_true",
            help="Rebuild only the embedded (database) engine.",
        )

    def handle(self, action: str, embedded_only: bool = False, **options: Any) -> None:
        getattr(self, action)(embedded_only=embedded_only)

    def rebuild(self, embedded_only: bool) -> None:
        engines = [get_embedded_engine()] if embedded_only else get_engines()
        total = published_count()
        bars: dict[str, ProgressBar] = {}

        def progress(engine: SearchEngine, n: int) -> None:
            if engine.name not in bars:
                bars[engine.name] = ProgressBar(self.stdout, total, f"Indexing ({engine.name})")
            bars[engine.name].advance(n)

        try:
            counts = indexing.rebuild(engines, progress=progress)
        except EngineUnavailable as error:
            raise CommandError(f"Rebuild failed: {error}") from error
        finally:
            for bar in bars.values():
                bar.finish()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count:,} documents indexed.")

    def status(self, embedded_only: bool) -> None:
        statuses, pending = indexing.status()
        unreachable = False
        for s in statuses:
            if s.error:
                unreachable = True
                self.stdout.write(f"{s.engine}: UNREACHABLE ({s.error})")
                continue
            state = "in step" if s.in_step else "OUT OF STEP"
            self.stdout.write(
                f"{s.engine}: {s.indexed:,} documents indexed, {s.published:,} published pages "
                f"({s.missing:,} missing, {s.extra:,} not published) - {state}"
            )
        self.stdout.write(f"Queued updates: {pending:,}")
        if unreachable:
            raise CommandError("A search engine cannot be reached.")

    def process(self, embedded_only: bool) -> None:
        result = indexing.process_pending()
        self.stdout.write(
            f"Indexed {result.indexed:,} pages; {result.failed:,} failed; "
            f"{result.remaining:,} still queued."
        )
        if result.error:
            raise CommandError(result.error)
