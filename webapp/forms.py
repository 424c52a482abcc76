"""Task forms as GOV.UK Design System components: generated forms (``camunda:formData``) and
Camunda Forms (form-js).

``widgets``/``form_widgets`` turn each field or component into the parameters of one GOV.UK
macro; ``submitted_values``/``submitted_form_values`` read the posted form back into the values
the engine validates.
"""

from __future__ import annotations

from engine.forms import has_constraint

LONG_TEXT = 250


def _label(field) -> str:
    label = field.label or field.id
    return label if has_constraint(field, "required") else f"{label} (optional)"


def _text(value) -> str:
    return "" if value is None else str(value)


def _read_only(key: str, value, options: dict, boolean: bool = False) -> str:
    """A read-only answer in words: its choice's label, else Yes/No, a person's or agency's
    name, a UK date (``engine.wording``); what was typed stays as typed."""
    if value is None or value == "":
        return ""
    if str(value) in options:
        return str(options[str(value)])
    if boolean and str(value).lower() in ("true", "false"):  # a default is written as text
        return "Yes" if str(value).lower() == "true" else "No"
    from .views import page_words  # the request's words (views imports this module's users)

    return page_words().value(key, value)


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
            "params": {
                "label": field.label or field.id.replace("_", " ").capitalize(),
                "value": _read_only(
                    field.id,
                    value,
                    {o.id: o.name for o in getattr(field, "options", None) or []},
                    boolean=field.type == "boolean",
                ),
            },
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
        return _date_widget(field.id, _label(field), value, base.get("errorMessage"))
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


def _date_widget(name: str, label: str, value, error_message, hint=None) -> dict:
    text = _text(value)[:10]
    year, month, day = (text.split("-") + ["", "", ""])[:3] if text else ("", "", "")
    parts = [("day", day, 2), ("month", month, 2), ("year", year, 4)]
    return {
        "kind": "date",
        "params": {
            "id": name,
            "namePrefix": name,
            "fieldset": {"legend": {"text": label}},
            "hint": {"text": hint or "For example, 27 3 2026"},
            "errorMessage": error_message,
            "items": [
                {"name": part_name, "value": part, "classes": f"govuk-input--width-{width}"}
                for part_name, part, width in parts
            ],
        },
    }


