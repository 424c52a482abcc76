"""Attacks on the expression sandbox found by red-teaming it, each refused before the work.

Every case here once built gigabytes, ran for seconds inside one unguarded builtin, or let a
value grow after its size was checked. Sizes are chosen so that an unfixed sandbox would show
the attack within the test's memory (a few hundred MB at most), not exhaust the machine.
"""

from __future__ import annotations

import time

import pytest

from engine.clock import FrozenClock
from engine.expressions import ExpressionError, ExpressionLanguage
from engine.workdays import WorkingDayCalendar

from .helpers import resource
from .test_sandbox import _around


@pytest.fixture
def language():
    return ExpressionLanguage(FrozenClock("2026-12-23T10:00:00+00:00"), WorkingDayCalendar())


def refused(language, text: str, data: dict | None = None, *, script: bool = False) -> str:
    """The sandbox's reason for refusing ``text``, checked to come before the work is done: the
    CPU time this process spent (not the wall clock, which a busy machine stretches)."""
    started = time.process_time()
    with pytest.raises(ExpressionError) as caught:
        if script:
            language.execute(text, {} if data is None else data)
        else:
            language.evaluate(text, {} if data is None else data)
    assert time.process_time() - started < 2.0, "refused only after the work was done"
    return str(caught.value)


# --- one call, far more output than input -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "${('a' * 1000).join('b' * 100000)}",  # join over a string, not a list
        "${('a' * 100).translate({97: 'b' * 100000})}",
        "${('\t' * 1000).expandtabs(tabsize=100000)}",  # the width as a keyword
        "${now().strftime('%c' * 400000)}",
        "${date([['a' * 1000] * 1000] * 1000)}",  # str() inside a library function
        "${datetime([['a' * 1000] * 1000] * 1000)}",
        "${agency_groups(['a'] * 1000, 'r' * 100000)}",
        "${agency_groups([['a' * 1000] * 1000] * 1000, 'r')}",
        "${str([[1] * 1000] * 1000)}",  # one inner list printed a thousand times
        "${len(sorted(['b' * 100000] * 3, key=('a' * 1000).join))}",  # a callback
    ],
)
def test_a_call_cannot_build_more_than_the_bounds(language, text):
    assert "limit" in refused(language, text) or "refused" in refused(language, text)


def test_the_same_value_many_times_counts_as_many_values(language):
    """Repeating a reference costs nothing to build but everything to print, compare or save."""
    message = refused(language, "${[['a' * 1000] * 1000] * 1000}")
    assert "limit" in message
    message = refused(language, "${[[1] * 1000, [1] * 1000] * 1000 == [[1] * 1000] * 2000}")
    assert "limit" in message


# --- one call, far more time than the budget --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "${round(5, -3000000)}",  # 10 ** 3,000,000
        "${now().strftime('%9999Y' * 100000)}",  # C strftime retries up to 256 x the format
        "${now().strptime('x', '%%' * 300000)}",  # a regex as long as the format
        "${s.encode('punycode')}",  # quadratic in the distinct characters
        "${s.encode('utf-8').decode('punycode')}",
    ],
)
def test_a_single_call_cannot_outrun_the_time_budget(language, text):
    diverse = "".join(chr(0x100 + i) for i in range(5000)) * 4
    refused(language, text, {"s": diverse})


# --- a value that grows after it was checked ------------------------------------------------


def test_augmented_assignment_to_an_item_is_refused(language):
    message = refused(language, "x = {'k': 'a'}\nx['k'] *= 300000000", script=True)
    assert "not allowed" in message


@pytest.mark.parametrize(
    "script",
    [
        "x = {'k': 1}\nx['k'] = 2",
        "x = [1]\nx[0] += 1",
        "t = months(1)\nt.months = 100",
        "now.mark = 1",
    ],
)
def test_scripts_assign_variables_not_items_or_attributes(language, script):
    assert "allowed" in refused(language, script, script=True)


@pytest.mark.parametrize(
    "text", ["${x.append(x)}", "${x.extend(x)}", "${d.update({'a': 1})}", "${d.setdefault('k')}"]
)
def test_values_are_not_changed_in_place(language, text):
    assert "changes" in refused(language, text, {"x": [1], "d": {}})


def test_a_script_cannot_build_an_exponential_structure_by_doubling(language):
    script = "x = [1]\ny = [1]\n" + "x = [x, x]\ny = [y, y]\n" * 40 + "r = x == y"
    message = refused(language, script, script=True)  # measuring ~20 levels takes ~1 s
    assert "limit" in message or "ran for more than" in message


def test_reading_containers_still_works(language):
    data = {"d": {"a": 1}, "xs": [3, 1, 2]}
    assert language.evaluate("${d.get('a')}", data) == 1
    assert language.evaluate("${sorted(xs, key=abs)}", data) == [1, 2, 3]
    assert language.evaluate("${xs.count(1) + xs.index(2)}", data) == 3
    assert language.evaluate("${', '.join(sorted(d.keys()))}", data) == "a"
    assert language.evaluate("${now().strftime('%d %B %Y')}", {}) == "23 December 2026"
    assert language.evaluate("${'é'.encode('utf-8')}", {}) == "é".encode()
    assert language.evaluate("${round(1234, -2)}", {}) == 1200


# --- templates: many placeholders are one evaluation ----------------------------------------


def test_a_template_cannot_join_more_than_the_bounds(language):
    template = "${s}" * 2000
    assert "limit" in refused(language, template, {"s": "a" * 100000})


def test_a_template_longer_than_an_expression_is_refused(language):
    assert "limit" in refused(language, "x${1}" * 10000)


# --- deploy: text our dialect evaluates is checked like the rest ----------------------------

HOSTILE = "${__import__('os').getcwd()}"


def _convention(name: str) -> str:
    return _around(
        '<bpmn:serviceTask id="target"><bpmn:extensionElements><camunda:properties>'
        f'<camunda:property name="{name}" value="{HOSTILE}"/>'
        "</camunda:properties></bpmn:extensionElements></bpmn:serviceTask>"
    )


def _message_payload() -> str:
    return _around(
        '<bpmn:intermediateThrowEvent id="target"><bpmn:messageEventDefinition '
        f'messageRef="m" camunda:expression="{HOSTILE}"/></bpmn:intermediateThrowEvent>',
        extra='<bpmn:message id="m" name="ping"/>',
    )


def _working_days_from() -> str:
    return _around(
        '<bpmn:intermediateCatchEvent id="target"><bpmn:extensionElements><camunda:properties>'
        '<camunda:property name="working_days" value="5"/>'
        f'<camunda:property name="working_days_from" value="{HOSTILE}"/>'
        "</camunda:properties></bpmn:extensionElements><bpmn:timerEventDefinition/>"
        "</bpmn:intermediateCatchEvent>"
    )


@pytest.mark.parametrize(
    "diagram",
    [
        *(_convention(name) for name in ("notify", "notify_users", "template", "record")),
        _message_payload(),
        _working_days_from(),
    ],
)
def test_dialect_text_is_checked_at_deploy(engine, diagram):
    problems = engine.validate([resource("hostile.bpmn", diagram)])
    assert problems and "target" in {p.element_id for p in problems}
    assert all(p.line for p in problems)
