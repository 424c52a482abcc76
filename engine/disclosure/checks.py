"""Deploy-time checks of the disclosure properties (element and line named)."""

from __future__ import annotations

from collections.abc import Iterator

from ..agencies import AGENCIES
from .grants import DISCLOSE_BASIS, DISCLOSE_TO
from .holders import DISCLOSURE, HOLDER, OPEN

KNOWN = ", ".join(sorted(AGENCIES))


def check_properties(tree, filename: str) -> Iterator:
    """``disclosure_holder`` only on a process, and a known agency when literal;
    ``disclose_to`` literals known agencies; ``disclosure`` only ``open``; every ``${...}``
    in them compiles."""
    from ..validation import NS, expression_problem, problem_at

    names = (HOLDER, DISCLOSE_TO, DISCLOSE_BASIS, DISCLOSURE)
    path = ".//camunda:property[" + " or ".join(f"@name='{name}'" for name in names) + "]"
    for prop in tree.xpath(path, namespaces=NS):
        name, value = prop.get("name"), (prop.get("value") or "").strip()
        owner = prop.getparent().getparent().getparent()
        if name == DISCLOSURE and value != OPEN:
            yield problem_at(filename, prop, f"{DISCLOSURE} may only be '{OPEN}'")
        elif name == HOLDER and owner.tag != f"{{{NS['bpmn']}}}process":
            yield problem_at(filename, prop, f"{HOLDER} belongs on the process, not on one element")
        elif "${" in value:
            if message := expression_problem(value, template=True):
                yield problem_at(filename, prop, f"property '{name}': {message}")
        elif name == HOLDER and value not in AGENCIES:
            yield problem_at(filename, prop, f"{HOLDER} '{value}' is not a known agency ({KNOWN})")
        elif name == DISCLOSE_TO:
            for agency in (item.strip() for item in value.split(",")):
                if agency and agency not in AGENCIES:
                    yield problem_at(
                        filename, prop, f"{DISCLOSE_TO} '{agency}' is not a known agency ({KNOWN})"
                    )
