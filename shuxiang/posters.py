"""Activity posters: checked, re-encoded and stored by content.

An upload is refused unless it is a JPEG, PNG or WebP of at most ``MAX_BYTES`` and
``MAX_PIXELS``, whose content is the type it claims (the browser's Content-Type or the file
name's extension).  The pixel count is read from the header before anything is decoded, so a
decompression bomb (a small file of a huge image) is refused without being unpacked.  What is
kept is never the upload itself: Pillow decodes it, applies the EXIF orientation, drops every
metadata block (EXIF with its GPS position, XMP, ICC, comments), shrinks it to ``MAX_SIDE`` and
encodes a fresh JPEG.  Its name is the SHA-256 of those bytes, so the same poster is stored
once, a URL never changes meaning and can be cached for a year.  A file is written to a
temporary name and renamed into place: a reader never sees half a poster.

Two stores behind one protocol (:class:`Posters`: ``add`` / ``exists`` / ``read``), chosen by the
settings (:func:`posters_of`): embedded, files under ``<data dir>/posters/`` (:class:`PosterStore`);
distributed, the JetStream object store ``shuxiang-posters`` (:class:`ObjectPosterStore`), replicated
like the streams, so every web replica serves every replica's uploads.  Both check and re-encode
with :func:`prepare` and nothing else; they differ only in where the bytes go.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps, UnidentifiedImageError

from shuxiang.i18n import in_both

MAX_BYTES = 8 * 1024 * 1024
"""An upload larger than this is refused (phones' photos are 2–6 MB)."""
MAX_PIXELS = 40_000_000
"""Width × height above this is refused before decoding (a 40 MP image decodes to 120 MB)."""
MAX_SIDE = 1600
"""The stored poster's longer side: sharp on a phone, small on the wire."""
QUALITY = 85

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
POSTER_NAME = re.compile(r"^[0-9a-f]{64}\.jpg$")


class PosterRefused(ValueError):
    """Why an upload cannot be a poster, in Chinese and English."""

    def __init__(self, zh: str, en: str, status: int = 422) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en, self.status = zh, en, status
        """The HTTP status an API answers with: 413 too large, 415 not an allowed type, 422 otherwise."""

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class PosterStoreUnavailable(PosterRefused):
    """The shared poster store (the broker) did not answer: try again later (503)."""

    def __init__(self) -> None:
        super().__init__(*in_both("The poster store is not available; try again later"), 503)


@dataclass(frozen=True)
class Poster:
    name: str
    """``<sha256>.jpg``: what a submission's ``poster`` field holds."""
    width: int
    height: int
    created: bool = field(default=False, compare=False)
    """True when this upload stored it; False when the same poster was there already."""


def claimed_format(content_type: str | None, filename: str | None) -> str | None:
    """The format the upload says it is: its Content-Type, else its file name's extension."""
    by_type = {v: k for k, v in FORMATS.items()} | {"image/jpg": "JPEG", "image/pjpeg": "JPEG"}
    if content_type and content_type.split(";")[0].strip().lower() in by_type:
        return by_type[content_type.split(";")[0].strip().lower()]
    if filename:
        return EXTENSIONS.get(Path(filename).suffix.lower())
    return None


def prepare(data: bytes, *, content_type: str | None = None, filename: str | None = None) -> tuple[Poster, bytes]:
    """The poster an upload gives, and its JPEG bytes; :class:`PosterRefused` says why not."""
    if len(data) > MAX_BYTES:
        raise PosterRefused(
            *in_both(
                "The poster is too large ({size:.1f} MB; at most {mb} MB)",
                size=len(data) / 1048576,
                mb=MAX_BYTES // 1048576,
            ),
            413,
        )
    if not data:
        raise PosterRefused(*in_both("The poster file is empty"))
    claimed = claimed_format(content_type, filename)
    if claimed is None:
        raise PosterRefused(
            *in_both("A poster must be a JPEG, PNG or WebP image (got: {got})", got=content_type or filename or "?"),
            415,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            actual = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PosterRefused(
                    *in_both(
                        "The poster has too many pixels ({width}×{height}; at most {mp} megapixels)",
                        width=width,
                        height=height,
                        mp=MAX_PIXELS // 1_000_000,
                    ),
                    413,
                )
            if actual != claimed:
                raise PosterRefused(
                    *in_both(
                        "The file's content is {actual}, not the {claimed} it claims to be",
                        actual=actual or "?",
                        claimed=claimed,
                    ),
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except PosterRefused:
        raise
    except UnidentifiedImageError:
        raise PosterRefused(
            *in_both(
                "The file's content is not a JPEG, PNG or WebP image (it claims to be {claimed})", claimed=claimed
            ),
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PosterRefused(
            *in_both("The poster has too many pixels (at most {mp} megapixels)", mp=MAX_PIXELS // 1_000_000),
            413,
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise PosterRefused(*in_both("The image is damaged and cannot be read ({claimed})", claimed=claimed)) from None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)  # no exif=, icc_profile=: none kept
    encoded = out.getvalue()
    name = hashlib.sha256(encoded).hexdigest() + ".jpg"
    return Poster(name=name, width=image.width, height=image.height), encoded


class PosterStore:
    """Posters as files named by content under one directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> PosterStore:
        return cls(Path(data_dir) / "posters")

    def path(self, name: str) -> Path | None:
        """Where a poster is, if ``name`` is a poster's name (None for anything else)."""
        if not POSTER_NAME.match(name):
            return None
        return self.root / name[:2] / name

    def exists(self, name: str) -> bool:
        path = self.path(name)
        return path is not None and path.is_file()

    def add(self, data: bytes, *, content_type: str | None = None, filename: str | None = None) -> Poster:
        """Check, re-encode and store an upload (nothing is written unless all of it is good)."""
        poster, encoded = prepare(data, content_type=content_type, filename=filename)
        return replace(poster, created=self.keep(poster.name, encoded))

    def read(self, name: str) -> bytes | None:
        path = self.path(name)
        try:
            return path.read_bytes() if path is not None else None
        except FileNotFoundError:
            return None

    def keep(self, name: str, encoded: bytes) -> bool:
        """Write a prepared poster's bytes under its name (False: it was there already)."""
        target = self.path(name)
        assert target is not None
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(encoded)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True

    def size(self, name: str) -> tuple[int, int] | None:
        path = self.path(name)
        if path is None or not path.is_file():
            return None
        with Image.open(path) as image:
            return image.size


class Posters(Protocol):
    """Where posters are kept: the data dir (:class:`PosterStore`) or the broker's object store
    (:class:`ObjectPosterStore`).  Blocking calls (Pillow's work is too): call them from a thread,
    never on the event loop (``run_in_threadpool``; FastAPI runs ``def`` routes in one)."""

    def add(self, data: bytes, *, content_type: str | None = None, filename: str | None = None) -> Poster:
        """Check and re-encode an upload (:func:`prepare`) and keep it; :class:`PosterRefused` says why not."""

    def exists(self, name: str) -> bool: ...

    def read(self, name: str) -> bytes | None:
        """The poster's JPEG bytes; None if ``name`` is no stored poster's."""

    def size(self, name: str) -> tuple[int, int] | None: ...


BUCKET = "shuxiang-posters"
"""The JetStream object store of the distributed deployment (its stream: ``OBJ_shuxiang-posters``)."""
BROKER_TIMEOUT = 15.0
"""How long a request waits for the object store before it is answered 503: a call that times out
is tried again until then, so a cluster electing a new leader for the bucket's stream after its
node died (a timeout of 5 s, then a few seconds) is waited for, not passed on as an error."""


async def ensure_poster_bucket(js, replicas: int = 1):
    """Create the posters' object store, or bring its replicas to the streams' (like :func:`ensure_streams`)."""
    from nats.js import api
    from nats.js.errors import BucketNotFoundError

    try:
        store = await js.object_store(BUCKET)
    except BucketNotFoundError:
        return await js.create_object_store(
            BUCKET,
            config=api.ObjectStoreConfig(
                description="Activity posters, named by the SHA-256 of their JPEG bytes (shuxiang/posters.py).",
                storage=api.StorageType.FILE,
                replicas=replicas,
            ),
        )
    info = await js.stream_info(f"OBJ_{BUCKET}")
    if info.config.num_replicas != replicas:
        info.config.num_replicas = replicas
        await js.update_stream(info.config)
    return store


class ObjectPosterStore:
    """Posters in the JetStream object store, shared by every web replica, with a read-through
    copy in this replica's data dir: a poster is immutable (its name is its hash), so a copy never
    goes stale, and after the first request a replica serves it as a file.

    An object is visible once its metadata message is stored, which nats-py publishes after the
    last chunk (chunks of a failed put are purged): a reader never gets half a poster.  The
    methods block, like :class:`PosterStore`'s; they run the broker's part on the loop of the
    connection (:meth:`attach`) and must be called from another thread."""

    def __init__(self, cache: PosterStore) -> None:
        self.cache = cache
        self._store = None
        self._loop = None

    async def attach(self, js, replicas: int = 1) -> ObjectPosterStore:
        """Use ``js`` (on the running loop), creating the bucket if there is none."""
        self._store = await ensure_poster_bucket(js, replicas)
        self._loop = asyncio.get_running_loop()
        return self

    def _call(self, work, *, cut_short: bool = True):
        """Run ``work()`` (a coroutine) on the connection's loop and wait for it."""
        import nats.errors

        if self._store is None or self._loop is None or self._loop.is_closed():
            raise PosterStoreUnavailable()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            raise RuntimeError("ObjectPosterStore blocks: call it from a thread (run_in_threadpool), not the loop")
        future = asyncio.run_coroutine_threadsafe(_retried(work, BROKER_TIMEOUT, cut_short=cut_short), self._loop)
        try:
            return future.result(BROKER_TIMEOUT + 6)  # an upload's last attempt may run 5 s past it
        except (TimeoutError, nats.errors.Error):
            future.cancel()
            raise PosterStoreUnavailable() from None

    def add(self, data: bytes, *, content_type: str | None = None, filename: str | None = None) -> Poster:
        poster, encoded = prepare(data, content_type=content_type, filename=filename)
        created = self._call(lambda: self._put(poster.name, encoded), cut_short=False)
        with contextlib.suppress(OSError):  # the copy only saves a trip to the broker
            self.cache.keep(poster.name, encoded)
        return replace(poster, created=created)

    async def _put(self, name: str, encoded: bytes) -> bool:
        from nats.js.errors import ObjectNotFoundError

        try:
            await self._store.get_info(name)
            return False  # stored before (by this replica or another)
        except ObjectNotFoundError:
            pass
        await self._store.put(name, encoded)
        return True

    def exists(self, name: str) -> bool:
        if self.cache.exists(name):
            return True
        return POSTER_NAME.match(name) is not None and self._call(lambda: self._exists(name))

    async def _exists(self, name: str) -> bool:
        from nats.js.errors import ObjectNotFoundError

        try:
            await self._store.get_info(name)
        except ObjectNotFoundError:
            return False
        return True

    def read(self, name: str) -> bytes | None:
        kept = self.cache.read(name)
        if kept is not None or not POSTER_NAME.match(name):
            return kept
        data = self._call(lambda: self._get(name))
        if data is None or hashlib.sha256(data).hexdigest() + ".jpg" != name:
            return None  # not there, or not what its name says (never kept, never served)
        with contextlib.suppress(OSError):
            self.cache.keep(name, data)
        return data

    async def _get(self, name: str) -> bytes | None:
        from nats.js.errors import ObjectNotFoundError

        try:
            return bytes((await self._store.get(name)).data)
        except ObjectNotFoundError:
            return None

    def size(self, name: str) -> tuple[int, int] | None:
        """None too when the broker does not answer: a page then shows no poster rather than failing."""
        try:
            return self.cache.size(name) if self.read(name) is not None else None
        except PosterStoreUnavailable:
            return None


CLUSTER_UNAVAILABLE = 10008
"""JetStream's "temporarily unavailable" (503, no leader yet): worth another attempt."""


async def _retried(work, budget: float, *, cut_short: bool):
    """``await work()``, again after a timeout or a broker without a leader, for ``budget`` seconds.
    Safe for an upload too: a put that did land is found by name the next time.  ``cut_short``:
    an attempt is cancelled at the deadline (a read); an upload is not, so that a put which fails
    still purges its chunks (it gives up after nats-py's own 5 s timeout)."""
    import nats.errors
    from nats.js.errors import ServiceUnavailableError

    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget
    while True:
        try:
            if cut_short:
                return await asyncio.wait_for(work(), max(deadline - loop.time(), 0.1))
            return await work()
        except (TimeoutError, nats.errors.TimeoutError, nats.errors.NoRespondersError, ServiceUnavailableError) as exc:
            passing = not isinstance(exc, ServiceUnavailableError) or exc.err_code in (None, CLUSTER_UNAVAILABLE)
            if not passing or loop.time() + 0.5 > deadline:
                raise  # a limit reached (10077 maximum bytes exceeded …) stays so: no use waiting
            await asyncio.sleep(0.5)


def posters_of(context) -> Posters:
    """The poster store of a runtime's context: its own (the object store, distributed), else the
    data dir's (embedded)."""
    posters = getattr(context, "posters", None)
    if posters is not None:
        return posters
    if not context.settings.embedded:
        raise RuntimeError("distributed runtime without a poster store: the context's posters is not set")
    return PosterStore.in_data_dir(context.settings.data_dir)


def poster_store(settings) -> Posters:
    """The store the settings choose (an :class:`ObjectPosterStore` still to :meth:`~ObjectPosterStore.attach`)."""
    files = PosterStore.in_data_dir(settings.data_dir)
    return files if settings.embedded else ObjectPosterStore(cache=files)


CACHE_FOREVER = "public, max-age=31536000, immutable"
"""A poster's URL is its content's hash: it never changes, so caches keep it a year."""
