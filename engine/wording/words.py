"""A page's words for codes: people, agencies, groups, answers, priorities and dates.

A ``Words`` is built once per page with its look-ups done in bulk (every person's display
name in one query, each process's form labels from the shared spec cache), so rendering a
row never queries. Anything it does not know is humanised rather than shown as a code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..agencies import AGENCIES, ROLES
from ..decision_pages.context import Label, humanise
from ..workdays import UK_TIME

HIGH, LOW = "High", "Low"
# Camunda's priority is a number, 50 by default; we read more than 50 as high, less as low.
PRIORITY_WORDS = {HIGH: "more than 50", "Normal": "50", LOW: "less than 50"}
TEAM_PREFIX = "team:"
# roles whose names read as ordinary nouns after an agency's name ("… senior managers")
_LOWER_ROLES = frozenset({"practitioner", "manager", "senior-manager"})
_CODE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def priority_word(priority: int | None) -> str:
    """'High' above 50, 'Normal' at 50 (Camunda's default), 'Low' below."""
    value = 50 if priority is None else priority
    return HIGH if value > 50 else LOW if value < 50 else "Normal"


def role_name(code: str, plural: bool = False) -> str:
    """A role's name; plural and in lower case after an agency ('senior managers')."""
    name = ROLES.get(code) or humanise(code)
    if not plural:
        return name
    head, bracket, tail = name.partition(" (")
    head = "Heads of" + head[len("Head of") :] if head.startswith("Head of") else head + "s"
    if code in _LOWER_ROLES:
        head = head.lower()
    return head + bracket + tail


def uk_date_words(value: date | datetime) -> str:
    """'15 April 2027', or '15 April 2027, 09:00' for a moment (UK time)."""
    if isinstance(value, datetime):
        local = value.astimezone(UK_TIME) if value.tzinfo else value
        return local.strftime("%-d %B %Y, %H:%M")
    return value.strftime("%-d %B %Y")


@dataclass
class Words:
    """What one page needs to say codes in words (see the module's docstring)."""

    people: dict[str, str] = field(default_factory=dict)  # username: display name
    labels: dict[int, dict[str, Label]] = field(default_factory=dict)  # instance id: labels
    teams: dict[str, str] = field(default_factory=dict)  # team code: name
    # loads the labels of instances not yet known (one query for all of them)
    load_labels: Callable[[set[int]], dict] | None = None

    def prime(self, instance_ids: Iterable[int | None]) -> Words:
        """Load the form labels of these instances' processes at once (before a list)."""
        missing = {i for i in instance_ids if i and i not in self.labels}
        if missing and self.load_labels is not None:
            self.labels.update(self.load_labels(missing))
            self.labels.update({i: {} for i in missing if i not in self.labels})
        return self

    def _labels_of(self, instance_id: int | None) -> dict:
        if not instance_id:
            return {}
        return self.prime([instance_id]).labels.get(instance_id, {})

    def person(self, username: str | None) -> str:
        """A person's display name ('the system' for none)."""
        if not username:
            return "the system"
        return self.people.get(username, username)

    def agency(self, code: str | None) -> str:
        """An agency's name."""
        return AGENCIES.get(code or "", humanise(code or ""))

    def group(self, group_id: str) -> str:
        """'Adult mental health managers' for ``adult-mental-health:manager``, a role's name
        for a role, a team's name for ``team:<code>``."""
        if group_id.startswith(TEAM_PREFIX):
            code = group_id[len(TEAM_PREFIX) :]
            return self.teams.get(code) or f"{humanise(code)} team"
        agency, _, role = group_id.rpartition(":")
        if agency in AGENCIES:
            return f"{AGENCIES[agency]} {role_name(role, plural=True)}"
        return role_name(group_id)

    def holders(self, assignee: str | None, groups: list, users: list) -> str:
        """Who has a task: its assignee, else its candidate groups and people, in words."""
        if assignee:
            return self.person(assignee)
        names = [self.group(g) for g in groups or []] + [self.person(u) for u in users or []]
        return " or ".join(names) or "nobody yet"

    def field(self, key: str, instance_id: int | None = None) -> str:
        """A variable's form label in its process, else the humanised name."""
        found = self._labels_of(instance_id).get(key)
        return found.text if found and found.text else humanise(key)

    def value(self, key: str, value: Any, instance_id: int | None = None) -> str:
        """An answer as a person reads it: the choice's label from the process's own form,
        Yes/No, an agency's or a person's name, a UK date; other codes humanised."""
        if value is None or value == "":
            return "Not recorded"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, list):
            return ", ".join(self.value(key, item, instance_id) for item in value)
        if isinstance(value, dict):
            return ", ".join(f"{humanise(k)}: {self.value(k, v)}" for k, v in value.items())
        label = self._labels_of(instance_id).get(key)
        if label is not None and str(value) in label.options:
            return str(label.options[str(value)])
        return self.text(value)

    def text(self, value: Any) -> str:
        """A value with no form to label it."""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime | date):
            return uk_date_words(value)
        text = str(value)
        if text in AGENCIES:
            return AGENCIES[text]
        if text in self.people:
            return self.people[text]
        if ":" in text and text.partition(":")[0] in (*AGENCIES, TEAM_PREFIX[:-1]):
            return self.group(text)
        if text in ("True", "False"):
            return "Yes" if text == "True" else "No"
        if _ISO_DATE.match(text):
            return uk_date_words(date.fromisoformat(text))
        if _ISO_MOMENT.match(text):
            try:
                return uk_date_words(datetime.fromisoformat(text))
            except ValueError:
                return text
        if _CODE.match(text):
            return humanise(text)
        return text
