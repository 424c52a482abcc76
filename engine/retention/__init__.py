"""Retention: records kept for a set time and then purged, legal holds, and corrections.

- ``ttl``: ``camunda:historyTimeToLive`` as Camunda 7 reads it (days);
- ``policy``: the policy in force (default time to live, years per case type), from settings;
- ``candidates``: what is due, read from indexed columns; ``removal``: deleting an instance or a
  case with everything keyed to it; ``purge``: a run, one transaction per item, with its report;
- ``holds``: legal holds; ``corrections``: correcting a recorded entry, original kept;
- ``operations``: the ``Engine`` methods; ``cli``: ``joinedup purge``. Closing a case (when
  its retention clock starts) is ``engine.casework``'s.
"""

from __future__ import annotations

from .models import EntryCorrection, LegalHold, PurgeItem, PurgeRun
from .policy import RetentionPolicy

__all__ = ["EntryCorrection", "LegalHold", "PurgeItem", "PurgeRun", "RetentionPolicy"]
