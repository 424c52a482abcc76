"""What a process owner should hear about a deployable diagram: user tasks with no deadline
and escalation, offered to nobody, or in a lane naming no group. A warning never stops a
deploy; `joinedup validate` prints them and the upload page shows them after deploying."""

from __future__ import annotations

from ..errors import Problem
from ..resources import Resource


def deploy_warnings(resources: list[Resource]) -> list[Problem]:
    """Every warning for the BPMN files among ``resources``, with file, element and line."""
    from ..deadline_checks import deadline_warnings
    from .assignment_warnings import assignment_warnings

    warnings = []
    for resource in resources:
        if resource.kind == "bpmn" and resource.tree is not None:
            tree, filename = resource.tree, resource.filename
            warnings += deadline_warnings(tree, filename) + assignment_warnings(tree, filename)
    return warnings
