"""JUEL as Camunda 7 users write it: syntax, EL 2.2 coercions and the Java methods offered."""

from datetime import date

import pytest

from engine.clock import FrozenClock
from engine.expressions import ExpressionError, ExpressionLanguage, compile_expression
from engine.workdays import WorkingDayCalendar


@pytest.fixture
def language():
    return ExpressionLanguage(FrozenClock("2026-12-23T10:00:00+00:00"), WorkingDayCalendar())


@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        ("${empty notes}", {"notes": None}, True),
        ("${empty notes}", {"notes": []}, True),
        ("${empty notes}", {"notes": 0}, False),
        ("${not empty notes and urgent}", {"notes": "x", "urgent": True}, True),
        ("${!empty notes.items}", {"notes": {"items": []}}, False),
        ("${urgent ? 1 : 5}", {"urgent": False}, 5),
        ("${a ? 'x' : b ? 'y' : 'z'}", {"a": False, "b": True}, "y"),
        ("${a ? b ? 1 : 2 : 3}", {"a": True, "b": False}, 2),
        ("${len([a ? 1 : 2, 3])}", {"a": True}, 2),
        ("${{'k': a ? 1 : 2}['k']}", {"a": False}, 2),
        ("${!approved == false}", {"approved": True}, True),  # (!approved) == false
        ("${not x in ['a']}", {"x": "b"}, True),  # Python-style: not (x in ['a'])
        ("${x is not None}", {"x": 1}, True),
        ("${a ? \"it's\" : 'b'}", {"a": True}, "it's"),
        ("${referral.urgency}", {"referral": {"urgency": "high"}}, "high"),
        ("${referral.missing == null}", {"referral": {}}, True),
        ("${due.year}", {"due": date(2027, 1, 2)}, 2027),
        ("${class == 'A' && continue}", {"class": "A", "continue": True}, True),
        ("${d.get('k', 5)}", {"d": {}}, 5),
        ("${xs.get(1)}", {"xs": ["a", "b"]}, "b"),
        ("${xs.indexOf('b') + s.indexOf('c')}", {"xs": ["a", "b"], "s": "abc"}, 3),
        ("${s.substring(2)}", {"s": "MASH-42"}, "SH-42"),
        ("${m.containsKey('a') && !m.containsValue(2)}", {"m": {"a": 1}}, True),
        ("${n.toString() == '12'}", {"n": 12}, True),
        ("${stage < 3 < limit}", {"stage": "2", "limit": 4}, True),
        ("${approved && !withdrawn}", {"approved": "true", "withdrawn": "false"}, True),
        ("${approved || urgent}", {"approved": "false", "urgent": None}, False),
        ("${!approved}", {"approved": "FALSE"}, True),
        ("${a && b}", {"a": True, "b": "yes"}, False),  # EL: only "true" is true
        ("${note or 'none'}", {"note": ""}, "none"),  # Python-style or keeps its operand
        ("${a && b and c}", {"a": True, "b": "true", "c": "true"}, True),
    ],
)
def test_juel_evaluates_as_camunda(language, text, data, expected):
    assert language.evaluate(text, data) == expected


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        (True, "true", True),
        (False, "FALSE", True),
        (2, "2", True),
        (2.0, "2", True),
        (2, "2.5", None),  # a whole number against "2.5": not a whole number, an error
        (2.5, "2.5", True),
        (None, None, True),
        (None, "", False),
        (None, 0, False),
        ("a", "a", True),
        ("TRUE", "true", False),
        (date(2027, 1, 2), "2027-01-02", True),
        ([1], [1], True),
        (1, True, None),  # a number and true/false: an error, as in EL
    ],
)
def test_equality_follows_el_coercion(language, left, right, equal):
    data = {"left": left, "right": right}
    if equal is None:
        with pytest.raises(ExpressionError, match="cannot compare"):
            language.evaluate("${left == right}", data)
    else:
        assert language.evaluate("${left == right}", data) is equal
        assert language.evaluate("${left != right}", data) is (not equal)


@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        ("${n > '10'}", {"n": 9}, False),
        ("${n > 10}", {"n": "12"}, True),
        ("${s < 'b'}", {"s": "a"}, True),
        ("${n < 1}", {"n": None}, False),
        ("${n >= 1}", {"n": None}, False),
        ("${due < today()}", {"due": date(2026, 1, 1)}, True),
        ("${due lt '2027-01-01'}", {"due": date(2026, 12, 31)}, True),
    ],
)
def test_ordering_follows_el_coercion(language, text, data, expected):
    assert language.evaluate(text, data) is expected


