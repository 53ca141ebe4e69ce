"""Turning member input into validated submissions, with problems named by line."""

from __future__ import annotations

from collections.abc import Callable

from shuxiang.i18n import both
from shuxiang.schemas import ActivitySubmission
from shuxiang.schemas.errors import InvalidPayload, parse_json_model


def read_jsonl_submissions(
    text: str, *, as_library: str | None = None, refuse: Callable[[ActivitySubmission], str | None] | None = None
) -> tuple[list[ActivitySubmission], list[str]]:
    """Parse JSON Lines; returns the valid submissions and ``"line N: reason"`` for the rest.

    With ``as_library`` every submission must be that library's own (no one posts for another);
    ``refuse(submission)`` says why one is refused otherwise (the alliance's admission), by its line.
    One announcement's same revision on two lines is published once when they agree, and the later
    line is refused when they do not: the consumers keep the first, so its change would be lost
    without a word.
    """
    submissions: list[ActivitySubmission] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, int], tuple[int, ActivitySubmission]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            submission = parse_json_model(ActivitySubmission, line)
        except InvalidPayload as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if as_library is not None and submission.library_id != as_library:
            problems.append(
                f"line {number}: "
                + both(
                    'library_id "{library_id}" is not --as {as_library}',
                    library_id=submission.library_id,
                    as_library=as_library,
                )
            )
            continue
        key = (submission.library_id, submission.source_ref, submission.revision)
        if key in seen:
            first_line, first = seen[key]
            if first != submission:
                problems.append(
                    f"line {number}: "
                    + both(
                        "revision {revision} of {ref} is on line {line} already, saying something else: "
                        "give this line revision {next} to publish the change",
                        revision=submission.revision,
                        ref=submission.source_ref,
                        line=first_line,
                        next=submission.revision + 1,
                    )
                )
            continue
        reason = refuse(submission) if refuse is not None else None
        if reason is not None:
            problems.append(f"line {number}: {reason}")
            continue
        seen[key] = (number, submission)
        submissions.append(submission)
    return submissions, problems
