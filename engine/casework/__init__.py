"""Casework: creating a case, keeping its family up to date, closing it, and searching cases.

- ``rules``: who may create, change and close a case; a change needs an open case the person
  may see (404 otherwise, naming nothing); a stale page (a ``version`` that is not the row's)
  is a ``StaleRecord`` (409) and nothing is saved.
- ``checks``: what was typed, checked field by field (``InvalidSubmission`` with every
  problem at once, so a page can show them all and keep what was typed).
- ``records``: create (a ``JU-<year>-NNNNNN`` reference; the creator's agency joins with the
  creator as named worker), change details, close (with a reason, refused while processes
  run) and reopen. ``members``: adults, children, unborn babies, a birth. ``relations``: who
  cares for whom, and protective factors (``models``: a table each; never a child).
- ``changes``: every change is an ``audit_event`` on the case with the changed fields as
  words (label, before, after), which the case timeline shows.
- ``search``: by reference, family or member name, within ``cases.visible_cases``.
- ``operations``: the engine's methods (one transaction each) the web app and API call.

The tables ``family_case``/``family_member`` stay in ``engine.cases`` (their readers are many).
"""
