"""Camunda generated forms (``camunda:formData``) as GOV.UK Design System components.

``widgets`` turns each field into the parameters of one GOV.UK macro; ``submitted_values``
reads the posted form back into the values the engine validates.
"""

from __future__ import annotations

from engine.forms import has_constraint

LONG_TEXT = 250


def _label(field) -> str:
    label = field.label or field.id
    return label if has_constraint(field, "required") else f"{label} (optional)"


def _text(value) -> str:
    return "" if value is None else str(value)


def _choice(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text(value)


def widgets(fields: list, values: dict, errors: dict) -> list[dict]:
    """One ``{"kind", "params"}`` per field, for the task template."""
    return [_widget(field, values.get(field.id), errors.get(field.id)) for field in fields]


def _widget(field, value, error) -> dict:
    base = {"id": field.id, "name": field.id}
    if error:
        base["errorMessage"] = {"text": error}
    if has_constraint(field, "readonly"):
        return {
            "kind": "readonly",
            "params": {"label": field.label or field.id, "value": _text(value)},
        }
    kind = field.type or "string"
    if kind == "boolean":
        items = [{"value": "true", "text": "Yes"}, {"value": "false", "text": "No"}]
        return {
            "kind": "radios",
            "params": {
                **base,
                "classes": "govuk-radios--inline",
                "fieldset": {"legend": {"text": _label(field)}},
                "items": _checked(items, _choice(value)),
            },
        }
    if kind == "enum":
        items = [{"value": option.id, "text": option.name} for option in field.options]
        return {
            "kind": "radios",
            "params": {
                **base,
                "fieldset": {"legend": {"text": _label(field)}},
                "items": _checked(items, _choice(value)),
            },
        }
    if kind == "date":
        year, month, day = (_text(value).split("-") + ["", "", ""])[:3] if value else ("", "", "")
        parts = [("day", day, 2), ("month", month, 2), ("year", year, 4)]
        return {
            "kind": "date",
            "params": {
                "id": field.id,
                "namePrefix": field.id,
                "fieldset": {"legend": {"text": _label(field)}},
                "hint": {"text": "For example, 27 3 2026"},
                "errorMessage": base.get("errorMessage"),
                "items": [
                    {"name": name, "value": part, "classes": f"govuk-input--width-{width}"}
                    for name, part, width in parts
                ],
            },
        }
    longest = field.get_validation("maxlength")
    params = {**base, "label": {"text": _label(field)}, "value": _text(value)}
    if kind == "long":
        return {
            "kind": "input",
            "params": {**params, "inputmode": "numeric", "classes": "govuk-input--width-5"},
        }
    if longest is None or int(longest) > LONG_TEXT:
        return {"kind": "textarea", "params": params}
    return {"kind": "input", "params": params}


def _checked(items: list[dict], chosen: str) -> list[dict]:
    return [{**item, "checked": item["value"] == chosen} for item in items]


def submitted_values(fields: list, form) -> dict:
    """The posted values by field id; dates joined from day, month and year."""
    values = {}
    for field in fields:
        if has_constraint(field, "readonly"):
            continue
        if (field.type or "string") == "date":
            day, month, year = (
                form.get(f"{field.id}-{part}", "").strip() for part in ("day", "month", "year")
            )
            values[field.id] = (
                f"{year}-{month.zfill(2)}-{day.zfill(2)}" if any((day, month, year)) else ""
            )
        else:
            values[field.id] = form.get(field.id, "")
    return values
