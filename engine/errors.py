"""Typed errors the service layer raises; the web layer maps them to HTTP statuses.

Each carries a message written for the person who has to act on it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


class SettingError(ValueError):
    """A setting from the environment that cannot be used; the message names the setting, what
    it holds and what to set instead (the command line prints it, without a traceback)."""


class EngineError(Exception):
    """Base class; ``status`` is the HTTP status the web layer should answer with."""

    status = 400
    code = "engine_error"

    def to_dict(self) -> dict:
        """A JSON-ready body: code, message and any details."""
        return {"code": self.code, "message": str(self), "details": getattr(self, "details", None)}


class NotFound(EngineError):
    status, code = 404, "not_found"


class NotPermitted(EngineError):
    status, code = 403, "not_permitted"


class Conflict(EngineError):
    status, code = 409, "conflict"


class TaskAlreadyCompleted(Conflict):
    code = "task_already_completed"


class TaskNotActive(Conflict):
    code = "task_not_active"


class TaskAlreadyClaimed(Conflict):
    code = "task_already_claimed"


class StaleInstance(Conflict):
    code = "stale_instance"


class DatabaseUnavailable(EngineError):
    """The database could not be reached or does not exist (the message names which)."""

    status, code = 503, "database_unavailable"


class Busy(EngineError):
    """The database stayed locked by other writers for longer than the busy timeout."""

    status, code = 503, "busy"


class InstanceNotRunning(Conflict):
    code = "instance_not_running"


class MessageNotCorrelated(Conflict):
    code = "message_not_correlated"


class MigrationBlocked(Conflict):
    """Running instances that cannot move to a newer version; nothing was moved."""

    code = "migration_blocked"

    def __init__(self, blockers: list):
        self.blockers = blockers
        self.details = [str(blocker) for blocker in blockers]
        super().__init__(
            f"No instance was moved: {len(blockers)} blocker(s) - " + "; ".join(self.details)
        )


class InvalidSubmission(EngineError):
    """Form data that fails validation; ``errors`` maps field id to a message."""

    status, code = 422, "invalid_submission"

    def __init__(self, errors: dict[str, str], values: dict | None = None):
        self.errors = errors
        self.values = values or {}
        self.details = errors
        fields = ", ".join(f"{field}: {message}" for field, message in errors.items())
        super().__init__(f"The form has errors - {fields}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition file, located as precisely as we can."""

    file: str
    message: str
    element_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.element_id:
            where += f", element '{self.element_id}'"
        if self.line:
            where += f", line {self.line}"
        return f"{where}: {self.message}"


class InvalidDefinition(EngineError):
    """A deployment that cannot be accepted; nothing was deployed."""

    status, code = 422, "invalid_definition"

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.details = [asdict(problem) for problem in problems]
        super().__init__("; ".join(str(problem) for problem in problems))


class ProcessError(EngineError):
    """The process itself failed (an expression that does not evaluate, a missing variable).

    Keeps SpiffWorkflow's element id and line so the process owner can find the fault.
    """

    status, code = 422, "process_error"

    def __init__(self, message: str, element_id: str | None = None, line: int | None = None):
        self.element_id = element_id
        self.line = line
        self.details = {"element_id": element_id, "line": line}
        super().__init__(message)


class InvalidVariables(EngineError):
    """Variables that are not plain, bounded data; ``errors`` maps each name to the problem."""

    status, code = 422, "invalid_variables"

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        self.details = errors
        names = "; ".join(f"variable '{name}': {problem}" for name, problem in errors.items())
        super().__init__(f"Variables refused - {names}")
