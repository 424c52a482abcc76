"""Reading definition files: BPMN, DMN or Camunda Form, what each provides and what it needs.

Parsing never resolves entities or touches the network (no XXE), and a file that is not
well-formed, not BPMN/DMN, or has nothing executable is an InvalidDefinition naming its line.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field

from lxml import etree

from .camunda_forms import parse_form
from .cases import MEMBER_KINDS
from .deploy_checks.qualified_refs import declare_implied_errors, unqualify_references
from .dialect.user_tasks import form_ref
from .errors import InvalidDefinition, Problem
from .events.message_starts import message_start_names
from .inputs.timescales import declared_timescales
from .retention.ttl import ttl_days
from .validation import BPMN_NS, CAMUNDA_NS, extension_property

DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)
BPMN, DMN, FORM = "bpmn", "dmn", "form"
DEFINITION_SUFFIXES = (".bpmn", ".dmn", ".form")  # the files a deployment may hold
PROCESS, DECISION = "process", "decision"
SUBJECT_KINDS = tuple(MEMBER_KINDS)  # a process is about one family member of these kinds


@dataclass
class Resource:
    """One file as read from disk or received from the Modeler, parsed but not yet stored."""

    filename: str
    text: str
    kind: str = ""
    key: str = ""
    name: str | None = None
    tree: etree._Element | None = None
    provides: list[tuple[str, str, str | None, bool]] = field(default_factory=list)
    called_elements: list[str] = field(default_factory=list)
    decision_refs: list[str] = field(default_factory=list)
    form_refs: list[dict] = field(default_factory=list)
    starter_groups: list[str] = field(default_factory=list)
    message_starts: list[str] = field(default_factory=list)  # engine.message_starts
    subject_kind: str | None = None
    history_ttl_days: int | None = None  # engine.retention.ttl

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def parse_xml(text: str) -> etree._Element:
    """Parse XML without resolving entities or touching the network (no XXE).

    A new parser each time: lxml parser objects must not be shared between threads.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(text.encode("utf-8"), parser)


_ACTIVITI = re.compile(r"""(\sxmlns(?::[\w.-]+)?\s*=\s*)(["'])http://activiti\.org/bpmn\2""")
_ARCHIVES = {b"PK\x03\x04": "zip", b"PK\x05\x06": "zip", b"\x1f\x8b": "gzip"}
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
_DECLARATION = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def decode_definition(filename: str, content: bytes) -> str:
    """A file's text: UTF-8 (BOM or not), UTF-16 with a BOM, or the encoding its XML
    declaration names; the declaration is rewritten to UTF-8, as the text is stored."""
    for magic, kind in _ARCHIVES.items():
        if content.startswith(magic):
            raise _not_text(filename, f"it looks like a {kind} archive; unpack it first")
    if content.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _not_text(filename, "it is UTF-32; save it as UTF-8")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(filename, content, "utf-16")
    else:
        text = _decode_8bit(filename, content)
    if "\x00" in text:
        raise _not_text(filename, "it holds binary data")
    return _DECLARATION.sub(r"\1\2UTF-8\2", text, count=1)


def _decode_8bit(filename: str, content: bytes) -> str:
    bom = content.startswith(codecs.BOM_UTF8)  # a byte order mark outranks the declaration
    content = content.removeprefix(codecs.BOM_UTF8)
    declared = None if bom else _DECLARED.match(content)
    encoding = declared[1].decode("ascii") if declared else "utf-8"
    try:
        wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    except LookupError:
        raise _not_text(
            filename, f"its XML declaration names an unknown encoding, {encoding}"
        ) from None
    if wide:
        raise _not_text(filename, f"it declares {encoding} but has no byte order mark")
    return _decode(filename, content, encoding)


