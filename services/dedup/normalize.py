"""Normalising what members type, so that one activity announced twice gives the same keys.

Titles: NFKC (full-width letters, digits and spaces become half-width), case-folded,
campaign prefixes (4·23 / 4.23 / 世界读书日), repost and status noise (转发, 【预告】,
（报名中）, （联办）…) removed, then every bracket, quote, separator and space dropped, so
"【转发】4·23《乡土中国》读书会（报名中）" and "4.23 乡土中国 读书会" give one key.

Venues: a directory venue (``venue_id``, an alias, a unique name, or a near-exact name
among the organisers' own rooms) gives ``v:<venue_id>``; otherwise the cleaned name,
scoped to the host library when it is a bare room word ("报告厅", "阅览室"), so five
branches each typing "阅览室" never share a venue key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz, process
from shuxiang.schemas import Venue

from shuxiang.alliance import Alliance, VenueEntry, normalize_venue_text

OPEN = "【[（(〔〖「『《〈<{"
CLOSE = "】]）)〕〗」』》〉>}"
NOISE_WORDS = (
    "火热报名中|报名中|报名开启|开放报名|名额已满|已满员|已满|额满|联办|联合举办|转发|转载|转|置顶|推荐|热门|"
    "最新|更新|新|改期|延期|重要|通知|预告|活动预告|直播预告|直播|线上|回顾|免费|公益|限额|预约"
)
_BRACKETED_NOISE = re.compile(rf"[{re.escape(OPEN)}]\s*(?:{NOISE_WORDS})\s*[{re.escape(CLOSE)}]")
_LEADING_REPOST = re.compile(r"^\s*(?:(?:转发|转载)\s*[:：|｜/\-—]*|转\s*[:：|｜/\-—]+|fwd?\s*:)\s*", re.IGNORECASE)
_CAMPAIGN_PREFIX = re.compile(
    r"^\s*(?:(?:20\d\d\s*年?\s*)?(?:4|四)\s*(?:[·・•．.\-/—]|月)\s*23\s*日?|世界读书日|全民阅读日)"
    r"(?:\s*(?:世界读书日|读书日|主题活动|系列活动))?\s*[:：·・•\-—|｜]*\s*"
)
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_BOOK = re.compile(r"《([^《》]+)》")
_EPISODE = re.compile(r"第\s*([0-9]+|[一二三四五六七八九十百零两]+)\s*[期届讲场次季课]")
_ROOM_ONLY = re.compile(
    r"^(?:[0-9一二三四五六七八九十负地下]+(?:楼|层|f))?"
    r"(?:报告厅|多功能厅|阅览室|少儿阅览室|电子阅览室|展厅|会议室|活动室|培训室|自习室|大厅|"
    r"学术报告厅|讲堂|书房|阅读区|亲子阅读区|绘本馆|少儿馆|放映厅|影厅|教室|多媒体教室)"
    r"(?:[0-9一二三四五六七八九十]+(?:楼|层|f))?$"
)
_FLOOR_NOTE = re.compile(rf"[{re.escape(OPEN)}][^{re.escape(OPEN + CLOSE)}]*[{re.escape(CLOSE)}]")

VENUE_FUZZY_CUTOFF = 90.0
"""How close a typed venue name must be to a directory name or alias of an organiser's rooms."""


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def title_key(title: str) -> str:
    """The title with noise, brackets, quotes, punctuation and spaces removed (see module doc)."""
    text = nfkc(title).casefold()
    previous = None
    while previous != text:  # noise can nest: "转发：【报名中】4·23 …"
        previous = text
        text = _BRACKETED_NOISE.sub("", text)
        text = _LEADING_REPOST.sub("", text)
        text = _CAMPAIGN_PREFIX.sub("", text)
    return _DROP.sub("", text)


def books(title: str) -> frozenset[str]:
    """The works a title names in 《》: two different books are two activities."""
    return frozenset(_DROP.sub("", nfkc(b).casefold()) for b in _BOOK.findall(nfkc(title)))


def episode(title: str) -> str | None:
    """"第3期" / "第十二届" / "第二场": the session number a title names, as written."""
    found = _EPISODE.search(nfkc(title))
    return found.group(1) if found else None


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
    _cache: dict[tuple[str | None, str, tuple[str, ...]], str] = field(default_factory=dict, repr=False)

    @cached_property
    def _choices_by_library(self) -> dict[str, list[tuple[str, VenueEntry]]]:
        choices: dict[str, list[tuple[str, VenueEntry]]] = {}
        for venue in self.alliance.venues:
            for text in (venue.name, *venue.aliases):
                choices.setdefault(venue.library_id, []).append((clean_venue_name(text), venue))
        return choices

    def key(self, venue: Venue, *, host: str, libraries: tuple[str, ...]) -> str:
        """The venue key of an announcement; ``libraries`` are its submitter and organisers."""
        if venue.venue_id and self.alliance.venue(venue.venue_id) is not None:
            return f"v:{venue.venue_id}"
        if not (venue.name and venue.name.strip()):
            return "online"
        cache_key = (venue.name, host, libraries)
        cached = self._cache.get(cache_key)
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
            best = process.extractOne(cleaned, [text for text, _ in choices], scorer=fuzz.ratio,
                                      score_cutoff=VENUE_FUZZY_CUTOFF)
            if best is not None:
                return f"v:{choices[best[2]][1].id}"
        if cleaned in {"线上", "线上直播", "网络直播", "在线", "online", "云端"}:
            return "online"
        if not cleaned or is_bare_room(cleaned):
            return f"n:{host}:{cleaned or normalize_venue_text(name)}"
        return f"n:{cleaned}"
