"""Normalising what members type, so that one activity announced twice gives the same keys.

Titles: NFKC (full-width letters, digits and spaces become half-width), case-folded,
campaign prefixes (4·23 / 4.23 / 世界读书日), repost and status noise (转发, 【预告】,
（报名中）, （联办）…) removed, then every bracket, quote, separator and space dropped, so
"【转发】4·23《乡土中国》读书会（报名中）" and "4.23 乡土中国 读书会" give one key.

Venues: a directory venue (``venue_id``, an alias, a unique name, or a near-exact name
among the organisers' own rooms) gives ``v:<venue_id>``; otherwise the cleaned name,
scoped to the host library when it is a bare room word ("报告厅", "阅览室").  Matching keys
on the *site* (:meth:`VenueResolver.site`): whose building — named by a directory room, a
member's name or an abbreviation derived from the members' names, a generic 区馆 / 市馆 / 县馆 /
分馆 of the writer's tree, an address — or assumed (a bare room: the host's), or unknown (an
address the alliance file does not hold).  The venue is evidence, never the only key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from rapidfuzz import fuzz, process

from shuxiang.alliance import Alliance, Member, VenueEntry, normalize_venue_text
from shuxiang.schemas import Venue

OPEN = "【[（(〔〖「『《〈<{"
CLOSE = "】]）)〕〗」』》〉>}"
NOISE_WORDS = (
    "火热报名中|报名中|报名开启|开放报名|名额已满|名额有限|已满员|已满|额满|联办|联合举办|转发|转载|转|置顶|推荐|热门|"
    "最新|更新|新|改期|延期|重要|通知|预告|活动预告|直播预告|直播|线上|回顾|免费|公益|限额|预约|联盟活动|欢迎参加|"
    "欢迎报名|敬请期待|报名开始|截止报名"
)
_LEADING_TAG = re.compile(r"^\s*【[^【】]{1,10}】\s*")
"""A short bracketed tag at the very start (【联盟活动】, 【书香临江】): a channel's label, never the title."""
_LEADING_WELCOME = re.compile(r"^\s*(?:欢迎(?:参加|参与|报名)|诚邀(?:您|你)?参加|活动预告|预告)\s*[:：|｜!！/\-—]*\s*")
_TRAILING_STATUS = re.compile(
    r"\s*[-—|｜/]?\s*(?:火热报名中|报名中|已满员|名额已满|名额有限|欢迎参加|欢迎报名)[!！]*\s*$"
)
_TRAILING_GENERIC = re.compile(r"(?:主题活动|系列活动|活动)$")
"""A generic word appended by some writers ("…读书分享活动"): dropped from the key's end."""
_PREFIX_SEPARATOR = re.compile(r"[:：|｜]|——")
_BRACKETED_NOISE = re.compile(rf"[{re.escape(OPEN)}]\s*(?:{NOISE_WORDS})\s*[{re.escape(CLOSE)}]")
_LEADING_REPOST = re.compile(r"^\s*(?:(?:转发|转载)\s*[:：|｜/\-—]*|转\s*[:：|｜/\-—]+|fwd?\s*:)\s*", re.IGNORECASE)
_CAMPAIGN_PREFIX = re.compile(
    r"^\s*(?:(?:20\d\d\s*年?\s*)?(?:4|四)\s*(?:[·・•．.\-/—]|月)\s*23\s*日?|世界读书日|全民阅读日)"
    r"(?:\s*(?:世界读书日|读书日|主题活动|系列活动))?\s*[:：·・•\-—|｜]*\s*"
)
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_BOOK = re.compile(r"《([^《》]+)》")
_EPISODE = re.compile(r"第\s*([0-9]+|[一二三四五六七八九十百零两]+)\s*[期届讲场次季课轮]")
_HALF = re.compile(
    r"(上午|下午|晚上|晚间|早)场|([上下])半场|[（(]([上中下])[）)]|([ABCabc甲乙丙])[场组班]|([0-9一二三四五六七八九十]+)[场组班]"
)
_ROOM_ONLY = re.compile(
    r"^(?:[0-9一二三四五六七八九十负地下]+(?:楼|层|f))?"
    r"(?:报告厅|多功能厅|阅览室|少儿阅览室|电子阅览室|展厅|会议室|活动室|培训室|自习室|大厅|"
    r"学术报告厅|讲堂|书房|阅读区|亲子阅读区|绘本馆|少儿馆|放映厅|影厅|教室|多媒体教室)"
    r"(?:[0-9一二三四五六七八九十]+(?:楼|层|f))?$"
)
_FLOOR_NOTE = re.compile(rf"[{re.escape(OPEN)}][^{re.escape(OPEN + CLOSE)}]*[{re.escape(CLOSE)}]")