def _decode(filename: str, content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        why = f"it is not {encoding.upper()} text; save it as UTF-8"
        raise _not_text(filename, why) from None


def _not_text(filename: str, why: str) -> InvalidDefinition:
    message = f"{filename} is not a text BPMN, DMN or form file ({why})"
    return InvalidDefinition([Problem(filename, message, None, None)])


def read_resource(filename: str, content: bytes | str) -> Resource:
    """Parse one BPMN, DMN or form file; InvalidDefinition if it is not one we can deploy."""
    text = decode_definition(filename, content) if isinstance(content, bytes) else content
    text = declare_implied_errors(unqualify_references(_activiti_as_camunda(text)))
    resource = Resource(filename, text)
    if filename.endswith(".form"):
        return _describe_form(resource)
    try:
        resource.tree = parse_xml(text)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise InvalidDefinition(
            [Problem(filename, f"the XML is not well-formed: {error.msg}", None, line)]
        ) from None
    namespace = etree.QName(resource.tree).namespace
    if namespace == BPMN_NS:
        _describe_bpmn(resource)
    elif namespace in DMN_NAMESPACES:
        _describe_dmn(resource, namespace)
    else:
        raise InvalidDefinition(
            [
                Problem(
                    filename,
                    f"not a BPMN 2.0 or DMN document (root namespace '{namespace}')",
                    None,
                    1,
                )
            ]
        )
    return resource


def _activiti_as_camunda(text: str) -> str:
    """The text with the old Activiti extension namespace bound to Camunda's, as Camunda 7
    reads it: ``activiti:assignee`` assigns and ``activiti:class`` is refused like
    ``camunda:class``, instead of both being ignored."""
    return _ACTIVITI.sub(rf"\1\2{CAMUNDA_NS}\2", text)


def _describe_bpmn(resource: Resource) -> None:
    ns = {"bpmn": BPMN_NS}
    resource.kind = BPMN
    processes = resource.tree.findall("bpmn:process", ns)
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    if not executable:
        raise InvalidDefinition(
            [
                Problem(
                    resource.filename,
                    "no executable process: tick 'Executable' on the process in Camunda Modeler",
                    processes[0].get("id") if processes else None,
                    processes[0].sourceline if processes else None,
                )
            ]
        )
    resource.key, resource.name = executable[0].get("id"), executable[0].get("name")
    starters = executable[0].get(f"{{{CAMUNDA_NS}}}candidateStarterGroups") or ""
    if executable[0].get(f"{{{CAMUNDA_NS}}}isStartableInTasklist") == "false":
        starters = ""  # not offered to start on a case: only its owners and other processes
    resource.starter_groups = [group.strip() for group in starters.split(",") if group.strip()]
    resource.message_starts = message_start_names(executable[0])
    resource.subject_kind = _subject_kind(resource, executable[0])
    # a malformed one is refused, with its line, by deploy_checks.reference_checks
    resource.history_ttl_days = ttl_days(executable[0].get(f"{{{CAMUNDA_NS}}}historyTimeToLive"))
    declared_timescales(executable[0], resource.filename)  # refuse a malformed one now
    resource.provides = [
        (PROCESS, p.get("id"), p.get("name"), p.get("isExecutable") == "true") for p in processes
    ]
    resource.called_elements = sorted(
        {
            node.get("calledElement")
            for node in resource.tree.iterfind(".//bpmn:callActivity", ns)
            if node.get("calledElement")
        }
    )
    resource.decision_refs = sorted(
        {
            node.get(f"{{{CAMUNDA_NS}}}decisionRef")
            for node in resource.tree.iterfind(".//bpmn:businessRuleTask", ns)
            if node.get(f"{{{CAMUNDA_NS}}}decisionRef")
        }
    )
    resource.form_refs = [
        ref for node in resource.tree.iterfind(".//bpmn:userTask", ns) if (ref := form_ref(node))
    ]


def _subject_kind(resource: Resource, process: etree._Element) -> str | None:
    """The family member a process is about, from its ``subject`` extension property."""
    found = extension_property(process, "subject")
    if found is None:
        return None
    kind = found.get("value")
    if kind not in SUBJECT_KINDS:
        raise InvalidDefinition(
            [
                Problem(
                    resource.filename,
                    f"the process property 'subject' must be one of {', '.join(SUBJECT_KINDS)}"
                    f" (the kind of family member the process is about), not '{kind}'",
                    process.get("id"),
                    found.sourceline,
                )
            ]
        )
    return kind


def _describe_form(resource: Resource) -> Resource:
    form = parse_form(resource.text, resource.filename)
    # a form without an id is found by its file name (camunda:formKey), never by formRef's id
    key = form.id or resource.filename
    resource.kind, resource.key, resource.name = FORM, key, resource.filename.rsplit(".", 1)[0]
    resource.provides = [(FORM, key, resource.name, True)]
    return resource


def _describe_dmn(resource: Resource, namespace: str) -> None:
    resource.kind = DMN
    decisions = resource.tree.findall(f"{{{namespace}}}decision")
    if not decisions:
        raise InvalidDefinition(
            [Problem(resource.filename, "the DMN file has no decision", None, 1)]
        )
    unnamed = [d for d in decisions if not d.get("id")]
    if unnamed:
        raise InvalidDefinition(
            [
                Problem(resource.filename, "a decision needs an id", None, d.sourceline)
                for d in unnamed
            ]
        )
    resource.key, resource.name = decisions[0].get("id"), decisions[0].get("name")
    resource.provides = [(DECISION, d.get("id"), d.get("name"), True) for d in decisions]
