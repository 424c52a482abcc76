"""DMN decisions as Camunda 7 runs them.

- ``feel``: input entries as FEEL simple unary tests, parsed at deploy, matched without eval;
- ``model``: decisions read from a DMN file (tables, literal expressions, required decisions);
- ``evaluation``: hit policies, aggregations and decision requirement graphs;
- ``results``: ``camunda:mapDecisionResult`` on a business rule task;
- ``task``: the business rule task spec and the parser hooks;
- ``checks``: what deploy refuses, with the file, element and line.
"""
