"""Generating the contract files in ``schemas/``: JSON Schemas and the AsyncAPI document.

``shuxiang schemas`` writes them; ``shuxiang schemas --check`` (and a test) fails
when the checked-in files no longer match the models.  A tool of the entry-point layer,
not of ``schemas/``: the AsyncAPI document describes every service's consumers, so it
builds the services, which the models must never import.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from shuxiang import schemas
from shuxiang.schemas import ActivitySubmission, AttendanceReport, CanonicalEvent

SCHEMA_DIR = Path(schemas.__file__).parent / "json"
ASYNCAPI_FILE = Path(schemas.__file__).parent / "asyncapi.json"

CONTRACT_MODELS: dict[str, type[BaseModel]] = {
    "activity-submission.v1": ActivitySubmission,
    "attendance-report.v1": AttendanceReport,
    "canonical-event.v1": CanonicalEvent,
}


def json_schema(name: str, model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="validation")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://shuxiang.invalid/schemas/{name}.schema.json",
        **schema,
    }
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def asyncapi_document() -> str:
    """The AsyncAPI document FastStream generates for the services' consumers and publishers."""
    from faststream.nats import JStream, NatsBroker, PullSub
    from faststream.specification import AsyncAPI

    from shuxiang.alliance import load_demo_alliance
    from shuxiang.db import Databases
    from shuxiang.events.streams import REPORTED, SUBMITTED
    from shuxiang.runtime import SERVICE_BUILDERS
    from shuxiang.services.plan import ServiceContext
    from shuxiang.settings import Settings

    broker = NatsBroker("nats://127.0.0.1:4222")
    context = ServiceContext(
        settings=Settings(), alliance=load_demo_alliance(), databases=Databases(data_dir=Path("unused"))
    )
    broker.publisher(
        f"{SUBMITTED}.{{library_id}}",
        schema=ActivitySubmission,
        title="member:submitted",
        description="A member library announces, revises or cancels an activity.",
    )
    broker.publisher(
        f"{REPORTED}.{{library_id}}",
        schema=AttendanceReport,
        title="member:reported",
        description="A member library reports attendance after an activity.",
    )
    for build in SERVICE_BUILDERS.values():
        plan = build(context)
        for spec in plan.consumers:
            subscriber = broker.subscriber(
                spec.filter_subject,
                stream=JStream(spec.stream.name, declare=False),
                durable=spec.name,
                pull_sub=PullSub(batch_size=spec.batch_size, batch=True),
                title=f"{spec.name}:{spec.filter_subject}",
                description=spec.description,
            )
            payload = spec.payload_schema

            async def describe(body: list[payload]) -> None:  # type: ignore[valid-type]  # documentation only
                """Consumed by shuxiang's pull loop (events/broker.py)."""

            subscriber(describe)
        for subject, model in plan.publishes:
            broker.publisher(subject, schema=model, title=f"{plan.name}:{subject}")
    spec = AsyncAPI(broker, title="shuxiang 书香", version="1", description="Wire contract v1").to_specification()
    return json.dumps(spec.to_jsonable(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def generated_files() -> dict[Path, str]:
    files = {SCHEMA_DIR / f"{name}.schema.json": json_schema(name, model) for name, model in CONTRACT_MODELS.items()}
    files[ASYNCAPI_FILE] = asyncapi_document()
    return files


def write_files() -> list[Path]:
    SCHEMA_DIR.mkdir(exist_ok=True)
    written = []
    for path, content in generated_files().items():
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
