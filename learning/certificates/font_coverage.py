"""Which writing systems this machine has a font for (issue: performance,
found by the layered renderer's property test).

A certificate prints the learner's name as typed, in any script
(cms/names.py keeps them all). WeasyPrint takes each character from the first
installed font that has it (fontconfig's fallback); with no font for a
script, the name prints as empty boxes and WeasyPrint only logs a warning.
``check --deploy`` names the scripts without a font (curbside.W006), by
asking fontconfig for a font that covers a language written in each."""

from __future__ import annotations

import shutil
import subprocess

# Language code (as fontconfig knows it) -> the script a name would be in.
SCRIPTS = {
    "zh-cn": "Chinese (Han)",
    "ja": "Japanese (kana)",
    "ko": "Korean (Hangul)",
    "hi": "Devanagari",
    "bn": "Bengali",
    "ta": "Tamil",
    "te": "Telugu",
    "gu": "Gujarati",
    "pa": "Gurmukhi",
    "ml": "Malayalam",
    "th": "Thai",
    "ar": "Arabic",
    "he": "Hebrew",
    "el": "Greek",
    "ru": "Cyrillic",
    "am": "Ethiopic",
}


def fontconfig(program: str, *arguments: str) -> str | None:
    """What fontconfig's ``program`` (fc-list, fc-match) prints for
    ``arguments``; None when it is not installed or fails."""
    path = shutil.which(program)
    if path is None:
        return None
    try:
        return subprocess.run(  # noqa: S603 - a fontconfig program, fixed patterns
            [path, *arguments], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def scripts_without_a_font() -> list[str] | None:
    """The scripts of SCRIPTS that no installed font covers; None when
    fontconfig's ``fc-list`` is not there to ask."""
    missing = []
    for language, script in SCRIPTS.items():
        found = fontconfig("fc-list", f":lang={language}", "family")
        if found is None:
            return None
        if not found.strip():
            missing.append(script)
    return missing
