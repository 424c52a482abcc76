"""Deploying definitions: versions, deploy-changed-only, and bad input that changes nothing."""

import pytest
from sqlalchemy import func, select

from engine.errors import InvalidDefinition, NotFound
from engine.models import Definition, ProcessInstance

from .helpers import bpmn, flow, linear, resource, user_task

DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def count(engine, model) -> int:
    with engine.db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_redeploying_an_unchanged_file_is_a_no_op(scenario, engine):
    first = scenario.deploy("steps.bpmn", linear("steps", "one"))
    again = scenario.deploy("steps.bpmn", linear("steps", "one"))
    assert [d.version for d in first.deployed] == [1]
    assert again.deployed == [] and again.deployment_id is None
    assert [d.version for d in again.unchanged] == [1]
    assert count(engine, Definition) == 1


def test_a_changed_file_becomes_the_next_version_and_keeps_who_and_when(scenario, engine, clock):
    scenario.deploy("steps.bpmn", linear("steps", "one"), deployed_by="owner-1")
    result = scenario.deploy("steps.bpmn", linear("steps", "one", "two"), deployed_by="owner-2")
    [definition] = result.deployed
    assert (definition.key, definition.version, definition.deployed_by) == ("steps", 2, "owner-2")
    assert definition.deployed_at == clock.now()
    assert len(definition.checksum) == 64


def test_an_old_instance_finishes_on_v1_after_v2_is_deployed(scenario, engine):
    scenario.deploy("steps.bpmn", linear("steps", "one"))
    pat = scenario.as_user("pat", "practitioner")
    old = pat.start("steps")
    scenario.deploy("steps.bpmn", linear("steps", "one", "two"))
    new = pat.start("steps")

    with engine.db.reading() as session:
        versions = {
            row.id: session.get(Definition, row.definition_id).version
            for row in session.scalars(select(ProcessInstance))
        }
    assert versions == {old.id: 1, new.id: 2}

    [old_task] = [t for t in pat.inbox() if t.instance_id == old.id]
    assert engine.complete(old_task.id, {}, pat.actor).status == "completed"
    [new_task] = [t for t in pat.inbox() if t.instance_id == new.id]
    assert engine.complete(new_task.id, {}, pat.actor).status == "running"
    assert [t.name for t in pat.inbox()] == ["two"]


def test_deploying_the_shipped_workflows_folder(scenario, engine):
    result = scenario.deploy_shipped()
    assert "information-request" in {d.key for d in result.deployed}


def problems_of(scenario, filename, text):
    with pytest.raises(InvalidDefinition) as caught:
        scenario.deploy(filename, text)
    return caught.value.problems


def test_malformed_xml_names_the_file_and_line(scenario, engine):
    with pytest.raises(InvalidDefinition) as caught:
        resource("broken.bpmn", "<definitions>\n  <unclosed>\n</definitions>")
    [problem] = caught.value.problems
    assert problem.file == "broken.bpmn" and problem.line == 3
    assert "not well-formed" in problem.message
    assert count(engine, Definition) == 0


def test_a_process_that_is_not_executable_is_refused(scenario):
    text = linear("steps", "one").replace('isExecutable="true"', 'isExecutable="false"')
    [problem] = problems_of(scenario, "steps.bpmn", text)
    assert "Executable" in problem.message and problem.element_id == "steps"


def test_bpmn_that_spiffworkflow_cannot_parse_names_the_element(scenario, engine):
    text = bpmn("broken", '<bpmn:startEvent id="start"/>' + flow("start", "nowhere"))
    problems = problems_of(scenario, "broken.bpmn", text)
    assert problems and problems[0].file == "broken.bpmn"
    assert count(engine, Definition) == 0


def test_an_unknown_expression_function_is_refused_with_element_and_line(scenario, engine):
    text = bpmn(
        "fn",
        '<bpmn:startEvent id="start"/>'
        + user_task("t", attrs='camunda:dueDate="${fortnight(2)}"')
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "t")
        + flow("t", "end"),
    )
    [problem] = problems_of(scenario, "fn.bpmn", text)
    assert problem.element_id == "t" and problem.line == 4
    assert "unknown function 'fortnight'" in problem.message
    assert count(engine, Definition) == 0


