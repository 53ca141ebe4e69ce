"""Validation errors in words a librarian can act on: where, and what is wrong."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from shuxiang.i18n import N_, both, gettext

_MESSAGES = {
    # pydantic error type → what to say (msgid; its Chinese is in the catalog)
    "missing": N_("this field is missing"),
    "string_too_long": N_("too long (at most {max_length} characters)"),
    "string_too_short": N_("must not be empty"),
    "extra_forbidden": N_("unknown field"),
    "int_parsing": N_("should be a whole number"),
    "int_type": N_("should be a whole number"),
    "int_from_float": N_("should be a whole number"),
    "float_parsing": N_("should be a number"),
    "float_type": N_("should be a number"),
    "greater_than_equal": N_("should be at least {ge}"),
    "less_than_equal": N_("should be at most {le}"),
    "greater_than": N_("should be more than {gt}"),
    "less_than": N_("should be less than {lt}"),
    "enum": N_("should be one of: {expected}"),
    "literal_error": N_("should be one of: {expected}"),
    "datetime_from_date_parsing": N_("not a valid date and time"),
    "datetime_parsing": N_("not a valid date and time"),
    "datetime_type": N_("not a valid date and time"),
    "date_parsing": N_("not a valid date"),
    "date_from_datetime_parsing": N_("not a valid date"),
    "date_type": N_("not a valid date"),
    "url_parsing": N_("not a valid web address"),
    "url_scheme": N_("not a valid web address"),
    "url_type": N_("not a valid web address"),
    "url_too_long": N_("too long (at most {max_length} characters)"),
    "string_pattern_mismatch": N_("wrong format (only lower-case letters, digits, - and _)"),
    "string_type": N_("should be text"),
    "string_unicode": N_("should be text"),
    "bool_parsing": N_("should be true or false"),
    "bool_type": N_("should be true or false"),
    "list_type": N_("should be a list"),
    "too_long": N_("too many (at most {max_length})"),
    "too_short": N_("too few (at least {min_length})"),
    "dict_type": N_("should be an object"),
    "model_type": N_("should be an object"),
    "model_attributes_type": N_("should be an object"),
    "json_invalid": N_("not valid JSON"),
}
"""What a problem of each pydantic type is called; a type not named here is "not valid" with
pydantic's English, and a validator's own message (``ValueError(both(…))``) is said as raised."""

NOT_VALID = N_("not valid")


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(" + both("the message") + ")"


def _said(error) -> str:
    """One problem in both languages: ``中文 (English)``, or a validator's own ``中文 / English``."""
    english = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if error["type"] in ("value_error", "assertion_error"):
        return english  # the validators raise their words in both languages (``both``)
    return f"{said_in(error, 'zh-CN')} ({english})"


def said_in(error, lang: str) -> str:
    """One problem in one language (a page's): the catalog's words in Chinese, pydantic's in English;
    a validator's own ``中文 / English`` cut to its half."""
    english = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if error["type"] in ("value_error", "assertion_error"):
        chinese, _, en = english.partition(" / ")
        return (en or chinese) if lang == "en" else chinese
    if lang == "en":
        return english
    template = gettext("zh-CN", _MESSAGES.get(error["type"], NOT_VALID))
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def describe(exc: ValidationError) -> str:
    """``field: 中文说明 (English message)``, one problem per ``; ``.  Never echoes the input."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        where = _where(tuple(p for p in error["loc"] if not str(p).startswith("function-")))
        problems.append(f"{where}: {_said(error)}")
    return "; ".join(problems)


class InvalidPayload(ValueError):
    """A message body that is not valid JSON or not a valid model; ``str()`` says what and where."""


M = TypeVar("M", bound=BaseModel)


def parse_json_model(model: type[M], data: bytes | str, context: dict | None = None) -> M:
    """Parse and validate a JSON body, with an :class:`InvalidPayload` that names the problem."""
    try:
        return model.model_validate_json(data, context=context)  # the common case, parsed by pydantic-core in one pass
    except ValidationError:
        pass  # say precisely what is wrong, below
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidPayload(both("not valid JSON") + f": {exc}") from None
    except RecursionError:
        raise InvalidPayload(both("JSON nested too deeply")) from None
    if not isinstance(raw, dict):
        raise InvalidPayload(both("expected a JSON object, got {kind}", kind=type(raw).__name__))
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as exc:
        raise InvalidPayload(describe(exc)) from None
