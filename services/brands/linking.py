"""Which brand an activity belongs to: declared, inferred from its title, or corrected.

Pure functions.  An activity announced with a known ``brand_id`` is linked
explicitly.  Failing that, its title is searched for a brand's name or keywords
(after NFKC, case folding and without spaces or quote marks), and the link is
*inferred* — but only when one of the activity's organisers is the brand's
owner, one of its partners, or a branch under the owner: "沽上讲堂" in a title
announced by an unrelated library is not taken as a Jinnan session.  When two
brands match equally well the link is left open rather than guessed.  A person's
correction beats both, and outlives later versions of the activity.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shuxiang.alliance import Alliance, Brand

EXPLICIT = "explicit"
INFERRED = "inferred"
CORRECTED = "corrected"

_NOISE = str.maketrans("", "", " \t\r\n\u3000“”\"'‘’《》〈〉「」『』【】·・")


def normalize_title(text: str) -> str:
    """NFKC, case-folded, without spaces, quotes or middle dots: 「沽上 讲堂」 → 沽上讲堂."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_NOISE)


def brand_terms(brand: Brand) -> list[str]:
    """The normalised words that name ``brand``: its name and keywords, longest first."""
    terms = {normalize_title(word) for word in (brand.name, *brand.keywords)}
    return sorted((t for t in terms if t), key=len, reverse=True)


def related_libraries(brand: Brand, alliance: Alliance) -> frozenset[str]:
    """Who may hold a session of ``brand``: the owner and its subtree, and the partners."""
    owner = [brand.library_id]
    if alliance.member(brand.library_id) is not None:
        owner = alliance.subtree(brand.library_id)
    return frozenset([*owner, *brand.partners])


def infer_brand(title: str, organizers: Iterable[str], brands: Iterable[Brand], alliance: Alliance) -> str | None:
    """The brand whose name or keyword the title carries, held by a related library.

    The longest matching word wins; a tie between brands gives no link.
    """
    return BrandMatcher.of(brands, alliance).infer(title, organizers)


@dataclass(frozen=True)
class BrandMatcher:
    """:func:`infer_brand` for many titles: each brand's words and related libraries worked out once."""

    brands: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...]
    """(brand id, its normalised words longest first, who may hold a session of it)."""

    @classmethod
    def of(cls, brands: Iterable[Brand], alliance: Alliance) -> BrandMatcher:
        return cls(tuple((b.id, tuple(brand_terms(b)), related_libraries(b, alliance)) for b in brands))

    def infer(self, title: str, organizers: Iterable[str]) -> str | None:
        text = normalize_title(title)
        credited = set(organizers)
        best: list[tuple[int, str]] = []
        for brand_id, terms, related in self.brands:
            length = next((len(term) for term in terms if term in text), 0)
            if length and credited & related:
                best.append((length, brand_id))
        if not best:
            return None
        best.sort(reverse=True)
        if len(best) > 1 and best[0][0] == best[1][0]:
            return None  # ambiguous: leave it to a person
        return best[0][1]


@dataclass(frozen=True)
class Correction:
    brand_id: str | None
    corrected_by: str


def holders(brand: Brand) -> set[str]:
    """The libraries that hold a brand's sessions: its owner, its partners, the libraries leading it
    in a year (长春 项目轮值牵头制)."""
    return {brand.library_id, *brand.partners, *brand.leads.values()}


def announcers_of(activity) -> list[str]:
    """The libraries that announced an activity themselves (its sources): whose word a brand link
    may rest on.  Not every library it credits — a member's announcement may name others as
    organizers, and one that reposts another's brand naming nobody is credited to the brand's
    owner for matching (services/dedup) — so one library cannot add sessions to another's brand
    by its own announcement alone."""
    return list(dict.fromkeys(source.library_id for source in activity.sources))


def effective_link(
    *,
    declared: str | None,
    inferred: str | None,
    correction: Correction | None,
    known: Mapping[str, Brand],
    libraries: Iterable[str],
) -> tuple[str | None, str | None]:
    """(brand_id, how): a correction beats a declared brand, which beats an inferred one.

    A declared ``brand_id`` the registry does not know is ignored (the title may still
    name a brand), and so is one of a brand none of ``libraries`` — the libraries that announced
    it (:func:`announcers_of`) — holds (:func:`holders`): a library could otherwise add its
    activities, and their figures, to another's 一馆一品 (a co-host's announcement merged with the
    owner's has the owner among them).
    A correction to ``None`` means "not a session of any brand".
    """
    if correction is not None:
        return correction.brand_id, CORRECTED
    if declared is not None and declared in known and holders(known[declared]) & set(libraries):
        return declared, EXPLICIT
    if inferred is not None:
        return inferred, INFERRED
    return None, None
