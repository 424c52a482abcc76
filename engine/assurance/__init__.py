"""Partnership assurance: how the system is doing, as aggregate figures for the board.

Facts are written while instances run, in the same transaction as the task index
(``facts.record_facts``, called from ``engine.indexing.sync_indexes``), into narrow tables
(``models``): where each instance ended and how high its ladder went, each stage's time against
its timescale, each task deadline met or missed by the agency that owned it, and each declared
milestone (``milestones`` process property) with its due and reached dates. The dashboard
(``figures``) reads only these tables, never a workflow; ``backfill`` fills them from the rows
of instances that ran before they existed.
"""
