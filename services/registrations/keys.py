"""Crypto-shredding of readers' personal data in the broker log (个人信息保护法 第四十七条).

SUBMISSIONS is the source of truth and is never rewritten, so erasing a reader's name and contact
from the tables alone leaves them in the sign-up message, and ``shuxiang replay`` would bring them
back.  Instead, the web front seals the personal fields of each sign-up (name, phone, e-mail; and
a rating's comment) with a data key of that registration alone — AES-256-GCM from the
``cryptography`` package, a 96-bit random nonce, the activity and key id as associated data — and
stores the key here *before* it publishes.  The consumer (any replica, any time later, a replay)
opens the fields with the key.  Erasure deletes the key: the message stays in the log, its figures
(session, state, check-in code, the keyed hash of the person) stay readable, the personal fields become
noise.  A key missing when the message is consumed reads as "erased".

Where the keys live (docs/privacy.md says why): the table ``registrations_key`` in its own
database name (:data:`.tables.KEYS`), so every replica reads the same keys (PostgreSQL: the shared
database; embedded: one SQLite file beside the others) and replay, which rebuilds the
registrations' tables from the log, keeps them.  Keys are written by the publisher in its own
committed transaction before the broker has the message, so no consumer can see a message whose
key does not exist yet; a publish that fails leaves a key that seals nothing anyone has.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from shuxiang.db import Databases
from shuxiang.schemas.registration import RegistrationRequest, token_hash

from .tables import KEY_TABLES, KEYS, registrations_key

PERSONAL_FIELDS = ("name", "phone", "email")
PERSON_SECRET_ID = "alliance:person-key-secret"
"""The row of the secret that keys the person hashes (never a token hash, so never shredded)."""


def _aad(activity_id: str, key_id: str, what: str) -> bytes:
    return f"shuxiang-registration|{what}|{activity_id}|{key_id}".encode()


def seal_with(key: bytes, plaintext: bytes, aad: bytes) -> str:
    nonce = os.urandom(12)
    return base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext, aad)).decode().rstrip("=")


def open_with(key: bytes, sealed: str, aad: bytes) -> bytes | None:
    """The plaintext, or None when ``sealed`` is not what this key sealed (tampered, another key)."""
    try:
        raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
        return AESGCM(key).decrypt(raw[:12], raw[12:], aad)
    except (InvalidTag, ValueError):
        return None


class KeyStore:
    """The registrations' data keys: made by the web front, read by the consumer, deleted by erasure."""

    def __init__(self, databases: Databases) -> None:
        self.databases = databases
        self._engine: Engine | None = None
        self._person_secret: bytes | None = None

    @classmethod
    def of(cls, databases: Databases) -> KeyStore:
        """The key store of these databases, opened on first use (embedded: its SQLite file,
        created when missing; PostgreSQL: migration 0008 made the table)."""
        return cls(databases)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            if self.databases.database_url is None:
                self.databases.create_tables(KEYS, KEY_TABLES)
            self._engine = self.databases.engine(KEYS)
        return self._engine

    def _new_key(self, activity_id: str, key_id: str, now: datetime) -> bytes:
        key = AESGCM.generate_key(bit_length=256)
        with self.engine.begin() as connection:
            connection.execute(
                insert(registrations_key).values(key_id=key_id, activity_id=activity_id, data_key=key, created_at=now)
            )
        return key

    def key(self, key_id: str) -> bytes | None:
        k = registrations_key.c
        with self.engine.connect() as connection:
            return connection.execute(select(k.data_key).where(k.key_id == key_id)).scalar()

    def person_secret(self, now: datetime) -> bytes:
        """The alliance's secret for person keys, made on first use and shared by every replica
        (the first writer wins; the others read its row)."""
        if self._person_secret is None:
            found = self.key(PERSON_SECRET_ID)
            if found is None:
                try:
                    found = self._new_key("", PERSON_SECRET_ID, now)
                except IntegrityError:  # another replica made it meanwhile
                    found = self.key(PERSON_SECRET_ID)
            if found is None:
                raise RuntimeError("the person key secret could not be stored nor read")
            self._person_secret = found
        return self._person_secret

    def person_key(self, request: RegistrationRequest, now: datetime) -> str:
        """Who signs up, for "one registration per person per session", as the log keeps it: an
        HMAC of the activity and the phone (else the e-mail) under :meth:`person_secret`.  A plain
        hash of a phone number would give the number back to anyone reading the log (China's
        mobile numbers are ~10⁹ guesses), after the erasure the sealing is for."""
        contact = request.phone or (request.email or "").lower()
        message = f"{request.activity_id}|{contact}".encode()
        return hmac.new(self.person_secret(now), message, hashlib.sha256).hexdigest()

    def seal_request(self, request: RegistrationRequest, now: datetime) -> RegistrationRequest:
        """What the web front publishes: ``request`` with its name and contact sealed under a new
        key of this registration (stored and committed first), and its person key in the clear."""
        key_id = token_hash(request.token)
        person = self.person_key(request, now)
        key = self._new_key(request.activity_id, key_id, now)
        plaintext = json.dumps({f: getattr(request, f) for f in PERSONAL_FIELDS}, ensure_ascii=False).encode()
        sealed = seal_with(key, plaintext, _aad(request.activity_id, key_id, "request"))
        return request.model_copy(
            update={"name": None, "phone": None, "email": None, "sealed": sealed, "person": person}
        )

    def open_request(self, request: RegistrationRequest) -> dict[str, str | None]:
        """The request's name, phone and e-mail: in the clear (a message from before sealing), opened
        with its key, or all None once the key is deleted (erased)."""
        if request.sealed is None:
            return {f: getattr(request, f) for f in PERSONAL_FIELDS}
        key_id = token_hash(request.token)
        key = self.key(key_id)
        plaintext = (
            open_with(key, request.sealed, _aad(request.activity_id, key_id, "request")) if key is not None else None
        )
        if plaintext is None:
            return dict.fromkeys(PERSONAL_FIELDS)
        fields = json.loads(plaintext)
        return {f: fields.get(f) for f in PERSONAL_FIELDS}

    def seal_comment(self, activity_id: str, token: str, comment: str) -> str | None:
        """A rating's comment sealed under its registration's key (None: the key is gone, so is the comment)."""
        key_id = token_hash(token)
        key = self.key(key_id)
        if key is None:
            return None
        return seal_with(key, comment.encode(), _aad(activity_id, key_id, "comment"))

    def open_comment(self, activity_id: str, token: str, sealed: str) -> str | None:
        key_id = token_hash(token)
        key = self.key(key_id)
        plaintext = open_with(key, sealed, _aad(activity_id, key_id, "comment")) if key is not None else None
        return plaintext.decode() if plaintext is not None else None

    def shred(self, key_ids: list[str]) -> int:
        """Delete the keys (erasure): what they sealed, in the log or anywhere, is unreadable from now on."""
        if not key_ids:
            return 0
        k = registrations_key.c
        with self.engine.begin() as connection:
            return connection.execute(delete(registrations_key).where(k.key_id.in_(key_ids))).rowcount
