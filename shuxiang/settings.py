"""Runtime settings, from the command line and the environment (``SHUXIANG_*``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Embedded defaults: no URLs set means an embedded nats-server, SQLite files
    under the data dir and an email outbox folder.  The distributed runtime sets
    ``SHUXIANG_NATS_URL``, ``SHUXIANG_DATABASE_URL`` and ``SHUXIANG_SMTP_URL``."""

    model_config = SettingsConfigDict(env_prefix="SHUXIANG_", extra="ignore")

    data_dir: Path = Path("shuxiang-data")
    config: Path | None = None
    """The alliance configuration (TOML).  None: the one saved in the data dir, else the demo."""
    nats_url: str | None = None
    database_url: str | None = None
    smtp_url: str | None = None
    """``smtp://user:password@host:587?starttls=1`` or ``smtps://…:465``; None: .eml files in the outbox folder."""
    sms_url: str | None = None
    """``SHUXIANG_SMS_URL``: the SMS relay readers' texts are POSTed to (services/registrations/sms.py);
    None: ``.json`` files in the SMS outbox folder."""
    sms_token: str | None = None
    """``SHUXIANG_SMS_TOKEN``: sent as ``Authorization: Bearer …`` to the SMS relay."""
    mail_from: str | None = None
    """The digests' From address (``SHUXIANG_MAIL_FROM``); None: the alliance's name at a placeholder address."""
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str | None = None
    trusted_proxies: str | None = None
    """``SHUXIANG_TRUSTED_PROXIES``: addresses of the reverse proxies whose X-Forwarded-For is believed
    (comma-separated, as uvicorn's ``forwarded_allow_ips``); None: the peer's own address counts."""
    stream_replicas: int | None = None
    """``SHUXIANG_STREAM_REPLICAS``: copies of each stream (and of the posters' bucket); None: three on
    a clustered broker, one on a single server (events/streams.py ``default_replicas``)."""
    start_timeout: float = 300.0
    """``SHUXIANG_START_TIMEOUT``: seconds a starting service waits for its broker and streams."""
    log_format: Literal["text", "json"] = "text"
    """``SHUXIANG_LOG_FORMAT=json``: one JSON object per log line, for a log collector."""

    @property
    def embedded(self) -> bool:
        return self.nats_url is None

    @property
    def public_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def sms_outbox_dir(self) -> Path:
        return self.data_dir / "sms-outbox"
