"""Every feed the alliance offers: its path, name and contents, and clear refusals.

Paths (stable, DESIGN.md): ``alliance.ics``, ``libraries/{id}.ics`` (``?include=branches``
adds the library's subtree), ``brands/{id}.ics``, ``categories/{category}.ics``,
``campaigns/{id}.ics``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from shuxiang.alliance import Alliance, Brand
from shuxiang.calendars import EventLabels
from shuxiang.i18n import N_, gettext, in_both, pgettext
from shuxiang.schemas import Category

from .feeds import FeedSpec

BRANCHES = "branches"


def _in_two(msgid: str, **fields: tuple[str, str]) -> str:
    """A feed's description: ``msgid`` in Chinese, a line break, then in English; each field is
    given as (its Chinese, its English) (a library's or the alliance's name in that language)."""
    zh = gettext("zh-CN", msgid).format(**{k: v[0] for k, v in fields.items()})
    en = gettext("en", msgid).format(**{k: v[1] for k, v in fields.items()})
    return f"{zh}\n{en}"


@dataclass(frozen=True)
class FeedRefusal:
    """Why a feed path names no feed: an HTTP status and the words for it, zh-CN and English."""

    status: int
    zh: str
    en: str

    def text(self) -> str:
        return f"{self.zh}\n{self.en}\n"


@dataclass(frozen=True)
class FeedLink:
    """One feed as the calendar page lists it."""

    path: str
    name: str

    def http_url(self, base: str) -> str:
        return f"{base}/feeds/{self.path}"

    def webcal_url(self, base: str) -> str:
        parts = urlsplit(base)
        return f"webcal://{parts.netloc}{parts.path}/feeds/{self.path}"


def no_such_feed(path: str) -> FeedRefusal:
    return FeedRefusal(
        404,
        *in_both(
            "No such feed: /feeds/{path}. Available: alliance.ics, libraries/<id>.ics, brands/<id>.ics, categories/<category>.ics, campaigns/<id>.ics",
            path=path,
        ),
    )


class FeedCatalog:
    """Feed specs by path for one alliance (specs are built once and reused)."""

    def __init__(self, alliance: Alliance, brands: Callable[[], Mapping[str, Brand]] | None = None) -> None:
        self.alliance = alliance
        self.brands = brands or (lambda: {b.id: b for b in alliance.brands})
        """Every brand by id: the alliance file's and those registered since (brands service)."""
        self.zh = EventLabels(language="zh-CN")
        self.en = EventLabels(language="en")
        self._specs: dict[tuple[str, bool], FeedSpec] = {}

    def resolve(self, path: str, include: str | None = None) -> FeedSpec | FeedRefusal:
        """The spec for ``path`` (relative to ``/feeds/``), or why there is none."""
        if include not in (None, "", BRANCHES):
            return FeedRefusal(
                400,
                *in_both("include can only be 'branches' (got: {include})", include=include),
            )
        with_branches = include == BRANCHES
        key = (path, with_branches)
        spec = self._specs.get(key)
        if spec is None:
            found = self._build(path, with_branches)
            if isinstance(found, FeedRefusal):
                return found
            spec = self._specs[key] = found
        return spec

    def _build(self, path: str, with_branches: bool) -> FeedSpec | FeedRefusal:
        alliance = self.alliance
        english = alliance.name_in("en")
        if path == "alliance.ics":
            return FeedSpec(
                key=path,
                name=alliance.name,
                description=_in_two(N_("All reading activities of {alliance}"), alliance=(alliance.name, english)),
            )
        kind, _, file = path.partition("/")
        ident = file.removesuffix(".ics")
        if not file.endswith(".ics") or not ident or "/" in ident:
            return no_such_feed(path)
        builder = {
            "libraries": self._library,
            "brands": self._brand,
            "categories": self._category,
            "campaigns": self._campaign,
        }.get(kind)
        if builder is None:
            return no_such_feed(path)
        return builder(ident, with_branches)

    def _library(self, library_id: str, with_branches: bool) -> FeedSpec | FeedRefusal:
        member = self.alliance.member(library_id)
        if member is None:
            return FeedRefusal(404, *in_both("No such library in the alliance: {library_id}", library_id=library_id))
        english = member.name_in("en")
        key = f"libraries/{library_id}.ics"
        if with_branches:
            return FeedSpec(
                key=f"{key}?include={BRANCHES}",
                name=gettext("zh-CN", "{name} (with branches)").format(name=member.name),
                description=_in_two(
                    N_("Reading activities of {library} and its branches · {alliance}"),
                    library=(member.name, english),
                    alliance=(self.alliance.name, self.alliance.name_in("en")),
                ),
                library_ids=tuple(self.alliance.subtree(library_id)),
            )
        return FeedSpec(
            key=key,
            name=member.name,
            description=_in_two(
                N_("Reading activities {library} hosts, co-hosts or takes part in · {alliance}"),
                library=(member.name, english),
                alliance=(self.alliance.name, self.alliance.name_in("en")),
            ),
            library_ids=(library_id,),
        )

    def _brand(self, brand_id: str, _with_branches: bool) -> FeedSpec | FeedRefusal:
        brand = self.alliance.brand(brand_id) or self.brands().get(brand_id)
        if brand is None:
            return FeedRefusal(404, *in_both("No such brand in the alliance: {brand_id}", brand_id=brand_id))
        owner = self.alliance.member(brand.library_id)
        owner_name = owner.name if owner else brand.library_id
        return FeedSpec(
            key=f"brands/{brand_id}.ics",
            name=f"{brand.name} · {owner_name}",
            description=_in_two(
                N_("Sessions of the brand programme “{brand}” ({owner}, one library, one brand)"),
                brand=(brand.name, brand.name),
                owner=(owner_name, owner.name_in("en") if owner else brand.library_id),
            ),
            brand_id=brand_id,
        )

    def _category(self, category: str, _with_branches: bool) -> FeedSpec | FeedRefusal:
        if category not in Category.__members__:
            return FeedRefusal(
                404,
                *in_both(
                    "No such category: {category} (known: {known})",
                    category=category,
                    known=", ".join(Category.__members__),
                ),
            )
        return FeedSpec(
            key=f"categories/{category}.ics",
            name=f"{self.alliance.name} · {self.zh.category(category)}",
            description=_in_two(
                N_("{category} activities of {alliance}"),
                category=(self.zh.category(category), self.en.category(category)),
                alliance=(self.alliance.name, self.alliance.name_in("en")),
            ),
            category=category,
        )

    def _campaign(self, campaign_id: str, _with_branches: bool) -> FeedSpec | FeedRefusal:
        campaign = self.alliance.campaign(campaign_id)
        if campaign is None:
            return FeedRefusal(404, *in_both("No such alliance campaign: {campaign_id}", campaign_id=campaign_id))
        return FeedSpec(
            key=f"campaigns/{campaign_id}.ics",
            name=f"{campaign.name} · {self.alliance.name}",
            description=_in_two(
                N_("Activities of the alliance campaign “{campaign}”"),
                campaign=(campaign.name, campaign.name_in("en")),
            ),
            campaign_id=campaign_id,
        )

    # -- the list the calendar page shows ------------------------------------------------

    def alliance_link(self, lang: str) -> FeedLink:
        """The whole alliance's feed, as the calendar page offers it."""
        alliance = self.alliance
        return FeedLink("alliance.ics", (alliance.name_en or alliance.name) if lang == "en" else alliance.name)

    def groups(self, lang: str) -> list[tuple[str, list[FeedLink]]]:
        """Every feed, grouped for the subscribe page: (heading, links).  The libraries' come in
        one group per district (a child of the central library), in tree order, each library
        with branches also offered with them."""
        alliance = self.alliance
        english = lang == "en"

        def name(zh: str, en: str | None) -> str:
            return (en or zh) if english else zh

        def links(library_id: str) -> list[FeedLink]:  # tree order, each with its branches after it
            member = alliance.member(library_id)
            shown = name(member.name, member.name_en)
            out = [FeedLink(f"libraries/{member.id}.ics", shown)]
            children = alliance.children(member.id)
            if children:
                with_branches = gettext(lang, "{name} (with branches)").format(name=shown)
                out.append(FeedLink(f"libraries/{member.id}.ics?include={BRANCHES}", with_branches))
            for child in children:
                out += links(child)
            return out

        libraries: list[tuple[str, list[FeedLink]]] = []
        for member in alliance.members:
            if member.parent is not None:
                continue
            own = links(member.id)
            children = alliance.children(member.id)
            top = own[: 2 if children else 1]  # the central library, alone and with every branch
            libraries.append((pgettext(lang, "groups of calendar feeds", "Libraries"), top))
            for child in children:
                district = alliance.member(child)
                libraries.append((name(district.name, district.name_en), links(child)))
        labels = self.en if english else self.zh

        return [
            (pgettext(lang, "groups of calendar feeds", "Whole alliance"), [self.alliance_link(lang)]),
            *libraries,
            (
                pgettext(lang, "groups of calendar feeds", "Brand programmes"),
                [FeedLink(f"brands/{b.id}.ics", b.name) for b in self.brands().values()],
            ),
            (
                pgettext(lang, "groups of calendar feeds", "Alliance campaigns"),
                [FeedLink(f"campaigns/{c.id}.ics", name(c.name, c.name_en)) for c in alliance.campaigns],
            ),
            (
                pgettext(lang, "groups of calendar feeds", "Categories"),
                [FeedLink(f"categories/{c.value}.ics", labels.category(c.value)) for c in Category],
            ),
        ]
