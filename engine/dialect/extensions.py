"""Reading an element's own ``camunda:property`` from the diagram's XML (no descendants)."""

from __future__ import annotations

from lxml import etree

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}


def extension_property(element: etree._Element, name: str) -> etree._Element | None:
    """The element's own ``camunda:property`` called ``name`` (the XML element), or None."""
    found = element.xpath(
        "./bpmn:extensionElements/camunda:properties/camunda:property[@name=$name]",
        namespaces=NS,
        name=name,
    )
    return found[0] if found else None


def property_text(element: etree._Element, name: str) -> str | None:
    """That property's value, stripped; None when it is missing or empty."""
    found = extension_property(element, name)
    return (found.get("value") or "").strip() or None if found is not None else None
