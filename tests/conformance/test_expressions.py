"""Expressions (JUEL, the EL 2.2 subset Camunda 7 users write) as Camunda 7 evaluates them."""

from __future__ import annotations

import pytest

from engine.errors import ProcessError

from .catalogue import refused, supported
from .support import deploy

AREA = "Expressions"


def routes(scenario, construct, *starts: dict) -> list[str]:
    """The task each start reaches, one start per variable set, in order."""
    deploy(scenario, construct)
    pat = scenario.as_user("pat", "practitioner")
    reached = []
    for variables in starts:
        before = {task.id for task in pat.inbox()}
        pat.start(construct.diagram.removesuffix(".bpmn"), variables)
        reached += [task.name for task in pat.inbox() if task.id not in before]
    return reached


EMPTY = supported(AREA, "empty and not empty", "expr_empty.bpmn")


@EMPTY
def test_empty_is_true_for_null_empty_text_and_empty_lists(scenario):
    reached = routes(
        scenario,
        EMPTY,
        {"concerns": ["bruising"]},
        {"concerns": []},
        {"concerns": ""},
        {"concerns": None},
        {"concerns": "late collections"},
        {"concerns": {}},
    )
    assert reached == [
        "Review the concerns",
        "Close the referral",
        "Close the referral",
        "Close the referral",
        "Review the concerns",
        "Close the referral",
    ]


OPERATORS = supported(
    AREA,
    "Operators and, or, not, eq, ne, lt, gt, le, ge, &&, ||, !",
    "expr_operators.bpmn",
    "and/or give one of their operands, as in Python, not always true/false",
)


@OPERATORS
def test_word_and_symbol_operators_decide_the_route(scenario):
    base = {"risk": 1, "withdrawn": False, "replies": 0, "agencies": 2}
    reached = routes(
        scenario,
        OPERATORS,
        {**base, "risk": 4},
        {**base, "risk": 3, "withdrawn": True},
        base,
        {**base, "replies": 2},
        {**base, "agencies": 0},
    )
    assert reached == [
        "Convene a strategy discussion",
        "Record no further action",
        "Chase the agencies",
        "Record no further action",
        "Chase the agencies",
    ]


BOOLEAN_TEXT = supported(
    AREA,
    '&&, || and ! read "true"/"false" text and null as EL does',
    "expr_boolean_text.bpmn",
    "Python-style and/or/not keep Python's truth (any non-empty text is true)",
)


@BOOLEAN_TEXT
def test_symbol_operators_read_text_as_true_or_false(scenario):
    reached = routes(
        scenario,
        BOOLEAN_TEXT,
        {"consent_given": "true", "consent_withdrawn": "false", "risk_of_harm": False},
        {"consent_given": "true", "consent_withdrawn": "true", "risk_of_harm": "false"},
        {"consent_given": "false", "consent_withdrawn": None, "risk_of_harm": "TRUE"},
        {"consent_given": True, "consent_withdrawn": False, "risk_of_harm": None},
    )
    assert reached == [
        "Share the information",
        "Record why nothing was shared",
        "Share the information",
        "Share the information",
    ]


@BOOLEAN_TEXT
def test_a_number_is_not_true_or_false(scenario):
    deploy(scenario, BOOLEAN_TEXT)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="a number cannot be read as true/false"):
        pat.start(
            "expr_boolean_text",
            {"consent_given": 1, "consent_withdrawn": False, "risk_of_harm": False},
        )


TERNARY = supported(AREA, "Conditional operator a ? b : c", "expr_ternary.bpmn")


@TERNARY
def test_the_conditional_operator_chooses_the_candidate_group(scenario):
    deploy(scenario, TERNARY)
    pat = scenario.as_user("pat", "practitioner")
    mo = scenario.as_user("mo", "manager")
    pat.start("expr_ternary", {"urgent": True})
    assert [t.name for t in mo.inbox()] == ["Convene the strategy discussion"]
    assert pat.inbox() == []
    pat.start("expr_ternary", {"urgent": False})
    assert [t.name for t in pat.inbox()] == ["Convene the strategy discussion"]


@TERNARY
def test_the_conditional_operator_chooses_the_gateways_threshold(scenario):
    """${urgent ? risk >= 2 : risk >= 4}: an urgent concern meets today from risk 2, else 4."""
    deploy(scenario, TERNARY)
    people = {
        True: scenario.as_user("mo", "manager"),
        False: scenario.as_user("pat", "practitioner"),
    }
    reached = []
    for urgent, risk in ((True, 2), (False, 3), (False, 4)):
        convenor = people[urgent]
        convenor.start("expr_ternary", {"urgent": urgent, "risk": risk})
        convenor.complete("Convene the strategy discussion")
        [next_task] = people[False].inbox()
        reached.append(next_task.name)
        people[False].complete(next_task.name)
    assert reached == ["Meet today", "Plan the discussion", "Meet today"]


