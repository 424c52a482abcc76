"""What keeps diagram text harmless: bounded evaluation and the SpiffWorkflow environment.

``limits`` rewrites a checked expression so every operation that can grow a value (``*``,
``+``, ``%``, calls) is measured before and after it runs, and each evaluation has a time
budget. ``environment`` replaces SpiffWorkflow's raw ``eval``/``exec`` environment, so even a
code path we did not know about evaluates through the sandbox.
"""
