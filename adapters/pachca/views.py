"""The bridge's buttons and forms in Pachca's own JSON (see docs/pachca.md)."""

from __future__ import annotations

from typing import Any

from domain.card import Button
from ports.messenger import ButtonRows, FormField

FORM_TEXT_LIMIT = 3000


def button_rows(rows: ButtonRows) -> list[list[dict[str, str]]]:
    return [[_button(button) for button in row] for row in rows if row]


def _button(button: Button) -> dict[str, str]:
    if button.url:
        return {"text": button.text, "url": button.url}
    if button.data is not None:
        return {"text": button.text, "data": button.data}
    raise ValueError(f"button {button.text!r} has neither a url nor data")


def form_block(field: FormField) -> dict[str, Any]:
    if field.options:
        options = [{"text": text, "value": value} for text, value in field.options]
        return {"type": "select", "name": field.name, "label": field.label, "required": True, "options": options}
    return {
        "type": "input",
        "name": field.name,
        "label": field.label,
        "multiline": True,
        "required": True,
        "max_length": FORM_TEXT_LIMIT,
    }
