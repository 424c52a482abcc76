"""Timescale overrides: which start variables a diagram lets people set, and within what.

A process declares each one as its own extension property, read once when the diagram is
deployed (to refuse a malformed one) and when it is parsed (onto the spec)::

    <camunda:property name="timescale:stage1_days" value="1..20"/>

A start variable with a declared name must be a whole number within its bounds, and only
managers, process owners and administrators (or the system) may set one at all. A range may
name the roles that alone may set it, for a setting a party to the case must not choose::

    <camunda:property name="timescale:partnership_stage" value="0..1 process-owner admin"/>
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..actors import Actor
from ..agencies import MANAGER_ROLES
from ..errors import InvalidDefinition, InvalidVariables, NotPermitted, Problem
from ..validation import NS

PREFIX = "timescale:"
TIMESCALE_SETTERS = MANAGER_ROLES | {"process-owner", "admin"}
_RANGE = re.compile(r"^\s*(\d{1,6})\s*\.\.\s*(\d{1,6})((?:\s+[a-z][a-z-]{0,59}){0,5})\s*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_PROPERTIES = "./bpmn:extensionElements/camunda:properties/camunda:property"


@dataclass(frozen=True)
class Bounds:
    """The whole numbers a timescale may be set to, both ends included."""

    low: int
    high: int
    setters: frozenset[str] = TIMESCALE_SETTERS

    def __str__(self) -> str:
        return f"{self.low}..{self.high}"


def declared_timescales(process, filename: str = "") -> dict[str, Bounds]:
    """The process element's ``timescale:NAME`` properties; InvalidDefinition if malformed."""
    found, problems = {}, []
    for prop in process.xpath(_PROPERTIES, namespaces=NS):
        name = (prop.get("name") or "").strip()
        if not name.startswith(PREFIX):
            continue
        variable, match = name[len(PREFIX) :], _RANGE.match(prop.get("value") or "")
        if not _NAME.match(variable):
            problems.append(_problem(filename, process, prop, f"'{variable}' is not a name"))
        elif not match or int(match[1]) > int(match[2]):
            message = (
                f"'{name}' needs a range of whole numbers like 1..20, not '{prop.get('value')}'"
            )
            problems.append(_problem(filename, process, prop, message))
        else:
            roles = frozenset(match[3].split()) or TIMESCALE_SETTERS
            found[variable] = Bounds(int(match[1]), int(match[2]), roles)
    if problems:
        raise InvalidDefinition(problems)
    return found


def check_overrides(timescales: dict[str, Bounds], variables: dict[str, Any], actor) -> None:
    """NotPermitted unless ``actor`` may set timescales; InvalidVariables for any out of bounds."""
    chosen = sorted(name for name in variables if name in timescales)
    if not chosen:
        return
    if isinstance(actor, Actor) and not actor.has_role(*TIMESCALE_SETTERS):
        raise NotPermitted(
            f"Only managers and process owners may set timescales ({', '.join(chosen)}); "
            "start the process without them to use the timescales in its diagram"
        )
    if isinstance(actor, Actor):
        reserved = [name for name in chosen if not actor.has_role(*timescales[name].setters)]
        if reserved:
            raise NotPermitted(
                f"Only {', '.join(sorted(timescales[reserved[0]].setters))} may set "
                f"{', '.join(reserved)}; it is the partnership's setting in the diagram"
            )
    errors = {}
    for name in chosen:
        value, bounds = variables[name], timescales[name]
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = f"must be a whole number from {bounds.low} to {bounds.high}"
        elif not bounds.low <= value <= bounds.high:
            errors[name] = (
                f"must be from {bounds.low} to {bounds.high} (the diagram's {PREFIX}{name} is "
                f"{bounds}), not {value}"
            )
    if errors:
        raise InvalidVariables(errors)


def _problem(filename: str, process, prop, message: str) -> Problem:
    return Problem(filename, message, process.get("id"), prop.sourceline)
