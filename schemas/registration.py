"""Sign-up (报名) messages: a reader's registration for one session of an activity, its
cancellation, and the staff's check-ins (``shuxiang.registration.<kind>.<activity id>``).

Only what the law allows us to ask (个人信息保护法: the minimum needed for the purpose): a
name, and a phone number or an e-mail address to confirm, remind and let the reader cancel.
Everything is validated and bounded here, before the broker, with messages naming the field
in zh-CN and English."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from shuxiang.i18n import both

ACTIVITY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
"""A canonical activity id (a UUID): one NATS subject token, no dots or wildcards."""
ActivityId = Annotated[str, Field(pattern=ACTIVITY_ID_PATTERN, description="a canonical activity's id")]
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{32,64}$"
"""The self-service token (``secrets.token_urlsafe(32)``): unguessable, so it is the cancel link."""
CODE_PATTERN = r"^[A-Z2-7]{8}$"
"""A check-in code: 8 characters of base32 (40 bits), easy to type and read aloud."""

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,24}$")


class ContactError(ValueError):
    """A phone number or e-mail address that is none (the message says so in both languages)."""


def normalise_phone(raw: str) -> str:
    """A mainland mobile (11 digits, 1[3-9]…) or a landline with its area code (0…, 10–12
    digits), spaces, dashes, brackets and a +86 / 0086 prefix allowed; otherwise
    :class:`ContactError`."""
    text = unicodedata.normalize("NFKC", raw).strip()
    digits = re.sub(r"[\s\-()（）.]", "", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    if not digits.isdigit() or not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise ContactError(
            both(
                "phone: “{raw}” is not a mobile number (11 digits starting with 1) or a landline with its area code",
                raw=raw[:40],
            )
        )
    return digits


def normalise_email(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).strip()
    if len(text) > 254 or not _EMAIL.match(text):
        raise ContactError(both("e-mail: “{raw}” is not an e-mail address", raw=raw[:60]))
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


class RegistrationRequest(BaseModel):
    """A reader signs up for one session (``shuxiang.registration.requested.<activity_id>``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    activity_id: ActivityId
    session: AwareDatetime | None = Field(
        None, description="the session's start, for a series; omitted: the activity's (first) start"
    )
    name: str | None = Field(
        None, min_length=1, max_length=40, description="how the reader is called at the door (None when sealed)"
    )
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    token: str = Field(pattern=TOKEN_PATTERN, description="the self-service token (cancel link), made by the web front")
    lang: str = Field("zh-CN", pattern=r"^(zh-CN|en)$", description="the language of the reader's mail")
    sealed: str | None = Field(
        None,
        max_length=2000,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="name, phone and e-mail as JSON, AES-256-GCM under the registration's data key "
        "(base64url of nonce and ciphertext); the key is deleted on erasure (crypto-shredding, docs/privacy.md)",
    )
    person: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{64}$",
        description="with ``sealed``: the person key (sha256 of activity and contact), for one registration "
        "per person and session after the contact is gone",
    )

    @field_validator("name")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and any(unicodedata.category(ch).startswith("C") for ch in value):
            raise ValueError(both("name: no control characters"))
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return normalise_email(value) if value else None

    @model_validator(mode="after")
    def _one_contact(self) -> RegistrationRequest:
        if self.sealed is not None:
            if self.person is None or self.name or self.phone or self.email:
                raise ValueError(both("a sealed sign-up carries the sealed fields and the person key only"))
            return self
        if not self.name:
            raise ValueError(both("name: give the name you will be called by at the door"))
        if not self.phone and not self.email:
            raise ValueError(both("give a phone number or an e-mail address (to confirm, remind and cancel)"))
        return self

    def person_key(self) -> str:
        """Who this is, for "one registration per person per session": the phone, else the e-mail,
        hashed (the key outlives the erasure of the contact itself); a sealed sign-up carries it."""
        if self.person is not None:
            return self.person
        contact = self.phone or (self.email or "").lower()
        return hashlib.sha256(f"{self.activity_id}|{contact}".encode()).hexdigest()

    def message_id(self) -> str:
        """From the content: a retried publish is dropped by the broker, a new sign-up is not."""
        digest = hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:32]
        return f"reg:{self.activity_id}:{digest}"


