"""Turning member input into validated submissions, with problems named by line."""

from __future__ import annotations

from shuxiang.i18n import both
from shuxiang.schemas import ActivitySubmission
from shuxiang.schemas.errors import InvalidPayload, parse_json_model


def read_jsonl_submissions(text: str, *, as_library: str | None = None) -> tuple[list[ActivitySubmission], list[str]]:
    """Parse JSON Lines; returns the valid submissions and ``"line N: reason"`` for the rest.

    With ``as_library`` every submission must be that library's own (no one posts for another).
    """
    submissions: list[ActivitySubmission] = []
    problems: list[str] = []
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
        submissions.append(submission)
    return submissions, problems
