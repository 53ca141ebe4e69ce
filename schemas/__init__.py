"""The public contract: pydantic models of every message, and their JSON Schemas."""

from .canonical import CanonicalActivity, CanonicalEvent, CanonicalEventType, SourceRef
from .submission import (
    SCHEMA_VERSION,
    ActivitySubmission,
    AttendanceReport,
    Category,
    Organizer,
    Role,
    SessionOverride,
    Status,
    Venue,
)

__all__ = [
    "SCHEMA_VERSION",
    "ActivitySubmission",
    "AttendanceReport",
    "CanonicalActivity",
    "CanonicalEvent",
    "CanonicalEventType",
    "Category",
    "Organizer",
    "Role",
    "SessionOverride",
    "SourceRef",
    "Status",
    "Venue",
]
