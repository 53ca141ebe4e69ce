"""Poster uploads through the intake: the form's file field and ``POST /api/v1/posters``.

Both go through the runtime's :class:`shuxiang.posters.Posters` (checked, re-encoded, stored by
content: in the data dir, or the broker's object store when distributed)
and give the name a submission's ``poster`` field then carries.  The body is bounded before
it is read: a request announcing more than the limit is refused unread, and a body streamed
without a length stops being read at the limit.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from shuxiang.i18n import gettext, in_both
from shuxiang.posters import MAX_BYTES, PosterRefused, Posters

FORM_OVERHEAD = 1024 * 1024
"""What a form's other fields may add to a poster's bytes (a 20,000-character description is 60 kB)."""


def declared_too_large(request: Request, limit: int) -> bool:
    try:
        return int(request.headers.get("content-length", "0")) > limit
    except ValueError:
        return True


async def read_bounded(request: Request, limit: int = MAX_BYTES) -> bytes:
    """The request body, refused as soon as it passes ``limit`` octets."""
    if declared_too_large(request, limit):
        raise PosterRefused(
            *in_both("The poster is too large (at most {mb} MB)", mb=limit // 1048576),
            413,
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PosterRefused(
                *in_both("The poster is too large (at most {mb} MB)", mb=limit // 1048576),
                413,
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def poster_from_form(form, store: Posters, values: dict, lang: str) -> str | None:
    """Store the form's uploaded poster (field ``poster_file``) into ``values["poster"]``; the
    problem in the page's language if it is refused (the earlier poster, if any, is kept)."""
    upload = form.get("poster_file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        kept = values.get("poster")
        try:
            gone = bool(kept) and not await run_in_threadpool(store.exists, str(kept))
        except PosterRefused as refused:  # the shared store did not answer
            return refused.text(lang)
        if gone:  # the hidden field names no stored poster
            values["poster"] = ""
            return gettext(lang, "The poster uploaded before is gone: upload it again")
        return None
    data = await upload.read(MAX_BYTES + 1)
    try:
        poster = await run_in_threadpool(store.add, data, content_type=upload.content_type, filename=upload.filename)
    except PosterRefused as refused:
        return refused.text(lang)
    values["poster"] = poster.name
    return None
