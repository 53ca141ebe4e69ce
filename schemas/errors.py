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
    "greater_than_equal": N_("should be at least {ge}"),
    "less_than_equal": N_("should be at most {le}"),
    "enum": N_("should be one of: {expected}"),
    "datetime_from_date_parsing": N_("not a valid date and time"),
    "datetime_parsing": N_("not a valid date and time"),
    "datetime_type": N_("not a valid date and time"),
    "url_parsing": N_("not a valid web address"),
    "string_pattern_mismatch": N_("wrong format (only lower-case letters, digits, - and _)"),
    "bool_parsing": N_("should be true or false"),
}


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(" + both("the message") + ")"


def describe(exc: ValidationError) -> str:
    """``field: 中文说明 (English message)``, one problem per ``; ``.  Never echoes the input."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        where = _where(tuple(p for p in error["loc"] if not str(p).startswith("function-")))
        english = error["msg"].removeprefix("Value error, ")
        msgid = _MESSAGES.get(error["type"])
        if msgid:
            template = gettext("zh-CN", msgid)
            try:
                chinese = template.format(**(error.get("ctx") or {}))
            except (KeyError, IndexError):
                chinese = template
            problems.append(f"{where}: {chinese} ({english})")
        else:
            problems.append(f"{where}: {english}")
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
