"""The Camunda 7 conformance catalogue: every construct the suite checks, supported or refused.

Each conformance module declares its constructs with :func:`supported` (decorating the test
that shows the Camunda 7 behaviour) or :func:`refused` (a diagram and the message deploy gives).
The README's construct table is rendered from these declarations, so it cannot drift:
``python -m tests.conformance.catalogue --write`` rewrites it, ``test_catalogue`` checks it.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DIAGRAMS = HERE / "diagrams"
README = HERE.parent.parent / "README.md"
START, END = "<!-- conformance:start -->", "<!-- conformance:end -->"


@dataclass(frozen=True)
class Construct:
    """One palette construct and what JoinedUp does with it."""

    area: str
    name: str
    status: str  # "supported" or "refused"
    note: str  # the difference from Camunda 7 (supported) or the deploy message (refused)
    diagram: str

    @property
    def text(self) -> str:
        """The diagram file's text (diagrams live in ``tests/conformance/diagrams``)."""
        return (DIAGRAMS / self.diagram).read_text()

    def __call__(self, test):
        """Used as a decorator: ``test`` shows this construct behaving as Camunda 7 says."""
        SHOWN_BY.setdefault((self.area, self.name), []).append(test.__name__)
        return test


CATALOGUE: dict[tuple[str, str], Construct] = {}
SHOWN_BY: dict[tuple[str, str], list[str]] = {}


def _register(construct: Construct) -> Construct:
    key = (construct.area, construct.name)
    if key in CATALOGUE and CATALOGUE[key] != construct:
        raise ValueError(f"construct declared twice: {key}")
    if not (DIAGRAMS / construct.diagram).is_file():
        raise FileNotFoundError(f"no conformance diagram {construct.diagram}")
    CATALOGUE[key] = construct
    return construct


def supported(area: str, name: str, diagram: str, difference: str = "") -> Construct:
    """A construct that runs as Camunda 7 documents it (``difference``: anything that differs).

    Decorate the tests that show it with the returned construct.
    """
    return _register(Construct(area, name, "supported", difference, diagram))


def refused(area: str, name: str, diagram: str, message: str) -> Construct:
    """A construct refused at deploy: deploying ``diagram`` fails with ``message``."""
    return _register(Construct(area, name, "refused", message, diagram))


def load_all() -> list[Construct]:
    """Import every conformance module and return the catalogue, ordered for the table."""
    for module in pkgutil.iter_modules([str(HERE)]):
        if module.name.startswith("test_"):
            importlib.import_module(f"{__package__}.{module.name}")
    return sorted(CATALOGUE.values(), key=lambda c: (c.area, c.status, c.name))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(constructs: list[Construct]) -> str:
    """The README table: one row per construct."""
    rows = [
        "| Area | Construct | JoinedUp | Difference from Camunda 7, or the deploy message |"
        " Diagram |",
        "|---|---|---|---|---|",
    ]
    for c in constructs:
        status = "Supported" if c.status == "supported" else "Refused at deploy"
        note = c.note or ("none" if c.status == "supported" else "")
        rows.append(
            f"| {c.area} | {_cell(c.name)} | {status} | {_cell(note)} |"
            f" [`{c.diagram}`](tests/conformance/diagrams/{c.diagram}) |"
        )
    return "\n".join(rows)


def readme_section(readme: str) -> str:
    """The text between the conformance markers in the README."""
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[start:end].strip("\n")


def rewrite(readme_path: Path = README) -> None:
    """Replace the README's table with the one rendered from the suite."""
    readme = readme_path.read_text()
    start, end = readme.index(START) + len(START), readme.index(END)
    rendered = table(load_all())
    readme_path.write_text(readme[:start] + "\n" + rendered + "\n" + readme[end:])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md's table")
    arguments = parser.parse_args()
    # Run as __main__, this module is not the one the conformance modules register with.
    catalogue = importlib.import_module("tests.conformance.catalogue")
    if arguments.write:
        catalogue.rewrite()
    else:
        print(catalogue.table(catalogue.load_all()))
