// Read an iCalendar feed with Mozilla's ical.js (as Thunderbird does) and print what it saw as JSON.
//   node tests/js/parse.mjs FEED.ics [EXPAND_UNTIL_ISO]
// Each event: uid, summary, status, sequence, start/end as UTC instants, the zone of DTSTART,
// and, for a series, its occurrences up to EXPAND_UNTIL (RRULE, EXDATE and RECURRENCE-ID overrides applied).
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file, untilIso] = process.argv.slice(2);
if (!file) {
  console.error("usage: node parse.mjs FEED.ics [EXPAND_UNTIL_ISO]");
  process.exit(2);
}
const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const until = untilIso ? ICAL.Time.fromJSDate(new Date(untilIso), true) : null;
const instant = (time) => time.toJSDate().toISOString();

const masters = new Map();
const overrides = [];
for (const component of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  if (event.isRecurrenceException()) overrides.push(event);
  else masters.set(event.uid, event);
}
for (const override of overrides) masters.get(override.uid)?.relateException(override);

const describe = (event) => ({
  uid: event.uid,
  summary: event.summary,
  description: event.description,
  location: event.location,
  status: event.component.getFirstPropertyValue("status"),
  sequence: event.sequence,
  start: instant(event.startDate),
  end: instant(event.endDate),
  tzid: event.startDate.isDate ? null : event.startDate.zone?.tzid ?? null,
  allDay: event.startDate.isDate,
  categories: event.component.getAllProperties("categories").flatMap((p) => p.getValues()),
  dtstamp: instant(event.component.getFirstPropertyValue("dtstamp")),
  lastModified: instant(event.component.getFirstPropertyValue("last-modified")),
});

const events = [];
for (const event of masters.values()) {
  const out = describe(event);
  out.recurrenceId = null;
  if (event.isRecurring()) {
    out.occurrences = [];
    const iterator = event.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
      if (until && next.compare(until) > 0) break;
      const details = event.getOccurrenceDetails(next);
      out.occurrences.push({
        recurrenceId: instant(details.recurrenceId),
        start: instant(details.startDate),
        end: instant(details.endDate),
        summary: details.item.summary,
        status: details.item.component.getFirstPropertyValue("status"),
      });
      if (out.occurrences.length > 5000) break;
    }
  }
  events.push(out);
}
for (const override of overrides) {
  events.push({ ...describe(override), recurrenceId: instant(override.recurrenceId) });
}
const header = (name) => root.getFirstPropertyValue(name);
console.log(
  JSON.stringify({
    name: header("name"),
    calname: header("x-wr-calname"),
    timezone: header("x-wr-timezone"),
    refreshInterval: header("refresh-interval")?.toString() ?? null,
    timezones: root.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid")),
    events,
  }),
);
