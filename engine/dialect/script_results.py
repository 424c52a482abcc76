"""Script tasks with ``camunda:resultVariable``: the script's value is stored in that variable.

In Camunda 7 the variable receives the value of the script's last statement; here a script with
a result variable is one expression (deploy refuses anything else), and its value is stored.
"""

from __future__ import annotations

from SpiffWorkflow.camunda.parser.task_spec import ScriptTaskParser

from .io_mappings import LocalScriptTask


class ResultScriptTask(LocalScriptTask):
    """A script task (with camunda:inputOutput locals) that may store its expression's value
    in a result variable."""

    def __init__(self, wf_spec, bpmn_id, script, result_variable=None, **kwargs):
        super().__init__(wf_spec, bpmn_id, script, **kwargs)
        self.result_variable = result_variable

    def _execute(self, task):
        if not self.result_variable:
            return super()._execute(task)
        value = task.workflow.script_engine.evaluate(task, self.script)
        task.data[self.result_variable] = value
        return True


class ResultScriptTaskParser(ScriptTaskParser):
    """Also reads ``camunda:resultVariable``."""

    def create_task(self):
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            script=self.get_script(),
            result_variable=self.attribute("resultVariable", "camunda"),
            **self.bpmn_attributes,
        )
