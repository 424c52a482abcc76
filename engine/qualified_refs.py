"""Event references written as qualified names (``messageRef="tns:consent_given"``).

Camunda 7 resolves a reference's prefix against the document's namespaces: a prefix bound to
the document's ``targetNamespace`` names an element of this file. SpiffWorkflow looks the text
up as it is, so we drop such prefixes when the file is read; every check and the parser then
see the plain id. Lines are unchanged (only attribute values are rewritten).
"""

from __future__ import annotations

import re

from lxml import etree

REFERENCE_ATTRIBUTES = ("messageRef", "signalRef", "errorRef", "escalationRef")
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
