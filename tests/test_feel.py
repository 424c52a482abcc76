"""FEEL simple unary tests (a decision table's input entries) and decision evaluation, in
memory: what each test matches, what is refused with a reason, and the hit policies."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from engine.clock import FrozenClock
from engine.decisions.evaluation import (
    DecisionError,
    evaluate_decision,
    result_variables,
    table_result,
)
from engine.decisions.feel import FeelError, parse_literal, parse_unary_tests
from engine.decisions.model import Decision, Rule, Table
from engine.decisions.results import map_result
from engine.decisions.types import ConversionError, convert
from engine.expressions import ExpressionLanguage
from engine.workdays import WorkingDayCalendar


def matches(entry: str, value, **variables) -> bool:
    def lookup(name):
        if name not in variables:
            raise FeelError(f"no variable '{name}'")
        return variables[name]

    return parse_unary_tests(entry).matches(value, lookup)


@pytest.mark.parametrize(
    ("entry", "value", "expected"),
    [
        ("-", None, True),
        ("", "anything", True),
        ("18", 18, True),
        ("18", 18.0, True),
        ("18", "18", False),  # a string is never a number
        ('"neglect"', "neglect", True),
        ('"neglect"', "Neglect", False),
        ('"say \\"no\\""', 'say "no"', True),
        ("true", True, True),
        ("true", 1, False),  # a number is never a boolean
        ("false", False, True),
        ("null", None, True),
        ("null", 0, False),
        ("< 10", 9, True),
        ("< 10", 10, False),
        ("<= 10", 10, True),
        ("> 2.5", 2.6, True),
        (">= -3", -3, True),
        ("< 10", None, False),  # nothing compares with null
        ("< 10", "5", False),
        ("< 10", True, False),
        ("[250..1000]", 250, True),
        ("[250..1000]", 1000, True),
        ("[250..1000]", 1000.01, False),
        ("]250..1000[", 250, False),
        ("]250..1000[", 999, True),
        ("(250..1000)", 1000, False),
        ("(250..1000]", 1000, True),
        ('"school","nursery"', "nursery", True),
        ('"school","nursery"', "GP", False),
        ('< 5, > 10, "n/a"', 11, True),
        ('not("school","nursery")', "GP", True),
        ('not("school","nursery")', "school", False),
        ("not(< 18)", 18, True),
        ('< date("2026-04-01")', date(2026, 3, 31), True),
        ('< date("2026-04-01")', "2026-03-31", True),
        ('< date("2026-04-01")', "not a date", False),
        ('[date("2026-04-01")..date("2027-03-31")]', date(2027, 3, 31), True),
        ('> date and time("2026-04-01T09:00:00")', datetime(2026, 4, 1, 9, 30), True),
        ('> date and time("2026-04-01T09:00:00Z")', "2026-04-01T10:00:00+01:00", False),
        ('date("2026-04-01")', datetime(2026, 4, 1, 15, 0), True),  # its day
        ('"10"', "10", True),
    ],
)
def test_an_entry_matches_as_feel_says(entry, value, expected):
    assert matches(entry, value) is expected


def test_a_name_in_an_entry_reads_the_variable():
    assert matches("< threshold", 3, threshold=5)
    assert matches("[low..high]", 7, low=5, high=8)
    assert not matches(">= adult_age", 17, adult_age=18)
    with pytest.raises(FeelError, match="no variable 'missing'"):
        matches("< missing", 3)


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ('starts with(?, "TQ")', "unexpected '?'"),
        ('starts with(postcode, "TQ")', "unexpected 'with'"),
        ("? > 5", "unexpected '?'"),
        ("__import__('os').getcwd()", "unexpected"),
        ("x + 1", "unexpected '+'"),
        ("[1..", "ends too early"),
        ("[1..5}", "unexpected '}'"),
        ("[1..5,", "a range ends with"),
        ('"a" "b"', "is a comma missing"),
        ("< ", "ends too early"),
        ('duration("P5D")', "duration(...) values are not supported"),
        ('date("31/03/2026")', "is not a valid date"),
        ("date(today)", "takes a quoted value"),
        ("not(", "ends too early"),
        ("${x > 1}", "unexpected '$'"),
    ],
)
def test_what_is_not_a_simple_unary_test_is_refused_with_a_reason(entry, reason):
    with pytest.raises(FeelError, match=re.escape(reason)):
        parse_unary_tests(entry)


def test_literals_parse_to_values():
    assert parse_literal("-2.5") == Decimal("-2.5")
    assert parse_literal('date("2026-04-01")') == date(2026, 4, 1)
    with pytest.raises(FeelError):
        parse_literal("child_age")


def table(hit_policy: str, aggregation: str | None = None, outputs=("score",)) -> Table:
    rules = tuple(
        Rule(number, (parse_unary_tests(test),), (value,))
        for number, (test, value) in enumerate([("< 10", "5"), ("< 20", "7"), ("-", "1")], 1)
    )
    return Table(hit_policy, aggregation, ("age",), outputs, rules)


def run(table_: Table, age: int):
    decision = Decision("d", "Score", (), table_)
    variables = {"age": age}
    language = ExpressionLanguage(FrozenClock("2026-12-23T10:00:00+00:00"), WorkingDayCalendar())
    evaluate = lambda text, extra: language.evaluate(text, {**variables, **extra})  # noqa: E731
    return table_result(decision, table_, evaluate)


@pytest.mark.parametrize(
    ("aggregation", "expected"), [("SUM", 13), ("MIN", 1), ("MAX", 7), ("COUNT", 3)]
)
def test_collect_aggregates_every_matching_output(aggregation, expected):
    assert run(table("COLLECT", aggregation), 5) == [{"score": expected}]


def test_hit_policies_choose_among_matching_rules():
    assert run(table("FIRST"), 15) == [{"score": 7}]
    assert run(table("RULE ORDER"), 5) == [{"score": 5}, {"score": 7}, {"score": 1}]
    with pytest.raises(DecisionError, match="rules 2, 3 all match"):
        run(table("UNIQUE"), 15)
    with pytest.raises(DecisionError, match="different outputs"):
        run(table("ANY"), 15)


def test_a_required_decision_reaches_its_dependant_as_variables_by_output_name():
    single = Decision("risk", "Risk", (), table("FIRST"))
    several = Decision("risks", "Risks", (), table("COLLECT"))
    assert result_variables(single, [{"score": 5}]) == {"score": 5}
    assert result_variables(several, [{"score": 5}]) == {"score": [5]}
    assert result_variables(several, []) == {}


def test_mappings_refuse_what_does_not_fit_them():
    two_rules, two_outputs = [{"a": 1}, {"a": 2}], [{"a": 1, "b": 2}]
    assert map_result(two_rules, "collectEntries") == [1, 2]
    assert map_result([], "singleEntry") is None and map_result([], "collectEntries") == []
    with pytest.raises(DecisionError, match="at most one matching rule"):
        map_result(two_rules, "singleEntry")
    with pytest.raises(DecisionError, match="one output per rule"):
        map_result(two_outputs, "singleEntry")
    with pytest.raises(DecisionError, match="one output per rule"):
        map_result(two_outputs, "collectEntries")


@pytest.mark.parametrize(
    ("value", "type_ref", "expected"),
    [
        ("5", "integer", 5),
        (5.0, "long", 5),
        ("2.5", "double", 2.5),
        ("TRUE", "boolean", True),
        (True, "string", "true"),
        (12, "string", "12"),
        ("2026-04-01", "date", datetime(2026, 4, 1)),
        (date(2026, 4, 1), "date", datetime(2026, 4, 1)),
        ("anything", "number", "anything"),  # not a Camunda 7 type: left as it is
        (None, "integer", None),
    ],
)
def test_a_typeref_converts_as_camunda_does(value, type_ref, expected):
    assert convert(value, type_ref) == expected


@pytest.mark.parametrize(
    ("value", "type_ref"), [(2.5, "integer"), ("five", "integer"), (1, "boolean"), ("x", "date")]
)
def test_a_value_that_cannot_be_its_typeref_is_an_error(value, type_ref):
    with pytest.raises(ConversionError, match=f"is not of type {type_ref}"):
        convert(value, type_ref)


def test_a_decision_graph_evaluates_each_required_decision_once_and_shares_its_outputs():
    graph = {
        "base": Decision("base", "Base", (), variable="v", expression="1"),
        "left": Decision("left", "Left", ("base",), variable="x", expression="v + 1"),
        "right": Decision("right", "Right", ("base",), variable="y", expression="v + 2"),
        "top": Decision("top", "Top", ("left", "right"), variable="total", expression="x + y + v"),
    }
    language = ExpressionLanguage(FrozenClock("2026-12-23T10:00:00+00:00"), WorkingDayCalendar())
    evaluated = []

    def evaluate(text, extra):
        evaluated.append(text)
        return language.evaluate(text, extra)

    assert evaluate_decision(graph, "top", evaluate) == [{"total": 6}]
    assert evaluated == ["1", "v + 1", "v + 2", "x + y + v"]
