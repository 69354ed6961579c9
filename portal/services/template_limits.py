"""How much a merchant's template may build: checks made before each growing operation."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import update_wrapper
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined
from jinja2.sandbox import SandboxedFormatter
from jinja2.utils import _PassArg
from markupsafe import EscapeFormatter

MAX_VALUE = 20_000  # characters one text (or the printout of one list) may have
MAX_WIDTH = 1_000  # widths, paddings, precisions and counts given to filters and formats
MAX_INT_BITS = 128  # numbers a multiplication may make
MAX_WORK = 250_000  # characters and items one render may build or read through
MAX_STEPS = 5_000  # loop turns, calls, operators and filters in one render
PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?")


class TemplateLimitError(SecurityError):
    """A template went past one of the limits; the message says which, in words."""


class Budget:
    """What one render has spent so far, refused once over MAX_WORK or MAX_STEPS."""

    def __init__(self) -> None:
        self.work = 0
        self.steps = 0

    def spend(self, amount: int) -> None:
        self.work += amount
        if self.work > MAX_WORK:
            raise TemplateLimitError(
                f"the template does too much work (builds or reads over {MAX_WORK:,} characters)"
            )

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateLimitError(
                f"the template loops or calls too often (over {MAX_STEPS:,} times)"
            )


_current: ContextVar[Budget] = ContextVar("template_budget")


@contextmanager
def fresh_budget() -> Iterator[Budget]:
    """One render's budget, for everything the sandbox does in this context."""
    token = _current.set(Budget())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def budget() -> Budget:
    """The running render's budget (outside a render: a budget for this one operation)."""
    try:
        return _current.get()
    except LookupError:
        return Budget()


def too_long() -> TemplateLimitError:
    return TemplateLimitError(
        f"the template builds a text or list longer than {MAX_VALUE:,} characters"
    )


def check_width(value: Any) -> None:
    """Refuse a width, padding, precision or count above MAX_WIDTH."""
    if isinstance(value, int) and value > MAX_WIDTH:
        raise TemplateLimitError(f"widths and counts above {MAX_WIDTH:,} aren't allowed")


def measure(value: Any) -> int:
    """About how many characters `value` prints as (a container's parts counted each time
    they appear); raises TemplateLimitError above MAX_VALUE. Reading a container costs work."""
    if isinstance(value, str):
        size = len(value)
    elif isinstance(value, int):
        size = value.bit_length() // 3 + 2
    else:
        size, read, pending = 0, 0, [value]
        while pending and size <= MAX_VALUE:
            item = pending.pop()
            read += 1
            if isinstance(item, str):
                size += len(item) + 2
            elif isinstance(item, Undefined):
                size += 24  # using it fails with its own error, later
            elif isinstance(item, Mapping):
                size += 2
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, Collection):  # lists, tuples, sets, mapping views
                texts = [len(part) for part in item if type(part) is str]  # the common case, fast
                size += 2 + sum(texts) + 2 * len(texts)
                read += len(texts)
                pending.extend(part for part in item if type(part) is not str)
            else:
                size += 24  # a number, None, or an object that prints its short name
        budget().spend(read)
    if size > MAX_VALUE:
        raise too_long()
    return size


def charged(result: Any) -> Any:
    """`result`, charged to the budget (growing operations were checked before they ran)."""
    if isinstance(result, str | list | tuple | Mapping):
        budget().spend(measure(result))
    return result


def materialised(values: Any) -> Any:
    """A lazily made sequence (map, select…) as a list, stopping past MAX_VALUE items."""
    if not isinstance(values, Iterator):
        return values
    items = []
    spending = budget()
    for item in values:
        items.append(item)
        spending.spend(1)
        if len(items) > MAX_VALUE:
            raise too_long()
    return items


def check_percent_format(template: str, values: Any) -> None:
    """`template % values` (also the format filter): small widths and a short result."""
    fields = PERCENT_FIELD.findall(template)
    if any(number == "*" for field in fields for number in field):
        raise TemplateLimitError("'*' widths aren't allowed")
    widths = [int(number) for field in fields for number in field if number]
    for width in widths:
        check_width(width)
    pieces = values if isinstance(values, tuple | Mapping) else (values,)
    if isinstance(pieces, Mapping):
        pieces = pieces.values()  # one value may fill many fields: count each field
    largest = max((measure(piece) for piece in pieces), default=0)
    if len(template) + len(fields) * max([largest, *widths]) > MAX_VALUE:
        raise too_long()


def check_replace(text: str, old: str, new: str, count: int | None = None) -> None:
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    if len(text) + found * (len(new) - len(old)) > MAX_VALUE:
        raise too_long()


