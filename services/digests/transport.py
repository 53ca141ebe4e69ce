"""Getting a rendered digest to its reader: SMTP, or .eml files in the outbox folder.

Both transports tell the sender which of three things happened, because the
at-most-once record depends on it:

* the message was accepted (SMTP 250 after the data, or the file is in place);
* :class:`NotSent` — it certainly was not (no connection, refused before or at the
  end of the data, TLS or login failure): safe to retry;
* :class:`MaybeSent` — the connection broke after the whole message and its final
  ``.`` were written but before the server's reply: the server may have accepted it.
  Such a digest is never retried automatically.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


class NotSent(Exception):
    """The message certainly did not reach the server's queue: retry later."""


class MaybeSent(Exception):
    """The server may have accepted the message: do not send it again."""


class Transport(Protocol):
    def send(self, sender: str, recipient: str, eml: bytes, *, coordinator_id: str, period: str) -> str:
        """Deliver; returns a short description of where it went."""


_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpConfig:
    """``smtp://user:pass@host:587?starttls=1`` or ``smtps://user:pass@host:465``; ``timeout=`` in seconds."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    implicit_tls: bool = False
    timeout: float = 30.0
    verify: bool = True

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError(f"SHUXIANG_SMTP_URL: scheme must be smtp:// or smtps://, not {parts.scheme or 'none'!r}")
        if not parts.hostname:
            raise ValueError("SHUXIANG_SMTP_URL: no host (expected smtp://[user:password@]host[:port][?starttls=1])")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"starttls", "timeout", "verify"}
        if unknown:
            raise ValueError(
                f"SHUXIANG_SMTP_URL: unknown option(s) {', '.join(sorted(unknown))} (known: starttls, timeout, verify)"
            )
        implicit = parts.scheme == "smtps"
        try:
            port = parts.port or (465 if implicit else 25)
            timeout = float(query.get("timeout", 30))
        except ValueError as exc:
            raise ValueError(f"SHUXIANG_SMTP_URL: {exc}") from None
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=query.get("starttls", "0").lower() in _TRUE,
            implicit_tls=implicit,
            timeout=timeout,
            verify=query.get("verify", "1").lower() in _TRUE,
        )

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


_LEADING_DOT = re.compile(rb"(?m)^\.")


class SmtpTransport:
    """smtplib, with the data phase written out so that the one ambiguous moment is known."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def send(self, sender: str, recipient: str, eml: bytes, *, coordinator_id: str, period: str) -> str:
        config = self.config
        try:
            if config.implicit_tls:
                smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=config.tls_context())
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise NotSent(f"cannot connect to {config.host}:{config.port}: {exc!r}") from exc
        try:
            self._deliver(smtp, sender, recipient, eml)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
        return f"smtp://{config.host}:{config.port}"

    def _deliver(self, smtp: smtplib.SMTP, sender: str, recipient: str, eml: bytes) -> None:
        config = self.config
        try:
            smtp.ehlo()
            if config.starttls:
                smtp.starttls(context=config.tls_context())
                smtp.ehlo()
            if config.username:
                smtp.login(config.username, config.password or "")
            code, reply = smtp.mail(sender)  # the parts are base64: 7-bit clean, no extension needed
            if code != 250:
                raise NotSent(f"MAIL FROM refused: {code} {reply!r}")
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                raise NotSent(f"RCPT TO {recipient} refused: {code} {reply!r}")
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code != 354:
                raise NotSent(f"DATA refused: {code} {reply!r}")
            body = _LEADING_DOT.sub(b"..", eml)
            if not body.endswith(b"\r\n"):
                body += b"\r\n"
            smtp.send(body + b".\r\n")
        except NotSent:
            raise
        except (OSError, smtplib.SMTPException) as exc:
            raise NotSent(f"{exc!r}") from exc
        # The whole message and its terminator are written: from here on the server may have it.
        try:
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            raise MaybeSent(f"connection lost waiting for the server's reply to the message: {exc!r}") from exc
        if code != 250:
            raise NotSent(f"message refused: {code} {reply!r}")


class OutboxFolder:
    """The embedded runtime's mail: ``<outbox>/<coordinator>/<period>.eml``, written atomically.

    Writing the same period again replaces the file with identical bytes: nothing is sent twice.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, coordinator_id: str, period: str) -> Path:
        return self.directory / coordinator_id / f"{period}.eml"

    def send(self, sender: str, recipient: str, eml: bytes, *, coordinator_id: str, period: str) -> str:
        target = self.path(coordinator_id, period)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(".eml.tmp")
            with temporary.open("wb") as handle:
                handle.write(eml)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except OSError as exc:
            raise NotSent(f"cannot write {target}: {exc}") from exc
        return str(target)


def transport_for(smtp_url: str | None, outbox_dir: Path) -> Transport:
    """SMTP when ``SHUXIANG_SMTP_URL`` is set, else the outbox folder."""
    if smtp_url:
        return SmtpTransport(SmtpConfig.from_url(smtp_url))
    return OutboxFolder(outbox_dir)
