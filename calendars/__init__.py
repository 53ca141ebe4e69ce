"""iCalendar rendering: pure functions from canonical activities to VEVENT bytes and feeds."""

from .feed import assemble_feed, vtimezone
from .render import EventLabels, render_override, render_vevent

__all__ = ["EventLabels", "assemble_feed", "render_override", "render_vevent", "vtimezone"]
