"""The business rule task: evaluates a DMN decision and maps its result as Camunda 7 does."""

from __future__ import annotations

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins import BpmnSpecMixin
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, CamundaTaskParser

from .evaluation import DecisionError, evaluate_decision
from .model import DecisionProblem, read_decisions
from .results import map_result


class DecisionTask(BpmnSpecMixin):
    """Evaluates ``decision_id`` in ``graph`` (every decision of its DMN file) and stores the
    mapped result in ``result_variable``; with no result variable nothing is stored, as in
    Camunda 7 (where only an output mapping could read it)."""

    def __init__(self, wf_spec, bpmn_id, graph, decision_id, result_variable, mapping, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.graph = graph
        self.decision_id = decision_id
        self.result_variable = result_variable
        self.mapping = mapping

    def _run_hook(self, my_task):
        engine = my_task.workflow.script_engine

        def evaluate(text, extra):
            return engine.evaluate(my_task, text, external_context=extra)

        try:
            result = evaluate_decision(self.graph, self.decision_id, evaluate)
            if self.result_variable:
                my_task.data[self.result_variable] = map_result(result, self.mapping)
        except DecisionError as error:
            raise WorkflowTaskException(str(error), task=my_task) from None
        return super()._run_hook(my_task)


class DecisionTaskParser(CamundaTaskParser):
    """Reads ``camunda:decisionRef``, ``camunda:resultVariable`` and ``mapDecisionResult``."""

    def create_task(self):
        decision_id = self.get_decision_ref(self.node)
        graph = self.process_parser.parser.decision_graph(decision_id, self.node, self.filename)
        return DecisionTask(
            self.spec,
            self.bpmn_id,
            graph,
            decision_id,
            self.attribute("resultVariable", "camunda"),
            self.attribute("mapDecisionResult", "camunda"),
            **self.bpmn_attributes,
        )

    @staticmethod
    def get_decision_ref(node):
        """The decision a business rule task names (the parser resolves dependencies by it)."""
        return node.get(f"{{{CAMUNDA_MODEL_NS}}}decisionRef")


class DecisionsParserMixin:
    """Keeps the decisions of every DMN file added (each with the other decisions of its file),
    for the business rule tasks that name them.

    Replaces SpiffWorkflow's DMN parser, which reads only the first decision of a file and
    needs an id on every rule and entry.
    """

    def add_dmn_xml(self, node, filename=None):
        """Add every decision of a DMN document (ValidationException if one cannot run)."""
        try:
            graph = read_decisions(node)
        except DecisionProblem as problem:
            raise ValidationException(str(problem), node=problem.node, file_name=filename) from None
        # a requirement is resolved within its own file, as Camunda 7 does
        self.decision_graphs = {
            **getattr(self, "decision_graphs", {}),
            **dict.fromkeys(graph, graph),
        }

    def decision_graph(self, decision_id, node, filename):
        """The decisions of the file that holds ``decision_id`` (its requirements graph)."""
        graphs = getattr(self, "decision_graphs", {})
        if decision_id not in graphs:
            known = ", ".join(sorted(graphs)) or "none"
            raise ValidationException(
                f"No DMN decision with id '{decision_id}' (deployed decisions: {known})",
                node=node,
                file_name=filename,
            )
        return graphs[decision_id]