@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        ("${n + 1}", {"n": "2"}, 3),
        ("${n * 2}", {"n": "3"}, 6),
        ("${n / 2}", {"n": "3"}, 1.5),
        ("${n - 1}", {"n": "2.5"}, 1.5),
        ("${n + 1}", {"n": None}, 1),
        ("${n mod 2}", {"n": "5"}, 1),
        ("${n div 2}", {"n": 5}, 2.5),
        ("${a + ':manager'}", {"a": "police"}, "police:manager"),
        ("${'ab' * 2}", {}, "abab"),
        ("${xs + [1]}", {"xs": [0]}, [0, 1]),
        ("${due - days(1)}", {"due": date(2027, 1, 2)}, date(2027, 1, 1)),
    ],
)
def test_arithmetic_reads_text_beside_a_number_as_a_number(language, text, data, expected):
    assert language.evaluate(text, data) == expected


def test_a_script_adds_to_a_number_held_as_text(language):
    data = {"chases": "2", "label": "Chase"}
    language.execute("chases += 1\nlabel += ' again'", data)
    assert data == {"chases": 3, "label": "Chase again"}


def test_ordering_values_of_different_kinds_is_an_error(language):
    with pytest.raises(ExpressionError, match="cannot order a date and a list"):
        language.evaluate("${due < xs}", {"due": date(2026, 1, 1), "xs": []})


@pytest.mark.parametrize(
    ("text", "data", "reason"),
    [
        ("${s.size()}", {"s": "abc"}, r"size\(\) cannot be called on text"),
        ("${xs.length()}", {"xs": []}, r"length\(\) cannot be called on a list"),
        ("${m.contains('a')}", {"m": {}}, r"contains\(\) cannot be called on a map"),
        ("${s.contains(1)}", {"s": "a"}, r"contains\(\) cannot be called on a number"),
        ("${x.isEmpty()}", {"x": None}, r"isEmpty\(\) was called on null"),
        ("${xs.get(5)}", {"xs": [1]}, r"outside the list"),
        ("${s.substring(3, 1)}", {"s": "abc"}, r"outside text"),
        ("${person.name}", {"person": None}, "cannot read 'name' of null"),
        ("${count && ready}", {"count": 2, "ready": True}, "a number cannot be read as true"),
        ("${!xs}", {"xs": [1]}, "a list cannot be read as true/false"),
    ],
)
def test_a_java_method_on_the_wrong_kind_of_value_is_an_error_naming_it(
    language, text, data, reason
):
    with pytest.raises(ExpressionError, match=reason):
        language.evaluate(text, data)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("${referralService.isOpen(ref)}", r"method 'isOpen\(\)' is not supported"),
        ("${execution.setVariable('a', 1)}", r"execution.setVariable\(\) is not supported"),
        ("${execution.processBusinessKey}", "execution.processBusinessKey is not supported"),
        ("${execution.getVariable()}", r"execution.getVariable\(\) is not supported"),
        ("${s.equals()}", r"method 'equals\(\)' takes 1 argument\(s\), not 0"),
        ("${s.substring(1, 2, 3)}", r"takes 1 or 2 argument\(s\)"),
        ("${xs.add('police')}", r"method 'add\(\)' changes a value in place"),
        ("${a ? b}", "'\\?' needs a matching ':'"),
        ("${x instanceof y}", "'instanceof' is not supported"),
        ("${!}", "'!' needs a value after it"),
        ("${empty}", "'empty' needs a value after it"),
        ("${_jg_el}", "names starting with _jg_ are reserved"),
    ],
)
def test_what_cannot_run_is_refused_when_compiled(text, reason):
    with pytest.raises(ExpressionError, match=reason):
        compile_expression(text)


def test_a_long_chain_of_conditionals_is_refused_not_a_crash():
    with pytest.raises(ExpressionError, match="nests more than"):
        compile_expression("${" + "a ? 1 : " * 500 + "2}")
    with pytest.raises(ExpressionError, match="nests more than"):
        compile_expression("${" + "!" * 5000 + "a}")


def test_scripts_read_and_assign_variables_named_like_python_keywords(language):
    data = {"continue": 1}
    language.execute("continue = continue + 1\nfrom = 'school'\nclass = from", data)
    assert data == {"continue": 2, "from": "school", "class": "school"}


def test_a_script_assigns_a_conditional(language):
    data = {"urgent": True, "days": 5}
    language.execute("days = urgent ? 1 : days\ndays += urgent ? 1 : 0", data)
    assert data == {"urgent": True, "days": 2}


def test_an_unset_variable_named_like_a_keyword_is_named_as_written(language):
    with pytest.raises(ExpressionError, match="unknown variable 'continue'"):
        language.evaluate("${continue}", {})


def test_get_variable_is_null_when_the_variable_is_not_set(language):
    assert language.evaluate("${execution.getVariable('ref') == null}", {}) is True
    assert language.evaluate("${execution.getVariable('ref')}", {"ref": "R1"}) == "R1"


def test_has_variable_is_true_for_a_variable_set_even_to_null(language):
    assert language.evaluate("${execution.hasVariable('ref')}", {"ref": None}) is True
    assert language.evaluate("${execution.hasVariable('ref')}", {}) is False
