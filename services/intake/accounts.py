"""Accounts: one login per member library and per coordinator.

Passwords are hashed with argon2id (argon2-cffi); API tokens are long random
secrets, so a SHA-256 of them is enough to store (looked up by hash, compared in
constant time).  Secrets are generated here and shown once by the CLI.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import ConfigDict
from sqlalchemy import Engine, insert, select, update

from shuxiang.alliance import Alliance
from shuxiang.i18n import both

from .tables import AccountFields, intake_account

LIBRARY = "library"
COORDINATOR = "coordinator"
TOKEN_PREFIX = "shx_"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password")


class AccountError(ValueError):
    """A request about accounts that cannot be done (unknown name, already there, …)."""


class Account(AccountFields):
    """An account as the web routes see it: its row without the secrets."""

    model_config = ConfigDict(frozen=True)  # type: ignore[assignment]  # SQLModel types it as its own TypedDict of the same keys

    session_epoch: int

    @property
    def is_library(self) -> bool:
        return self.kind == LIBRARY


@dataclass(frozen=True)
class Credentials:
    """What the CLI prints once: the password, and for a library the API token."""

    name: str
    kind: str
    password: str | None
    token: str | None


def new_password() -> str:
    return secrets.token_urlsafe(12)


def new_token(name: str) -> str:
    return f"{TOKEN_PREFIX}{name}_{secrets.token_urlsafe(32)}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def kind_of(alliance: Alliance, name: str, *, coordinator: bool = False) -> str:
    """Whether ``name`` is a member library or a coordinator of this alliance."""
    is_member = alliance.member(name) is not None
    is_coordinator = any(c.id == name for c in alliance.coordinators)
    if coordinator:
        if not is_coordinator:
            raise AccountError(both('"{name}" is not a coordinator of {alliance}', name=name, alliance=alliance.id))
        return COORDINATOR
    if is_member:
        return LIBRARY
    if is_coordinator:
        return COORDINATOR
    raise AccountError(both('"{name}" is neither a member library nor a coordinator', name=name))


class AccountStore:
    def __init__(self, engine: Engine, reader: Engine | None = None) -> None:
        self.engine = engine
        self.reader = reader or engine

    def get(self, name: str) -> Account | None:
        with self.reader.connect() as connection:
            row = connection.execute(select(intake_account).where(intake_account.c.name == name)).first()
        return Account(name=row.name, kind=row.kind, session_epoch=row.session_epoch) if row else None

    def all(self) -> list[Account]:
        with self.reader.connect() as connection:
            rows = connection.execute(select(intake_account).order_by(intake_account.c.name)).all()
        return [Account(name=r.name, kind=r.kind, session_epoch=r.session_epoch) for r in rows]

    def add(self, name: str, kind: str) -> Credentials:
        password = new_password()
        token = new_token(name)  # coordinators too: the review and brand APIs take bearer tokens
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            if connection.execute(select(intake_account.c.name).where(intake_account.c.name == name)).first():
                raise AccountError(
                    both('"{name}" already has an account: use `shuxiang accounts reset {name}`', name=name)
                )
            connection.execute(
                insert(intake_account).values(
                    name=name,
                    kind=kind,
                    password_hash=_hasher.hash(password),
                    token_hash=token_digest(token) if token else None,
                    session_epoch=0,
                    created_at=now,
                    updated_at=now,
                )
            )
        return Credentials(name, kind, password, token)

    def reset(self, name: str, *, password: bool = True, token: bool = False) -> Credentials:
        """New password (ends every session) and/or a new API token (the old one stops working)."""
        account = self.get(name)
        if account is None:
            raise AccountError(both('"{name}" has no account: use `shuxiang accounts add {name}`', name=name))
        values: dict = {"updated_at": datetime.now(UTC)}
        new_pw = new_password() if password else None
        new_tok = new_token(name) if token else None
        if new_pw:
            values["password_hash"] = _hasher.hash(new_pw)
            values["session_epoch"] = account.session_epoch + 1
        if new_tok:
            values["token_hash"] = token_digest(new_tok)
        with self.engine.begin() as connection:
            connection.execute(update(intake_account).where(intake_account.c.name == name).values(**values))
        return Credentials(name, account.kind, new_pw, new_tok)

    def end_sessions(self, name: str) -> None:
        """Log the account out everywhere: every session cookie signed before now stops working."""
        with self.engine.begin() as connection:
            connection.execute(
                update(intake_account)
                .where(intake_account.c.name == name)
                .values(session_epoch=intake_account.c.session_epoch + 1, updated_at=datetime.now(UTC))
            )

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account if the password is right (the same work is done for unknown names)."""
        with self.reader.connect() as connection:
            row = connection.execute(select(intake_account).where(intake_account.c.name == name)).first()
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return Account(name=row.name, kind=row.kind, session_epoch=row.session_epoch) if row else None

    def by_token(self, token: str) -> Account | None:
        """The account (a library or a coordinator) a bearer token belongs to."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        digest = token_digest(token)
        with self.reader.connect() as connection:
            row = connection.execute(select(intake_account).where(intake_account.c.token_hash == digest)).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        return Account(name=row.name, kind=row.kind, session_epoch=row.session_epoch)
