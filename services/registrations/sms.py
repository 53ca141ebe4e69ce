"""Text messages (短信) to readers who left only a phone number: an HTTP gateway, or files in the
SMS outbox folder when none is set (the embedded runtime, as e-mail has its ``.eml`` outbox).

Chinese SMS providers (阿里云、腾讯云 …) each sign their own API and need a registered signature
(签名) and approved templates (模板); an alliance usually puts a small relay of its own in front
of the provider it contracts.  So shuxiang speaks one plain protocol and leaves the provider to
the relay: ``POST SHUXIANG_SMS_URL`` with ``Authorization: Bearer SHUXIANG_SMS_TOKEN``, an
``Idempotency-Key`` header and the JSON body ``{"id": …, "to": "13800000000", "text": …}``;
any 2xx means accepted.

Both transports tell the sender what happened, as the e-mail transports do
(:mod:`shuxiang.services.digests.transport`): returned normally, the text was accepted;
:class:`NotSent` — not accepted (no connection, a timeout, a refusal, any non-2xx answer): the
sender keeps the message and tries again later, with growing pauses.  A timeout after the
request was written may have been accepted all the same: the text is tried again, carrying the
same ``id`` and ``Idempotency-Key``, so a relay that keeps the keys it saw sends it once.  A lost
reminder is worse than a second one.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from shuxiang.i18n import N_, gettext
from shuxiang.services.digests.transport import NotSent


class SmsTransport(Protocol):
    def send(self, phone: str, text: str, *, message_id: str) -> str:
        """Deliver one text; returns where it went; raises :class:`NotSent` when it certainly did not."""


_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


class SmsOutbox:
    """``<data dir>/sms-outbox/<message id>.json`` (the gateway's body), written atomically: what
    an operator forwards by hand, or a test reads.  The same message again replaces the file with
    identical content."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, message_id: str) -> Path:
        return self.directory / f"{_SAFE.sub('_', message_id)}.json"

    def send(self, phone: str, text: str, *, message_id: str) -> str:
        target = self.path(message_id)
        body = json.dumps({"id": message_id, "to": phone, "text": text}, ensure_ascii=False, indent=1)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".json.tmp")
            with temporary.open("w", encoding="utf-8") as handle:
                handle.write(body + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except OSError as exc:
            raise NotSent(f"cannot write {target}: {exc}") from exc
        return str(target)


@dataclass(frozen=True)
class SmsGateway:
    """The relay: one JSON POST per text (see the module's docstring)."""

    url: str
    token: str | None = None
    timeout: float = 10.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"SHUXIANG_SMS_URL: expected http(s)://host/path, not {self.url!r}")

    def send(self, phone: str, text: str, *, message_id: str) -> str:
        headers = {"Idempotency-Key": message_id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            answer = httpx.post(
                self.url,
                json={"id": message_id, "to": phone, "text": text},
                headers=headers,
                timeout=self.timeout,
                follow_redirects=False,
            )
        except httpx.HTTPError as exc:  # no connection, a timeout, a broken answer: tried again later
            raise NotSent(f"SMS gateway {self.url}: {exc!r}") from exc
        if not answer.is_success:
            raise NotSent(f"SMS gateway {self.url} answered {answer.status_code}: {answer.text[:200]!r}")
        return self.url


def sms_transport_for(sms_url: str | None, sms_token: str | None, outbox_dir: Path) -> SmsTransport:
    """The gateway when ``SHUXIANG_SMS_URL`` is set, else the SMS outbox folder."""
    if sms_url:
        return SmsGateway(sms_url, sms_token)
    return SmsOutbox(outbox_dir)


TEXTS = {
    "confirmed": N_('{name}: your place at "{title}", {when}, {where}. Code {code}. See or cancel: {link}'),
    "waitlisted": N_(
        '{name}: "{title}" ({when}) is full; you are on the waitlist and get a text if a place frees up. {link}'
    ),
    "promoted": N_('{name}: a place freed up for you at "{title}" ({when}). Code {code}. See or cancel: {link}'),
    "reminder": N_('{name}: "{title}" is tomorrow, {when}, {where}. Code {code}. Can\'t come? Cancel: {link}'),
    "moved": N_('{name}: the library changed "{title}": now {when}, {where}. Your sign-up goes with it. {link}'),
    "called_off": N_('{name}: "{title}" ({when}) will not take place: the library cancelled it. {link}'),
}
"""Short texts (a long SMS is billed per 67 characters; msgids, zh-CN in the catalog): zh-CN, English
for readers who signed up in English.  Only these kinds go by SMS; the 满意度 question stays on the reader's page (and in
e-mail), to keep texts to what the reader needs to come."""

TITLE_CHARS = 24


def sms_text(kind: str, lang: str, *, name: str, title: str, when: str, where: str, code: str, link: str) -> str:
    short = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"
    template = gettext(lang, TEXTS[kind])
    return template.format(name=name, title=short, when=when, where=where, code=code, link=link)