WHOLE_ALLIANCE = 20
"""Up to this many members (a city's alliance), an announcement's twins are looked for at every
member's site: a few announcements an hour, cheap to compare.  A larger alliance (the demo's 30,
a province's hundreds) looks at the related libraries' sites only, so that a decision stays a few
index range scans however many announcements an hour the alliance publishes."""

MAX_CHILDREN = 4
"""A library with more direct members under it than this (a central library over a city's
districts and outlets) does not look at its children's sites for every announcement: each of them
looks at its parent's, so a pair is still found when the child's announcement comes second."""

VENUE_FUZZY_CUTOFF = 90.0
"""How close a typed venue name must be to a directory name or alias of an organiser's rooms."""


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def title_key(title: str) -> str:
    """The title with noise, brackets, quotes, punctuation and spaces removed (see module doc);
    a short prefix before "：" stays, followed by :data:`PREFIX_MARK`."""
    text = nfkc(title).casefold()
    previous = None
    while previous != text:  # noise can nest: "转发：【报名中】4·23 …"
        previous = text
        text = _BRACKETED_NOISE.sub("", text)
        text = _LEADING_REPOST.sub("", text)
        text = _CAMPAIGN_PREFIX.sub("", text)
        text = _LEADING_TAG.sub("", text)
        text = _LEADING_WELCOME.sub("", text)
        text = _TRAILING_STATUS.sub("", text)
    found = _PREFIX_SEPARATOR.search(text)
    if found is not None:
        head, tail = _DROP.sub("", text[: found.start()]), _DROP.sub("", text[found.end() :])
        if head and tail and len(head) <= 12:
            return f"{head}{PREFIX_MARK}{_TRAILING_GENERIC.sub('', tail) or tail}"
    key = _DROP.sub("", text)
    return _TRAILING_GENERIC.sub("", key) or key


PREFIX_MARK = "|"
"""Where a title key's prefix ("江城讲坛：", "公益讲座：") ends: a writer may drop it."""


def title_variants(key: str) -> tuple[str, str]:
    """A title key as written (without the prefix mark), and without its prefix."""
    head, mark, tail = key.partition(PREFIX_MARK)
    return (head + tail, tail) if mark else (key, key)


def books(title: str) -> frozenset[str]:
    """The works a title names in 《》: two different books are two activities."""
    return frozenset(_DROP.sub("", nfkc(b).casefold()) for b in _BOOK.findall(nfkc(title)))


def episode(title: str) -> str | None:
    """ "第3期" / "第十二届" / "第二场": the session number a title names, as written."""
    text = nfkc(title)
    found = _EPISODE.search(text)
    if found:
        return found.group(1)
    half = _HALF.search(text)  # 上午场 / 下午场, （上）/（下）, A组 / B组, 1场 / 2场
    return next((g for g in half.groups() if g), None) if half else None


def clean_venue_name(name: str) -> str:
    """A typed venue name without spaces, punctuation or bracketed notes ("报告厅（二楼）" → "报告厅")."""
    text = nfkc(name).casefold()
    stripped = _FLOOR_NOTE.sub("", text)
    return _DROP.sub("", stripped or text) or _DROP.sub("", text)


