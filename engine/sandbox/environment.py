"""The only environment SpiffWorkflow gets: every text it evaluates goes through the sandbox.

SpiffWorkflow 3.2 evaluates most diagram text through ``script_engine.evaluate``, which our
``ExpressionScriptEngine`` answers, but a few paths (an ad-hoc subprocess's completion
condition, a message's correlation retrieval expression) call
``script_engine.environment.evaluate`` directly, and its default environment is plain Python
``eval``/``exec``. Installing this environment closes those paths and any we do not know of.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ..expressions import ExpressionLanguage


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates and executes with :class:`ExpressionLanguage` and nothing else."""

    def __init__(self, language: ExpressionLanguage):
        super().__init__()
        self.language = language

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        """The expression's value; ``context`` (task data) wins over ``external_context``."""
        data = {**external_context, **context} if external_context else context
        return self.language.evaluate(expression, data)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        """Run a script's assignments into ``context``."""
        self.language.execute(script, context)
        return True

    def call_service(self, context: dict, **kwargs: Any) -> Any:
        """Service calls need a connector; none is configured (refused at deploy too)."""
        raise NotImplementedError("Service tasks need a connector; none is configured")
