"""One package per service; each owns its tables and handlers (DESIGN.md)."""
