"""Bounds on what one evaluation of diagram text may build and how long it may run.

The whitelist in ``engine.expressions`` decides *what* an expression may do; this module
decides *how much*. A checked syntax tree is rewritten so each ``*``, ``+``, ``%``, call and
list/tuple/dict display goes through a guard that refuses, before the work is done, anything
that would build a string or sequence beyond :data:`MAX_STRING`/:data:`MAX_ITEMS` or an
integer beyond :data:`MAX_INT_BITS`, and measures the result afterwards. A container is
measured as if written out, counting a value it holds many times once per time
(``[[1] * 1000] * 1000`` is a million values), and values are never changed in place, so no
value grows after it was measured. Every guard also checks the evaluation's time budget.
Without loops or comprehensions, an expression does a bounded number of guarded steps, so
these bounds together bound its memory and time; calls whose own work is not proportional to
their result (date formats, codecs, rounding) have their arguments bounded instead.
"""

from __future__ import annotations

import ast
import codecs
import copy
import gc
import operator
import threading
import time
from collections.abc import Callable, Sized
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

MAX_SOURCE = 20_000  # characters of one expression or script
MAX_NESTING = 40  # brackets inside brackets
MAX_TREE_DEPTH = 100  # syntax-tree levels (long operator chains nest too)
MAX_STATEMENTS = 200  # statements in one script (each may wrap a value once more: x = [x])
MAX_STRING = 1_000_000  # characters (or bytes) in one value built
MAX_ITEMS = 100_000  # items in one list, tuple, dict or set built
MAX_INT_BITS = 4_096  # about 1,233 decimal digits
MAX_SECONDS = 1.0  # one evaluation, CPU time of its thread
MAX_VALUE_TEXT = 16_000_000  # characters of one container written out (a request's size)
MAX_VALUES = 4 * MAX_ITEMS  # values in one container, counting every item of every item
MAX_FORMAT = 200  # characters of a date format or a date parsed with one
MAX_ROUND_DIGITS = MAX_INT_BITS // 3  # round(n, -d) computes 10 ** d

BINOP, CALL, VALUE = "__jg_binop", "__jg_call", "__jg_value"
# engine.juel's comparisons, truth values and property reads build nothing, so they are not
# guarded; its arithmetic guards +, * and % itself (with guarded_binop)
COMPARE, PROPERTY, ARITHMETIC = "__jg_compare", "__jg_property", "__jg_arithmetic"
TRUTH = "__jg_truth"
_UNGUARDED = frozenset({COMPARE, PROPERTY, ARITHMETIC, TRUTH})
_GUARDED_OPERATORS: dict[type[ast.operator], str] = {ast.Mult: "*", ast.Add: "+", ast.Mod: "%"}
_OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul,
    "+": operator.add,
    "%": operator.mod,
}
_SEQUENCES = (str, bytes, list, tuple)
_CONTAINERS = (list, tuple, dict, set, frozenset)
# methods whose result grows with a number argument (width, tab size, byte count)
_SIZED_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "to_bytes"})
# date methods whose C or regex work grows with the format, not the result
_FORMAT_METHODS = frozenset({"strftime", "strptime"})
# codecs whose work is linear in the text (punycode, for one, is quadratic)
_TEXT_CODECS = frozenset({"utf-8", "utf-16", "utf-32", "ascii", "iso8859-1", "cp1252"})
# what may be called on a list, dict or set: nothing that changes it in place
_READING_METHODS = frozenset(
    {"copy", "count", "index", "get", "keys", "values", "items", "fromkeys"}
    | {"union", "intersection", "difference", "symmetric_difference"}
    | {"issubset", "issuperset", "isdisjoint"}
)
_budget = threading.local()


class LimitExceeded(ArithmeticError):
    """An evaluation would exceed a size or time bound; the message says which."""


def check_source(text: str) -> None:
    """Refuse text longer than :data:`MAX_SOURCE` before it is parsed."""
    if len(text) > MAX_SOURCE:
        raise LimitExceeded(
            f"the expression is {len(text):,} characters long; the limit is {MAX_SOURCE:,}"
        )


def check_nesting(tokens: list[str]) -> None:
    """Refuse brackets nested more than :data:`MAX_NESTING` deep (strings already removed)."""
    depth = deepest = 0
    for token in tokens:
        if token in "([{":  # noqa: S105 - a bracket, not a password
            depth += 1
            deepest = max(deepest, depth)
        elif token in ")]}":  # noqa: S105
            depth -= 1
    if deepest > MAX_NESTING:
        raise LimitExceeded(f"brackets are nested {deepest} deep; the limit is {MAX_NESTING}")


