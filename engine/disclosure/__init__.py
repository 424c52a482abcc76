"""Disclosure: who may read each record, as the information-sharing decision allows.

Being involved in a case lets an agency see the case; it does not by itself let it read
everything recorded there (``../shared/DOMAIN.md`` section 6, Torbay s10):

- A process that declares a ``disclosure_holder`` (``holders``) records under that agency:
  its instance, tasks (and their data), case-record entries and history events carry
  ``held_by``. Without one, rows are open to every involved agency, as before.
- A sharing decision in the diagram (``disclose_to``, ``grants``) lets named agencies read
  what the holder holds in that instance, including what was recorded before the decision;
  what was refused stays with the holder.
- One rule (``rules``) decides for pages, the API, in-app notifications and email: a row, a
  list query and a notification's audience are all checked by it.
- The raw variables of an instance are for its process owners and administrators only.
"""

from .rules import audience, may_read, readable

__all__ = ["audience", "may_read", "readable"]
