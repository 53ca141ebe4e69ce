"""The brand registry: the alliance file's brands plus the ones coordinators register,
and people's corrections of activity-to-brand links.

Requests are validated with pydantic (a 422 names the field); what only the
registry can check raises a :class:`RegistryError` with an HTTP status and a
message in Chinese and English.  A decision is checked when it is made, then
logged as an event in SUBMISSIONS (``shuxiang.brand.registered.<coordinator>``,
``shuxiang.brand.corrected.<actor>``) and applied by the brands service's
handler, so ``shuxiang replay`` reproduces the registry and every correction.

``registered_by`` and ``corrected_by`` name who acts (a coordinator id, or a member
library id): the web routes set them from the authenticated account
(``services/intake/auth.py``), never from the request body.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Connection, bindparam, insert, select, update

from shuxiang.alliance import Alliance, Brand
from shuxiang.i18n import both, gettext

from .linking import BrandMatcher, Correction, effective_link
from .tables import BrandFields, Slug, brands_activity, brands_correction, brands_registered, brands_source

RESERVED_IDS = frozenset({"new", "links"})
"""Brand ids that would shadow a path under /brands/ or /api/v1/brands/."""


class RegistryError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class BrandCreate(BrandFields):
    """A brand programme (一馆一品) a coordinator registers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)  # type: ignore[assignment]  # SQLModel types it as its own TypedDict of the same keys

    @field_validator("keywords")
    @classmethod
    def _distinct_keywords(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(k.strip() for k in value if k.strip()))

    def brand(self) -> Brand:
        return Brand(
            id=self.id,
            name=self.name,
            library_id=self.library_id,
            since=self.since,
            category=self.category,
            description=self.description or None,
            keywords=self.keywords,
            partners=list(dict.fromkeys(self.partners)),
        )


class LinkCorrection(BaseModel):
    """Set which brand an activity belongs to (``brand_id: null``: none)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    brand_id: str | None = Field(max_length=64, description="the brand, or null for 'not a brand session'")
    corrected_by: Slug | None = Field(
        None,
        description="the brand's owning library or a coordinator: set from the "
        "account (a body naming someone else is refused)",
    )
    note: str | None = Field(None, max_length=500)


_REGISTERED = select(brands_registered).order_by(brands_registered.c.registered_at, brands_registered.c.id)
_CORRECTIONS = select(
    brands_correction.c.activity_id, brands_correction.c.brand_id, brands_correction.c.corrected_by
).where(brands_correction.c.activity_id.in_(bindparam("ids", expanding=True)))


def registered_brands(connection: Connection) -> list[tuple[Brand, str]]:
    """Brands added through the API, with who registered them."""
    rows = connection.execute(_REGISTERED)
    return [
        (
            Brand(
                id=r.id,
                name=r.name,
                library_id=r.library_id,
                since=r.since,
                category=r.category,
                description=r.description,
                keywords=list(r.keywords),
                partners=list(r.partners),
            ),
            r.registered_by,
        )
        for r in rows
    ]


def load_registry(connection: Connection, alliance: Alliance) -> dict[str, Brand]:
    """Every brand: the alliance file's first, then the registered ones."""
    brands = {b.id: b for b in alliance.brands}
    for brand, _ in registered_brands(connection):
        brands.setdefault(brand.id, brand)
    return brands


def correction_of(connection: Connection, activity_id: str) -> Correction | None:
    return corrections_of(connection, [activity_id]).get(activity_id)


def corrections_of(connection: Connection, activity_ids: list[str]) -> dict[str, Correction]:
    """The corrections of these activities that exist, by activity id (one query for a batch)."""
    if not activity_ids:
        return {}
    rows = connection.execute(_CORRECTIONS, {"ids": activity_ids})
    return {row.activity_id: Correction(brand_id=row.brand_id, corrected_by=row.corrected_by) for row in rows}


class LinkCorrected(LinkCorrection):
    """The event of a correction, as logged: which activity, and when it was decided."""

    activity_id: str = Field(min_length=1, max_length=64)
    decided_at: datetime

    def message_id(self) -> str:
        return f"brand:corrected:{self.activity_id}:{self.decided_at.isoformat()}"


def registration_message_id(body: BrandCreate) -> str:
    return f"brand:registered:{body.id}"


def check_registration(connection: Connection, alliance: Alliance, body: BrandCreate) -> None:
    """Whether ``body`` may be registered now; a :class:`RegistryError` says why not."""
    if body.id in RESERVED_IDS:
        raise RegistryError(422, both('id: "{id}" is reserved (it names a page)', id=body.id))
    if body.registered_by is None or alliance.coordinator(body.registered_by) is None:
        raise RegistryError(
            403,
            both(
                '"{who}" is not a coordinator of the alliance; only coordinators register brands',
                who=body.registered_by,
            ),
        )
    registry = load_registry(connection, alliance)
    if body.id in registry:
        raise RegistryError(409, both('brand id "{id}" is taken ({name})', id=body.id, name=registry[body.id].name))
    clash = next((b for b in registry.values() if b.name == body.name), None)
    if clash is not None:
        raise RegistryError(409, both('the name "{name}" is taken by {id}', name=body.name, id=clash.id))
    for field, library_id in [("library_id", body.library_id), *(("partners", p) for p in body.partners)]:
        if alliance.member(library_id) is None:
            raise RegistryError(
                422, both('{field}: "{library_id}" is not a member library', field=field, library_id=library_id)
            )


