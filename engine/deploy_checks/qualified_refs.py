"""Event references read as Camunda 7 reads them, before any check or the parser sees the file.

Qualified names (``messageRef="tns:consent_given"``): Camunda 7 resolves a reference's prefix
against the document's namespaces, and a prefix bound to the document's ``targetNamespace``
names an element of this file. SpiffWorkflow looks the text up as it is, so we drop such
prefixes when the file is read; every check and the parser then see the plain id.

An ``errorRef`` naming no declared error is, in Camunda 7, the error code itself, and a thrown
message is never looked up: we declare the error (or message) at the end of the file. Lines
are unchanged either way.
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
    from ..resources import parse_xml

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
    """``text`` with an ``<error>`` declared for each errorRef naming none (its code = the ref),
    and a ``<message>`` for each thrown message naming none (Camunda 7 does not look it up)."""
    if "errorRef" not in text and "messageRef" not in text:
        return text
    from ..resources import parse_xml

    try:
        tree = parse_xml(text)
    except etree.XMLSyntaxError:
        return text
    bpmn = etree.QName(tree).namespace
    declared = {node.get("id") for node in tree.iter() if isinstance(node.tag, str)}
    prefix = f"{tree.prefix}:" if tree.prefix else ""
    added = [
        f'<{prefix}error id="{ref}" errorCode="{ref}" />'
        for ref in _undeclared(tree, f"{{{bpmn}}}errorEventDefinition", "errorRef", declared)
    ]
    added += [
        f'<{prefix}message id="{ref}" name="{ref}" />'
        for ref in _undeclared(tree, f"{{{bpmn}}}messageEventDefinition", "messageRef", declared)
        if _thrown_ref(tree, bpmn, ref)
    ]
    if not added:
        return text
    closing = text.rindex("</")
    return text[:closing] + "".join(added) + text[closing:]


def _undeclared(tree, tag: str, attribute: str, declared: set) -> list[str]:
    refs = {definition.get(attribute) for definition in tree.iter(tag)}
    return sorted(ref for ref in refs - declared if ref and _IDENTIFIER.match(ref))


def _thrown_ref(tree, bpmn: str, ref: str) -> bool:
    """True when every event naming ``ref`` throws it (a catch must name a declared message)."""
    users = [d.getparent() for d in tree.iter(f"{{{bpmn}}}messageEventDefinition")]
    users = [
        u for u in users if u.find(f"{{{bpmn}}}messageEventDefinition").get("messageRef") == ref
    ]
    throws = (f"{{{bpmn}}}intermediateThrowEvent", f"{{{bpmn}}}endEvent")
    return all(user.tag in throws for user in users)


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
