"""A checked syntax tree given JUEL's meaning: EL comparisons, Java methods, map properties.

:func:`method_problem` refuses at deploy any method call that could not run (a bean's method,
``execution.setVariable``, a method that changes a value in place). :func:`rewrite` then
routes ``==``, ``!=``, ``<``, ``>``, ``<=``, ``>=``, arithmetic and the operands of ``&&``,
``||`` and ``!`` through EL's coercions, the Java methods through
:func:`engine.juel.methods.call_method`, ``map.key`` to the map's entry,
``execution.getVariable(name)`` to ``var(name)`` (null when the variable is not set) and
``execution.hasVariable(name)`` to whether it is set.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping
from types import CodeType
from typing import Any

from ..expression_functions import FUNCTION_NAMES
from ..sandbox import limits
from .methods import IN_PLACE_METHODS, JAVA_METHODS, PYTHON_METHODS, call_method
from .runtime import arithmetic, compare, property_of, truth
from .syntax import EL_MARKER, KEYWORD_PREFIX

METHOD, MISSING = "__jg_method", "__jg_missing"
COMPARE, PROPERTY, ARITHMETIC = limits.COMPARE, limits.PROPERTY, limits.ARITHMETIC
TRUTH = limits.TRUTH
RUNTIME = {
    TRUTH: truth,
    METHOD: call_method,
    COMPARE: compare,
    PROPERTY: property_of,
    ARITHMETIC: arithmetic,
    MISSING: object(),
}
EXECUTION = "execution"
EXECUTION_METHODS = ("getVariable", "hasVariable")
_COMPARISONS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.Gt: ">",
    ast.LtE: "<=",
    ast.GtE: ">=",
}
_ONLY_GET_VARIABLE = (
    'only execution.getVariable("name") and execution.hasVariable("name") are; set variables '
    "with a form, a script task or an output mapping"
)


# Camunda 7's built-in functions, and what to write here instead
CAMUNDA_FUNCTIONS = {
    "dateTime": "use now(), today() and durations, e.g. ${now() + days(7)}",
    "currentUser": "use the start event's camunda:initiator variable or the task's assignee",
    "currentUserGroups": "use candidate groups on the task",
}


def unknown_function(name: str) -> str:
    """Why ``name(...)`` cannot be called, and what to write instead."""
    if name in CAMUNDA_FUNCTIONS:
        hint = CAMUNDA_FUNCTIONS[name]
        return f"unknown function '{name}': Camunda's {name}() is not available; {hint}"
    return f"unknown function '{name}' (known functions: {', '.join(sorted(FUNCTION_NAMES))})"


def _is_execution(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == EXECUTION


def method_problem(tree: ast.AST) -> str | None:
    """Why a method call or ``execution`` use in ``tree`` cannot run here, or None."""
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if problem := _call_problem(node, node.func):
                return problem
        elif isinstance(node, ast.Attribute) and id(node) not in called:
            if _is_execution(node.value):
                return (
                    f"execution.{node.attr} is not supported in expressions: {_ONLY_GET_VARIABLE}"
                )
    return None


def _call_problem(node: ast.Call, method: ast.Attribute) -> str | None:
    name, count = method.attr, len(node.args)
    if _is_execution(method.value):
        if name in EXECUTION_METHODS and count == 1 and not node.keywords:
            return None
        return f"execution.{name}() is not supported in expressions: {_ONLY_GET_VARIABLE}"
    if name in JAVA_METHODS:
        _, fewest, most = JAVA_METHODS[name]
        if node.keywords or not fewest <= count <= most:
            wanted = str(fewest) if fewest == most else f"{fewest} or {most}"
            return f"method '{name}()' takes {wanted} argument(s), not {count}"
        return None
    if name in IN_PLACE_METHODS:
        return f"method '{name}()' changes a value in place; build a new value instead"
    if name in PYTHON_METHODS:
        return None
    return (
        f"method '{name}()' is not supported: expressions may call "
        f"{', '.join(sorted(JAVA_METHODS))} (and the Python methods of text, lists, maps and "
        "dates) on values, and execution.getVariable(name); Java beans and services cannot "
        "run here"
    )


def _is_marker(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == EL_MARKER


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Name(name, ast.Load()), list(args), [])


_ARITHMETIC: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
}


class _Meaning(ast.NodeTransformer):
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        symbol = ast.Constant(_ARITHMETIC[type(node.op)])
        return ast.copy_location(_call(ARITHMETIC, symbol, node.left, node.right), node)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        marked = [value for value in node.values if _is_marker(value)]
        if not marked:
            return node  # Python-style and/or: Python's meaning
        values = [_call(TRUTH, value) for value in node.values if not _is_marker(value)]
        result = values[0] if len(values) == 1 else ast.BoolOp(node.op, values)
        return ast.copy_location(result, node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.target, ast.Name):
            return node  # refused by the whitelist already
        current = ast.Name(node.target.id, ast.Load())
        symbol = ast.Constant(_ARITHMETIC[type(node.op)])
        value = _call(ARITHMETIC, symbol, current, node.value)
        return ast.copy_location(ast.Assign([node.target], value), node)

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        pairs: list[ast.expr] = []
        left = node.left
        for operator, right in zip(node.ops, node.comparators, strict=True):
            symbol = _COMPARISONS.get(type(operator))
            if symbol:
                pairs.append(_call(COMPARE, ast.Constant(symbol), left, right))
            else:
                pairs.append(ast.Compare(left, [operator], [right]))
            left = copy.deepcopy(right)  # a chain (a < b < c) reads b twice
        result = pairs[0] if len(pairs) == 1 else ast.BoolOp(ast.And(), pairs)
        return ast.copy_location(result, node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.args = [self.visit(argument) for argument in node.args]
        node.keywords = [self.visit(keyword) for keyword in node.keywords]
        method = node.func
        if not isinstance(method, ast.Attribute):
            node.func = self.visit(method)
            return node
        if _is_execution(method.value) and method.attr in EXECUTION_METHODS:
            return ast.copy_location(_execution_call(method.attr, node.args[0]), node)
        method.value = self.visit(method.value)
        if method.attr in JAVA_METHODS:
            name = ast.Constant(method.attr)
            return ast.copy_location(_call(METHOD, method.value, name, *node.args), node)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load):
            return node
        return ast.copy_location(_call(PROPERTY, node.value, ast.Constant(node.attr)), node)


def _execution_call(method: str, name: ast.expr) -> ast.expr:
    """``var(name)`` (null when not set), or whether ``var(name, missing)`` is not missing."""
    if method == "getVariable":
        return _call("var", name)
    value = _call("var", name, ast.Name(MISSING, ast.Load()))
    return ast.Compare(value, [ast.IsNot()], [ast.Name(MISSING, ast.Load())])


def rewrite(tree: ast.AST) -> ast.AST:
    """``tree`` (already checked) with JUEL's meaning; names in :data:`RUNTIME` are called."""
    return ast.fix_missing_locations(_Meaning().visit(tree))


def renamed_variables(code: CodeType) -> dict[str, str]:
    """The variables ``code`` names like Python keywords: {name in the code: variable}."""
    return {
        name: name.removeprefix(KEYWORD_PREFIX)
        for name in code.co_names
        if name.startswith(KEYWORD_PREFIX)
    }


def with_renamed(data: Mapping[str, Any], renamed: dict[str, str]) -> dict[str, Any]:
    """``data`` plus each renamed variable under its name in the code (for an evaluation)."""
    return {**data, **{alias: data[name] for alias, name in renamed.items() if name in data}}