def check_tree_depth(tree: ast.AST) -> None:
    """Refuse syntax trees deeper than :data:`MAX_TREE_DEPTH` (compile would recurse) and
    scripts of more than :data:`MAX_STATEMENTS` statements."""
    if isinstance(tree, ast.Module) and len(tree.body) > MAX_STATEMENTS:
        raise LimitExceeded(
            f"the script has {len(tree.body)} statements; the limit is {MAX_STATEMENTS}"
        )
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise LimitExceeded(
                f"the expression nests more than {MAX_TREE_DEPTH} operations inside each other; "
                "split it into steps"
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class _Guard(ast.NodeTransformer):
    """Routes growing operators and every call through :func:`guarded_binop`/`guarded_call`."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        symbol = _GUARDED_OPERATORS.get(type(node.op))
        if symbol is None:
            return node
        return ast.copy_location(_call(BINOP, ast.Constant(symbol), node.left, node.right), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        symbol = _GUARDED_OPERATORS.get(type(node.op))
        if symbol is None:
            return node
        current = copy.deepcopy(node.target)
        for part in ast.walk(current):
            if hasattr(part, "ctx"):
                part.ctx = ast.Load()
        value = _call(BINOP, ast.Constant(symbol), current, node.value)
        return ast.copy_location(ast.Assign(targets=[node.target], value=value), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in _UNGUARDED:
            return node
        guarded = ast.Call(ast.Name(CALL, ast.Load()), [node.func, *node.args], node.keywords)
        return ast.copy_location(guarded, node)

    def _display(self, node: ast.List | ast.Tuple | ast.Dict) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
            return node  # an assignment target: a, b = ...
        return ast.copy_location(_call(VALUE, node), node)

    visit_List = visit_Tuple = visit_Dict = _display


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Name(name, ast.Load()), list(args), [])


def guard(tree: ast.AST) -> ast.AST:
    """The checked tree rewritten so its growing operations and calls are bounded."""
    return ast.fix_missing_locations(_Guard().visit(tree))


# The budget counts the evaluating thread's CPU time: a runaway expression spends it, while a
# thread the operating system leaves waiting on a busy machine does not fail its expression.
def start_budget() -> None:
    """Begin one evaluation's time budget (per thread)."""
    _budget.deadline = time.thread_time() + MAX_SECONDS


def _not_counting_collections(phase: str, _info: dict) -> None:
    """A garbage collection that starts during an evaluation frees everyone's garbage (on a big,
    busy process it can take a second): its time is given back to the expression's budget."""
    if phase == "start":
        _budget.collecting = time.thread_time()
    elif (started := getattr(_budget, "collecting", None)) is not None:
        _budget.collecting = None
        if hasattr(_budget, "deadline"):
            _budget.deadline += time.thread_time() - started


gc.callbacks.append(_not_counting_collections)


def _check_time() -> None:
    if time.thread_time() > getattr(_budget, "deadline", float("inf")):
        raise LimitExceeded(f"the expression ran for more than {MAX_SECONDS:g} s")


def bounded(value: Any) -> Any:
    """``value`` unchanged, or LimitExceeded if it is larger than an expression may build."""
    if isinstance(value, str | bytes) and len(value) > MAX_STRING:
        raise LimitExceeded(f"text of {len(value):,} characters; the limit is {MAX_STRING:,}")
    if isinstance(value, _CONTAINERS):
        if len(value) > MAX_ITEMS:
            raise LimitExceeded(f"{len(value):,} items; the limit is {MAX_ITEMS:,}")
        if _estimated_length(value, MAX_VALUE_TEXT) > MAX_VALUE_TEXT:
            raise LimitExceeded(
                "this value written out (each repeat counted) would exceed the limit of "
                f"{MAX_VALUE_TEXT:,} characters or {MAX_VALUES:,} values"
            )
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise LimitExceeded(f"a number of more than {MAX_INT_BITS:,} bits")
    return value


def guarded_binop(symbol: str, left: Any, right: Any) -> Any:
    """``left <symbol> right`` after checking the result cannot exceed the bounds."""
    _check_time()
    if symbol == "*":
        _check_repeat(left, right)
    elif symbol == "+":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            _check_size(left, len(left) + len(right))
    elif isinstance(left, str | bytes):
        raise LimitExceeded("'%' does not format text here; join text with + and str()")
    return bounded(_OPERATIONS[symbol](left, right))


def _check_repeat(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise LimitExceeded(f"a number of more than {MAX_INT_BITS:,} bits")
        return
    sequence, count = (left, right) if isinstance(left, _SEQUENCES) else (right, left)
    if isinstance(sequence, _SEQUENCES) and isinstance(count, int):
        _check_size(sequence, len(sequence) * max(count, 0))


def _check_size(sample: Any, size: int) -> None:
    limit = MAX_STRING if isinstance(sample, str | bytes) else MAX_ITEMS
    if size > limit:
        raise LimitExceeded(f"a value of {size:,} items or characters; the limit is {limit:,}")


def guarded_value(value: Any) -> Any:
    """A list, tuple or dict display's value, measured (``[x, x]`` holds x twice)."""
    _check_time()
    return bounded(value)


def guarded_call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` after the size checks a method's arguments need; a
    function passed as an argument (``sorted(xs, key=...)``) is guarded in its turn."""
    _check_time()
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__name__", "")
    if isinstance(owner, str | bytes):
        _check_text_method(owner, name, args, kwargs)
    elif name in _SIZED_METHODS:
        _check_widths(args, kwargs)
    elif name in _FORMAT_METHODS:
        _check_format(args, kwargs)
    elif isinstance(owner, _CONTAINERS) and name not in _READING_METHODS:
        raise LimitExceeded(f"'{name}' changes a value in place; build a new value instead")
    args = tuple(_guarded_argument(value) for value in args)
    kwargs = {key: _guarded_argument(value) for key, value in kwargs.items()}
    return bounded(function(*args, **kwargs))


def _guarded_argument(value: Any) -> Any:
    return partial(guarded_call, value) if callable(value) else value


def _check_text_method(text: str | bytes, name: str, args: tuple, kwargs: dict) -> None:
    if name in _SIZED_METHODS:
        _check_widths(args, kwargs)
    if name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        _check_size(text, len(text) + text.count("\t" if isinstance(text, str) else b"\t") * tab)
    elif name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        count = args[2] if len(args) > 2 and args[2] >= 0 else text.count(old)
        _check_size(text, len(text) + count * max(len(new) - len(old), 0))
    elif name == "join" and args:
        _check_join(text, args[0])
    elif name == "translate" and args:
        _check_translate(text, args[0])
    elif name in ("encode", "decode"):
        _check_codec(args[0] if args else kwargs.get("encoding", "utf-8"))


def _check_join(text: str | bytes, pieces: Any) -> None:
    if not isinstance(pieces, Sized):
        raise LimitExceeded("join() joins a list, tuple or text")
    if isinstance(pieces, str | bytes):
        total = len(pieces)
    else:
        total = sum(len(p) for p in pieces if isinstance(p, str | bytes))
    _check_size(text, total + len(text) * len(pieces))


def _check_translate(text: str | bytes, table: Any) -> None:
    if isinstance(table, dict):
        entries = table.values()
    elif isinstance(table, list | tuple):
        entries = table
    else:
        return  # text or bytes: one character (or byte) for one
    widest = max((len(e) for e in entries if isinstance(e, str | bytes)), default=1)
    _check_size(text, len(text) * max(widest, 1))


def _check_codec(encoding: Any) -> None:
    if codecs.lookup(str(encoding)).name not in _TEXT_CODECS:
        known = ", ".join(sorted(_TEXT_CODECS))
        raise LimitExceeded(f"the codec '{encoding}' is refused here; use one of {known}")


def _check_format(args: tuple, kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, str) and len(value) > MAX_FORMAT:
            raise LimitExceeded(
                f"a date format or date of {len(value):,} characters; the limit is {MAX_FORMAT}"
            )


def _check_widths(args: tuple, kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and value > MAX_STRING:
            raise LimitExceeded(f"a width or length of {value:,}; the limit is {MAX_STRING:,}")


def text_of(value: Any) -> str:
    """``str(value)``, refused before it is built when it would exceed :data:`MAX_STRING`."""
    if isinstance(value, str):
        return value
    if _estimated_length(value, MAX_STRING) > MAX_STRING:
        raise LimitExceeded(f"the text of this value would exceed {MAX_STRING:,} characters")
    return str(value)


def _estimated_length(value: Any, limit: int) -> int:
    """About how long ``str(value)`` is, every repeat of a shared item counted (so it prints);
    more than ``limit`` (without walking further) past it or past :data:`MAX_VALUES` values."""
    total, walked, stack = 0, 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        walked += 1
        if walked > MAX_VALUES:
            return limit + 1
        if isinstance(item, str | bytes):
            total += len(item) + 4
        elif isinstance(item, _CONTAINERS):
            total += 2 + len(item)
            stack.extend(item.items() if isinstance(item, dict) else item)
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, float | bool | date | datetime | timedelta) or item is None:
            total += 32
        else:
            total += 64
    return total
