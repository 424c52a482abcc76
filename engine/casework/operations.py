"""Case and family operations of the engine (a mixin of ``Engine``): one transaction each."""

from __future__ import annotations

import functools

from sqlalchemy.exc import IntegrityError

from ..access_audit import CASE_VIEWED
from ..actors import Actor
from ..cases import FamilyMember, ensure_visible, involved
from ..errors import Conflict
from . import members, records, relations, rules, search

CREATE_ATTEMPTS = 3


class CaseworkOperations:
    """Create and search cases; change a case's details, its family and whether it is open."""

    def open_case(self, data: dict, actor: Actor) -> str:
        """Create a case from a form or API body; its reference. Two people creating a case
        at the same moment may pick the same next reference: the loser tries again."""
        for _ in range(CREATE_ATTEMPTS):
            try:
                with self.db.unit_of_work() as session:
                    return records.create(session, data, actor, self.clock.now()).reference
            except IntegrityError:
                continue
        raise Conflict("Several cases were being created at once: try again")

    def may_create_case(self, actor: Actor) -> bool:
        return rules.may_create(actor)

    def case_holder_choices(self, actor: Actor) -> list[str]:
        """The agencies the actor chooses from to hold a new case (none: their own holds it);
        NotPermitted when they may not create a case."""
        rules.ensure_may_create(actor)
        return rules.holder_choices(actor)

    def may_see_case(self, reference: str, actor: Actor) -> bool:
        """Whether the actor sees the case (an administrator who creates a case for another
        agency does not, unless work on it is given to them)."""
        with self.db.reading() as session:
            return involved(session, reference, actor)

    def search_cases(self, actor: Actor, query: str = "", page: int = 1) -> search.CasePage:
        """The cases the actor may see matching ``query`` (reference, family or member name).
        Like the cases list, a list of results is not a look at each case."""
        with self.db.reading() as session:
            return search.search(session, actor, query, page)

    def change_case_details(
        self, reference: str, data: dict, actor: Actor, partial: bool = False
    ) -> None:
        """New family name, summary and type (``partial``: keep the fields not in ``data``)."""
        step = functools.partial(records.change_details, partial=partial)
        self._casework_step(step, reference, data, actor)

    def close_case(self, reference: str, reason: object, actor: Actor) -> None:
        """Close an open case (a reason; refused while its processes run)."""
        self._casework_step(records.close, reference, reason, actor)

    def reopen_case(self, reference: str, reason: object, actor: Actor) -> None:
        self._casework_step(records.reopen, reference, reason, actor)

    def add_member(self, reference: str, data: dict, actor: Actor) -> int:
        """Add an adult, child or unborn baby; the new member's id."""
        return self._casework_step(members.add, reference, data, actor).id

    def change_member(
        self, reference: str, member_id: int, data: dict, actor: Actor, partial: bool = False
    ) -> None:
        """A member's new details (``partial``: keep the fields not in ``data``)."""
        step = functools.partial(members.change, partial=partial)
        self._casework_step(step, reference, member_id, data, actor)

    def record_birth(self, reference: str, member_id: int, data: dict, actor: Actor) -> None:
        self._casework_step(members.born, reference, member_id, data, actor)

    def remove_member(self, reference: str, member_id: int, data: dict, actor: Actor) -> str:
        return self._casework_step(members.remove, reference, member_id, data, actor)

    def add_caring(self, reference: str, data: dict, actor: Actor) -> int:
        return self._casework_step(relations.add_caring, reference, data, actor).id

    def remove_caring(self, reference: str, row_id: int, actor: Actor) -> None:
        self._casework_step(relations.remove_caring, reference, row_id, actor)

    def add_protective(self, reference: str, data: dict, actor: Actor) -> int:
        return self._casework_step(relations.add_protective, reference, data, actor).id

    def remove_protective(self, reference: str, row_id: int, actor: Actor) -> None:
        self._casework_step(relations.remove_protective, reference, row_id, actor)

    def family_member(self, reference: str, member_id: int, actor: Actor) -> FamilyMember:
        """One member, for the page that changes them (NotFound unless the actor may see the
        case); a look at the case."""
        with self.db.reading() as session:
            case = ensure_visible(session, reference, actor)
            member = members.member_of(session, case, member_id)
        self.record_look(
            actor, CASE_VIEWED, case_ref=reference, what=f"Family member {member.name}"
        )
        return member

    def _casework_step(self, step, reference: str, *args):
        """Run one change in its own transaction (``args`` end with the actor)."""
        with self.db.unit_of_work() as session:
            result = step(session, reference, *args, self.clock.now())
            if hasattr(result, "id"):
                session.flush()
            return result
