"""The rule language across fields of a form: ``downloads <= members``, ``a + b == total``.

A rule is one comparison (chains such as ``0 <= a <= b`` allowed) of arithmetic (+ - * /,
unary minus, parentheses) over field codes and numbers. It is parsed with Python's ``ast``
and every node checked against a whitelist, then evaluated by walking the tree with Decimal
arithmetic: nothing is ever passed to ``eval``. ≤ ≥ ≠ and a single = are accepted as typed
in Chinese offices.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_LENGTH = 300
MAX_NODES = 60

COMPARISONS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_SPELLINGS = {
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "＜": "<",
    "＞": ">",
    "＝": "=",
    "（": "(",
    "）": ")",
}


class RuleError(ValueError):
    """A rule that is not in the language; ``str()`` says why in Chinese."""


@dataclass(frozen=True)
class Rule:
    text: str
    tree: ast.Expression
    names: tuple[str, ...]  # field codes, in order of appearance

    def holds(self, numbers: dict[str, Decimal]) -> bool | None:
        """True/False, or None when a field it reads is empty or a division is by zero."""
        if any(numbers.get(name) is None for name in self.names):
            return None
        try:
            return _evaluate(self.tree.body, numbers)
        except (ZeroDivisionError, InvalidOperation):
            return None


def _normalize(text: str) -> str:
    for typed, meant in _SPELLINGS.items():
        text = text.replace(typed, meant)
    # a lone "=" (not part of <=, >=, !=, ==) means equality
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "=" and (i == 0 or text[i - 1] not in "<>!=") and text[i + 1 : i + 2] != "=":
            out.append("==")
        else:
            out.append(char)
        i += 1
    return "".join(out).strip()


def parse_rule(text: str, codes: set[str] | frozenset[str]) -> Rule:
    """Check ``text`` against the whitelist and the form's field ``codes``."""
    source = _normalize(text or "")
    if not source:
        raise RuleError(_("请填写校验规则，如 downloads <= members"))
    if len(source) > MAX_LENGTH:
        raise RuleError(_("校验规则不能超过 %(n)d 个字符") % {"n": MAX_LENGTH})
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise RuleError(
            _("校验规则写法不正确：只能用字段编码、数字、+ - * / 和比较符号")
        ) from error
    if not isinstance(tree.body, ast.Compare):
        raise RuleError(_("校验规则须是一个比较，如 downloads <= members"))
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise RuleError(_("校验规则过长，请拆成几条"))
    names: list[str] = []
    for node in nodes:
        _check_node(node, codes, names)
    return Rule(text=text.strip(), tree=tree, names=tuple(dict.fromkeys(names)))


def _check_node(node: ast.AST, codes, names: list[str]) -> None:
    if isinstance(node, ast.Expression | ast.Load | ast.Compare | ast.BinOp):
        return
    if type(node) in COMPARISONS or type(node) in ARITHMETIC:
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return
    if isinstance(node, ast.USub | ast.UAdd):
        return
    if isinstance(node, ast.Name):
        if node.id not in codes:
            raise RuleError(_("校验规则中的「%(name)s」不是本表的字段编码") % {"name": node.id})
        names.append(node.id)
        return
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    raise RuleError(_("校验规则只能用字段编码、数字、+ - * / 和比较符号"))


def _evaluate(node: ast.AST, numbers: dict[str, Decimal]):
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, numbers)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(right_node, numbers)
            if not COMPARISONS[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BinOp):
        return ARITHMETIC[type(node.op)](
            _evaluate(node.left, numbers), _evaluate(node.right, numbers)
        )
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, numbers)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Name):
        return numbers[node.id]
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    raise RuleError(_("校验规则只能用字段编码、数字、+ - * / 和比较符号"))  # pragma: no cover
