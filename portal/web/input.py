"""Request input no database can take is refused up front: deep JSON, NUL, huge integers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import UnprocessableEntity
from werkzeug.routing import IntegerConverter

# Our bodies are four levels deep at most; the C decoder would recurse until RecursionError.
MAX_JSON_DEPTH = 32
# INTEGER columns hold 32 bits on PostgreSQL; SQLite's are wider but hold the same range here.
DB_INT_MAX = 2**31 - 1
DB_INT_MIN = -(2**31)
# PostgreSQL refuses NUL in text; no database encodes a lone UTF-16 surrogate as UTF-8.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "contains a character that can't be stored (a NUL byte or a lone surrogate)"
# A string (possibly unterminated: the decoder fails there anyway) or a bracket. Possessive
# quantifiers keep the scan linear whatever the quotes and backslashes.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.DOTALL)


class TooDeep(ValueError):
    """The JSON nests deeper than MAX_JSON_DEPTH."""


def _json_text(data: str | bytes | bytearray) -> str:
    if isinstance(data, str):
        return data
    return bytes(data).decode(json.detect_encoding(data), "surrogatepass")


def check_json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise TooDeep when arrays and objects nest more than `limit` levels, without parsing."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > limit:
                raise TooDeep(f"JSON nested more than {limit} levels deep")
        elif bracket in ("]", "}"):
            depth -= 1


def load_json(data: str | bytes | bytearray) -> Any:
    """json.loads with nesting bounded first; raises ValueError (TooDeep) for bad input."""
    text = _json_text(data)
    check_json_depth(text)
    return json.loads(text)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON with a depth bound, so every request.get_json() is covered."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        check_json_depth(_json_text(s))
        return super().loads(s, **kwargs)


def json_error_message(error: ValueError) -> str:
    """What to tell a client whose JSON body was refused."""
    if isinstance(error, TooDeep):
        return f"The body is nested too deeply (more than {MAX_JSON_DEPTH} levels)."
    return "The request body must be valid JSON."


def unstorable_fields(value: Any, path: str = "") -> dict[str, str]:
    """{dotted path: message} for every string (or key) in decoded JSON that can't be stored."""
    found: dict[str, str] = {}
    pending: list[tuple[str, Any]] = [(path, value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                found[where or "body"] = UNSTORABLE_MESSAGE
        elif isinstance(item, Mapping):
            for key, child in item.items():
                child_path = f"{where}.{key}" if where else str(key)
                pending.append((child_path, key))
                pending.append((child_path, child))
        elif isinstance(item, list):
            pending.extend((f"{where}.{n}" if where else str(n), c) for n, c in enumerate(item))
    return dict(sorted(found.items()))


def _unstorable_pairs(pairs: Iterable[tuple[str, Any]]) -> dict[str, str]:
    return {
        name: UNSTORABLE_MESSAGE
        for name, value in pairs
        if isinstance(value, str) and (UNSTORABLE.search(value) or UNSTORABLE.search(name))
    }


class UnstorableInput(UnprocessableEntity):
    """A path, query or form value holds text no database stores; `fields` names them."""

    def __init__(self, fields: dict[str, str]) -> None:
        names = ", ".join(name.replace("\x00", "\\0") for name in fields)
        super().__init__(f"{names}: {UNSTORABLE_MESSAGE}.")
        self.fields = fields


class GuardedForm:
    """A request class mixin: refuses form fields no database can store when the form is
    first read (so after a view has set its own upload limit), wherever that happens."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        fields = _unstorable_pairs(self.form.items(multi=True))
        if fields:
            raise UnstorableInput(fields)


def db_int(text: str) -> int:
    """An integer query argument that fits an INTEGER column (`type=db_int`: else the default)."""
    number = int(text)
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError(f"{text} is out of range")
    return number


class DbIntConverter(IntegerConverter):
    """`<int:id>` that never matches a number no INTEGER column holds (a 404, not a 500)."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002  (werkzeug's name)
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def refuse_unstorable_path_and_query() -> None:
    """Before any view (and any query): path parameters, query arguments and the host."""
    pairs = [*(request.view_args or {}).items(), *request.args.items(multi=True)]
    fields = _unstorable_pairs([*pairs, ("Host", request.host)])
    if fields:
        raise UnstorableInput(fields)


def init_input_guards(app: Flask) -> None:
    """Bounded JSON for every get_json(), guarded forms, bounded `<int:…>`, path checks."""
    from portal.web.errors import json_error, wants_json

    app.json = BoundedJSONProvider(app)
    app.request_class = type("GuardedRequest", (GuardedForm, app.request_class), {})
    app.url_map.converters["int"] = DbIntConverter
    app.before_request(refuse_unstorable_path_and_query)

    @app.errorhandler(UnstorableInput)
    def unstorable(error: UnstorableInput):
        if wants_json():
            return json_error(422, "invalid", "Some fields are invalid.", error.fields)
        return render_template("errors/error.html", status=422, message=error.description), 422
