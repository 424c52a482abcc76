from datetime import UTC, date, datetime, timedelta

import pytest

from engine.clock import FrozenClock
from engine.expression_functions import WorkingDays
from engine.expressions import ExpressionError, ExpressionLanguage, translate
from engine.workdays import WorkingDayCalendar


@pytest.fixture
def language():
    return ExpressionLanguage(FrozenClock("2026-12-23T10:00:00+00:00"), WorkingDayCalendar())


@pytest.mark.parametrize(
    ("juel", "python"),
    [
        ("${a && b}", "a and _jg_el and b"),  # the marker: each operand read as true/false
        ("${a || !b}", "a or _jg_el or (not (_jg_el and (b)))"),  # ! binds as tightly as in EL
        ("${x != 3}", "x != 3"),
        ("${x eq 'a && b'}", "x == 'a && b'"),
        ("${approved == true}", "approved == True"),
        ("${value == null}", "value == None"),
        ("${n gt 2 and n le 5}", "n > 2 and n <= 5"),
    ],
)
def test_juel_operators_translate_to_python_outside_strings(juel, python):
    assert " ".join(translate(juel).split()) == python


@pytest.mark.parametrize(
    ("text", "data", "expected"),
    [
        ("${approved}", {"approved": True}, True),
        ("${approved && !withdrawn}", {"approved": True, "withdrawn": False}, True),
        ("${stage == 2 || escalate}", {"stage": 1, "escalate": False}, False),
        ("stage >= 2 and not resolved", {"stage": 3, "resolved": False}, True),
        ("${agency}", {"agency": "probation"}, "probation"),
        ("case-${case_ref}/${stage}", {"case_ref": "C1", "stage": 2}, "case-C1/2"),
        ("${len(parties) > 1}", {"parties": ["a", "b"]}, True),
        ("${empty(notes)}", {"notes": ""}, True),
        ("${due.year}", {"due": date(2027, 3, 1)}, 2027),
    ],
)
def test_expressions_evaluate_against_process_data(language, text, data, expected):
    assert language.evaluate(text, data) == expected


def test_date_arithmetic_with_weeks_and_months(language):
    data = {"expected_due_date": date(2027, 6, 30)}
    assert language.evaluate("${expected_due_date - weeks(12)}", data) == date(2027, 4, 7)
    assert language.evaluate("${expected_due_date + months(2)}", data) == date(2027, 8, 30)


def test_working_days_is_a_value_resolved_later(language):
    assert language.evaluate("${working_days(5)}", {}) == WorkingDays(5)
    moved = language.evaluate("${add_working_days(start, 1)}", {"start": "2026-12-24T10:00:00"})
    assert moved.date() == date(2026, 12, 29)


def test_today_and_now_use_the_engine_clock(language):
    assert language.evaluate("${today()}", {}) == date(2026, 12, 23)
    assert language.evaluate("${now()}", {}).astimezone(UTC) == datetime(
        2026, 12, 23, 10, tzinfo=UTC
    )
    assert language.evaluate("${today() + days(1)}", {}) == date(2026, 12, 23) + timedelta(days=1)


def test_scripts_assign_variables(language):
    data = {"stage": 1}
    language.execute("stage += 1\nlabel = 'Stage ' + str(stage)", data)
    assert data == {"stage": 2, "label": "Stage 2"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("${__import__('os')}", "__import__"),
        ("${x.__class__}", "attribute '__class__' is not allowed"),
        ("${'{0.__class__}'.format(x)}", "attribute 'format' is not allowed"),
        ("${[c for c in x]}", "'ListComp' is not allowed"),
        ("${(lambda: 1)()}", "'Lambda' is not allowed"),
        ("${open('/etc/passwd')}", "unknown function 'open'"),
        ("${eval('1')}", "unknown function 'eval'"),
        ("${a +}", "syntax error"),
        ("${}", "empty"),
    ],
)
def test_unsafe_or_broken_expressions_are_refused(language, text, reason):
    with pytest.raises(ExpressionError, match=reason):
        language.evaluate(text, {"x": 1})


def test_unknown_variable_is_named(language):
    with pytest.raises(ExpressionError, match="unknown variable 'missing'"):
        language.evaluate("${missing > 1}", {})


def test_type_errors_are_reported_not_raised_raw(language):
    with pytest.raises(ExpressionError, match="cannot use the text '2027-01-01' as a number"):
        language.evaluate("${due - 1}", {"due": "2027-01-01"})
    with pytest.raises(ExpressionError, match="TypeError"):
        language.evaluate("${due + 1}", {"due": date(2027, 1, 1)})


def test_a_template_that_starts_with_an_expression_is_still_a_template(language):
    data = {"agency": "probation", "a": 1, "b": 2}
    assert language.evaluate("${agency}:manager", data) == "probation:manager"
    assert language.evaluate("${a}-${b}", data) == "1-2"


def test_var_reads_a_variable_or_its_default(language):
    data = {"stage1_days": 3}
    language.execute(
        "stage1_days = var('stage1_days', 5)\nstage2_days = var('stage2_days', 5)", data
    )
    assert data == {"stage1_days": 3, "stage2_days": 5}