def test_an_uncompilable_condition_and_a_bad_timer_are_both_reported(scenario):
    text = bpmn(
        "bad",
        '<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="gw"/>'
        '<bpmn:endEvent id="a"/><bpmn:endEvent id="b"/>'
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>five days</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
        + flow("start", "wait")
        + flow("wait", "gw")
        + flow("gw", "a", "${approved &amp;&amp;}", "to_a")
        + flow("gw", "b", "${!approved}", "to_b"),
    )
    problems = problems_of(scenario, "bad.bpmn", text)
    assert {p.element_id for p in problems} == {"to_a", "wait"}


def test_a_missing_called_process_is_refused(scenario, engine):
    text = bpmn(
        "caller",
        '<bpmn:startEvent id="start"/><bpmn:callActivity id="call" calledElement="not-deployed"/>'
        '<bpmn:endEvent id="end"/>' + flow("start", "call") + flow("call", "end"),
    )
    [problem] = problems_of(scenario, "caller.bpmn", text)
    assert problem.element_id == "call" and "'not-deployed'" in problem.message


def test_a_missing_decision_is_refused(scenario, engine):
    text = bpmn(
        "decider",
        '<bpmn:startEvent id="start"/><bpmn:businessRuleTask id="decide" '
        'camunda:decisionRef="no-such-table"/><bpmn:endEvent id="end"/>'
        + flow("start", "decide")
        + flow("decide", "end"),
    )
    [problem] = problems_of(scenario, "decider.bpmn", text)
    assert problem.element_id == "decide" and "decision 'no-such-table'" in problem.message


def test_one_bad_file_in_a_deployment_deploys_none_of_them(scenario, engine):
    good = resource("good.bpmn", linear("good", "one"))
    bad = resource("bad.bpmn", bpmn("bad", '<bpmn:startEvent id="s"/>' + flow("s", "x")))
    with pytest.raises(InvalidDefinition):
        engine.deploy([good, bad])
    assert count(engine, Definition) == 0
    with pytest.raises(NotFound, match="No process 'good' is deployed"):
        scenario.as_user("pat").start("good")


def test_a_file_that_is_neither_bpmn_nor_dmn_is_refused():
    with pytest.raises(InvalidDefinition, match="not a BPMN 2.0 or DMN document"):
        resource("form.xml", "<form/>")


def test_a_form_field_with_the_same_id_as_an_element_is_refused(scenario):
    form = '<camunda:formField id="review" label="Review" type="string"/>'
    text = bpmn(
        "clash",
        '<bpmn:startEvent id="start"/>'
        + user_task("review", "Review", form=form)
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "review")
        + flow("review", "end"),
    )
    [problem] = problems_of(scenario, "clash.bpmn", text)
    assert "form field id 'review' is also the id of a BPMN element" in problem.message


def test_a_multi_instance_collection_must_name_a_variable(scenario):
    loop = '<bpmn:multiInstanceLoopCharacteristics camunda:collection="${agencies.keys()}" camunda:elementVariable="a"/>'
    text = bpmn(
        "mi",
        '<bpmn:startEvent id="start"/><bpmn:userTask id="each" name="Each">'
        + loop
        + '</bpmn:userTask><bpmn:endEvent id="end"/>'
        + flow("start", "each")
        + flow("each", "end"),
    )
    [problem] = problems_of(scenario, "mi.bpmn", text)
    assert problem.element_id == "each" and "must name a variable" in problem.message


def test_an_unknown_subject_kind_is_refused_at_its_line(engine):
    text = linear("about", "one").replace(
        'isExecutable="true">',
        'isExecutable="true"><bpmn:extensionElements><camunda:properties>\n'
        '<camunda:property name="subject" value="pet"/></camunda:properties>'
        "</bpmn:extensionElements>",
    )
    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy([resource("about.bpmn", text)])
    [problem] = caught.value.problems
    assert (
        "must be one of adult, child, unborn" in problem.message and "not 'pet'" in problem.message
    )
    assert (problem.element_id, problem.line) == ("about", 4)  # the property's line