STRINGS = supported(AREA, "Text literals in single or double quotes", "expr_string_literals.bpmn")


@STRINGS
def test_single_and_double_quoted_text_compare_alike(scenario):
    reached = routes(
        scenario,
        STRINGS,
        {"outcome": "section 47"},
        {"outcome": "section 17"},
        {"outcome": "early help"},
    )
    assert reached == ["Arrange the assessment", "Arrange the assessment", "Signpost to early help"]


EQUALITY = supported(
    AREA,
    "== and != coerce as EL 2.2 does (true/false text, numbers in text)",
    "expr_equality_coercion.bpmn",
)


@EQUALITY
def test_equality_coerces_text_to_the_other_sides_type(scenario):
    reached = routes(
        scenario,
        EQUALITY,
        {"approved": True, "stage": 2},
        {"approved": "true", "stage": "2"},
        {"approved": True, "stage": 2.0},
        {"approved": "TRUE", "stage": 2},
        {"approved": False, "stage": 2},
        {"approved": True, "stage": 3},
        {"approved": None, "stage": 2},
    )
    assert reached == [
        "Hold the stage 2 meeting",
        "Hold the stage 2 meeting",
        "Hold the stage 2 meeting",
        "Revise the plan",  # both sides are text: compared as text, "TRUE" is not "true"
        "Revise the plan",
        "Revise the plan",
        "Revise the plan",
    ]


@EQUALITY
def test_comparing_a_number_with_text_that_is_not_a_number_is_an_error(scenario):
    deploy(scenario, EQUALITY)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="cannot compare the text 'true' with a number"):
        pat.start("expr_equality_coercion", {"approved": 1, "stage": 2})


RELATIONAL = supported(
    AREA,
    "<, >, <=, >= coerce as EL 2.2 does (numbers in text, null is never ordered)",
    "expr_relational_coercion.bpmn",
)


@RELATIONAL
def test_ordering_compares_numbers_held_as_text_as_numbers(scenario):
    reached = routes(
        scenario,
        RELATIONAL,
        {"days_open": "12"},
        {"days_open": "9"},
        {"days_open": 11},
        {"days_open": None},
        {"days_open": ""},
    )
    assert reached == [
        "Chase the agency",
        "Wait for the contribution",
        "Chase the agency",
        "Wait for the contribution",
        "Wait for the contribution",
    ]


@RELATIONAL
def test_ordering_text_that_is_not_a_number_against_a_number_is_an_error(scenario):
    deploy(scenario, RELATIONAL)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="cannot compare the text 'twelve' with a number"):
        pat.start("expr_relational_coercion", {"days_open": "twelve"})


ARITHMETIC = supported(
    AREA,
    "Arithmetic +, -, *, /, div, mod reading null and numbers held as text",
    "expr_arithmetic.bpmn",
    "text + text joins the text and text that is not a number * n repeats it (Python); EL "
    "adds and multiplies numbers only",
)


@ARITHMETIC
def test_arithmetic_reads_numbers_held_as_text_as_numbers(scenario):
    reached = routes(
        scenario,
        ARITHMETIC,
        {"received": "3", "invited": 4},
        {"received": 1, "invited": "4"},
        {"received": 2.0, "invited": 4},
    )
    assert reached == [
        "Hold the conference",
        "Chase the missing contributions",
        "Hold the conference",
    ]


@ARITHMETIC
def test_arithmetic_on_text_that_is_not_a_number_is_an_error(scenario):
    deploy(scenario, ARITHMETIC)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="cannot use the text 'three' as a number"):
        pat.start("expr_arithmetic", {"received": "three", "invited": 4})


EQUALS = supported(AREA, "x.equals(y)", "expr_equals.bpmn", "numbers equal by value (2 and 2.0)")


@EQUALS
def test_equals_compares_without_coercion(scenario):
    reached = routes(
        scenario, EQUALS, {"decision": "escalate"}, {"decision": "Escalate"}, {"decision": 1}
    )
    assert reached == ["Escalate to the manager", "Close the difference", "Close the difference"]


@EQUALS
def test_equals_on_null_is_an_error_naming_the_method(scenario):
    deploy(scenario, EQUALS)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match=r"equals\(\) was called on null"):
        pat.start("expr_equals", {"decision": None})


SIZE = supported(AREA, "list.size(), text.length(), isEmpty()", "expr_size.bpmn")


@SIZE
def test_size_length_and_is_empty(scenario):
    reached = routes(
        scenario,
        SIZE,
        {"agencies": ["police", "health"], "summary": "Bruise seen at school"},
        {"agencies": ["police"], "summary": "Bruise seen at school"},
        {"agencies": ["police", "health"], "summary": ""},
        {"agencies": ["police", "health"], "summary": "x" * 501},
    )
    assert reached == [
        "Invite the agencies to a strategy discussion",
        "Ask for a fuller summary",
        "Ask for a fuller summary",
        "Ask for a fuller summary",
    ]


