"""A bounded, thread-safe cache of stepped workflows, handed out to one step at a time.

A step that holds an instance's row lock ``take``s its workflow: the entry leaves the cache,
so no other thread can see an object that this step is about to change. Only after the step's
transaction commits is the workflow put back (``keep``), under the row version that commit
wrote and with the state text it saved. A step that fails never puts it back, so a workflow a
rolled-back step mutated is never served; the next step loads the committed state instead.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow


@dataclass(frozen=True)
class _Entry:
    version: int
    state: str
    workflow: BpmnWorkflow


class LiveWorkflows:
    """Least recently used workflows by instance id; ``size`` 0 turns the cache off."""

    def __init__(self, size: int = 64):
        self.size = size
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, instance_id: int, version: int, state: str) -> BpmnWorkflow | None:
        """The workflow saved as ``state`` at row ``version``, removed from the cache; None
        when another node or an older step wrote something else since (that entry goes)."""
        with self._lock:
            entry = self._entries.pop(instance_id, None)
        if entry is None or entry.version != version or entry.state != state:
            return None
        return entry.workflow

    def keep(self, instance_id: int, version: int, state: str, workflow: BpmnWorkflow) -> None:
        """Cache a workflow whose ``state`` committed at row ``version``."""
        if self.size <= 0:
            return
        with self._lock:
            self._entries[instance_id] = _Entry(version, state, workflow)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, instance_id: int) -> None:
        """Drop an instance's entry (it ended, or was removed)."""
        with self._lock:
            self._entries.pop(instance_id, None)

    def __len__(self) -> int:
        return len(self._entries)
