"""Property: any interleaving of revisions, duplicates, redeliveries and cancellations gives the
same canonical state as processing the messages in order once (real SQLite, real handler).

The one thing an interleaving keeps is the order in which announcements *first* appear: the
first announcer of an activity names it (its id), as the log's order decides.  (The id also holds
the sequence of that first message, so activities are compared by the announcement naming them.)
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .dedup_support import DedupRig, announcement, submission_delivery

TITLES = ["沽上讲堂：津沽方言漫谈", "【联办】沽上讲堂——津沽方言漫谈", "读书会·共读《活着》", "读书会·共读《边城》"]
STARTS = [(10, 14, 0), (10, 14, 30), (12, 9, 0)]
LIBRARIES = ["jn", "tz", "jn-b1", "jn"]
VENUES = [{"name": "报告厅", "venue_id": "jn-hall"}, {"name": "一楼报告厅"}]

revision_content = st.fixed_dictionaries(
    {
        "title": st.sampled_from(TITLES),
        "start": st.sampled_from(STARTS),
        "venue": st.sampled_from(VENUES),
        "cancelled": st.booleans(),
        "cohosts": st.booleans(),
    }
)


@st.composite
def scripts(draw):
    """Announcements (each with 1–3 revisions), and a delivery order of them."""
    count = draw(st.integers(2, 4))
    announcements = []
    for n in range(count):
        revisions = draw(st.lists(revision_content, min_size=1, max_size=3))
        library = LIBRARIES[n]
        bodies = []
        for number, content in enumerate(revisions, start=1):
            day, hour, minute = content["start"]
            organizers = [("jn", "host"), ("tz", "co_host")] if content["cohosts"] and library in ("jn", "tz") else None
            body = announcement(
                library,
                f"ref{n}",
                title=content["title"],
                day=day,
                hour=hour,
                minute=minute,
                venue=content["venue"],
                organizers=organizers,
                revision=number,
            )
            if content["cancelled"] and number == len(revisions) and number > 1:
                body["status"] = "cancelled"
            bodies.append(body)
        announcements.append(bodies)
    everything = [body for bodies in announcements for body in bodies]
    order = draw(st.permutations(everything))  # any interleaving, stale revisions included
    # "in order once": each announcement's revisions in order, announcements in the order they first appeared
    appearance = list(dict.fromkeys(body["source_ref"] for body in order))
    by_ref = {bodies[0]["source_ref"]: bodies for bodies in announcements}
    in_order = [by_ref[ref][0] for ref in appearance] + [b for ref in appearance for b in by_ref[ref][1:]]
    extra = draw(st.lists(st.sampled_from(everything), max_size=3))
    redeliver = draw(st.lists(st.integers(0, len(order) - 1), max_size=2))
    return in_order, order, extra, redeliver


def state(rig: DedupRig) -> list[dict]:
    """The canonical activities, each named by the announcement whose id it has (an id also holds
    the sequence of that announcement's first message, which an interleaving changes)."""
    namer = rig.namers()
    out = []
    for activity in rig.activities():
        out.append(
            {
                "id": namer[activity["id"]],
                "status": activity["status"],
                "title": activity["title"],
                "starts_at": activity["starts_at"],
                "venue": activity["venue"],
                "organizers": sorted((o["library_id"], o["role"]) for o in activity["organizers"]),
                "sources": sorted(
                    (s["library_id"], s["source_ref"], s["revision"], s["status"]) for s in activity["sources"]
                ),
            }
        )
    return sorted(out, key=lambda a: a["id"])


counter = itertools.count()


def describe(order: list[dict]) -> str:
    return "delivered: " + " | ".join(
        f"{b['library_id']}/{b['source_ref']} r{b['revision']} {b['title']} {b['starts_at'][5:16]}"
        f" {b['venue'].get('venue_id', b['venue']['name'])} {b.get('status', '')} {'co' if 'organizers' in b else ''}"
        for b in order
    )


@settings(
    max_examples=40,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(script=scripts())
def test_any_interleaving_gives_the_state_of_processing_in_order_once(tmp_path, script) -> None:
    in_order, order, extra, redeliver = script
    run = next(counter)
    reference = DedupRig(tmp_path / f"ref-{run}.sqlite3")
    reference.submit(*in_order)
    interleaved = DedupRig(tmp_path / f"mix-{run}.sqlite3")
    for position, body in enumerate(order):
        interleaved.submit(body)
        if position in redeliver:  # the broker delivers the same message again
            interleaved.deliver(submission_delivery(body, interleaved.seq))
    interleaved.submit(*extra)  # members re-send what they sent before
    try:
        assert state(interleaved) == state(reference), describe(order)
    finally:
        reference.close()
        interleaved.close()


# -- groups that a later announcement connects -----------------------------------------------------

CONNECTED = [  # one lecture: the host at 14:00, a co-host's rounded hour (15:10), and two between them
    announcement("jn", "host", hour=14),
    announcement(
        "tz",
        "late",
        title="【联盟活动】沽上讲堂：津沽方言漫谈",
        hour=15,
        minute=10,
        venue={"name": "津南区图书馆报告厅"},
    ),
    announcement("jn-b1", "bridge", title="津沽方言漫谈（报名中）", hour=14, minute=35, venue={"name": "区馆报告厅"}),
    announcement(
        "jn-b2",
        "signin",
        title="📚沽上讲堂：津沽方言漫谈",
        hour=14,
        minute=45,
        venue={"name": "津南区图书馆一楼报告厅"},
    ),
]
APART = [  # look-alikes that must stay apart whatever arrives when
    announcement("jn-b2", "branch", title="沽上讲堂：津沽方言漫谈", hour=14, venue={"name": "八里台分馆阅览室"}),
    announcement("jn", "later", title="沽上讲堂：小站练兵的故事", hour=15, minute=30),
    announcement("jn", "second", title="沽上讲堂：津沽方言漫谈（第二场）", hour=16, minute=0),
]


def grouping(rig: DedupRig) -> set[frozenset]:
    return {frozenset((s["library_id"], s["source_ref"]) for s in a["sources"]) for a in rig.activities()}


@settings(
    max_examples=30,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(order=st.permutations(CONNECTED + APART), batch=st.booleans())
def test_any_arrival_order_gives_the_same_grouping_when_a_connecting_announcement_comes_last(
    tmp_path, order, batch
) -> None:
    """The connecting announcements (bridge, signin) arriving last, first or between, in one batch
    or one by one: one lecture of four announcements, three activities apart; no id ever changes."""
    run = next(counter)
    rig = DedupRig(tmp_path / f"connect-{run}.sqlite3")
    try:
        published: dict[str, str] = {}
        if batch:
            rig.seq += len(order)
            rig.deliver(*[submission_delivery(body, rig.seq - len(order) + n + 1) for n, body in enumerate(order)])
        else:
            for body in order:
                rig.submit(body)
                for activity in rig.activities():  # an id, once published, names the same announcement
                    published.setdefault(activity["id"], rig.namers()[activity["id"]])
        assert grouping(rig) == {
            frozenset((b["library_id"], b["source_ref"]) for b in CONNECTED),
            *(frozenset({(b["library_id"], b["source_ref"])}) for b in APART),
        }, describe(order)
        first = next(b for b in order if b in CONNECTED)
        assert rig.activity_of("jn", "host")["id"] == rig.own_id(first["library_id"], first["source_ref"])
        namers = rig.namers()
        assert all(namers[i] == key for i, key in published.items())
        merged_away = [e["activity"] for kind, e in rig.events() if e["activity"].get("merged_into")]
        assert all(a["merged_into"] == rig.activity_of("jn", "host")["id"] for a in merged_away)
    finally:
        rig.close()
