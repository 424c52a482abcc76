"""Event references read as Camunda 7 reads them, before any check or the parser sees the file.

Qualified names (``messageRef="tns:consent_given"``): Camunda 7 resolves a reference's prefix
against the document's namespaces, and a prefix bound to the document's ``targetNamespace``
names an element of this file. SpiffWorkflow looks the text up as it is, so we drop such
prefixes when the file is read; every check and the parser then see the plain id.

An ``errorRef`` naming no declared error is, in Camunda 7, the error code itself: we declare
that error at the end of the file. Lines are unchanged either way.
"""

from __future__ import annotations

import re

from lxml import etree

REFERENCE_ATTRIBUTES = ("messageRef", "signalRef", "errorRef", "escalationRef")
_IDENTIFIER = re.compile(r"^[A-Za-z_][\w.-]*$")
_QUALIFIED = re.compile(r"""(?:message|signal|error|escalation)Ref\s*=\s*["'][\w.-]+:""")


def unqualify_references(text: str) -> str:
    """``text`` with each event reference's prefix dropped where it names this document."""
    if not _QUALIFIED.search(text):
        return text
    from .resources import parse_xml

    try:
        tree = parse_xml(text)
    except etree.XMLSyntaxError:
        return text  # read_resource reports the syntax error with its line
    for prefixed, local in sorted(_own_prefixed(tree)):
        text = re.sub(
            rf"""(\b(?:{"|".join(REFERENCE_ATTRIBUTES)})\s*=\s*["']){re.escape(prefixed)}(["'])""",
            rf"\g<1>{local}\g<2>",
            text,
        )
    return text


def declare_implied_errors(text: str) -> str:
    """``text`` with an ``<error>`` declared for each errorRef naming none (its code = the ref)."""
    if "errorRef" not in text:
        return text
    from .resources import parse_xml

    try:
        tree = parse_xml(text)
    except etree.XMLSyntaxError:
        return text
    bpmn = etree.QName(tree).namespace
    declared = {e.get("id") for e in tree.iterfind(f"{{{bpmn}}}error")}
    refs = {d.get("errorRef") for d in tree.iter(f"{{{bpmn}}}errorEventDefinition")}
    implied = sorted(ref for ref in refs - declared if ref and _IDENTIFIER.match(ref))
    if not implied:
        return text
    tag = f"{tree.prefix}:error" if tree.prefix else "error"
    errors = "".join(f'<{tag} id="{ref}" errorCode="{ref}" />' for ref in implied)
    closing = text.rindex("</")
    return text[:closing] + errors + text[closing:]


def _own_prefixed(tree) -> set[tuple[str, str]]:
    target = tree.get("targetNamespace")
    declared = {node.get("id") for node in tree.iter() if isinstance(node.tag, str)}
    found = set()
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        for attribute in REFERENCE_ATTRIBUTES:
            prefix, _, local = (node.get(attribute) or "").partition(":")
            if local and local in declared and node.nsmap.get(prefix) == target:
                found.add((f"{prefix}:{local}", local))
    return found
