"""The expression language process owners write in Camunda Modeler.

Camunda writes expressions as ``${...}`` (JUEL). We accept that notation and plain Python-style
expressions: :mod:`engine.juel` rewrites JUEL (operators, ``empty``, ``a ? b : c``) as Python,
and we compile the result only after checking every syntax node against a whitelist:

- literals, variables, arithmetic, comparisons, ``and``/``or``/``not``, ``x if c else y``,
  lists/tuples/dicts, indexing and slicing;
- attribute access (``expected_due_date.year``) but never to names starting with ``_`` and
  never ``format``/``format_map`` (they reach attributes by string);
- calls only to the functions in :data:`FUNCTION_NAMES` or to the methods of values that
  :func:`engine.juel.semantics.method_problem` accepts; ``var(name, default)`` reads a
  variable that may not be set, so a diagram can give a timescale a default that a start
  variable overrides: ``stage1_days = var('stage1_days', 5)``;
- no imports, lambdas, comprehensions, or builtins beyond the whitelist.

The checked tree is then given JUEL's meaning (EL comparisons and arithmetic, Java methods,
``map.key``) and bounded by :mod:`engine.sandbox.limits`.

Scripts (script tasks) may also assign: ``name = expression`` and ``name += expression``
(to variables, never to an item or attribute of a value: values are not changed in place).

Text that is not wrapped in ``${...}`` but contains ``${...}`` is a template: each
placeholder is evaluated and the pieces joined as a string (``"case-${case_ref}"``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .clock import Clock
from .expression_functions import FUNCTION_NAMES, library
from .juel import semantics as juel_semantics
from .juel import syntax as juel_syntax
from .juel.runtime import ELError
from .sandbox import limits
from .workdays import WorkingDayCalendar

# Code objects the sandbox compiled carry this file name; nothing else may be evaluated.
SANDBOX_FILENAME = "<joinedup-sandbox>"


class ExpressionError(ValueError):
    """An expression that does not compile or evaluate, with a reason a person can act on."""

    def __init__(self, message: str, expression: str | None = None, *, syntax: bool = False):
        super().__init__(message)
        self.expression = expression
        self.syntax = syntax


_WRAPPED = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
_OPENINGS = re.compile(r"[$#]\{")
_PLACEHOLDER = re.compile(r"[$#]\{(?P<body>[^}]*)\}")
_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Call,
    ast.keyword,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.IfExp,
)
_SCRIPT_NODES: tuple[type[ast.AST], ...] = (
    ast.Module,
    ast.Assign,
    ast.AugAssign,
    ast.Store,
    ast.Expr,
    ast.If,
    ast.Pass,
)
_FORBIDDEN_ATTRIBUTES = {"format", "format_map", "mro"}


def unwrap(text: str) -> str:
    """The body of ``${...}`` / ``#{...}``, or the text itself when it is not wrapped."""
    match = _WRAPPED.match(text) if is_single_expression(text) else None
    return match.group("body") if match else text


def is_single_expression(text: str) -> bool:
    """True for text that is exactly one ``${...}`` (not a template such as ``${a}:x``)."""
    return bool(_WRAPPED.match(text)) and len(_OPENINGS.findall(text)) == 1


def is_expression(text: str | None) -> bool:
    """True when ``text`` is (or contains) a ``${...}`` expression rather than a literal."""
    return bool(text) and _PLACEHOLDER.search(text) is not None


def translate(text: str) -> str:
    """JUEL operators and literals rewritten as Python, string literals untouched."""
    return juel_syntax.translate(unwrap(text), juel=is_single_expression(text))


def _check(tree: ast.AST, source: str, allowed: tuple[type[ast.AST], ...]) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise ExpressionError(
                f"'{type(node).__name__}' is not allowed in expressions", source, syntax=True
            )
        if isinstance(node, ast.Attribute) and (
            node.attr.startswith("_") or node.attr in _FORBIDDEN_ATTRIBUTES
        ):
            raise ExpressionError(f"attribute '{node.attr}' is not allowed", source, syntax=True)
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            raise ExpressionError(f"name '{node.id}' is not allowed", source, syntax=True)
        if isinstance(node, ast.Attribute | ast.Subscript) and not isinstance(node.ctx, ast.Load):
            raise ExpressionError(
                "assigning to an item or attribute is not allowed; assign a variable",
                source,
                syntax=True,
            )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id not in FUNCTION_NAMES:
                raise ExpressionError(juel_semantics.unknown_function(node.func.id), source)


@lru_cache(maxsize=4096)
def compile_expression(text: str) -> Any:
    """Compile one expression (``${...}`` or plain) to a code object, checked and cached."""
    source = _bounded_translation(text, translate)
    if not source:
        raise ExpressionError("the expression is empty", text, syntax=True)
    tree = _parse(source, text, "eval")
    _check(tree, text, _ALLOWED_NODES)
    return compile(_sandboxed(tree, text), SANDBOX_FILENAME, "eval")


