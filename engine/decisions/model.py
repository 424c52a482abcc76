"""Decisions as a DMN file declares them: tables, literal expressions and what each requires.

Read straight from the XML. Camunda Modeler gives every element an id, but hand-written files
and older tools often leave them off rules and entries; nothing here needs one except the
decision itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .feel import FeelError, UnaryTests, parse_unary_tests

HIT_POLICIES = ("UNIQUE", "FIRST", "ANY", "RULE ORDER", "COLLECT")
AGGREGATIONS = ("SUM", "MIN", "MAX", "COUNT")


class DecisionProblem(ValueError):
    """Something in a DMN file we cannot run as Camunda 7 would, at ``node``."""

    def __init__(self, node: etree._Element, message: str):
        super().__init__(message)
        self.node = node


@dataclass(frozen=True)
class Rule:
    """One row: its number (from 1), input tests and output entry texts (None when empty)."""

    number: int
    tests: tuple[UnaryTests, ...]
    outputs: tuple[str | None, ...]


@dataclass(frozen=True)
class Table:
    """A decision table: input expressions, output names, rules and the hit policy."""

    hit_policy: str
    aggregation: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    rules: tuple[Rule, ...]
    input_types: tuple[str | None, ...] = ()  # typeRef of each input, converted to (``types``)
    output_types: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A decision: either a table or a literal expression (``variable`` = ``expression``)."""

    id: str
    name: str
    required: tuple[str, ...]
    table: Table | None = None
    variable: str | None = None
    expression: str | None = None
    variable_type: str | None = None


def declared_language(element: etree._Element) -> str | None:
    """The expression language in force: the element's own, else the nearest declared above."""
    for node in (element, *element.iterancestors()):
        if node.get("expressionLanguage"):
            return node.get("expressionLanguage")
    return None


def is_feel(language: str) -> bool:
    """Whether an expressionLanguage names FEEL (Camunda's names or the DMN namespaces)."""
    return "feel" in language.lower()


def read_decisions(tree: etree._Element) -> dict[str, Decision]:
    """Every decision in a DMN document by id; DecisionProblem for the first we cannot run."""
    ns = {"dmn": etree.QName(tree).namespace}
    return {node.get("id"): read_decision(node, ns) for node in tree.iterfind("dmn:decision", ns)}


def read_decision(node: etree._Element, ns: dict) -> Decision:
    """One ``<decision>`` element."""
    required = tuple(
        (requirement.get("href") or "").lstrip("#")
        for requirement in node.iterfind("dmn:informationRequirement/dmn:requiredDecision", ns)
    )
    base = {"id": node.get("id"), "name": node.get("name") or node.get("id"), "required": required}
    table = node.find("dmn:decisionTable", ns)
    if table is not None:
        return Decision(**base, table=read_table(table, ns))
    literal = node.find("dmn:literalExpression", ns)
    if literal is not None:
        return Decision(**base, **_literal(node, literal, ns))
    raise DecisionProblem(
        node,
        "the decision has neither a decision table nor a literal expression, the only "
        "decision logic Camunda 7 runs",
    )


def _literal(node: etree._Element, literal: etree._Element, ns: dict) -> dict:
    variable = node.find("dmn:variable", ns)
    if variable is None or not variable.get("name"):
        raise DecisionProblem(node, "a literal expression decision needs a variable name")
    text = (literal.findtext("dmn:text", "", ns) or "").strip()
    if not text:
        raise DecisionProblem(literal, "the literal expression is empty")
    return {
        "variable": variable.get("name"),
        "expression": text,
        "variable_type": variable.get("typeRef"),
    }


def read_table(node: etree._Element, ns: dict) -> Table:
    """One ``<decisionTable>``."""
    hit_policy = (node.get("hitPolicy") or "UNIQUE").upper()
    if hit_policy not in HIT_POLICIES:
        raise DecisionProblem(
            node,
            f"hit policy {hit_policy} is not supported by Camunda 7: use UNIQUE, FIRST, ANY, "
            "RULE ORDER or COLLECT",
        )
    aggregation = node.get("aggregation")
    if aggregation and (hit_policy != "COLLECT" or aggregation.upper() not in AGGREGATIONS):
        raise DecisionProblem(
            node, "an aggregation (SUM, MIN, MAX or COUNT) goes only with the COLLECT hit policy"
        )
    inputs = tuple(_input_expression(item, ns) for item in node.iterfind("dmn:input", ns))
    outputs = tuple(_output_name(item, ns) for item in node.iterfind("dmn:output", ns))
    if aggregation and len(outputs) != 1:
        raise DecisionProblem(node, f"a COLLECT {aggregation} table must have exactly one output")
    rules = tuple(
        _rule(rule, number, len(inputs), len(outputs), ns)
        for number, rule in enumerate(node.iterfind("dmn:rule", ns), start=1)
    )
    input_types = tuple(
        item.get("typeRef") for item in node.iterfind("dmn:input/dmn:inputExpression", ns)
    )
    output_types = tuple(item.get("typeRef") for item in node.iterfind("dmn:output", ns))
    return Table(
        hit_policy,
        aggregation and aggregation.upper(),
        inputs,
        outputs,
        rules,
        input_types,
        output_types,
    )


def _input_expression(node: etree._Element, ns: dict) -> str:
    text = (node.findtext("dmn:inputExpression/dmn:text", "", ns) or "").strip()
    if not text:
        raise DecisionProblem(node, "the input has no input expression")
    return text


def _output_name(node: etree._Element, ns: dict) -> str:
    name = node.get("name")
    if not name and len(node.getparent().findall("dmn:output", ns)) > 1:
        raise DecisionProblem(node, "an output of a table with several outputs needs a name")
    return name or ""


def _rule(node: etree._Element, number: int, inputs: int, outputs: int, ns: dict) -> Rule:
    entries = node.findall("dmn:inputEntry", ns)
    results = node.findall("dmn:outputEntry", ns)
    if len(entries) != inputs or len(results) != outputs:
        raise DecisionProblem(
            node,
            f"rule {number} has {len(entries)} input and {len(results)} output entries; the "
            f"table has {inputs} inputs and {outputs} outputs",
        )
    return Rule(
        number,
        tuple(_tests(entry, number, column, ns) for column, entry in enumerate(entries, 1)),
        tuple((r.findtext("dmn:text", "", ns) or "").strip() or None for r in results),
    )


def _tests(entry: etree._Element, number: int, column: int, ns: dict) -> UnaryTests:
    text = entry.findtext("dmn:text", "", ns)
    language = declared_language(entry)
    if language and not is_feel(language):
        raise DecisionProblem(
            entry,
            f"rule {number}, input {column}: input entries are FEEL simple unary tests; "
            f"expression language '{language}' is not supported",
        )
    try:
        return parse_unary_tests(text)
    except FeelError as error:
        raise DecisionProblem(
            entry,
            f"rule {number}, input {column}: '{(text or '').strip()}' is not a FEEL simple unary "
            f"test ({error}); write a value, a comparison such as < 10, a range such as "
            '[1..10], a list such as "a","b", not(...) or -',
        ) from None
