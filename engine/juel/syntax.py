"""JUEL text rewritten as the Python-style source our sandbox compiles.

Camunda 7 writes ``${...}`` in EL 2.2 (JUEL); our shipped diagrams also write Python-style
conditions inside and outside ``${...}``. The text is split into tokens (string literals are
never rewritten), grouped by brackets, and rewritten group by group:

- ``a ? b : c`` becomes ``(b if a else c)`` (right-associative, nested ones too);
- ``empty x`` becomes ``empty(x)`` and ``!x`` becomes ``(not x)``, binding as tightly as EL's
  unary operators (``!a == b`` is ``(!a) == b``); inside ``${...}`` so does ``not``;
- ``&&``, ``||`` and ``!`` carry :data:`EL_MARKER` as an extra operand, so that
  ``engine.juel.semantics`` reads their operands as true/false as EL does, while Python-style
  ``and``/``or``/``not`` keep Python's meaning (``note or 'none'``);
- ``eq``, ``ne``, ``lt``, ``gt``, ``le``, ``ge``, ``div``, ``mod``, ``true``,
  ``false``, ``null`` become their Python spelling;
- a variable named like a Python keyword (``continue``, ``from``, ``class``...) is renamed
  to :data:`KEYWORD_PREFIX` + name, which the evaluation maps back to the variable.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from ..sandbox import limits

RESERVED_PREFIX = "_jg_"  # names the translation makes; a diagram may not use them
KEYWORD_PREFIX = "_jg_kw_"
# an operand of and/or that marks it as EL's &&/|| (each operand read as true/false)
EL_MARKER = "_jg_el"
# Python keywords the Python-style conditions use as operators: they stay keywords
PYTHON_OPERATORS = frozenset(
    {"and", "or", "not", "if", "else", "in", "is", "None", "True", "False", "for", "lambda"}
)
RENAMED_KEYWORDS = frozenset(keyword.kwlist) - PYTHON_OPERATORS
WORD_OPERATORS = {
    "true": "True",
    "false": "False",
    "null": "None",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "div": "/",
    "mod": "%",
}
SYMBOL_OPERATORS = {"&&": f" and {EL_MARKER} and ", "||": f" or {EL_MARKER} or "}
_UNARY = frozenset({"!", "not", "empty", "-", "+"})
_TOKEN = re.compile(
    r"""(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      |(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
      |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
      |(?P<op>&&|\|\||!=|==|<=|>=|!|\?|:|,|\.|=)
      |(?P<space>\s+)
      |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_CLOSING = {"(": ")", "[": "]", "{": "}"}


class JuelSyntaxError(ValueError):
    """Text that cannot be JUEL: the message says what to write instead."""


@dataclass
class Token:
    kind: str
    text: str


@dataclass
class Group:
    """A bracketed part: ``open``, the items inside, ``close`` ("" when never closed)."""

    open: str
    items: list = field(default_factory=list)
    close: str = ""


def translate(body: str, juel: bool) -> str:
    """``body`` (the text inside ``${...}`` when ``juel``) as Python-style source."""
    tokens = [Token(m.lastgroup, m.group()) for m in _TOKEN.finditer(body)]
    limits.check_nesting([t.text for t in tokens if t.kind == "other" and t.text in "()[]{}"])
    return _Translator(juel).sequence(_grouped(tokens), 0).strip()


def _grouped(tokens: list[Token]) -> list:
    root = Group("")
    stack = [root]
    for token in tokens:
        if token.kind == "other" and token.text in _CLOSING:
            stack.append(Group(token.text))
        elif token.kind == "other" and len(stack) > 1 and token.text == _CLOSING[stack[-1].open]:
            group = stack.pop()
            group.close = token.text
            stack[-1].items.append(group)
        else:
            stack[-1].items.append(token)
    while len(stack) > 1:  # unclosed: Python reports the syntax error
        group = stack.pop()
        stack[-1].items.append(group)
    return root.items


def _is(item, *texts: str) -> bool:
    return isinstance(item, Token) and item.kind in ("op", "name") and item.text in texts


def _top_level(items: list, *texts: str) -> int | None:
    return next((i for i, item in enumerate(items) if _is(item, *texts)), None)


def _split(items: list, text: str) -> list[list]:
    parts, current = [], []
    for item in items:
        if _is(item, text):
            parts.append(current)
            current = []
        else:
            current.append(item)
    return [*parts, current]


def _significant(items: list, start: int, step: int = 1) -> int:
    """The index of the next item that is not white space (len(items) or -1 when none)."""
    index = start
    while (
        0 <= index < len(items) and isinstance(items[index], Token) and items[index].kind == "space"
    ):
        index += step
    return index


def _prefix(item) -> bool:
    return isinstance(item, Token) and item.kind != "string" and item.text in _UNARY


def _name_at(items: list, index: int) -> bool:
    return index < len(items) and isinstance(items[index], Token) and items[index].kind == "name"


def _matching_colon(items: list, question: int) -> int:
    nested = 0
    for index in range(question + 1, len(items)):
        if _is(items[index], "?"):
            nested += 1
        elif _is(items[index], ":"):
            if nested == 0:
                return index
            nested -= 1
    raise JuelSyntaxError("'?' needs a matching ':' (write condition ? value : other value)")


def _operand_end(items: list, start: int) -> int:
    """Where the operand of a unary operator ends: prefixes, one value, then ``.name``,
    ``(...)`` and ``[...]`` after it (EL's unary operators bind tighter than the rest)."""
    index = _significant(items, start)
    while index < len(items) and _prefix(items[index]):
        index = _significant(items, index + 1)
    if index >= len(items):
        return index
    index += 1
    while True:
        after = _significant(items, index)
        if after < len(items) and isinstance(items[after], Group) and items[after].open in "([":
            index = after + 1
        elif after < len(items) and _is(items[after], ".") and _name_at(items, after + 1):
            index = after + 2
        else:
            return index


class _Translator:
    """Rewrites grouped tokens; ``juel`` gives ``not`` EL's precedence (inside ``${...}``)."""

    def __init__(self, juel: bool):
        self.juel = juel

    def sequence(self, items: list, depth: int) -> str:
        """Comma-separated parts (arguments, list items), each rewritten."""
        _check_depth(depth)
        return ",".join(self.segment(part, depth) for part in _split(items, ","))

    def segment(self, items: list, depth: int) -> str:
        """One part: a conditional ``a ? b : c``, a ``key: value``, slice or script
        assignment (``x = a ? b : c``), or plain."""
        _check_depth(depth)
        question, split = _top_level(items, "?"), _top_level(items, ":", "=")
        if question is None or (split is not None and split < question):
            if split is None:
                return self.plain(items, depth)
            rest = self.segment(items[split + 1 :], depth + 1)
            return self.plain(items[:split], depth) + items[split].text + rest
        colon = _matching_colon(items, question)
        condition = self.plain(items[:question], depth)
        chosen = self.segment(items[question + 1 : colon], depth + 1)
        otherwise = self.segment(items[colon + 1 :], depth + 1)
        return f" (({chosen}) if ({condition}) else ({otherwise}))"

    def plain(self, items: list, depth: int) -> str:
        """Items with no ``?`` or ``:`` at their level."""
        _check_depth(depth)
        out, index = [], 0
        while index < len(items):
            item = items[index]
            if isinstance(item, Group):
                out.append(item.open + self.sequence(item.items, depth + 1) + item.close)
            elif self._is_unary(items, index):
                end = _operand_end(items, index + 1)
                operand = self.plain(items[index + 1 : end], depth + 1).strip()
                if not operand:
                    raise JuelSyntaxError(f"'{item.text}' needs a value after it")
                out.append(_unary(item.text, operand))
                index = end
                continue
            else:
                out.append(_token(items, index))
            index += 1
        return "".join(out)

    def _is_unary(self, items: list, index: int) -> bool:
        item = items[index]
        if _is(item, "!") or (_is(item, "empty") and not _after_dot(items, index)):
            return True
        if not (self.juel and _is(item, "not")):
            return False
        before, after = _significant(items, index - 1, -1), _significant(items, index + 1)
        python_is_not = before >= 0 and _is(items[before], "is")
        python_not_in = after < len(items) and _is(items[after], "in")
        # not x in y, not x is None: Python-style operands EL does not have; Python's meaning
        following = _significant(items, _operand_end(items, index + 1))
        python_operand = following < len(items) and _is(items[following], "in", "is", "not")
        return not (python_is_not or python_not_in or python_operand)


def _unary(operator: str, operand: str) -> str:
    if operator == "empty":
        return f" empty({operand})"
    if operator == "!":
        return f" (not ({EL_MARKER} and ({operand})))"
    return f" (not ({operand}))"


def _after_dot(items: list, index: int) -> bool:
    before = _significant(items, index - 1, -1)
    return before >= 0 and _is(items[before], ".")


def _token(items: list, index: int) -> str:
    item = items[index]
    if item.kind == "op":
        return SYMBOL_OPERATORS.get(item.text, item.text)
    if item.kind != "name" or _after_dot(items, index):
        return item.text
    if item.text.startswith(RESERVED_PREFIX):
        raise JuelSyntaxError(f"names starting with {RESERVED_PREFIX} are reserved")
    if item.text == "instanceof":
        raise JuelSyntaxError("'instanceof' is not supported: there are no Java types here")
    if item.text in RENAMED_KEYWORDS:
        return KEYWORD_PREFIX + item.text
    return WORD_OPERATORS.get(item.text, item.text)


def _check_depth(depth: int) -> None:
    if depth > limits.MAX_TREE_DEPTH:
        raise limits.LimitExceeded(
            f"the expression nests more than {limits.MAX_TREE_DEPTH} operations inside each "
            "other; split it into steps"
        )
