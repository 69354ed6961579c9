"""The Jinja sandbox for merchants' own texts: no escapes, and a small bound on work and memory."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import update_wrapper
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.exceptions import SecurityError
from jinja2.runtime import BlockReference, LoopContext, Macro, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from portal.services.template_limits import (
    MAX_VALUE,
    STR_METHOD_CHECKS,
    BoundedEscapeFormatter,
    BoundedFormatter,
    bounded_filter,
    budget,
    charged,
    check_binop,
    fresh_budget,
    materialised,
    measure,
    too_long,
)

# Deny by default: only these filters and methods exist for a merchant's template.
# fmt: off
FILTERS = (
    "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e",
    "escape", "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent",
    "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject",
    "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "slice", "sort",
    "string", "striptags", "sum", "title", "trim", "truncate", "unique", "upper", "urlencode",
    "urlize", "wordcount", "wordwrap", "xmlattr",
)
STR_METHODS = frozenset({
    "capitalize", "casefold", "center", "count", "endswith", "find", "format", "format_map",
    "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "islower", "isnumeric",
    "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition",
    "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition",
    "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
    "upper", "zfill",
})
# fmt: on
MAPPING_METHODS = frozenset({"get", "keys", "values", "items"})
SEQUENCE_METHODS = frozenset({"count", "index"})
HELPERS = ("counted_loop", "joined")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """No globals, no private attributes, no undefined names; every operation that can make
    a text or list grow is checked before it runs, and one render's work is bounded."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False)
        self.globals.clear()
        self.filters = {name: bounded_filter(name, DEFAULT_FILTERS[name]) for name in FILTERS}
        self.finalize = self.printable
        self.concat = self.bounded_concat

    def call_binop(self, context, operator, left, right):
        """Arithmetic, joining and repetition within the limits; powers are refused."""
        budget().step()
        check_binop(operator, left, right)
        return charged(super().call_binop(context, operator, left, right))

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Data before methods: `order.items` is the order's items, not dict.items."""
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format / format_map through BoundedFormatter (small widths, short results)."""
        name = getattr(value, "__name__", None)
        text = getattr(value, "__self__", None)
        if name not in ("format", "format_map") or not isinstance(text, str):
            return None
        if isinstance(text, Markup):
            formatter = BoundedEscapeFormatter(self, escape=text.escape)
        else:
            formatter = BoundedFormatter(self)

        def bounded_format(*args: Any, **kwargs: Any) -> str:
            if name == "format_map":
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one mapping")
                args, kwargs = (), args[0]
            return type(text)(formatter.vformat(text, args, kwargs))

        bounded_format.bounded_format = True
        return update_wrapper(bounded_format, value)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        """Call only what a template needs (see may_call), growing methods checked first."""
        budget().step()
        if isinstance(__obj, Undefined):
            return __obj()  # fails with the undefined name's own message
        if isinstance(__obj, LoopContext):  # a recursive loop's next level
            args = (__self.counted_loop(args[0]), *args[1:])
        elif not __self.may_call(__obj):
            name = getattr(__obj, "__name__", type(__obj).__name__)
            raise SecurityError(f"{name} can't be used in templates")
        arguments = [*args, *(value for key, value in kwargs.items() if key[0] != "_")]
        for value in arguments:
            measure(value)
        method = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str) and method in STR_METHOD_CHECKS:
            args = tuple(materialised(arg) for arg in args)
            STR_METHOD_CHECKS[method](__obj.__self__, *args, **kwargs)
        return charged(__context.call(__obj, *args, **kwargs))

    def may_call(self, function: Any) -> bool:
        """Macros, caller(), blocks, loop.cycle/changed, this sandbox's helpers, and the
        listed methods of texts, mappings, lists and tuples; nothing else."""
        if isinstance(function, Macro | BlockReference):
            return True
        if getattr(function, "bounded_format", False):
            return True
        owner = getattr(function, "__self__", None)
        name = getattr(function, "__name__", "")
        if owner is self:
            return name in HELPERS
        if isinstance(owner, LoopContext):
            return name in ("cycle", "changed")
        if not isinstance(function, types.BuiltinMethodType):
            return False
        if isinstance(owner, str):
            return name in STR_METHODS
        if isinstance(owner, Mapping):
            return name in MAPPING_METHODS
        return isinstance(owner, list | tuple) and name in SEQUENCE_METHODS

    def counted_loop(self, values: Iterable) -> Iterator:
        """A for loop's values, each turn counted as a step."""
        spending = budget()
        for value in values:
            spending.step()
            yield value

    def joined(self, parts: tuple) -> str:
        """The `~` operator: the parts as text, refused before it grows past MAX_VALUE."""
        if sum(measure(part) for part in parts) > MAX_VALUE:
            raise too_long()
        return charged("".join(str(part) for part in parts))

    def printable(self, value: Any) -> Any:
        """What `{{ value }}` prints: nothing for None, and nothing over MAX_VALUE."""
        measure(value)
        return "" if value is None else value

    def bounded_concat(self, pieces: Iterable[str]) -> str:
        """A template's (or block's, or macro's) output, stopped as it passes MAX_VALUE."""
        kept, length = [], 0
        for piece in pieces:
            length += len(piece)
            if length > MAX_VALUE:
                raise too_long()
            kept.append(piece)
        return charged("".join(kept))


class _Bounding(NodeTransformer):
    """Routes for loops and `~` through the sandbox's counting helpers."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        self.generic_visit(node)
        node.iter = _helper_call("counted_loop", node.iter, node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        self.generic_visit(node)
        parts = nodes.Tuple(node.nodes, "load", lineno=node.lineno)
        return _helper_call("joined", parts, node.lineno)


def _helper_call(name: str, argument: nodes.Expr, lineno: int) -> nodes.Call:
    helper = nodes.EnvironmentAttribute(name, lineno=lineno)
    return nodes.Call(helper, [argument], [], None, None, lineno=lineno)


_sandbox = BoundedSandbox()


def render_text(source: str, namespace: dict[str, Any]) -> str:
    """A merchant's template rendered with `namespace`, within the limits of template_limits.

    Raises TemplateLimitError past a limit, SecurityError for what the sandbox forbids, and
    Jinja's own errors for a broken template.
    """
    with fresh_budget():  # compiling folds constants, so it spends from the same budget
        tree = _Bounding().visit(_sandbox.parse(source))
        return _sandbox.from_string(tree).render(namespace)


class TemplateRecord(dict):
    """A mapping templates read as `order.items` or `order['items']`; prints as its label."""

    def __str__(self) -> str:
        if self.get("tracking_number"):
            carrier = self.get("carrier_name")
            return f"{carrier} {self['tracking_number']}" if carrier else self["tracking_number"]
        if self.get("name") and "quantity" in self:
            quantity = self["quantity"]
            return self["name"] if quantity in (None, 1) else f"{quantity} x {self['name']}"
        for key in ("number", "name", "first_name"):
            if self.get(key):
                return str(self[key])
        return ""


class TemplateList(list):
    """A list templates print as its items' labels, comma-separated."""

    def __str__(self) -> str:
        return ", ".join(str(item) for item in self)


def template_data(value: Any) -> Any:
    """Plain context data as templates see it: mappings and lists that print usefully."""
    if isinstance(value, Mapping):
        return TemplateRecord({key: template_data(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return TemplateList(template_data(item) for item in value)
    return value