def is_bare_room(cleaned: str) -> bool:
    """A name that says which kind of room but not whose ("报告厅", "二楼阅览室")."""
    return bool(_ROOM_ONLY.match(cleaned))


@dataclass
class VenueResolver:
    """Venue keys from the alliance's venue directory (built once per service)."""

    alliance: Alliance
    _cache: dict[tuple, Site | str] = field(default_factory=dict, repr=False)
    """Sites under ("site", …) keys, venue keys under (name, host, libraries) keys."""

    @cached_property
    def _choices_by_library(self) -> dict[str, list[tuple[str, VenueEntry]]]:
        choices: dict[str, list[tuple[str, VenueEntry]]] = {}
        for venue in self.alliance.venues:
            for text in (venue.name, *venue.aliases):
                choices.setdefault(venue.library_id, []).append((clean_venue_name(text), venue))
        return choices

    @cached_property
    def _names(self) -> list[tuple[str, str]]:
        """(name, library id), longest first (:func:`abbreviations`)."""
        return sorted(abbreviations(self.alliance).items(), key=lambda item: -len(item[0]))

    def site(self, venue: Venue, *, host: str, libraries: tuple[str, ...]) -> Site:
        """Whose building the announcement takes place in: the library of a directory room; a
        member the venue names (its name, an abbreviation, its address; "区馆" the district
        library of the writer or its organisers); else the host's, assumed."""
        cache_key = ("site", venue.venue_id, venue.name, host, libraries)
        cached = cast("Site | None", self._cache.get(cache_key))
        if cached is None:
            cached = self._resolve_site(venue, host=host, libraries=libraries)
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[cache_key] = cached
        return cached

    def _resolve_site(self, venue: Venue, *, host: str, libraries: tuple[str, ...]) -> Site:
        key = self.key(venue, host=host, libraries=libraries)
        if key.startswith("v:"):
            entry = self.alliance.venue(key[2:])
            if entry is not None:
                return Site(entry.library_id, True)
        text = normalize_venue_text(venue.name or "")
        if text:
            for name, library_id in self._names:
                if name in text:
                    return Site(library_id, True)
            near: list[str] = []
            for library_id in libraries:
                if self.alliance.member(library_id) is not None:
                    near += [library_id, *self.alliance.ancestors(library_id)]
            near = list(dict.fromkeys(near))
            for tier, words in TIER_WORDS.items():
                if any(word in text for word in words):
                    found = [
                        lib
                        for lib in near  # members and their ancestors only: never None
                        if cast(Member, self.alliance.member(lib)).tier.value == tier
                    ]
                    if len(found) == 1:
                        return Site(found[0], True)
        # a room of the host's (or online): assumed at home; else an address or place the file does not name
        return Site(host, False, known=assumed_at_home(text))

    def related_sites(self, libraries: Iterable[str]) -> list[str]:
        """The libraries whose sites an announcement's twin may be at: its own libraries and their
        parents and children (a branch reposts its head library's lecture, a co-host types the
        host's hall as its own).  In an alliance of at most :data:`WHOLE_ALLIANCE` members, every
        member's: there, a co-host that lists nobody and names no place is still found."""
        if len(self.alliance.members) <= WHOLE_ALLIANCE:
            return self._all_members
        out: dict[str, None] = {}
        for library_id in libraries:
            out[library_id] = None
            member = self.alliance.member(library_id)
            if member is None:
                continue
            if member.parent:
                out[member.parent] = None
            children = self._children.get(library_id, ())
            if len(children) <= MAX_CHILDREN:
                out.update(dict.fromkeys(children))
        return list(out)

    @cached_property
    def _all_members(self) -> list[str]:
        return [m.id for m in self.alliance.members]

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {}
        for member in self.alliance.members:
            if member.parent:
                children.setdefault(member.parent, []).append(member.id)
        return children

    def key(self, venue: Venue, *, host: str, libraries: tuple[str, ...]) -> str:
        """The venue key of an announcement; ``libraries`` are its submitter and organisers."""
        if venue.venue_id and self.alliance.venue(venue.venue_id) is not None:
            return f"v:{venue.venue_id}"
        if not (venue.name and venue.name.strip()):
            return "online"
        cache_key = (venue.name, host, libraries)
        cached = cast("str | None", self._cache.get(cache_key))
        if cached is None:
            cached = self._resolve_name(venue.name, host=host, libraries=libraries)
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[cache_key] = cached
        return cached

    def _resolve_name(self, name: str, *, host: str, libraries: tuple[str, ...]) -> str:
        for library_id in libraries:
            found = self.alliance.venue_by_alias(name, library_id=library_id)
            if found is not None:
                return f"v:{found.id}"
        found = self.alliance.venue_by_alias(name)
        if found is not None:
            return f"v:{found.id}"
        cleaned = clean_venue_name(name)
        choices = [c for lib in libraries for c in self._choices_by_library.get(lib, ())]
        if cleaned and choices:
            best = process.extractOne(
                cleaned, [text for text, _ in choices], scorer=fuzz.ratio, score_cutoff=VENUE_FUZZY_CUTOFF
            )
            if best is not None:
                return f"v:{choices[best[2]][1].id}"
        if cleaned in {"线上", "线上直播", "网络直播", "在线", "online", "云端"}:
            return "online"
        if not cleaned or is_bare_room(cleaned):
            return f"n:{host}:{cleaned or normalize_venue_text(name)}"
        return f"n:{cleaned}"


