"""Cross-field rules a process owner states in a form: a small fixed vocabulary, never code.

A rule is a property of the field it guards: ``camunda:properties`` inside a
``camunda:formField`` (generated forms), or a component's ``properties`` in a Camunda Form
(form-js "Custom properties"). Its value names another field of the form or a process
variable; ``<rule>_message`` says what to do instead.

- ``differs_from`` = NAME: the answer must not be the same as NAME's.
- ``after`` / ``before`` = NAME: a date (or number) answer must come after / before NAME's.
- ``required_if`` = NAME or NAME=VALUE: the answer is needed when NAME is true/answered, or
  when NAME holds VALUE.

A rule is checked only when both answers are given (``required_if`` apart). Anything else in
a field's properties, or a malformed rule, is refused at deploy with its file, element and line.
"""

from .checking import broken_rules, form_rules
from .vocabulary import RULES, Rule, rule_problems

__all__ = ["RULES", "Rule", "broken_rules", "form_rules", "rule_problems"]