def _joined_date(form, name: str) -> str:
    day, month, year = (form.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year"))
    return f"{year}-{month.zfill(2)}-{day.zfill(2)}" if any((day, month, year)) else ""


def _checked(items: list[dict], chosen: str) -> list[dict]:
    return [{**item, "checked": item["value"] == chosen} for item in items]


def submitted_values(fields: list, form) -> dict:
    """The posted values by field id; dates joined from day, month and year."""
    values = {}
    for field in fields:
        if has_constraint(field, "readonly"):
            continue
        if (field.type or "string") == "date":
            values[field.id] = _joined_date(form, field.id)
        else:
            values[field.id] = form.get(field.id, "")
    return values


# --- Camunda Forms (form-js) ------------------------------------------------------------------


def form_widgets(form, values: dict, errors: dict) -> list[dict]:
    """One ``{"kind", "params"}`` per component of a Camunda Form; groups hold their own."""
    return _component_widgets(form.components, values, errors)


def _component_widgets(components, values: dict, errors: dict) -> list[dict]:
    found = []
    for component in components:
        if component.type == "group":
            inner = _component_widgets(component.components, values, errors)
            found.append({"kind": "group", "params": {"legend": component.label, "widgets": inner}})
        elif component.type == "text":
            found.append({"kind": "text", "params": {"blocks": _text_blocks(component.text)}})
        elif component.type == "separator":
            found.append({"kind": "separator", "params": {}})
        elif component.is_input:
            found.append(_component_widget(component, values, errors.get(component.key)))
    return found


def _text_blocks(markdown: str | None) -> list[dict]:
    """form-js text is Markdown; we show its headings and paragraphs, escaped, no HTML."""
    blocks = []
    for part in (markdown or "").split("\n\n"):
        part = part.strip()
        if part.startswith("#"):
            blocks.append({"heading": part.lstrip("#").strip()})
        elif part:
            blocks.append({"paragraph": part})
    return blocks


def _component_label(component) -> str:
    return component.label if component.required else f"{component.label} (optional)"


def _component_widget(component, values: dict, error) -> dict:
    value = values.get(component.key, component.default)
    if component.readonly:
        options = {choice.value: choice.label for choice in component.choices}
        shown = _read_only(component.key, value, options, boolean=component.type == "checkbox")
        return {"kind": "readonly", "params": {"label": component.label, "value": shown}}
    error_message = {"text": error} if error else None
    base = {"id": component.key, "name": component.key, "errorMessage": error_message}
    if component.description:
        base["hint"] = {"text": component.description}
    label = _component_label(component)
    items = [{"value": choice.value, "text": choice.label} for choice in component.choices]
    kind = component.type
    if kind == "checkbox":
        item = {"value": "true", "text": label, "checked": value in (True, "true")}
        return {"kind": "checkboxes", "params": {**base, "items": [item]}}
    if kind == "checklist":
        chosen = value if isinstance(value, list) else []
        return {
            "kind": "checkboxes",
            "params": {
                **base,
                "fieldset": {"legend": {"text": label}},
                "items": [{**item, "checked": item["value"] in chosen} for item in items],
            },
        }
    if kind == "radio":
        params = {**base, "fieldset": {"legend": {"text": label}}}
        return {"kind": "radios", "params": {**params, "items": _checked(items, _text(value))}}
    if kind == "select":
        options = [{"value": "", "text": "Choose"}, *items]
        chosen = _text(value)
        return {
            "kind": "select",
            "params": {
                **base,
                "label": {"text": label},
                "items": [{**item, "selected": item["value"] == chosen} for item in options],
            },
        }
    if kind == "datetime":
        return _datetime_widget(component, label, value, error_message)
    params = {**base, "label": {"text": label}, "value": _text(value)}
    if kind == "number":
        params.update(inputmode="decimal", classes="govuk-input--width-10")
    return {"kind": "textarea" if kind == "textarea" else "input", "params": params}


def _datetime_widget(component, label: str, value, error_message) -> dict:
    text = _text(value)
    if component.subtype == "date":
        return _date_widget(component.key, label, text, error_message)
    time = {
        "id": f"{component.key}-time",
        "name": f"{component.key}-time" if component.subtype == "datetime" else component.key,
        "label": {"text": "Time" if component.subtype == "datetime" else label},
        "hint": {"text": "24-hour clock, for example 14:30"},
        "value": text.partition("T")[2] if "T" in text else text,
        "classes": "govuk-input--width-5",
    }
    if component.subtype == "time":
        return {
            "kind": "input",
            "params": {**time, "id": component.key, "errorMessage": error_message},
        }
    date = _date_widget(component.key, label, text, error_message)
    return {
        "kind": "group",
        "params": {"legend": None, "widgets": [date, {"kind": "input", "params": time}]},
    }


def submitted_form_values(form, posted) -> dict:
    """The posted values by component key: dates joined, checklists as lists."""
    values = {}
    for component in form.inputs():
        if component.readonly:
            continue
        key = component.key
        if component.type == "checklist":
            values[key] = posted.getlist(key)
        elif component.type == "checkbox":
            values[key] = "true" if posted.get(key) else ""
        elif component.type == "datetime" and component.subtype == "date":
            values[key] = _joined_date(posted, key)
        elif component.type == "datetime" and component.subtype == "datetime":
            day, time = _joined_date(posted, key), posted.get(f"{key}-time", "").strip()
            values[key] = f"{day}T{time}" if day or time else ""
        else:
            values[key] = posted.get(key, "")
    return values


def error_summary(view, errors: dict) -> list[dict]:
    """The GOV.UK error summary: each message names its question and links to its field."""
    if view.camunda_form is not None:
        labels = {c.key: c.label for c in view.camunda_form.inputs()}
        firsts = {c.key: _first_input(c) for c in view.camunda_form.inputs()}
    else:
        labels = {field.id: field.label or field.id for field in view.fields}
        firsts = {field.id: _first_field_input(field) for field in view.fields}
    return [
        {"text": _naming(labels.get(key), message), "href": f"#{firsts.get(key) or key}"}
        for key, message in errors.items()
    ]


def _naming(label: str | None, message: str) -> str:
    """ "Describe the difference: must be at least 10 characters" (unless it names it already)."""
    if not label or label.lower() in message.lower():
        return message
    return f"{label}: {message[:1].lower()}{message[1:]}"


def _first_field_input(field) -> str:
    return f"{field.id}-day" if field.type == "date" else field.id


def _first_input(component) -> str:
    if component.type == "datetime" and component.subtype != "time":
        return f"{component.key}-day"
    return component.key
