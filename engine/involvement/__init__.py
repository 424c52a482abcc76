"""Involvement over a case's life: agencies (and named workers) join and leave a case.

Who may see a case follows who is involved **now** (DOMAIN.md section 6). Two tables:

- ``case_involvement`` (``engine.cases.CaseInvolvement``) stays the index of *current*
  involvement: one row per agency (or agency and named worker) involved today. Every
  visibility check (``cases.involved``, ``involved_cases``, the inbox, notification fan-out)
  reads it unchanged, so the inbox stays one indexed lookup, and no reader can forget a
  "still current?" filter and leak a case to an agency that has left: leaving deletes the row.
- ``involvement_period`` (``models.InvolvementPeriod``) is the history: one row per spell of
  involvement with who added the agency, when and why, and who released it, when and why.
  Rows are only ever added, or closed once (``left_*``); they are never deleted. A separate
  table rather than ``left_at`` columns on ``case_involvement`` with a partial "current"
  index, because that would make every visibility query depend on remembering the filter.

Each join and leave also writes an ``audit_event`` (``involvement_joined`` /
``involvement_left``) on the case, so the case timeline and "who has seen this case" show
it. Who may change involvement is in ``rules``; the process convention (``involve_agency``)
in ``conventions``; named workers (a person of an involved agency named on the case, who
may be removed while the agency stays involved) in ``workers``; the engine's operations
(web, API, CLI) in ``operations``.

This module imports nothing heavy: ``engine.cases`` imports ``models`` from here.
"""