@lru_cache(maxsize=1024)
def compile_script(text: str) -> Any:
    """Compile a script: expressions plus assignments to variables."""
    source = _bounded_translation(
        text, lambda t: "\n".join(translate(line) for line in t.strip().splitlines())
    )
    tree = _parse(source, text, "exec")
    _check(tree, text, _ALLOWED_NODES + _SCRIPT_NODES)
    return compile(_sandboxed(tree, text), SANDBOX_FILENAME, "exec")


def _sandboxed(tree: ast.AST, text: str) -> ast.AST:
    """A checked tree with JUEL's meaning, bounded; method calls that cannot run refused."""
    if problem := juel_semantics.method_problem(tree):
        raise ExpressionError(problem, text)
    return limits.guard(juel_semantics.rewrite(tree))


def _bounded_translation(text: str, translation) -> str:
    try:
        limits.check_source(text)
        return translation(text)
    except (limits.LimitExceeded, juel_syntax.JuelSyntaxError) as error:
        raise ExpressionError(str(error), text[:200], syntax=True) from None


def _parse(source: str, text: str, mode: str) -> ast.AST:
    try:
        tree = ast.parse(source, mode=mode)
        limits.check_tree_depth(tree)
    except SyntaxError as error:
        where = f" on line {error.lineno}" if mode == "exec" else ""
        raise ExpressionError(f"syntax error{where}: {error.msg}", text, syntax=True) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply", text, syntax=True) from None
    except limits.LimitExceeded as error:
        raise ExpressionError(str(error), text, syntax=True) from None
    return tree


def compile_template(text: str) -> list[str | Any]:
    """Compile every placeholder in a template string; literals stay strings."""
    _bounded_translation(text, str)  # a template is no longer than one expression
    parts: list[str | Any] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(text[position : match.start()])
        parts.append(compile_expression(match.group()))
        position = match.end()
    parts.append(text[position:])
    return parts


class ExpressionLanguage:
    """Evaluates expressions and scripts against process data with one clock and calendar."""

    def __init__(self, clock: Clock, calendar: WorkingDayCalendar):
        self.clock = clock
        self.calendar = calendar
        self.functions = library(clock, calendar)
        self._globals = {
            "__builtins__": {},
            limits.BINOP: limits.guarded_binop,
            limits.CALL: limits.guarded_call,
            limits.VALUE: limits.guarded_value,
            **juel_semantics.RUNTIME,
            **self.functions,
        }

    def evaluate(self, text: str, data: Mapping[str, Any]) -> Any:
        """Evaluate an expression or a template against ``data`` (not modified)."""
        if is_expression(text) and not is_single_expression(text):
            return self._template(text, data)
        return self._run(compile_expression(text), data, text)

    def _template(self, text: str, data: Mapping[str, Any]) -> str:
        """A template's text: one time budget, and no longer than one text may be."""
        pieces, total = [], 0
        limits.start_budget()
        for part in compile_template(text):
            if not isinstance(part, str):
                part = self._text(self._run(part, data, text, fresh_budget=False), text)
            total += len(part)
            if total > limits.MAX_STRING:
                limit = f"{limits.MAX_STRING:,}"
                raise ExpressionError(f"the template's text exceeds the limit of {limit}", text)
            pieces.append(part)
        return "".join(pieces)

    def execute(self, script: str, data: dict[str, Any]) -> None:
        """Run a script; assignments land in ``data``."""
        code = compile_script(script)
        renamed = juel_semantics.renamed_variables(code)
        data.update(juel_semantics.with_renamed(data, renamed) if renamed else {})
        try:
            self._run(code, data, script, mode="exec")
        finally:
            for alias, name in renamed.items():  # continue = ... sets the variable continue
                if alias in data:
                    data[name] = data.pop(alias)

    @staticmethod
    def _text(value: Any, text: str) -> str:
        try:
            return limits.text_of(value)
        except limits.LimitExceeded as error:
            raise ExpressionError(str(error), text) from None

    def _run(
        self, code: Any, data: Mapping[str, Any], text: str, mode="eval", fresh_budget=True
    ) -> Any:
        scope = self._globals
        if "var" in code.co_names:
            scope = {**self._globals, "var": lambda name, default=None: data.get(name, default)}
        if fresh_budget:
            limits.start_budget()
        if mode == "eval" and (renamed := juel_semantics.renamed_variables(code)):
            data = juel_semantics.with_renamed(data, renamed)
        try:
            if mode == "exec":
                exec(code, scope, data)  # noqa: S102 - code passed the whitelist in _check
                return None
            return eval(code, scope, data)  # noqa: S307 - code passed the whitelist in _check
        except NameError as error:
            name = error.name.removeprefix(juel_syntax.KEYWORD_PREFIX)
            raise ExpressionError(f"unknown variable '{name}'", text) from None
        except ExpressionError:
            raise
        except (limits.LimitExceeded, ELError) as error:
            raise ExpressionError(str(error), text) from None
        except Exception as error:
            raise ExpressionError(f"{type(error).__name__}: {error}", text) from error
