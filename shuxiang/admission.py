"""What the alliance admits beyond the wire contract: checks that need the alliance file.

The schema (``schemas/submission.py``) checks a submission on its own; the checks here
hold it against the alliance.  Its library and the libraries it names as organizers must be
members (credit and quota counts go to members only; an outside partner is named in
``partners``).  A ``campaign_id`` is a claim to campaign credit
("选择性承办、参与联盟节假日活动10种以上"), and the credit is only honest for a campaign
of the alliance file with the activity's start, in the alliance's time zone, inside that
campaign's window (DOMAIN.md, "What counts").  A July activity tagged ``reading-month``
or ``no-such-campaign`` was once accepted and credited; now it is refused with the
reason, by one function (:func:`admission_problem`) that every way in calls:

* the member form and the JSON API (``services/intake/web.py``): 422 with the reason;
* CSV / ICS / JSONL files (``shuxiang publish``) and the ICS pull: the row is refused
  and reported, the others are published;
* the broker (a member's own system publishing directly): the dedup consumer
  terminates the message and keeps it as a dead letter with the reason.

A cancelled revision is not checked: it credits nobody, and a member must always be
able to withdraw what it announced.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from shuxiang.alliance import Alliance
from shuxiang.i18n import in_both
from shuxiang.schemas import ActivitySubmission, Status


@dataclass(frozen=True)
class Refusal:
    """Why the alliance refuses a submission: the field, and the reason in zh-CN and English."""

    field: str
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:
        return f"{self.field}: {self.zh} / {self.en}"


def campaign_problem(alliance: Alliance, submission: ActivitySubmission) -> Refusal | None:
    """Why ``submission``'s campaign cannot be credited, or None when it can (or names none)."""
    campaign_id = submission.campaign_id
    if campaign_id is None or submission.status == Status.cancelled:
        return None
    campaign = alliance.campaign(campaign_id)
    if campaign is None:
        known = [c.id for c in alliance.campaigns]
        close = difflib.get_close_matches(campaign_id, known, n=1)
        listed = ", ".join(known) or "—"
        if close:
            return Refusal(
                "campaign_id",
                *in_both(
                    '"{campaign}" is not a campaign of the alliance (did you mean "{close}"?) (known: {known})',
                    campaign=campaign_id,
                    close=close[0],
                    known=listed,
                ),
            )
        return Refusal(
            "campaign_id",
            *in_both(
                '"{campaign}" is not a campaign of the alliance (known: {known})', campaign=campaign_id, known=listed
            ),
        )
    day = submission.starts_at.astimezone(alliance.tz).date()
    if not campaign.covers(day):
        first, last = campaign.window(day.year)
        return Refusal(
            "campaign_id",
            *in_both(
                'the activity starts on {day}, outside the window of campaign "{campaign}" ({first} to {last}): '
                "it cannot count for it",
                day=day,
                campaign=campaign.name,
                first=first,
                last=last,
            ),
        )
    return None


def membership_problem(alliance: Alliance, submission: ActivitySubmission) -> Refusal | None:
    """Why ``submission`` is not a member's, or names organizers that are not members; None when
    every library it names is one.  (A file naming a library the alliance does not know was
    published and then kept as a dead letter by the dedup consumer: now it is refused first.)"""
    if alliance.member(submission.library_id) is None:
        return Refusal(
            "library_id",
            *in_both(
                '"{library}" is not a member of the alliance (add it to the alliance configuration first)',
                library=submission.library_id,
            ),
        )
    outsiders = [o.library_id for o in submission.organizers if alliance.member(o.library_id) is None]
    if outsiders:
        return Refusal(
            "organizers",
            *in_both(
                "{names} are not members of the alliance (an outside partner is named in partners, not as an organizer)",
                names=", ".join(dict.fromkeys(outsiders)),
            ),
        )
    return None


def admission_problem(alliance: Alliance, submission: ActivitySubmission) -> Refusal | None:
    """Why the alliance refuses ``submission`` (its libraries, then its campaign), or None.  (A brand
    it names is not refused here: the brands service counts it only for an activity the brand's
    library holds — co-hosts do announce the owner's session without naming the owner.)"""
    return membership_problem(alliance, submission) or campaign_problem(alliance, submission)


def admitted(alliance: Alliance, submissions: list[ActivitySubmission]) -> tuple[list[ActivitySubmission], list[str]]:
    """The submissions the alliance admits, and a problem line (``source_ref …: reason``) per refused one."""
    kept, problems = [], []
    for submission in submissions:
        refusal = admission_problem(alliance, submission)
        if refusal is None:
            kept.append(submission)
        else:
            problems.append(f"source_ref {submission.source_ref}: {refusal}")
    return kept, problems
