"""Memos a burst fills and a quiet process gives back.

A handler keeps what it computes many times in a batch: built statements by their shape, parsed
events for the other projections of its process, ids and decoded columns.  Each memo is bounded,
but a 100,000-message burst fills every one of them, and they held ≈ 60 MB of the runtime's two
processes for good once it was over (issue 23: 342 MB a minute after the burst, 224 MB idle).

A memo made here is registered, and :func:`forget_burst_memos` empties them all: the runtime calls
it once its consumers have been quiet for a while (``shuxiang.runtime.give_back_memory``), before
collecting garbage and trimming the heap; the next burst fills them again.  Only memos whose
contents can be computed again belong here — never state.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_FORGETTERS: list[Callable[[], None]] = []
"""The ``cache_clear`` of every :func:`burst_memo` (module-level functions: they live as long as the process)."""


class BurstDict(dict):
    """A memo's dict (a subclass so that the registry can hold it weakly: an object's memo goes
    with its object), at most :attr:`limit` entries long when :meth:`remember` fills it."""

    limit: int | None = None

    def remember(self, key: Any, value: Any) -> Any:
        """``self[key] = value``, the older half of the entries going first when the memo is at its
        limit (the newest are the ones a batch reads again); ``value``.

        Half at a time, not one: a dict finds its oldest entry by walking past every slot emptied
        since it was last rebuilt, so evicting one entry per insert made each insert cost the
        length of the memo (≈ 2 % of the projections' samples for the parsed events' memo)."""
        if self.limit is not None and len(self) >= self.limit:
            try:
                newer = list(self.items())[len(self) // 2 :]
                self.clear()
                self.update(newer)
            except RuntimeError:  # another thread changed it meanwhile: a memo may lose entries
                pass
        self[key] = value
        return value


_DICTS: weakref.WeakValueDictionary[int, BurstDict] = weakref.WeakValueDictionary()
"""Every :func:`burst_dict` by its id (a dict is not hashable), held weakly."""


def burst_memo(maxsize: int) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, emptied by :func:`forget_burst_memos`."""

    def decorate(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _FORGETTERS.append(cached.cache_clear)
        return cached  # type: ignore[return-value]

    return decorate


def burst_dict(limit: int | None = None) -> BurstDict:
    """An empty dict for a memo (a module's, or an object's), emptied by :func:`forget_burst_memos`;
    :meth:`BurstDict.remember` keeps it at most ``limit`` entries long."""
    memo = BurstDict()
    memo.limit = limit
    _DICTS[id(memo)] = memo
    return memo


def forget_burst_memos() -> int:
    """Empty every memo made with :func:`burst_memo` and :func:`burst_dict`; how many there were."""
    for forget in _FORGETTERS:
        forget()
    memos = list(_DICTS.values())
    for memo in memos:
        memo.clear()
    return len(_FORGETTERS) + len(memos)