def register_brand(
    connection: Connection,
    alliance: Alliance,
    body: BrandCreate,
    at: datetime,
    *,
    relinked: dict[str, str | None] | None = None,
) -> Brand:
    """Add a brand to the registry and link the stored activities whose titles name it."""
    check_registration(connection, alliance, body)
    brand = body.brand()
    connection.execute(
        insert(brands_registered).values(
            id=brand.id,
            name=brand.name,
            library_id=brand.library_id,
            since=brand.since,
            category=brand.category.value,
            description=brand.description,
            keywords=brand.keywords,
            partners=brand.partners,
            registered_by=body.registered_by,
            registered_at=at,
        )
    )
    found = relink(connection, alliance)
    if relinked is not None:
        relinked.update(found)
    return brand


def check_correction(connection: Connection, alliance: Alliance, activity_id: str, body: LinkCorrection) -> None:
    """Whether this person may set this activity's brand now; a :class:`RegistryError` says why not."""
    row = connection.execute(
        select(brands_activity.c.brand_id).where(brands_activity.c.activity_id == activity_id)
    ).first()
    if row is None:
        raise RegistryError(404, both("no such activity: {activity_id}", activity_id=activity_id))
    current = row.brand_id
    registry = load_registry(connection, alliance)
    if body.brand_id is not None and body.brand_id not in registry:
        raise RegistryError(422, both('brand_id: unknown brand "{brand_id}"', brand_id=body.brand_id))
    _check_may_correct(alliance, registry, body.corrected_by, {current, body.brand_id} - {None})


def store_correction(
    connection: Connection,
    alliance: Alliance,
    event: LinkCorrected,
    at: datetime,
    *,
    relinked: dict[str, str | None] | None = None,
) -> None:
    """Record a person's decision on an activity's brand (checked when it was made); it outlives
    later versions of the activity, and may arrive before the activity itself (in a replay)."""
    if event.brand_id is not None and event.brand_id not in load_registry(connection, alliance):
        raise RegistryError(422, both('brand_id: unknown brand "{brand_id}"', brand_id=event.brand_id))
    values = {"brand_id": event.brand_id, "corrected_by": event.corrected_by, "note": event.note, "corrected_at": at}
    if correction_of(connection, event.activity_id) is None:
        connection.execute(insert(brands_correction).values(activity_id=event.activity_id, **values))
    else:
        connection.execute(
            update(brands_correction).where(brands_correction.c.activity_id == event.activity_id).values(**values)
        )
    found = relink(connection, alliance, [event.activity_id])
    if relinked is not None:
        relinked.update(found)


def _check_may_correct(alliance: Alliance, registry: dict[str, Brand], who: str | None, brand_ids: set[str]) -> None:
    if who is not None and alliance.coordinator(who) is not None:
        return
    if who is None or alliance.member(who) is None:
        raise RegistryError(403, both('corrected_by: "{who}" is neither a coordinator nor a member', who=who))
    foreign = sorted(b for b in brand_ids if registry[b].library_id != who)
    if foreign or not brand_ids:
        names = [registry[b].name for b in foreign]
        zh, en = (
            gettext(
                lang, "{who} is not the owning library of {brands}; only it or a coordinator may change this link"
            ).format(who=who, brands=gettext(lang, ", ").join(names) or gettext(lang, "(no brand)"))
            for lang in ("zh-CN", "en")
        )
        raise RegistryError(403, f"{zh} / {en}")


def relink(connection: Connection, alliance: Alliance, activity_ids: list[str] | None = None) -> dict[str, str | None]:
    """Recompute inferred and effective links (after a brand is registered or a link corrected);
    returns the activities whose link changed, each with its brand before."""
    registry = load_registry(connection, alliance)
    query = select(
        brands_activity.c.activity_id,
        brands_activity.c.title,
        brands_activity.c.declared_brand_id,
        brands_activity.c.inferred_brand_id,
        brands_activity.c.brand_id,
        brands_activity.c.link,
    )
    credits = select(brands_source.c.activity_id, brands_source.c.library_id)  # who announced each (announcers_of)
    corrections = select(
        brands_correction.c.activity_id, brands_correction.c.brand_id, brands_correction.c.corrected_by
    )
    if activity_ids is not None:
        query = query.where(brands_activity.c.activity_id.in_(activity_ids))
        credits = credits.where(brands_source.c.activity_id.in_(activity_ids))
        corrections = corrections.where(brands_correction.c.activity_id.in_(activity_ids))
    announcers: dict[str, list[str]] = {}
    for activity_id, library_id in connection.execute(credits):
        announcers.setdefault(activity_id, []).append(library_id)
    corrected = {r.activity_id: Correction(r.brand_id, r.corrected_by) for r in connection.execute(corrections)}
    changed: dict[str, str | None] = {}
    matcher = BrandMatcher.of(registry.values(), alliance)
    for row in connection.execute(query).all():
        inferred = matcher.infer(row.title, announcers.get(row.activity_id, []))
        brand_id, link = effective_link(
            declared=row.declared_brand_id,
            inferred=inferred,
            correction=corrected.get(row.activity_id),
            known=registry,
            libraries=announcers.get(row.activity_id, []),
        )
        if (inferred, brand_id, link) != (row.inferred_brand_id, row.brand_id, row.link):
            connection.execute(
                update(brands_activity)
                .where(brands_activity.c.activity_id == row.activity_id)
                .values(inferred_brand_id=inferred, brand_id=brand_id, link=link)
            )
            changed[row.activity_id] = row.brand_id
    return changed
