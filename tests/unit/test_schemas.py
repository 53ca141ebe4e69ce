"""The wire contract: checked-in JSON Schemas match the models; errors say what and where."""

from __future__ import annotations

import json

import pytest

from shuxiang.contract import CONTRACT_MODELS, SCHEMA_DIR, generated_files
from shuxiang.schemas import ActivitySubmission
from shuxiang.schemas.errors import InvalidPayload, parse_json_model
from tests.conftest import submission


def test_checked_in_schema_files_are_not_stale() -> None:
    for path, content in generated_files().items():
        assert path.exists(), f"{path.name} missing: run `shuxiang schemas`"
        assert path.read_text(encoding="utf-8") == content, f"{path.name} is stale: run `shuxiang schemas`"


def test_json_schema_lists_the_contract_fields() -> None:
    schema = json.loads((SCHEMA_DIR / "activity-submission.v1.schema.json").read_text())
    assert set(CONTRACT_MODELS) == {"activity-submission.v1", "attendance-report.v1", "canonical-event.v1"}
    for field in (
        "library_id",
        "source_ref",
        "revision",
        "status",
        "title",
        "category",
        "starts_at",
        "ends_at",
        "all_day",
        "recurrence",
        "exdates",
        "venue",
        "organizers",
        "brand_id",
        "campaign_id",
        "featured",
        "audience",
        "tags",
        "capacity",
        "registration_url",
        "contact",
        "description",
    ):
        assert field in schema["properties"], field
    assert set(schema["required"]) == {"library_id", "source_ref", "title", "category", "starts_at", "ends_at", "venue"}


def reason(body: dict | str) -> str:
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    with pytest.raises(InvalidPayload) as caught:
        parse_json_model(ActivitySubmission, data)
    return str(caught.value)


def test_time_without_offset_is_refused_with_the_field_named() -> None:
    said = reason(submission(starts_at="2026-04-23T14:00:00"))
    assert said.startswith("starts_at: 需要带时区偏移") and " / needs a UTC offset" in said


def test_a_time_sent_as_a_number_is_refused_not_read_as_1970() -> None:
    assert reason(submission(starts_at=12345)).startswith("starts_at: 日期时间应写成文字")
    assert "a date and time is written as text" in reason(submission(starts_at=12345))
    assert reason(submission(exdates=[1.5e9])).startswith("exdates[0]: 日期时间应写成文字")


def test_every_problem_is_said_in_chinese_and_english() -> None:
    """A pydantic type the table did not name (a number for the title), a bound and a validator's own
    words: each problem in both languages, as the API, the imports and the dead letters say them."""
    assert reason(submission(title=5, capacity=-1)) == (
        "title: 应为文字 (Input should be a valid string); "
        "capacity: 应不小于 0 (Input should be greater than or equal to 0)"
    )
    assert reason(submission(ends_at="2026-04-23T13:00:00+08:00")) == (
        "(消息本身 / the message): 结束时间早于开始时间 / ends_at is before starts_at"
    )
    assert reason(submission(recurrence="FREQ=WEEKLY;COUNT=9000")) == (
        "(消息本身 / the message): recurrence：COUNT=9000，超过 1000 场 / recurrence: COUNT=9000: more than 1000 occurrences"
    )


def test_control_characters_are_taken_out_of_the_text_and_line_breaks_kept() -> None:
    body = submission(
        title="读书会\x00\x07", description="第一行\n第二行\x1b", venue={"name": "报告厅\x7f"}, tags=["\x08亲子"]
    )
    parsed = ActivitySubmission.model_validate_json(json.dumps(body))
    assert (parsed.title, parsed.description, parsed.venue.name, parsed.tags) == (
        "读书会",
        "第一行\n第二行",
        "报告厅",
        ["亲子"],
    )
    assert "title" in reason(submission(title="\x00"))  # nothing left: refused as empty


def test_end_before_start_is_refused() -> None:
    body = submission()
    body["ends_at"], body["starts_at"] = body["starts_at"], body["ends_at"]
    assert "ends_at is before starts_at" in reason(body)


def test_broken_json_is_refused() -> None:
    assert reason('{"library_id": "jn", ').startswith("不是有效的 JSON / not valid JSON")


def test_huge_title_is_refused_without_echoing_it() -> None:
    message = reason(submission(title="书" * 2_000_000))
    assert message.startswith("title: 太长（最多 200 个字符）")
    assert len(message) < 300


def test_unknown_category_lists_the_choices_and_unknown_field_is_named() -> None:
    assert "category: 应为以下之一" in reason(submission(category="party"))
    assert "colour: 不认识的字段" in reason(submission(colour="red"))


def test_rrule_must_parse_and_end() -> None:
    assert "recurrence" in reason(submission(recurrence="FREQ=WEEKLY;UNTIL=20261231T000000"))
    assert "more than 1000 occurrences" in reason(submission(recurrence="FREQ=DAILY;COUNT=5000"))
    assert parse_json_model(ActivitySubmission, json.dumps(submission(recurrence="FREQ=WEEKLY;COUNT=8"))).recurrence


def test_submitter_is_host_unless_listed() -> None:
    sub = ActivitySubmission.model_validate(submission(organizers=[{"library_id": "tz", "role": "co_host"}]))
    assert [(o.library_id, o.role.value) for o in sub.credited()] == [("jn", "host"), ("tz", "co_organiser")]
    listed = ActivitySubmission.model_validate(submission(organizers=[{"library_id": "jn", "role": "co_host"}]))
    assert [(o.library_id, o.role.value) for o in listed.credited()] == [("jn", "co_organiser")]


def test_v1_co_host_is_read_as_co_organiser_and_the_plans_roles_are_accepted() -> None:
    """Wire-compatible: v1's co_host still validates, read as 协办 (never as 承办, which its sender did not state)."""
    roles = [
        {"library_id": "tz", "role": "organiser"},
        {"library_id": "ak", "role": "co_organiser"},
        {"library_id": "gz", "role": "co_host"},
        {"library_id": "cc", "role": "participant"},
    ]
    sub = ActivitySubmission.model_validate(submission(organizers=roles))
    assert [o.role.value for o in sub.credited()] == [
        "host",
        "organiser",
        "co_organiser",
        "co_organiser",
        "participant",
    ]
    assert "co_host" not in sub.model_dump_json()