class RegistrationCancel(BaseModel):
    """The reader's own cancellation, from the link in the confirmation
    (``shuxiang.registration.cancelled.<activity_id>``)."""

    model_config = ConfigDict(extra="forbid")

    activity_id: ActivityId
    token: str = Field(pattern=TOKEN_PATTERN)

    def message_id(self) -> str:
        return f"regcancel:{self.activity_id}:{token_hash(self.token)[:32]}"


class CheckIn(BaseModel):
    """Staff at the door (``shuxiang.registration.checked-in.<activity_id>``): a registration's
    code, or the number of walk-ins of a session (an absolute count, so a retry changes nothing)."""

    model_config = ConfigDict(extra="forbid")

    activity_id: ActivityId
    session: AwareDatetime | None = None
    code: str | None = Field(None, pattern=CODE_PATTERN)
    walk_ins: int | None = Field(None, ge=0, le=100_000)
    by: str = Field(min_length=1, max_length=64, description="the staff account (from its login, never the body)")

    @model_validator(mode="after")
    def _one(self) -> CheckIn:
        if (self.code is None) == (self.walk_ins is None):
            raise ValueError(both("give a check-in code or a walk-in count"))
        return self

    def message_id(self) -> str:
        what = f"code:{self.code}" if self.code else f"walkins:{self.walk_ins}"
        session = self.session.timestamp() if self.session else ""
        return f"checkin:{self.activity_id}:{session}:{what}"


SATISFIED = 4
"""满意度: a rating of 4 (满意) or 5 (非常满意) counts as satisfied; the rate is their share."""


class Rating(BaseModel):
    """A registered reader's one-question rating after the session (满意度), with an optional
    comment (``shuxiang.registration.rated.<activity_id>``); a later one replaces it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    activity_id: ActivityId
    token: str = Field(pattern=TOKEN_PATTERN)
    score: int = Field(ge=1, le=5, description="1 very dissatisfied … 5 very satisfied")
    comment: str | None = Field(None, max_length=500)
    sealed_comment: str | None = Field(
        None,
        max_length=1200,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the comment sealed under the registration's data key (as RegistrationRequest.sealed)",
    )

    def message_id(self) -> str:
        digest = hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:24]
        return f"regrate:{self.activity_id}:{digest}"


class RegistrationErasure(BaseModel):
    """The retention job, or a reader's erase request: personal data of an activity's registrations
    (those of sessions that started before ``before``, or the one of ``token``) is erased
    (``shuxiang.registration.erased.<activity_id>``).  In the log, so a replay erases again what
    it restores."""

    model_config = ConfigDict(extra="forbid")

    activity_id: ActivityId
    token: str | None = Field(None, pattern=TOKEN_PATTERN)
    before: AwareDatetime | None = None

    @model_validator(mode="after")
    def _one(self) -> RegistrationErasure:
        if (self.token is None) == (self.before is None):
            raise ValueError(both("give a registration's token or a cut-off time"))
        return self

    def message_id(self) -> str:
        if self.token:
            who = token_hash(self.token)[:32]
        else:
            assert self.before is not None  # _one: a token or a cut-off, never neither
            who = f"before:{int(self.before.timestamp())}"
        return f"regerase:{self.activity_id}:{who}"


def token_hash(token: str) -> str:
    """What a registration is looked up by (the token itself is kept only for the reader's mail,
    and erased with the name and contact)."""
    return hashlib.sha256(token.encode()).hexdigest()


def checkin_code(token: str) -> str:
    """The registration's check-in code (shown as text and QR code): derived from the token."""
    import base64

    return base64.b32encode(hashlib.sha256(f"code|{token}".encode()).digest())[:8].decode()
