"""The case timeline a person reads: filtered by process, agency and kind, a page at a time,
newest first, from the audit table alone (never a workflow) and only what the reader may read
(``engine.disclosure``)."""

from .pages import KINDS, PER_PAGE, TimelineFilters, TimelinePage, timeline_page

__all__ = ["KINDS", "PER_PAGE", "TimelineFilters", "TimelinePage", "timeline_page"]
