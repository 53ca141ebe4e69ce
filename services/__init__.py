"""One package per service; each owns its tables and handlers (DESIGN.md)."""

CONSUMING_SERVICES = (
    "dedup",
    "calendar",
    "quotas",
    "intake",
    "brands",
    "digests",
    "scheduler",
    "registrations",
    "stats",
)
"""Every service with a database of its own, in the order the embedded runtime starts them
(``shuxiang.runtime.SERVICE_BUILDERS`` builds them; code below the runtime, such as the
dead-letter listing, names them through this tuple instead of importing the runtime)."""
