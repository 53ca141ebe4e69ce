"""The review queue over HTTP: a JSON API and a page for coordinators (works without JavaScript).

A decision is not written here: it is published as an event
(``shuxiang.review.decided.<coordinator_id>``) and applied by the dedup consumer, so a
replay of the log reproduces it.  Only a logged-in coordinator (session + CSRF token, or a
bearer token) sees the queue and decides, as itself, and only on pairs whose libraries are
all inside its scope (``services/intake/auth.py``).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy import Engine

from shuxiang.events.streams import decided_subject
from shuxiang.i18n import both
from shuxiang.pages import render
from shuxiang.services.deps import AllianceDep, EventPublisher, Publisher, reader_of
from shuxiang.services.intake.auth import Accounts, Auth, Coordinator, actor
from shuxiang.services.intake.security import SESSION_COOKIE

from .reviews import DecisionBody, Review, decision_for, get_review, list_reviews
from .service import NAME

STATUSES = ("pending", "merge", "apart")
OUT_OF_SCOPE = both("this pair is not all inside your scope")


DedupReader = Annotated[Engine, Depends(reader_of(NAME))]

router = APIRouter(tags=["dedup"])


def find(reader: Engine, review_id: str) -> Review | None:
    with reader.connect() as connection:
        return get_review(connection, review_id)


def visible(auth: Auth, who, reviews: list[Review]) -> list[Review]:
    return [r for r in reviews if auth.in_scope(who, r.source.library_id, r.other.library_id)]


async def publish(publisher: EventPublisher | None, auth: Auth, who, review: Review, body: DecisionBody) -> str:
    if not auth.in_scope(who, review.source.library_id, review.other.library_id):
        raise HTTPException(403, OUT_OF_SCOPE)
    body = body.model_copy(update={"coordinator_id": actor(who, body.coordinator_id, "coordinator_id")})
    if publisher is None:
        raise HTTPException(503, both("the broker is not connected"))
    decision = decision_for(review, body)
    await publisher.publish(
        decided_subject(decision.coordinator_id), decision.message_id(), decision.model_dump_json().encode()
    )
    return decision.message_id()


@router.get("/api/v1/dedup/reviews")
def api_reviews(
    who: Coordinator,
    auth: Accounts,
    reader: DedupReader,
    status: str = Query("pending", pattern="^(pending|merge|apart|all)$"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[dict]:
    """Pairs of announcements the matcher could not settle (``status=pending``), or decided ones,
    inside the coordinator's scope."""
    with reader.connect() as connection:
        found = list_reviews(connection, status=None if status == "all" else status, limit=limit, offset=offset)
        return [review.as_json() for review in visible(auth, who, found)]


@router.post("/api/v1/dedup/reviews/{review_id}/decision", status_code=202)
async def api_decide(
    review_id: str, body: DecisionBody, who: Coordinator, auth: Accounts, reader: DedupReader, bus: Publisher
) -> JSONResponse:
    """Merge the pair into one activity, or keep it apart, as the authenticated coordinator.
    Published as an event; applied shortly after."""
    review = find(reader, review_id)
    if review is None:
        raise HTTPException(404, both("no review {review}", review=review_id))
    msg_id = await publish(bus, auth, who, review, body)
    return JSONResponse(
        {"review_id": review_id, "decision": body.decision, "decided_by": who.name, "message_id": msg_id},
        status_code=202,
    )


@router.get("/dedup/reviews", response_class=HTMLResponse, include_in_schema=False)
def page(
    request: Request,
    who: Coordinator,
    auth: Accounts,
    alliance: AllianceDep,
    reader: DedupReader,
    status: str = "pending",
    done: str | None = None,
    error: str | None = None,
):
    status = status if status in STATUSES else "pending"
    with reader.connect() as connection:
        found = visible(auth, who, list_reviews(connection, status=status, limit=200))
    session = auth.codec.load(request.cookies.get(SESSION_COOKIE))
    coordinator = alliance.coordinator(who.name)
    return render(
        request,
        "dedup/reviews.html",
        reviews=found,
        status=status,
        statuses=STATUSES,
        who=coordinator.name if coordinator else who.name,
        csrf=session.csrf if session else "",
        member_name=_member_name(alliance),
        done=done,
        error=error and error[:300],
        tz=alliance.tz,
    )


@router.post("/dedup/reviews/{review_id}", include_in_schema=False)
async def page_decide(
    request: Request,
    review_id: str,
    who: Coordinator,
    auth: Accounts,
    reader: DedupReader,
    bus: Publisher,
    decision: str = Form(""),
    note: str = Form(""),
):
    review = find(reader, review_id)
    lang = "&lang=en" if request.cookies.get("lang", "").startswith("en") else ""
    try:
        if review is None:
            raise HTTPException(404, both("no review {review}", review=review_id))
        body = DecisionBody(decision=decision, note=note or None)
        await publish(bus, auth, who, review, body)
    except ValidationError:
        return _back("error", both("choose a decision"), lang)
    except HTTPException as exc:
        return _back("error", str(exc.detail), lang)
    return _back("done", review_id, lang)


def _back(key: str, value: str, lang: str) -> RedirectResponse:
    return RedirectResponse(f"/dedup/reviews?{key}={quote(value)}{lang}", status_code=303)


def _member_name(alliance):
    def name(library_id: str) -> str:
        member = alliance.member(library_id)
        return member.name if member else library_id

    return name
