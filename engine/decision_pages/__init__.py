"""Decision pages: what a task page shows above its form, and where the process has got to.

A process owner sets, in Camunda Modeler's "Extension properties" (or with the "Decision page"
element template):

- on a **user task**: ``context_records`` = the case-record entry kinds written earlier in the
  same instance to show above the form (``raised, stage1_outcome``; ``*`` for all), read
  through the disclosure rule; ``context_fields`` = variables shown read-only with their form
  labels; ``carry_forward`` = the form fields that may open with a same-named variable's value
  (every other field opens empty, or with its form default, unless the person saved a draft);
  ``summary`` = a short text naming the subject (``${...}`` allowed), evaluated when the task
  is created and shown on the inbox, the Approvals page and the task page;
- on the **process**: ``stages`` = the stage names in order, separated by ``;``; and on a user
  task, call activity or subprocess ``stage`` = its stage number (1-based). Tasks inside an
  element with a ``stage`` are in that stage.

What the lists and pages need is stored on the ``human_task`` row when the task is created
(``engine.decision_pages.positions``); only the task page reads the instance's history and
the task's data (``engine.decision_pages.context``).
"""

from .properties import (
    CARRY_FORWARD,
    CONTEXT_FIELDS,
    CONTEXT_RECORDS,
    STAGE,
    STAGES,
    SUMMARY,
    names,
)

__all__ = [
    "CARRY_FORWARD",
    "CONTEXT_FIELDS",
    "CONTEXT_RECORDS",
    "STAGE",
    "STAGES",
    "SUMMARY",
    "names",
]
