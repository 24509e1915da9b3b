"""Demo mentoring data for ``seed_demo``."""
