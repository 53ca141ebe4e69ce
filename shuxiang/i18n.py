"""Words in catalogs: the zh_CN and en gettext catalogs of pages, mail and CLI messages.

The msgid is the English source text; ``shuxiang/locale/<locale>/LC_MESSAGES/messages.po``
holds the translations and the ``.mo`` next to it is what runs (compiled from the ``.po``
by ``scripts/i18n.py compile`` and committed, so a wheel installed with no extras has them;
``tests/unit/test_translations.py`` fails when a ``.mo`` is older than its ``.po``).

Python code asks ``gettext(lang, "Subscribe")`` (``pgettext(lang, context, msgid)`` where one
English text needs two Chinese ones); templates call ``_("Subscribe")`` /
``_p(context, msgid)``, bound to the page's ``lang`` at render time by :func:`install`.
The language is zh-CN unless it is English (``"en"``, ``"en-US"`` …), as everywhere else.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

LOCALES = Path(__file__).parent / "locale"
DOMAIN = "messages"
CATALOG_LOCALES = ("zh_CN", "en")
"""Every catalog shipped: each must translate every message (tests/unit/test_translations.py)."""


def locale_of(lang: str | None) -> str:
    """The catalog of a page / mail / CLI language: English when asked, zh_CN otherwise."""
    return "en" if (lang or "").lower().startswith("en") else "zh_CN"


@cache
def translations(locale: str) -> NullTranslations:
    found = Translations.load(str(LOCALES), [locale], DOMAIN)
    if not isinstance(found, Translations):  # a missing catalog would silently show English msgids
        raise RuntimeError(f"no {DOMAIN}.mo for {locale} under {LOCALES}")
    return found


def gettext(lang: str | None, msgid: str) -> str:
    """``msgid`` (English source text) in ``lang``: ``gettext("zh-CN", "Subscribe")`` → 订阅."""
    return translations(locale_of(lang)).gettext(msgid)


def pgettext(lang: str | None, context: str, msgid: str) -> str:
    """As :func:`gettext`, for an English text that reads differently in Chinese by context."""
    return str(translations(locale_of(lang)).pgettext(context, msgid))


def ngettext(lang: str | None, singular: str, plural: str, n: int) -> str:
    return translations(locale_of(lang)).ngettext(singular, plural, n)


def in_both(msgid: str, **fields: object) -> tuple[str, str]:
    """``(中文, English)`` of a message that is said in both languages: an API error's
    ``"zh / en"`` detail that a page also shows in its own language (``Problem(404, *in_both(…))``)."""
    zh, en = gettext("zh-CN", msgid), gettext("en", msgid)
    if fields:
        zh, en = zh.format(**fields), en.format(**fields)
    return zh, en


def in_both_p(context: str, msgid: str, **fields: object) -> tuple[str, str]:
    """As :func:`in_both`, for an English text that reads differently in Chinese by context."""
    zh, en = pgettext("zh-CN", context, msgid), pgettext("en", context, msgid)
    if fields:
        zh, en = zh.format(**fields), en.format(**fields)
    return zh, en


def both(msgid: str, sep: str = " / ", **fields: object) -> str:
    """A CLI message in both languages, ``中文 / English``: a terminal has no page language, and
    the alliance's operators read either (``both("no data in {path}", path=p)``; table cells
    say ``both("met", sep=" ")`` → ``已达标 met``)."""
    return sep.join(in_both(msgid, **fields))


def N_(msgid: str) -> str:  # noqa: N802 — the gettext convention
    """Marks a msgid for extraction where it is defined (tables); translated where it is shown."""
    return msgid


def _lang(context: Context) -> str | None:
    return context.get("lang")


@pass_context
def _template_gettext(context: Context, msgid: str) -> str:
    return gettext(_lang(context), msgid)


@pass_context
def _template_pgettext(context: Context, ctx: str, msgid: str) -> str:
    return pgettext(_lang(context), ctx, msgid)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return ngettext(_lang(context), singular, plural, n)


@pass_context
def _aside(context: Context, text: object) -> object:
    """``{{ x|aside }}`` / ``{% filter aside %}…{% endfilter %}``: a parenthesis in the page's
    script — （x） in Chinese, " (x)" in English (the English pages showed "participants（this year 342）")."""
    opening, closing = (" (", ")") if locale_of(_lang(context)) == "en" else ("（", "）")
    if isinstance(text, Markup):
        return Markup(opening) + text + Markup(closing)
    return f"{opening}{text}{closing}"


def install(env: Environment) -> Environment:
    """Templates of ``env`` say ``{{ _("Subscribe") }}`` in the render's ``lang`` (zh-CN unless "en").

    ``jinja2.ext.i18n`` with old-style gettext: ``_()`` returns the plain translation, escaped on
    output like any other value, and ``{% trans %}`` blocks work too.
    """
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=False
    )
    env.globals["_p"] = _template_pgettext
    env.globals["_n"] = _template_ngettext
    env.filters["aside"] = _aside
    return env


def template_functions() -> dict[str, Any]:
    """The names templates translate with (the extraction keywords of babel.cfg's Jinja part)."""
    return {"_": _template_gettext, "_p": _template_pgettext, "_n": _template_ngettext}
