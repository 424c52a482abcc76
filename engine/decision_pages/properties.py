"""The extension property names of decision pages and how their values are read."""

from __future__ import annotations

from lxml import etree

from ..dialect.extensions import property_text

CONTEXT_RECORDS = "context_records"
CONTEXT_FIELDS = "context_fields"
CARRY_FORWARD = "carry_forward"
SUMMARY = "summary"
STAGES = "stages"
STAGE = "stage"
USER_TASK_ONLY = (CONTEXT_RECORDS, CONTEXT_FIELDS, CARRY_FORWARD, SUMMARY)
ALL_RECORDS = "*"
SUMMARY_LIMIT = 500  # the human_task column's width


def names(text: str | None, separator: str = ",") -> list[str]:
    """The non-empty, stripped items of a separated property value."""
    return [item.strip() for item in (text or "").split(separator) if item.strip()]


def declared_stages(process: etree._Element) -> list[str]:
    """The process element's own ``stages`` property as a list of names (empty: none)."""
    return names(property_text(process, STAGES), ";")
