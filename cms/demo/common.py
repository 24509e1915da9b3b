"""Helpers shared by the demo seeders: the data files and relative dates."""

import datetime
import json
from pathlib import Path

from django.utils import timezone

DATA_DIR = Path(__file__).resolve().parent / "data"


def months_ago(months, today=None):
    today = today or timezone.localdate()
    month_index = today.year * 12 + (today.month - 1) - int(months)
    year, month = divmod(month_index, 12)
    day = min(today.day, 28)
    return datetime.date(year, month + 1, day)


def load_json(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
