"""Server-rendered pages: one Jinja2 environment, a shared layout, zh-CN first.

A service renders its pages with ``render(request, "brands/index.html", ...)``;
templates live in the service package (``services/<name>/templates/<name>/``)
and extend ``base.html`` (``shuxiang/templates/``).  The language is zh-CN
unless the request asks for English (``?lang=en``, or the ``lang`` cookie); templates say
``{{ _("Subscribe") }}`` and the catalogs (``shuxiang/locale``, :mod:`shuxiang.i18n`) hold the words.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from shuxiang import i18n
from shuxiang.calendars import EventLabels

LANGUAGES = ("zh-CN", "en")
SERVICES = Path(import_module("shuxiang.services").__file__ or "").parent
"""Where the service packages are, in a checkout (``services/``) and in an installed wheel alike."""


def language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get("lang") or ""
    return "en" if asked.lower().startswith("en") else "zh-CN"


@pass_context
def role_name(context: Context, role: str) -> str:
    """A library's role in an activity (主办 / Host …), as the calendar feeds name it."""
    labels = EventLabels(language="en" if context.get("lang") == "en" else "zh-CN")
    return labels.words.roles.get(role, role)


@pass_context
def in_language(context: Context, code: str) -> str:
    """This page in another language: its path and query with only ``lang`` changed (the
    switch's bare ``?lang=en`` lost the reader's view, month, filters and search)."""
    request = context.get("request")
    if not isinstance(request, Request):
        return "?" + urlencode({"lang": code})
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + "?" + urlencode([*params, ("lang", code)])


@cache
def environment() -> Environment:
    service_templates = sorted(str(p) for p in SERVICES.glob("*/templates") if p.is_dir())
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader([str(Path(__file__).parent / "templates"), *service_templates])]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["role_name"] = role_name
    env.globals["in_language"] = in_language
    return i18n.install(env)


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """``template`` in the request's language; ``alliance_name`` is the alliance's name in it (its
    ``name_en`` on an English page — the title bar and the header said the Chinese name there)."""
    lang = language(request)
    served = getattr(request.app.state, "context", None)
    if served is not None:
        context["alliance_name"] = served.alliance.name_in(lang)
    html = environment().get_template(template).render(request=request, lang=lang, **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang"):
        response.set_cookie("lang", lang, samesite="lax", httponly=True)
    return response


def problem_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """A request a page cannot answer (a bad query parameter), as a page in the reader's language
    with what is wrong — not FastAPI's JSON 422, which a browser shows as a line of code."""
    return render(request, "problem.html", status_code=status_code, message=message)
