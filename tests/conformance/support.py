"""Helpers shared by the conformance modules."""

from __future__ import annotations

from engine.errors import InvalidDefinition, Problem
from engine.resources import read_resource

from .catalogue import Construct


def resource_of(construct: Construct):
    """The construct's diagram as a deployable resource."""
    return read_resource(construct.diagram, construct.text)


def deploy(scenario, construct: Construct):
    """Deploy the construct's diagram (and return the deploy result)."""
    return scenario.engine.deploy([resource_of(construct)], deployed_by="owner")


def refusal_problems(engine, construct: Construct) -> list[Problem]:
    """The problems a deploy of the construct's diagram meets (nothing is stored), including
    those found while reading the file."""
    try:
        resource = resource_of(construct)
    except InvalidDefinition as error:
        return list(error.problems)
    return engine.validate([resource])
