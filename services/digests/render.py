"""Rendering a digest: Jinja2 templates (HTML autoescaped, plain text) into one MIME message."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shuxiang import i18n
from shuxiang.i18n import gettext, pgettext

from .content import Digest

TEMPLATES = Path(__file__).parent / "templates"
PREVIEW_PERIOD = "preview"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return i18n.install(env)


def _local(moment: datetime, tz) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def title(digest: Digest, tz) -> str:
    """ "周报 2026-W48", "Daily digest 2026-11-23", "即时摘要 2026-11-22 14:09" …"""
    lang = digest.language
    if digest.period == PREVIEW_PERIOD:
        return gettext(lang, "Digest preview")
    if digest.period.startswith("manual-"):
        return pgettext(lang, "a digest sent on demand", "Digest") + " " + _local(digest.until, tz)
    if digest.coordinator.schedule.every == "week":
        kind = gettext(lang, "Weekly digest")
    else:
        kind = gettext(lang, "Daily digest")
    return f"{kind} {digest.period}"


def subject(digest: Digest, tz) -> str:
    attention = digest.attention
    flag = gettext(digest.language, " ({attention} to look at)").format(attention=attention) if attention else ""
    return f"{digest.alliance_name} · {title(digest, tz)}{flag}"


def _variables(digest: Digest, tz) -> dict:
    return {
        "d": digest,
        "lang": digest.language,
        "subject": subject(digest, tz),
        "title": title(digest, tz),
        "since": _local(digest.since, tz),
        "until": _local(digest.until, tz),
    }


def render_html(digest: Digest, tz) -> str:
    return environment().get_template("digests/digest.html").render(**_variables(digest, tz))


def render_text(digest: Digest, tz) -> str:
    return environment().get_template("digests/digest.txt").render(**_variables(digest, tz))


def message_id(alliance_id: str, coordinator_id: str, period: str) -> str:
    """Stable per coordinator and period: a resend (never automatic) is recognisable as the same mail."""
    return f"<digest.{coordinator_id}.{period}@{alliance_id}.shuxiang.invalid>"


def compose(digest: Digest, *, tz, sender: str, msg_id: str, dated: datetime | None = None) -> EmailMessage:
    """multipart/alternative: the plain-text part first, the HTML part preferred; UTF-8 throughout.

    Dated when it was written (``dated``), never before its period ended: a digest caught up on
    Monday for the Friday that passed while shuxiang was down is Monday's mail — dated Friday, a
    mail client filed it three days back, under mail that came before it."""
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = subject(digest, tz)
    message["From"] = sender
    message["To"] = formataddr((digest.coordinator.name, digest.coordinator.email))
    message["Date"] = format_datetime(max(digest.until, dated or digest.until).astimezone(tz))
    message["Message-ID"] = msg_id
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = digest.language
    message["X-Shuxiang-Digest"] = f"{digest.coordinator.id}; {digest.period}"
    message.set_content(render_text(digest, tz), subtype="plain", charset="utf-8", cte="base64")
    message.add_alternative(render_html(digest, tz), subtype="html", charset="utf-8", cte="base64")
    return message