CONTAINS = supported(AREA, "list.contains(x), text.contains(s)", "expr_contains.bpmn")


@CONTAINS
def test_contains_on_lists_and_text(scenario):
    reached = routes(
        scenario,
        CONTAINS,
        {"agencies": ["health", "police"], "summary": "neglect"},
        {"agencies": ["health"], "summary": "a head injury"},
        {"agencies": ["health"], "summary": "neglect"},
    )
    assert reached == [
        "Hold a joint screening",
        "Hold a joint screening",
        "Screen as a single agency",
    ]


TEXT_METHODS = supported(
    AREA,
    "Text methods startsWith, endsWith, toLowerCase, toUpperCase, trim, equalsIgnoreCase",
    "expr_text_methods.bpmn",
)


@TEXT_METHODS
def test_text_methods_as_java_strings_have_them(scenario):
    reached = routes(
        scenario,
        TEXT_METHODS,
        {"source": "  School nurse"},
        {"source": "Little Acorns nursery"},
        {"source": "College"},
        {"source": "GP"},
    )
    assert reached == [
        "Ask the designated safeguarding lead",
        "Ask the designated safeguarding lead",
        "Ask the designated safeguarding lead",
        "Ask the referrer",
    ]


GET_VARIABLE = supported(
    AREA,
    'execution.getVariable("name") and execution.hasVariable("name")',
    "expr_get_variable.bpmn",
)


@GET_VARIABLE
def test_get_variable_reads_a_variable_or_null_when_it_is_not_set(scenario):
    reached = routes(scenario, GET_VARIABLE, {"police_ref": "CRIME-123"}, {}, {"police_ref": None})
    assert reached == [
        "Share with the police",
        "Record that no crime was reported",
        "Record that no crime was reported",
    ]


MAP_PROPERTY = supported(
    AREA,
    "A map variable's entry as a property (referral.urgency)",
    "expr_map_property.bpmn",
)


@MAP_PROPERTY
def test_a_map_entry_is_read_as_a_property_and_is_null_when_absent(scenario):
    reached = routes(
        scenario,
        MAP_PROPERTY,
        {"referral": {"urgency": "high"}},
        {"referral": {"urgency": "high", "closed": "2026-12-01"}},
        {"referral": {"urgency": "low"}},
    )
    assert reached == ["Call the family today", "Write to the family", "Write to the family"]


KEYWORDS = supported(
    AREA,
    "Variables named like Python keywords (continue, from, pass)",
    "expr_keyword_variables.bpmn",
    "`if`, `else`, `in`, `is`, `for` and `lambda` stay operators of Python-style conditions",
)


@KEYWORDS
def test_variables_may_be_named_like_python_keywords(scenario):
    reached = routes(
        scenario,
        KEYWORDS,
        {"continue": True, "from": "school", "pass": False},
        {"continue": True, "from": "self", "pass": False},
    )
    assert reached == ["Continue the assessment", "Close the assessment"]


UNKNOWN_VARIABLE = supported(
    AREA,
    "A variable that is not set",
    "expr_unknown_variable.bpmn",
    'the error says "unknown variable \'name\'" where Camunda says "Cannot resolve identifier"',
)


@UNKNOWN_VARIABLE
def test_a_variable_that_is_not_set_is_an_error_naming_it(scenario):
    deploy(scenario, UNKNOWN_VARIABLE)
    pat = scenario.as_user("pat", "practitioner")
    with pytest.raises(ProcessError, match="unknown variable 'risk_level'"):
        pat.start("expr_unknown_variable", {})
    assert routes(scenario, UNKNOWN_VARIABLE, {"risk_level": 3}) == ["Act on the risk"]


refused(
    AREA,
    "A bean's method (${caseService.isOpen(...)})",
    "expr_bean_method.bpmn",
    "method 'isOpen()' is not supported",
)
refused(
    AREA,
    "execution.setVariable(...) and other execution methods",
    "expr_execution_set_variable.bpmn",
    "execution.setVariable() is not supported",
)
refused(
    AREA,
    "Methods outside the supported subset (e.g. text.matches(regex))",
    "expr_unsupported_method.bpmn",
    "method 'matches()' is not supported",
)
refused(
    AREA,
    "Methods that change a value in place (list.add, map.put...)",
    "expr_in_place_method.bpmn",
    "method 'add()' changes a value in place",
)
refused(
    AREA,
    "Camunda's built-in functions dateTime(), currentUser(), currentUserGroups()",
    "expr_camunda_functions.bpmn",
    "unknown function 'dateTime': Camunda's dateTime() is not available; use now(), today()",
)
