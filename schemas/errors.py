"""Validation errors in words a librarian can act on: where, and what is wrong."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

_MESSAGES_ZH = {
    "missing": "缺少此项",
    "string_too_long": "太长（最多 {max_length} 个字符）",
    "string_too_short": "不能为空",
    "extra_forbidden": "不认识的字段",
    "int_parsing": "应为整数",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "enum": "应为以下之一：{expected}",
    "datetime_from_date_parsing": "不是有效的日期时间",
    "datetime_parsing": "不是有效的日期时间",
    "datetime_type": "不是有效的日期时间",
    "url_parsing": "不是有效的网址",
    "string_pattern_mismatch": "格式不对（只能用小写字母、数字、- 和 _）",
    "bool_parsing": "应为 true 或 false",
}


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(消息本身 / the message)"


def describe(exc: ValidationError) -> str:
    """``field: 中文说明 (English message)``, one problem per ``; ``.  Never echoes the input."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        where = _where(tuple(p for p in error["loc"] if not str(p).startswith("function-")))
        english = error["msg"].removeprefix("Value error, ")
        template = _MESSAGES_ZH.get(error["type"])
        if template:
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
        raise InvalidPayload(f"不是有效的 JSON / not valid JSON: {exc}") from None
    except RecursionError:
        raise InvalidPayload("JSON 嵌套太深 / JSON nested too deeply") from None
    if not isinstance(raw, dict):
        raise InvalidPayload(f"应为 JSON 对象 / expected a JSON object, got {type(raw).__name__}")
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as exc:
        raise InvalidPayload(describe(exc)) from None
