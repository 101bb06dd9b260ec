"""Safe expressions: gateway conditions and rules written by users, never Python.

An expression such as ``amount > 50000 or risk == "high"`` reads only the
names it is given (form values). Before anything is evaluated the syntax tree
is checked against a whitelist: literals, names, arithmetic, comparisons,
boolean logic, ``in``, conditional expressions, indexing and calls of a few
plain functions. Attribute access, comprehensions, lambdas, keyword or star
arguments and names starting with ``_`` are refused outright, so the classic
escapes (``().__class__.__bases__``, ``__import__('os')``, ``open(...)``)
never reach an evaluator. Evaluation runs on ``simpleeval`` with tight limits
on powers, string and list sizes. This module imports nothing from Django.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from simpleeval import EvalWithCompoundTypes, InvalidExpression  # type: ignore[import-untyped]

from flowbridge.core.errors import InvalidInput, Problem

MAX_EXPRESSION_LENGTH = 2000
MAX_POWER = 1000
MAX_SIZE = 10_000  # longest string or list an expression may build
MAX_DEPTH = 50


class ExpressionError(InvalidInput):
    """An expression that is malformed, forbidden or fails when evaluated."""

    def __init__(self, expression: str, reason: str) -> None:
        self.expression = expression
        self.reason = reason
        shown = expression if len(expression) <= 120 else expression[:117] + "..."
        message = f'expression "{shown}": {reason}'
        super().__init__(message, problems=[Problem(reason, where=shown)])


def _lower(value: str) -> str:
    return str(value).lower()


def _upper(value: str) -> str:
    return str(value).upper()


def _contains(container: Any, item: Any) -> bool:
    return item in container


def _sized(value: Any) -> Any:
    if isinstance(value, str | list | tuple | dict | set) and len(value) > MAX_SIZE:
        raise ValueError(f"result longer than {MAX_SIZE}")
    return value


def _power(a: Any, b: Any) -> Any:
    if abs(a) > MAX_POWER or abs(b) > MAX_POWER:
        raise ValueError(f"power with an operand above {MAX_POWER}")
    return a**b


def _mult(a: Any, b: Any) -> Any:
    for seq, times in ((a, b), (b, a)):
        if hasattr(seq, "__len__") and isinstance(times, int) and times * len(seq) > MAX_SIZE:
            raise ValueError(f"result longer than {MAX_SIZE}")
    return a * b


def _add(a: Any, b: Any) -> Any:
    return _sized(a + b)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "sum": sum,
    "any": any,
    "all": all,
    "lower": _lower,
    "upper": _upper,
    "contains": _contains,
}

OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: _add,
    ast.Sub: operator.sub,
    ast.Mult: _mult,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _power,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Gt: operator.gt,
    ast.Lt: operator.lt,
    ast.GtE: operator.ge,
    ast.LtE: operator.le,
    ast.Not: operator.not_,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

_ALLOWED_NODES: tuple[type, ...] = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.IfExp,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Call,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Subscript,
    *OPERATORS,
)

# Plain words for what people most often try, so the refusal explains itself.
_FORBIDDEN_WORDS: dict[type, str] = {
    ast.Attribute: "attribute access is not allowed",
    ast.Lambda: "lambdas are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.NamedExpr: "assignments are not allowed",
    ast.Starred: "star arguments are not allowed",
    ast.Slice: "slices are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
}


def _parse(expr: str) -> ast.Expression:
    if not isinstance(expr, str):
        raise ExpressionError(repr(expr), "an expression must be text")
    if not expr.strip():
        raise ExpressionError(expr, "the expression is empty")
    if len(expr) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(expr, f"longer than {MAX_EXPRESSION_LENGTH} characters")
    text = expr.strip()
    if text.startswith(("${", "#{")) and text.endswith("}"):
        raise ExpressionError(
            expr, "JUEL expressions (${...}) are not supported; write e.g. amount > 50000"
        )
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(expr, f"syntax error: {error.msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError(expr, "cannot be read") from None
    return tree


def _depth(node: ast.AST, limit: int) -> int:
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(current))
    return deepest


def _problems(expr: str, tree: ast.Expression) -> tuple[list[str], list[str]]:
    """The names used and every forbidden construct found (one reason each)."""
    names: list[str] = []
    problems: list[str] = []
    if _depth(tree, MAX_DEPTH) > MAX_DEPTH:
        return names, [f"nested deeper than {MAX_DEPTH} levels"]
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop(0)
        if not isinstance(node, _ALLOWED_NODES):
            # What lies inside a forbidden construct adds only noise to the reason.
            reason = _FORBIDDEN_WORDS.get(type(node), f"{type(node).__name__} is not allowed")
            problems.append(reason)
            continue
        pending.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.Constant) and not isinstance(
            node.value, str | int | float | bool | type(None)
        ):
            problems.append(f"literal of type {type(node.value).__name__} is not allowed")
        if isinstance(node, ast.Name):
            if node.id.startswith("_"):
                problems.append(f'name "{node.id}" is not allowed (starts with "_")')
            elif node.id not in FUNCTIONS and node.id not in names:
                names.append(node.id)
        if isinstance(node, ast.Call):
            if node.keywords:
                problems.append("keyword arguments are not allowed")
            if not isinstance(node.func, ast.Name):
                problems.append("only plain functions may be called")
            elif node.func.id not in FUNCTIONS:
                problems.append(f'function "{node.func.id}" is not allowed')
    seen: set[str] = set()
    unique = [p for p in problems if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]
    return names, unique


def check(expr: str) -> list[str]:
    """Check ``expr`` without values; return the names it reads, in order of appearance.

    Raises :class:`ExpressionError` listing every forbidden construct found.
    """
    tree = _parse(expr)
    names, problems = _problems(expr, tree)
    if problems:
        error = ExpressionError(expr, "; ".join(problems))
        error.problems = [Problem(p, where=error.problems[0].where) for p in problems]
        raise error
    return names


class _Evaluator(EvalWithCompoundTypes):  # type: ignore[misc]
    """simpleeval with our operators and no attribute access at all."""

    def _eval_attribute(self, node: ast.Attribute) -> Any:
        raise InvalidExpression("attribute access is not allowed")


def evaluate(expr: str, names: Mapping[str, Any]) -> Any:
    """Evaluate ``expr`` with ``names`` (e.g. form values) as its only variables."""
    used = check(expr)
    missing = [n for n in used if n not in names]
    if missing:
        raise ExpressionError(expr, "unknown name(s): " + ", ".join(missing))
    evaluator = _Evaluator(operators=OPERATORS, functions=FUNCTIONS, names=dict(names))
    try:
        return _sized(evaluator.eval(expr.strip()))
    except ExpressionError:
        raise
    except (InvalidExpression, ArithmeticError, TypeError, ValueError, KeyError, IndexError) as e:
        raise ExpressionError(expr, str(e) or type(e).__name__) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(expr, "too large to evaluate") from None


def check_all(expressions: Iterable[str]) -> list[ExpressionError]:
    """Check several expressions and return the errors instead of raising the first."""
    errors: list[ExpressionError] = []
    for expr in expressions:
        try:
            check(expr)
        except ExpressionError as error:
            errors.append(error)
    return errors
