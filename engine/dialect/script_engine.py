"""SpiffWorkflow's script engine, answering in our safe expression language instead of Python."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from ..clock import Clock
from ..expressions import ExpressionError, ExpressionLanguage, compile_expression
from ..sandbox.environment import SandboxEnvironment
from ..workdays import WorkingDayCalendar


class ExpressionScriptEngine(PythonScriptEngine):
    """Evaluates gateway conditions, timers, DMN entries and script tasks safely."""

    def __init__(self, clock: Clock, calendar: WorkingDayCalendar):
        self.clock = clock
        self.calendar = calendar
        self.language = ExpressionLanguage(clock, calendar)
        super().__init__(environment=SandboxEnvironment(self.language))

    def now(self) -> datetime:
        """The engine clock's time (UTC)."""
        return self.clock.now()

    def validate(self, expression: str) -> None:
        """Raise SyntaxError for text that does not compile (the DMN engine relies on that)."""
        try:
            compile_expression(expression)
        except ExpressionError as error:
            if error.syntax:
                raise SyntaxError(str(error)) from None
            raise

    def evaluate(self, task, expression: str, external_context: dict | None = None) -> Any:
        """Evaluate against the task's data (plus ``external_context``, e.g. DMN input)."""
        data = task.data if not external_context else {**task.data, **external_context}
        try:
            return self.language.evaluate(expression, data)
        except ExpressionError as error:
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}': {error}", task=task, exception=error
            ) from None

    def execute(self, task, script: str, external_context: dict | None = None) -> bool:
        """Run a script task's assignments into the task's data."""
        try:
            self.language.execute(script, task.data)
        except ExpressionError as error:
            raise WorkflowTaskException(
                f"Error in script: {error}", task=task, exception=error
            ) from None
        return True

    def call_service(self, task, **kwargs):
        raise WorkflowTaskException(
            "Service tasks need a connector; none is configured for this engine", task=task
        )
