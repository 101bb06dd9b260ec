"""The safe expression language: typical conditions work, every escape fails without effect."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowbridge.core.errors import InvalidInput
from flowbridge.core.expressions import ExpressionError, check, check_all, evaluate


@pytest.mark.parametrize(
    ("expr", "names", "expected"),
    [
        ('amount > 50000 or risk == "high"', {"amount": 60000, "risk": "low"}, True),
        ('amount > 50000 or risk == "high"', {"amount": 100, "risk": "high"}, True),
        ('amount > 50000 or risk == "high"', {"amount": 100, "risk": "low"}, False),
        ('部门 == "研发部" and 金额 >= 1000', {"部门": "研发部", "金额": 1000}, True),
        ('category in ["设备", "软件"]', {"category": "软件"}, True),
        ('"紧急" not in title', {"title": "普通采购"}, True),
        ("len(items) > 2 and sum(items) < 100", {"items": [10, 20, 30]}, True),
        ('lower(risk) == "high"', {"risk": "HIGH"}, True),
        ('upper(code) == "RD"', {"code": "rd"}, True),
        ('contains(tags, "vip")', {"tags": ["vip", "new"]}, True),
        ("max(a, b) - min(a, b)", {"a": 3, "b": 10}, 7),
        ("round(amount * 1.13, 2)", {"amount": 100}, 113.0),
        ('int("42") + abs(-1)', {}, 43),
        ('"高" if score > 80 else "低"', {"score": 90}, "高"),
        ("not approved", {"approved": False}, True),
        ('order["amount"] > 10', {"order": {"amount": 11}}, True),
        ("any([a, b]) and not all([a, b])", {"a": True, "b": False}, True),
        ("2 ** 10", {}, 1024),
    ],
)
def test_typical_conditions(expr: str, names: dict[str, object], expected: object) -> None:
    assert evaluate(expr, names) == expected


def test_check_returns_the_names_read() -> None:
    assert check('amount > 50000 or risk == "high"') == ["amount", "risk"]
    assert check("len(items) > 0") == ["items"]
    assert check('"固定文本" == "固定文本"') == []


ESCAPES = [
    "__import__('os')",
    "__import__('os').system('touch /tmp/flowbridge-escape')",
    "().__class__.__bases__[0].__subclasses__()",
    "''.__class__.__mro__[1].__subclasses__()",
    "open('/etc/passwd')",
    "open('/etc/passwd').read()",
    "exec('import os')",
    "eval('1+1')",
    "compile('1', 'x', 'eval')",
    "globals()",
    "locals()",
    "getattr(amount, '__class__')",
    "type(amount)",
    "vars()",
    "dir()",
    "amount.__class__",
    "amount.real",
    "risk.upper()",
    "_secret",
    "[x for x in range(10)]",
    "{x: 1 for x in items}",
    "(x for x in items)",
    "lambda: 1",
    "(y := 1)",
    "f'{amount}'",
    "items[::-1]",
    "max(*items)",
    "round(amount, ndigits=2)",
    "import os",
    "amount = 1",
    "${amount > 50000}",
    "",
]


@pytest.mark.parametrize("expr", ESCAPES)
def test_escapes_fail_safely(expr: str) -> None:
    names = {"amount": 1, "risk": "high", "items": [1, 2], "_secret": "s"}
    with pytest.raises(ExpressionError) as caught:
        evaluate(expr, names)
    assert caught.value.expression == expr
    assert caught.value.reason
    assert isinstance(caught.value, InvalidInput)
    assert not Path("/tmp/flowbridge-escape").exists()  # noqa: S108 - the path the attack would write


@pytest.mark.parametrize(
    "expr",
    ["9**9**9", "'a'*10**9", "[1]*10**9", "10**100000", "'ab' * 6000", "2**1001"],
)
def test_resource_bombs_are_bounded(expr: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(expr, {})


def test_deep_nesting_and_long_text_are_refused() -> None:
    with pytest.raises(ExpressionError, match=r"nested deeper|cannot be read"):
        check("[" * 200 + "]" * 200)
    with pytest.raises(ExpressionError, match=r"nested deeper|cannot be read"):
        check("-" * 500 + "1")
    with pytest.raises(ExpressionError, match="longer than"):
        check("a + " * 1000 + "a")


def test_unknown_name_and_runtime_errors_are_expression_errors() -> None:
    with pytest.raises(ExpressionError, match="unknown name"):
        evaluate("amount > 1", {})
    with pytest.raises(ExpressionError):
        evaluate("amount / 0", {"amount": 1})
    with pytest.raises(ExpressionError):
        evaluate('amount + "x"', {"amount": 1})


def test_check_lists_every_forbidden_construct() -> None:
    with pytest.raises(ExpressionError) as caught:
        check("open(x) or y.z")
    reasons = [p.message for p in caught.value.problems]
    assert 'function "open" is not allowed' in reasons
    assert "attribute access is not allowed" in reasons


def test_check_all_collects_errors() -> None:
    errors = check_all(["a > 1", "a.b", "open(1)"])
    assert [e.expression for e in errors] == ["a.b", "open(1)"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_either_evaluates_or_raises_expression_error(text: str) -> None:
    with contextlib.suppress(ExpressionError):
        evaluate(text, {"a": 1, "b": "x"})
