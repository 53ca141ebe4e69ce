"""Read an iCalendar feed with libical (the C library of Evolution, KDE's and Apple's
servers) through its GObject bindings, and print what it saw as JSON.

    /usr/bin/python3 tests/libical/parse.py FEED.ics FROM_ISO UNTIL_ISO

Runs under the system Python (Debian ``python3-gi`` and ``gir1.2-ical-3.0``), not the
project's virtualenv: libical has no wheel.  Each event: uid, summary, status, its
RECURRENCE-ID (UTC) if it overrides one session, and its occurrences in [FROM, UNTIL)
as UTC instants, expanded by ``icalcomponent_foreach_recurrence`` (RRULE, RDATE, EXDATE,
and the sessions that sibling RECURRENCE-ID components replace are skipped).
"""

import datetime as dt
import json
import sys
from datetime import datetime

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402 - after gi.require_version, as PyGObject requires

UTC = ICalGLib.Timezone.get_utc_timezone()


def iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def at(text: str) -> ICalGLib.Time:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return ICalGLib.Time.new_from_timet_with_zone(int(moment.timestamp()), False, UTC)


def text(component, kind, getter):
    prop = component.get_first_property(kind)
    return getter(prop) if prop is not None else None


def main() -> None:
    path, start, end = sys.argv[1:4]
    with open(path, encoding="utf-8") as handle:
        root = ICalGLib.Component.new_from_string(handle.read())
    events = []
    event = root.get_first_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    while event is not None:
        recurrence = event.get_first_property(ICalGLib.PropertyKind.RECURRENCEID_PROPERTY)
        status = event.get_first_property(ICalGLib.PropertyKind.STATUS_PROPERTY)
        occurrences = []

        def seen(component, span, _data, occurrences=occurrences):
            occurrences.append({"start": iso(span.get_start()), "end": iso(span.get_end())})

        event.foreach_recurrence(at(start), at(end), seen, None)
        out = {
            "uid": event.get_uid(),
            "summary": event.get_summary(),
            "status": ICalGLib.Property.status_to_string(status.get_status()) if status else None,
            "recurrenceId": None,
            "occurrences": occurrences,
        }
        if recurrence is not None:
            moment = recurrence.get_recurrenceid()
            zone = ICalGLib.Property.get_parameter_as_string(recurrence, "TZID")
            if zone:
                moment.set_timezone(root.get_timezone(zone))
            out["recurrenceId"] = iso(moment.as_timet_with_zone(moment.get_timezone() or UTC))
        events.append(out)
        event = root.get_next_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    print(json.dumps({"events": events}, ensure_ascii=False))


if __name__ == "__main__":
    main()
