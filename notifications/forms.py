"""The notification settings form: one checkbox per registered kind."""

from __future__ import annotations

from typing import Any

from django import forms

from . import kinds


class SettingsForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: dict[str, list[str]] = {}
        for kind in kinds.all_kinds():
            self.fields[kind.key] = forms.BooleanField(
                label=kind.label,
                help_text=kind.description,
                required=False,
                initial=current.get(kind.key, kind.default_on),
            )
            self.groups.setdefault(kind.group, []).append(kind.key)

    def grouped(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(group, [self[key] for key in keys]) for group, keys in self.groups.items()]