def check_join(separator: str, values: Any) -> None:
    values = list(values)
    total = sum(measure(value) for value in values) + len(separator) * max(len(values) - 1, 0)
    if total > MAX_VALUE:
        raise too_long()


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse powers, and repetition, joining or multiplication past the limits."""
    if operator == "**":
        raise SecurityError("powers are not allowed in templates")
    sequences = [side for side in (left, right) if isinstance(side, str | list | tuple)]
    numbers = [side for side in (left, right) if isinstance(side, int)]
    if operator == "*" and sequences and numbers and len(sequences[0]) * numbers[0] > MAX_VALUE:
        raise too_long()
    bits = sum(number.bit_length() for number in numbers) if len(numbers) == 2 else 0
    if operator == "*" and bits > MAX_INT_BITS:
        raise TemplateLimitError("the template computes a number that is too large")
    if operator == "+" and len(sequences) == 2 and len(left) + len(right) > MAX_VALUE:
        raise too_long()
    if operator == "%" and isinstance(left, str):
        check_percent_format(left, right)


def _check_indent(s: Any, width: Any = 4, **_: Any) -> None:
    text = str(s)
    pad = len(width) if isinstance(width, str) else width
    check_width(pad)
    if isinstance(pad, int) and len(text) + (text.count("\n") + 1) * pad > MAX_VALUE:
        raise too_long()


def _check_wordwrap(s: Any, width: int = 79, wrapstring: str | None = None, **_: Any) -> None:
    text = str(s)
    breaks = len(text) // max(width, 1) + text.count("\n") + 1
    if len(text) + breaks * len(str(wrapstring or "\n")) > MAX_VALUE:
        raise too_long()


def _check_sum(start: Any = 0, **_: Any) -> None:
    if not isinstance(start, int | float):
        raise TemplateLimitError("sum adds numbers only")


# What each filter that can grow its input may be given, by Jinja's parameter names.
FILTER_CHECKS: dict[str, Callable[..., None]] = {
    "center": lambda width=80, **_: check_width(width),
    "indent": _check_indent,
    "wordwrap": _check_wordwrap,
    "format": lambda value, args=(), kwargs=None, **_: check_percent_format(
        str(value), kwargs or args
    ),
    "replace": lambda s, old, new, count=None, **_: check_replace(str(s), old, new, count),
    "join": lambda value, d="", **_: check_join(d, value),
    "batch": lambda linecount, **_: check_width(linecount),
    "slice": lambda slices, **_: check_width(slices),
    "round": lambda precision=0, **_: check_width(precision),
    "sum": _check_sum,
}
# The same for the methods of a text, given the text first.
STR_METHOD_CHECKS: dict[str, Callable[..., None]] = {
    "center": lambda text, width, *_: check_width(width),
    "ljust": lambda text, width, *_: check_width(width),
    "rjust": lambda text, width, *_: check_width(width),
    "zfill": lambda text, width: check_width(width),
    "replace": check_replace,
    "join": check_join,
}


def bounded_filter(name: str, function: Callable) -> Callable:
    """The filter, refusing inputs over the limits and charging its result to the budget."""
    signature = inspect.signature(function)
    passes_context = _PassArg.from_obj(function) is not None
    parameters = list(signature.parameters.values())
    if passes_context and parameters[0].name in ("context", "eval_ctx", "environment", "env"):
        signature = signature.replace(parameters=parameters[1:])
    check = FILTER_CHECKS.get(name)
    first = 1 if passes_context else 0

    def bounded(*args: Any, **kwargs: Any) -> Any:
        budget().step()
        args = (*args[:first], materialised(args[first]), *args[first + 1 :])
        for value in (*args[first:], *kwargs.values()):
            measure(value)
        if check:
            arguments = signature.bind(*args[first:], **kwargs)
            arguments.apply_defaults()
            check(**arguments.arguments)
        return charged(function(*args, **kwargs))

    return update_wrapper(bounded, function)


class BoundedFormatter(SandboxedFormatter):
    """str.format in the sandbox, with small widths and a result under MAX_VALUE."""

    def __init__(self, env: Any, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self.length = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        for number in re.findall(r"\d+", format_spec):
            check_width(int(number))
        measure(value)
        piece = super().format_field(value, format_spec)
        self.length += len(piece)
        if self.length > MAX_VALUE:
            raise too_long()
        return piece


class BoundedEscapeFormatter(BoundedFormatter, EscapeFormatter):
    """BoundedFormatter for Markup texts, escaping what it inserts."""
