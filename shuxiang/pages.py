"""Server-rendered pages: one Jinja2 environment, a shared layout, zh-CN first.

A service renders its pages with ``render(request, "brands/index.html", ...)``;
templates live in the service package (``services/<name>/templates/<name>/``)
and extend ``base.html`` (``shuxiang/templates/``).  The language is zh-CN
unless the request asks for English (``?lang=en``, or the ``lang`` cookie).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from shuxiang import i18n

LANGUAGES = ("zh-CN", "en")
SERVICES = Path(import_module("shuxiang.services").__file__ or "").parent
"""Where the service packages are, in a checkout (``services/``) and in an installed wheel alike."""


def language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get("lang") or ""
    return "en" if asked.lower().startswith("en") else "zh-CN"


def t(lang: str, zh: str, en: str) -> str:
    """The text in the page's language: ``{{ t(lang, "订阅", "Subscribe") }}``."""
    return en if lang == "en" else zh


@cache
def environment() -> Environment:
    service_templates = sorted(str(p) for p in SERVICES.glob("*/templates") if p.is_dir())
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader([str(Path(__file__).parent / "templates"), *service_templates])]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = t
    return i18n.install(env)


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    lang = language(request)
    html = environment().get_template(template).render(request=request, lang=lang, **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang"):
        response.set_cookie("lang", lang, samesite="lax", httponly=True)
    return response
