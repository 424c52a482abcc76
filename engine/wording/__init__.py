"""Wording: what a person reads instead of codes.

- ``subjects``: what a process is about — its ``summary`` property (``${...}`` allowed),
  evaluated when the instance starts and after each step until it can be, stored on the
  ``process_instance`` row; a user task without its own ``summary`` takes its process's.
- ``words``: a page's look-ups in bulk — people's display names, agency and role names,
  readable group ids, form labels of each process for its answers, Yes/No, priorities.
- ``next_steps``: after a step, what happens next and who has it, read from the task index.
"""

from .next_steps import NextStep, next_steps
from .subjects import process_summary
from .words import PRIORITY_WORDS, Words, priority_word

__all__ = [
    "PRIORITY_WORDS",
    "NextStep",
    "Words",
    "next_steps",
    "priority_word",
    "process_summary",
]