# -- sites: which library's building an announcement takes place in -------------------------

ROOM_WORDS = (
    "学术报告厅",
    "报告厅",
    "多功能厅",
    "少儿阅览室",
    "电子阅览室",
    "阅览室",
    "展厅",
    "展览厅",
    "会议室",
    "活动室",
    "培训室",
    "自习室",
    "大厅",
    "讲堂",
    "阅读区",
    "亲子阅读区",
    "绘本馆",
    "放映厅",
    "影厅",
    "多媒体教室",
    "教室",
    "书房",
    "剧场",
)
_ROOM = re.compile("|".join(sorted(ROOM_WORDS, key=len, reverse=True)))
TIER_WORDS = {
    "central": ("市图书馆", "市馆", "市图", "总馆", "中心馆"),
    "district": ("区图书馆", "区馆", "区图"),
    "county": ("县图书馆", "县馆", "县图", "市图书馆", "市馆", "市图"),
    "branch": ("分馆",),
}
"""Generic words for a member by its tier ("区馆" is the district library of whoever writes it)."""
_REGION = re.compile(r"^[^区县市]{1,4}[区县市]")
_PLACE_WORD = re.compile(r"(?:社区|街道|镇|乡|村)(?=[^社街镇乡村]{2,}$)")
_TOWN_SUFFIX = re.compile(r"(?:镇|乡|街道|社区)(?=分馆$)")


ROOM_FAMILIES = {
    "学术报告厅": "报告厅",
    "讲堂": "报告厅",
    "少儿阅览室": "阅览室",
    "电子阅览室": "阅览室",
    "自习室": "阅览室",
    "展览厅": "展厅",
    "影厅": "放映厅",
    "多媒体教室": "培训室",
    "教室": "培训室",
    "亲子阅读区": "阅读区",
    "绘本馆": "阅读区",
    "书房": "阅读区",
}
"""Room words one writer uses for another's (学术报告厅 / 报告厅, 少儿阅览室 / 阅览室)."""


def room_type(name: str | None) -> str | None:
    """The kind of room a venue text names ("三楼多功能厅" → 多功能厅), or None (an address, a name)."""
    if not name:
        return None
    found = _ROOM.findall(nfkc(name))
    return ROOM_FAMILIES.get(found[-1], found[-1]) if found else None


