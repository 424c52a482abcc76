"""Break-glass: a time-limited, reasoned and audited look at a case from outside it.

Least privilege leaves the partnership's people, administrators and process owners without
sight of a family's case unless work there is given to them. When someone whose job needs it
must look anyway, they open a window on one case: they give a reason, the window lasts a set
time (``JOINEDUP_BREAK_GLASS_MINUTES``, two hours by default) unless they close it earlier,
opening it is recorded in "Who has seen this case" with the reason, and the lead agency's
managers are told. While it is open they see the case as a person of an involved agency does.

- ``models``: the ``break_glass_access`` table;
- ``rules``: who may use it, what a reason must be, whether a window is open;
- ``service``: opening and closing a window (one transaction each, with its audit and
  notification); ``operations``: the ``Engine`` methods.
"""

from __future__ import annotations

from .models import BreakGlassAccess
from .rules import ELIGIBLE_ROLES, is_open, may_use

__all__ = ["ELIGIBLE_ROLES", "BreakGlassAccess", "is_open", "may_use"]
