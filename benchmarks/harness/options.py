"""Command-line options the search benchmarks share."""

import os


def add_search_database_options(parser, default_guides, reuse_help):
    """--guides, --reuse, --postgres-url, --no-postgres and --no-sqlite, as
    benchmarks/search_bench.py and search_rebuild_bench.py read them."""
    parser.add_argument("--guides", type=int, default=default_guides, help="guides to generate")
    parser.add_argument("--reuse", action="store_true", help=reuse_help)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="a PostgreSQL database to drop and re-create (its name must contain 'bench'); "
        "default BENCH_DATABASE_URL, else a throw-away cluster when PostgreSQL is installed",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