def abbreviations(alliance: Alliance) -> dict[str, str]:
    """Names a member goes by, derived from the members' names: the full name, the part after its
    parent's name ("东城区图书馆桃园分馆" → 桃园分馆, 桃园街道分馆 → 桃园分馆), and for a
    "…区图书馆" the stem with 图 / 馆 ("东城区图", "东城区馆", "东城图书馆").  A name two members
    could go by is dropped; the member's address counts as a name too."""
    names: dict[str, set[str]] = {}

    def add(text: str | None, library_id: str) -> None:
        text = normalize_venue_text(text or "")
        if len(text) >= 3:
            names.setdefault(text, set()).add(library_id)

    for member in alliance.members:
        name = nfkc(member.name)
        add(name, member.id)
        add(name.replace("少年儿童", "少儿"), member.id)
        region = _REGION.match(name)
        if region and not name.endswith("图书馆"):  # "西城区河口社区书吧" → 河口社区书吧, 河口书吧
            rest = name[region.end() :]
            add(rest, member.id)
            add(_PLACE_WORD.sub("", rest), member.id)
        add(member.address, member.id)
        if member.address:  # "解放路201号" for "东城区解放路201号"
            address = nfkc(member.address)
            cut = max(address.rfind(c) for c in "市区县镇")
            if cut >= 0 and len(address) - cut > 5:
                add(address[cut + 1 :], member.id)
        parent = alliance.member(member.parent) if member.parent else None
        if parent is not None and name.startswith(nfkc(parent.name)) and len(name) > len(parent.name) + 2:
            rest = name[len(parent.name) :]
            add(rest, member.id)
            add(_TOWN_SUFFIX.sub("", rest), member.id)
            add(rest.replace("城市书房", "书房"), member.id)
        if name.endswith("图书馆") and len(name) > 4:
            stem = name[:-3]
            add(stem + "图", member.id)
            add(stem + "馆", member.id)
            if stem[-1] in "区县市" and len(stem) >= 3:
                add(stem[:-1] + "图书馆", member.id)
                add(stem[:-1] + "图", member.id)
                add(stem[:-1] + "馆", member.id)
            if "少年儿童" in stem:
                short = stem.replace("少年儿童", "少儿")
                add(short + "馆", member.id)
                add(short + "图", member.id)
    return {text: next(iter(ids)) for text, ids in names.items() if len(ids) == 1}


@dataclass(frozen=True, slots=True)
class Site:
    library_id: str
    named: bool
    """Named in the venue (a directory room, the library's name, an abbreviation, its address),
    not assumed from who wrote the announcement."""
    known: bool = True
    """False: the venue is an address or place no member has in the alliance file — the site is
    the host's only for finding candidates, and says nothing about the place."""

    @property
    def key(self) -> str:
        """``s:<library>`` named, ``w:<library>`` assumed or unknown (which of the two, the venue
        text tells again: :func:`assumed_at_home`; one key fewer to look up per library)."""
        return f"{'s' if self.named else 'w'}:{self.library_id}"


SITE_PREFIXES = ("s", "w")


def parse_site(key: str, venue_text: str = "") -> Site | None:
    """The site a key names; ``venue_text`` (cleaned) tells an assumed site from an unknown one."""
    if key[:2] == "s:":
        return Site(key[2:], True)
    if key[:2] == "w:":
        return Site(key[2:], False, assumed_at_home(venue_text))
    return None


ONLINE = frozenset({"线上", "线上直播", "网络直播", "在线", "online", "云端"})


def assumed_at_home(text: str) -> bool:
    """A venue text that names no place (nothing, a room, online): the host's own building."""
    return not text or text in ONLINE or _is_room_words(text)


_FLOOR = re.compile(r"[0-9一二三四五六七八九十负地下]+(?:楼|层|f)|[东西南北]侧|[东西南北]区")


def _is_room_words(text: str) -> bool:
    """Only room words, floors and punctuation ("三楼多功能厅", "报告厅（一楼）")."""
    return not _DROP.sub("", _ROOM.sub("", _FLOOR.sub("", text)))
