"""Sending a signal from outside the processes (``POST /engine-rest/signal``): a mixin of
``Engine``.

A signal moves every instance waiting for it and starts every process with a signal start
event of that name, whoever they belong to. So only a person who may administer *every*
process the signal reaches may send it: a process owner of all of them, or an administrator
(``engine.ownership``). A signal nothing waits for is sent to nobody, as in Camunda 7.
"""

from __future__ import annotations

from sqlalchemy import select

from .. import ownership
from ..actors import Actor
from ..admin_ops import ensure_process_owner
from ..audit import record
from ..inputs.variables import check_variables
from .event_tables import SignalSubscription
from .signal_index import queue_broadcast


class SignalOperations:
    """Broadcast a signal by name, as a process owner of everything it reaches."""

    def send_signal(self, name: str, variables: dict | None = None, *, actor: Actor) -> int:
        """Broadcast signal ``name`` with ``variables``; returns how many receivers it has.

        NotPermitted unless the actor may administer every process the signal reaches."""
        ensure_process_owner(actor)
        variables = check_variables(variables) or {}
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            keys = session.scalars(
                select(SignalSubscription.process_key)
                .where(SignalSubscription.signal_name == name)
                .distinct()
            )
            for key in sorted(keys):
                ownership.ensure_may_administer(session, actor, key)
            receivers = queue_broadcast(session, name, variables, now, sent_by=actor.user_id)
            record(
                session,
                "signal_sent",
                actor.user_id,
                now,
                details={"signal": name, "variables": variables, "receivers": receivers},
            )
        return receivers
