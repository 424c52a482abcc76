"""Variables from people (start, completion, message) must be plain, bounded JSON-like data.

Every entry point (the pages, ``/api/v1``, ``/engine-rest``, the CLI) reaches the engine's
``start``, ``complete`` or ``correlate_message``, which check here before anything runs. Dates
are allowed too: forms and case facts produce them, and a JSON body cannot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..errors import InvalidVariables

MAX_NAME = 100  # characters in a variable's name
MAX_TEXT = 100_000  # characters in one text value
MAX_INT = 2**53  # the largest whole number JavaScript (and so the Modeler) keeps exactly
MAX_DEPTH = 16  # lists and objects inside one another
MAX_ITEMS = 10_000  # values in all the variables of one request, at every depth
MAX_BUSINESS_KEY = 255  # characters, as ``process_instance.business_key`` holds


class _Budget:
    """Counts values across one request's variables, so many small ones cannot add up."""

    def __init__(self):
        self.items = 0


def check_variables(variables: Mapping[str, Any] | None) -> dict[str, Any]:
    """A copy of ``variables``; InvalidVariables naming each one that is not a safe shape."""
    if variables is None:
        return {}
    if not isinstance(variables, Mapping):
        raise InvalidVariables({"variables": "must be an object of name: value"})
    budget, errors = _Budget(), {}
    for name, value in variables.items():
        problem = _name_problem(name) or _value_problem(value, 1, budget)
        if problem:
            errors[str(name)[:MAX_NAME]] = problem
    if errors:
        raise InvalidVariables(errors)
    return dict(variables)


def check_business_key(value: Any) -> str | None:
    """A business key is absent or text that fits its column (InvalidVariables if not)."""
    if value is None:
        return None
    if not isinstance(value, str) or "\x00" in value or len(value) > MAX_BUSINESS_KEY:
        raise InvalidVariables(
            {"businessKey": f"must be text of at most {MAX_BUSINESS_KEY} characters"}
        )
    return value


def _name_problem(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return "the name must be non-empty text"
    if len(name) > MAX_NAME:
        return f"the name is longer than {MAX_NAME} characters"
    if name.startswith("__"):
        return "names starting with '__' are reserved"
    return None


def _value_problem(value: Any, depth: int, budget: _Budget) -> str | None:
    budget.items += 1
    if budget.items > MAX_ITEMS:
        return f"the variables hold more than {MAX_ITEMS} values in all"
    if value is None or isinstance(value, bool | date):
        return None
    if isinstance(value, int):
        return None if abs(value) <= MAX_INT else f"whole numbers must be within ±{MAX_INT}"
    if isinstance(value, float):
        return None if math.isfinite(value) else "numbers must be finite"
    if isinstance(value, str):
        return None if len(value) <= MAX_TEXT else f"text is longer than {MAX_TEXT} characters"
    if isinstance(value, list | dict):
        return _container_problem(value, depth, budget)
    return f"a {type(value).__name__} is not a text, number, true/false, list or object"


def _container_problem(value: list | dict, depth: int, budget: _Budget) -> str | None:
    if depth >= MAX_DEPTH:
        return f"lists and objects are nested more than {MAX_DEPTH} deep"
    if isinstance(value, dict):
        if any(not isinstance(key, str) or len(key) > MAX_TEXT for key in value):
            return "object keys must be text"
        value = list(value.values())
    for item in value:
        if problem := _value_problem(item, depth + 1, budget):
            return problem
    return None
