"""Who is asking: the one authentication and authorisation layer of the web app, as FastAPI
dependencies every service's routes share (full-stack-fastapi-template's ``api/deps.py``).

Accounts live here, in the intake (``shuxiang accounts add``): one per member library and
per coordinator.  A request is authenticated by

* a bearer token (``Authorization: Bearer shx_…``; the API, no cookies, so no CSRF), or
* the session cookie of ``/submit/login`` — and then every state-changing request must carry
  the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).

Besides, :func:`same_origin` (an app-wide dependency) refuses any state-changing request a
browser marks as cross-site (a foreign ``Origin``, or ``Sec-Fetch-Site: cross-site``) unless it
carries a bearer token.  Routes ask for what they need::

    async def decide(review_id: str, body: DecisionBody, who: Coordinator) -> ...

and take "who decided" from ``who``, never from the body.  A coordinator acts only inside
its scope (:meth:`Auth.in_scope`): the subtree of its ``scope`` member, or the whole alliance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from shuxiang.alliance import Alliance
from shuxiang.i18n import both, in_both

from .accounts import Account, AccountStore
from .security import CSRF_FIELD, SESSION_COOKIE, SessionCodec, csrf_ok, session_secret

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"


@dataclass
class Auth:
    """What the dependencies need, kept on ``app.state.auth`` by :func:`shuxiang.web.create_app`."""

    alliance: Alliance
    accounts: AccountStore
    codec: SessionCodec
    public_url: str

    @classmethod
    def from_context(cls, context) -> Auth:
        from .service import NAME

        databases = context.databases
        return cls(
            alliance=context.alliance,
            accounts=AccountStore(databases.engine(NAME), databases.reader(NAME)),
            codec=SessionCodec(session_secret(context.settings.data_dir)),
            public_url=context.settings.public_url,
        )

    def scope(self, account: Account) -> set[str] | None:
        """The libraries an account acts for: a library itself; a coordinator its subtree (None: all)."""
        if account.is_library:
            return {account.name}
        coordinator = self.alliance.coordinator(account.name)
        if coordinator is None:
            return set()
        return None if coordinator.scope is None else set(self.alliance.subtree(coordinator.scope))

    def in_scope(self, account: Account, *library_ids: str) -> bool:
        scope = self.scope(account)
        return scope is None or all(library in scope for library in library_ids)


def problem(status: int, zh: str, en: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(status, f"{zh} / {en}", headers=headers)


def get_auth(request: Request) -> Auth:
    auth = getattr(request.app.state, "auth", None)
    if auth is None:  # an app built without accounts accepts no writes at all
        raise problem(503, *in_both("accounts are not available here"))
    return auth


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _cross_site(request: Request, public_url: str) -> bool:
    """Whether a browser says this request comes from another site."""
    if request.headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    allowed = {_origin_of(public_url), _origin_of(str(request.base_url))}
    return _origin_of(origin) not in allowed


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


async def same_origin(request: Request) -> None:
    """App-wide: a state-changing request from another site is refused before any route runs
    (bearer-token requests excepted: a browser never adds those by itself)."""
    if request.method in SAFE_METHODS or _bearer(request):
        return
    auth = getattr(request.app.state, "auth", None)
    if _cross_site(request, auth.public_url if auth else ""):
        raise problem(403, *in_both("cross-site request refused"))


async def _submitted_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        if getattr(request, "_form", None) is None:
            await request.body()  # cached, so the route can still read the body (or the form) after us
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def current_account(request: Request, auth: Annotated[Auth, Depends(get_auth)]) -> Account | None:
    """The account of a bearer token or of the session cookie (None: anonymous).  A session's
    state-changing request without its CSRF token is refused here, whatever the route."""
    token = _bearer(request)
    if token is not None:
        account = await run_in_threadpool(auth.accounts.by_token, token)
        if account is None:
            raise problem(401, *in_both("invalid API token"), {"WWW-Authenticate": "Bearer"})
        return account
    session = auth.codec.load(request.cookies.get(SESSION_COOKIE))
    if session is None or session.account is None:
        return None
    account = await run_in_threadpool(auth.accounts.get, session.account)
    if account is None or account.session_epoch != session.epoch:
        return None  # logged out, or the password was reset: the cookie is dead
    if request.method not in SAFE_METHODS and not csrf_ok(session, await _submitted_csrf(request)):
        raise problem(
            403,
            *in_both("the form expired or did not come from this site (no CSRF token): reload and try again"),
        )
    return account


def _login_location(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/submit/login?next={quote(target, safe='')}"


async def require_account(request: Request, account: Annotated[Account | None, Depends(current_account)]) -> Account:
    if account is None:
        if request.method in SAFE_METHODS and "text/html" in request.headers.get("accept", ""):
            raise HTTPException(303, both("log in first"), headers={"Location": _login_location(request)})
        raise problem(
            401,
            *in_both("log in or send an API token (Authorization: Bearer …)"),
            {"WWW-Authenticate": "Bearer"},
        )
    return account


async def require_coordinator(account: Annotated[Account, Depends(require_account)]) -> Account:
    if account.is_library:
        raise problem(403, *in_both("only the alliance's coordinators may do this"))
    return account


async def require_library_token(request: Request, auth: Annotated[Auth, Depends(get_auth)]) -> Account:
    """A member library's API token (no session cookie: the intake's JSON API is for members' systems)."""
    token = _bearer(request)
    account = await run_in_threadpool(auth.accounts.by_token, token) if token else None
    if account is None:
        raise problem(
            401,
            *in_both("missing or invalid API token (Authorization: Bearer …)"),
            {"WWW-Authenticate": "Bearer"},
        )
    if not account.is_library:
        raise problem(403, *in_both("a coordinator's token cannot publish activities"))
    return account


Signed = Annotated[Account, Depends(require_account)]
"""Any account: a member library or a coordinator."""
Coordinator = Annotated[Account, Depends(require_coordinator)]
"""A coordinator's account (its scope: :meth:`Auth.in_scope`)."""
Accounts = Annotated[Auth, Depends(get_auth)]
LibraryToken = Annotated[Account, Depends(require_library_token)]
"""A member library's bearer token (the intake API publishes as that library)."""


def actor(account: Account, named: str | None, field: str) -> str:
    """Who acts: the account; a body that names someone else is refused, never believed."""
    if named not in (None, "", account.name):
        raise problem(
            403,
            *in_both(
                "{field}: you act as your own account ({account}), not as {named}",
                field=field,
                account=account.name,
                named=named,
            ),
        )
    return account.name
