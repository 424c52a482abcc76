"""JUEL (EL 2.2), the expression language of Camunda 7, on top of our sandboxed expressions.

``syntax`` rewrites JUEL text (``empty``, ``a ? b : c``, word operators, variables named like
Python keywords) as the Python-style source the sandbox checks; ``semantics`` refuses method
calls that cannot run and gives the checked tree EL's comparisons and the Java methods of
``methods``; ``runtime`` holds EL's coercion rules.
"""
