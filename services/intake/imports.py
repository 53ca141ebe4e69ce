"""Imports: a member's spreadsheet (CSV) or calendar (ICS) as activity submissions.

``shuxiang publish FILE --as LIBRARY`` reads JSON Lines, CSV or ICS (by the file's
extension, else by its content).  Times in CSV and floating times in ICS carry
no offset: they are read in the alliance's time zone (Asia/Shanghai unless the
alliance says otherwise).  Every row or VEVENT that cannot become a valid
submission is reported with its line or UID and the reason; the rest are kept.

CSV: one activity a row; headers in Chinese or English (``标题``/``title``,
``开始时间``/``starts_at``, ``结束时间``/``ends_at``, ``地点``/``venue``, ``类别``/
``category``, …: :data:`CSV_COLUMNS`).  Without an ``编号``/``source_ref`` column the
activity is named by its title and start; with one, importing the corrected sheet again
updates the rows that changed (each is numbered against what the library last published;
a ``修订``/``revision`` column numbers them instead).  Excel's GB18030 CSVs are read too, a
title above the header, times as people write them (``2026/4/23 下午2:00``, ``14点30分``,
full-width digits, Excel's serial numbers) and template headers (``标题*``, ``活动地点``).

ICS: every VEVENT's UID becomes its ``source_ref``; LAST-MODIFIED (else SEQUENCE)
becomes the revision, so importing the calendar again updates rather than
duplicates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shuxiang.admission import admission_problem
from shuxiang.alliance import Alliance
from shuxiang.calendars import EventLabels
from shuxiang.events.submit import read_jsonl_submissions
from shuxiang.i18n import N_, both
from shuxiang.schemas import ActivitySubmission, AttendanceReport, Category
from shuxiang.schemas.errors import describe

CATEGORY_LABELS: dict[Category, tuple[str, str]] = {
    c: (EventLabels("zh-CN").category(c.value), EventLabels("en").category(c.value)) for c in Category
}
"""The calendar's names of categories (calendars.EventLabels): the form, the imports and the feeds say the same."""

CATEGORY_WORDS: tuple[tuple[str, Category], ...] = (
    ("读书节", Category.festival),
    ("阅读节", Category.festival),
    ("书香节", Category.festival),
    ("亲子", Category.parent_child),
    ("少儿", Category.children),
    ("儿童", Category.children),
    ("绘本", Category.children),
    ("讲座", Category.lecture),
    ("讲堂", Category.lecture),
    ("讲坛", Category.lecture),
    ("读书会", Category.reading_club),
    ("沙龙", Category.salon),
    ("展览", Category.exhibition),
    ("展", Category.exhibition),
    ("竞赛", Category.contest),
    ("征文", Category.contest),
    ("比赛", Category.contest),
    ("大赛", Category.contest),
    ("培训", Category.training),
    ("进社区", Category.outreach),
    ("进学校", Category.outreach),
    ("进企业", Category.outreach),
    ("进机关", Category.outreach),
    ("进军营", Category.outreach),
    ("观影", Category.screening),
    ("放映", Category.screening),
    ("电影", Category.screening),
    ("数字阅读", Category.digital),
    ("视障", Category.accessibility),
    ("残障", Category.accessibility),
    ("无障碍", Category.accessibility),
)


def parse_category(text: str) -> Category | None:
    """A category from its id, Chinese or English label, or a word for it (讲座, 亲子, …)."""
    word = text.strip()
    if not word:
        return None
    lowered = word.lower().replace(" ", "_")
    for category, (zh, en) in CATEGORY_LABELS.items():
        if lowered in (category.value, en.lower().replace(" ", "_")) or word == zh:
            return category
    for key, category in CATEGORY_WORDS:
        if key in word:
            return category
    return None


def guess_category(*texts: str | None) -> Category:
    """The first category a word in these texts names (categories first, then the title), else other."""
    for text in texts:
        found = parse_category(text) if text else None
        if found:
            return found
    return Category.other


# ---------------------------------------------------------------------------- times

_DATE = (
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*[(（]?\s*(?:周|星期|礼拜)[一二三四五六日天]\s*[)）]?)?"  # 2026年4月23日（周四）
)
_PERIODS = r"上午|早上|早晨|凌晨|中午|下午|傍晚|晚上|晚间|夜间|[AaPp]\.?[Mm]\.?"
_TIME = (
    rf"(?:(?P<P1>{_PERIODS})\s*)?(?P<H>\d{{1,2}})\s*[:：时点]\s*(?:(?P<M>\d{{1,2}})|(?P<half>半))?"
    rf"(?:\s*[:：分]\s*(?P<S>\d{{2}})\s*秒?)?\s*分?(?:\s*(?P<P2>{_PERIODS}))?"
)
_DATETIME = re.compile(rf"^{_DATE}(?:\s*T?\s*{_TIME})?$")
_TIME_ONLY = re.compile(rf"^{_TIME}$")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_EXCEL_SERIAL = re.compile(r"^(?P<days>[2-7]\d{4})(?P<fraction>\.\d+)?$")
"""A date cell Excel saved as its serial number (days since 1899-12-30; 46135 is 2026-04-23),
a time of day as its fraction: what a CSV holds when the column was not formatted as text."""
_EXCEL_EPOCH = datetime(1899, 12, 30)
_AFTERNOON = {"下午", "傍晚", "晚上", "晚间", "夜间"}


class TimeError(ValueError):
    pass


def _clock(found: re.Match) -> time:
    """The time of day a :data:`_TIME` match gives: 下午2点半 → 14:30, 12:00 AM → 00:00."""
    hour = int(found["H"])
    minute = 30 if found["half"] else int(found["M"] or 0)
    period = (found["P1"] or found["P2"] or "").replace(".", "").lower()
    if period in _AFTERNOON or period == "pm" or (period == "中午" and hour < 11):
        hour = hour + 12 if hour < 12 else hour
    elif period in ("am", "凌晨", "上午", "早上", "早晨") and hour == 12:
        hour = 0
    return time(hour, minute, int(found["S"] or 0))


def parse_local_datetime(text: str, tz: ZoneInfo, *, day: date | None = None) -> tuple[datetime, bool]:
    """A wall time in ``tz`` as people write it — ``2026-04-23 14:00``, ``2026/4/23 下午2:00``,
    ``2026年4月23日（周四）14点30分``, full-width digits, Excel's serial number (``46135.5833``), a
    date alone, or with ``day`` just ``16:00`` / ``下午4点``; an ISO time with an offset keeps it.
    Returns the instant and whether only a date was given."""
    value = unicodedata.normalize("NFKC", text).strip()
    if _OFFSET.search(value) and "T" in value:
        try:
            return datetime.fromisoformat(value), False
        except ValueError:
            pass
    try:
        found = _DATETIME.match(value)
        if found:
            moment_day = date(int(found["y"]), int(found["m"]), int(found["d"]))
            if found["H"] is None:
                return datetime.combine(moment_day, time(0), tz), True
            return datetime.combine(moment_day, _clock(found), tz), False
        found = _TIME_ONLY.match(value)
        if found and day is not None:
            return datetime.combine(day, _clock(found), tz), False
        found = _EXCEL_SERIAL.match(value)
        if found:
            moment = _EXCEL_EPOCH + timedelta(days=float(value))
            minutes = round((moment - datetime.combine(moment.date(), time(0))).total_seconds() / 60)
            wall = datetime.combine(moment.date(), time(0)) + timedelta(minutes=minutes)
            return wall.replace(tzinfo=tz), found["fraction"] is None
    except ValueError:
        pass
    raise TimeError(
        both('"{value}" is not a date and time, e.g. {example}', value=text.strip(), example="2026-04-23 14:00")
    )


# ---------------------------------------------------------------------------- CSV

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "source_ref": ("编号", "活动编号", "source_ref", "id", "ref"),
    "revision": ("修订", "版本", "revision"),
    "status": ("状态", "status"),
    "title": ("标题", "活动名称", "名称", "title", "name"),
    "description": ("简介", "描述", "内容", "活动简介", "活动内容", "活动介绍", "description"),
    "category": ("类别", "类型", "分类", "活动类别", "活动类型", "活动分类", "category"),
    "starts_at": ("开始时间", "开始", "时间", "活动时间", "活动开始时间", "starts_at", "start"),
    "ends_at": ("结束时间", "结束", "活动结束时间", "ends_at", "end"),
    "all_day": ("全天", "all_day"),
    "venue": ("地点", "场地", "活动地点", "活动场地", "举办地点", "venue", "location"),
    "address": ("地址", "address"),
    "venue_id": ("场馆编号", "venue_id"),
    "online_url": ("线上链接", "直播链接", "online_url"),
    "repeat": ("重复", "recurrence", "repeat"),
    "count": ("次数", "重复次数", "count"),
    "co_hosts": ("合办", "合办馆", "协办", "协办馆", "co_hosts", "co_organisers"),
    "organisers": ("承办", "承办馆", "organisers"),
    "participants_libraries": ("参与馆", "participating_libraries"),
    "brand_id": ("品牌", "品牌编号", "brand", "brand_id"),
    "campaign_id": ("联盟活动", "活动季", "campaign", "campaign_id"),
    "featured": ("特色", "特色活动", "featured"),
    "audience": ("对象", "面向", "活动对象", "参与对象", "面向对象", "服务对象", "audience"),
    "tags": ("标签", "tags"),
    "partners": ("合作单位", "联盟外合作单位", "partners"),
    "attended": ("参与人次", "人次", "participants", "attendance"),
    "held": ("是否举办", "已举办", "held"),
    "capacity": ("人数上限", "名额", "capacity"),
    "registration_url": ("报名链接", "报名", "registration_url"),
    "contact": ("联系方式", "联系人", "联系电话", "contact"),
    "library_id": ("馆", "图书馆", "library_id"),
}


def _column(field: str) -> str:
    """The column's name in the template file (its first alias): problems name the column as written."""
    return CSV_COLUMNS[field][0]


_HEADER_TO_FIELD = {alias.lower(): field for field, aliases in CSV_COLUMNS.items() for alias in aliases}
_HEADER_MARKS = re.compile(
    r"^[*＊\s]+|[*＊\s]+$|\s*[(（]\s*(?:必填|选填|可选|required|optional)\s*[)）]\s*$", re.IGNORECASE
)


def header_field(name: str) -> str | None:
    """The field a column's header names: its aliases in :data:`CSV_COLUMNS`, whatever the case or
    width, and without a template's marks ("标题*", "开始时间（必填）")."""
    return _HEADER_TO_FIELD.get(_HEADER_MARKS.sub("", unicodedata.normalize("NFKC", name)).strip().lower())


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "x"}
_NO = {"否", "n", "no", "false", "0", ""}
_LIST_SPLIT = re.compile(r"[,，、;；\s]+")
_REPEAT = {
    "每周": "WEEKLY",
    "weekly": "WEEKLY",
    "每月": "MONTHLY",
    "monthly": "MONTHLY",
    "每天": "DAILY",
    "daily": "DAILY",
}


class RowError(ValueError):
    pass


UNNUMBERED = 1
"""The revision of a spreadsheet row that gives none (no 修订 column): :func:`numbered` numbers it
against what the library last published, so that importing an edited sheet again updates it."""

Held = Callable[[Iterable[tuple[str, str]]], dict[tuple[str, str], ActivitySubmission]]
"""What each (library, source_ref) last published, as intake holds it (``store.held_submissions``)."""


def same_content(a: ActivitySubmission, b: ActivitySubmission) -> bool:
    """Whether two revisions say the same thing (their revision numbers aside)."""
    return a.model_dump(mode="json", exclude={"revision"}) == b.model_dump(mode="json", exclude={"revision"})


def numbered(
    submissions: list[ActivitySubmission], unnumbered: set[str], held: dict[tuple[str, str], ActivitySubmission]
) -> list[ActivitySubmission]:
    """The submissions, those in ``unnumbered`` (rows of a sheet that gives no revision) numbered
    against what their library last published: the held revision when nothing changed (publishing
    it again changes nothing), the next one when something did, 1 when it is new.  A librarian
    corrects the sheet and imports it again: the corrected rows replace what they said."""
    result = []
    for submission in submissions:
        before = held.get((submission.library_id, submission.source_ref))
        if submission.source_ref in unnumbered and before is not None:
            revision = before.revision if same_content(before, submission) else before.revision + 1
            submission = submission.model_copy(update={"revision": revision})
        result.append(submission)
    return result


def not_newer(
    submissions: list[ActivitySubmission], held: dict[tuple[str, str], ActivitySubmission]
) -> tuple[list[ActivitySubmission], list[str]]:
    """The submissions that change something or nothing, and a problem line for each that would
    be silently ignored: the published revision again, saying something else — an edit whose
    revision was not raised (the consumers keep the first, so the change would be lost).  An older
    revision is history (a member's log sent again): it changes nothing, and is no mistake."""
    kept, problems = [], []
    for submission in submissions:
        before = held.get((submission.library_id, submission.source_ref))
        if before is not None and submission.revision == before.revision and not same_content(before, submission):
            problems.append(
                f"source_ref {submission.source_ref}: "
                + both(
                    "revision {revision} is already published, saying something else: give it revision {next} "
                    "to publish the change",
                    revision=submission.revision,
                    next=before.revision + 1,
                )
            )
        else:
            kept.append(submission)
    return kept, problems


class Notice(str):
    """A problem line that refuses nothing (a column the file has and shuxiang ignores): shown
    with the refusals, not counted among them — a file whose every row was published is no
    failure (``shuxiang publish`` exits 0)."""

    __slots__ = ()


def refusals(problems: Iterable[str]) -> list[str]:
    """The problem lines that refused a row (not the :class:`Notice` ones)."""
    return [p for p in problems if not isinstance(p, Notice)]


_LINE = re.compile(r"^line (\d+)\b")


def in_line_order(problems: Iterable[str]) -> list[str]:
    """Problem lines by the line they are about (``line N: …``; the others first, as they came)."""

    def line(problem: str) -> int:
        found = _LINE.match(problem)
        return int(found.group(1)) if found else 0

    return sorted(problems, key=line)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Excel in China saves)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise RowError(both("the file is neither UTF-8 nor GB18030 text")) from None


def _yes(value: str, column: str) -> bool:
    word = value.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise RowError(f"{column}: " + both("should be yes or no"))


def _recurrence(repeat: str, count: str) -> str | None:
    repeat = repeat.strip()
    if not repeat:
        return None
    frequency = _REPEAT.get(repeat.lower())
    if frequency is None:
        return repeat  # an RRULE as written: the schema checks it
    if not count.strip():
        raise RowError(f"{_column('count')}: " + both("a repeating activity needs a count"))
    try:
        times = int(count)
    except ValueError:
        raise RowError(f"{_column('count')}: " + both("should be a whole number")) from None
    return f"FREQ={frequency};COUNT={times}"


def _row_times(row: dict[str, str], tz: ZoneInfo) -> tuple[datetime, datetime, bool]:
    start_text = row.get("starts_at", "").strip()
    if not start_text:
        raise RowError(f"{_column('starts_at')}: " + both("starts_at is missing"))
    try:
        start, date_only = parse_local_datetime(start_text, tz)
    except TimeError as exc:
        raise RowError(f"{_column('starts_at')}: {exc}") from None
    all_day = _yes(row["all_day"], _column("all_day")) if row.get("all_day", "").strip() else date_only
    end_text = row.get("ends_at", "").strip()
    if not end_text:
        if not all_day:
            raise RowError(f"{_column('ends_at')}: " + both("ends_at is missing"))
        return start, start + timedelta(days=1), True
    try:
        end, end_date_only = parse_local_datetime(end_text, tz, day=start.astimezone(tz).date())
    except TimeError as exc:
        raise RowError(f"{_column('ends_at')}: {exc}") from None
    if all_day and end_date_only:
        end += timedelta(days=1)  # the last day, inclusive, as people write it
    return start, end, all_day


def derived_ref(prefix: str, *parts: str) -> str:
    return f"{prefix}-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


NOT_A_MEMBER = N_('"{given}" is not a member library of the alliance (write its name or its id)')
NOT_A_CAMPAIGN = N_('"{given}" is not a campaign of the alliance (write its name or its id)')
NOT_A_BRAND = N_('"{given}" is not a brand of the alliance (write its name or its id)')


def _id_named(text: str, entries, column: str, not_one: str) -> str:
    """The id of the entry ``text`` names — its id, its name or its English name, as a sheet's
    clerk writes them (安康市图书馆, 暑期少儿阅读) — else :class:`RowError` saying what the sheet
    may write there."""
    wanted = text.strip()
    for entry in entries:
        english = getattr(entry, "name_en", None)
        if wanted in (entry.id, entry.name) or (english and wanted.casefold() == english.casefold()):
            return entry.id
    raise RowError(f"{_column(column)}: " + both(not_one, given=wanted))


def csv_row_submission(
    row: dict[str, str], library_id: str, tz: ZoneInfo, alliance: Alliance | None = None
) -> ActivitySubmission:
    """One spreadsheet row (keys already mapped to field names) as a submission.  With the
    ``alliance``, libraries, campaigns and brands may be written by name as the form shows them."""
    if row.get("library_id", "").strip() and row["library_id"].strip() != library_id:
        raise RowError(
            f"{_column('library_id')}: "
            + both('"{given}" is not --as {library_id}', given=row["library_id"].strip(), library_id=library_id)
        )
    start, end, all_day = _row_times(row, tz)
    title = row.get("title", "").strip()
    body: dict = {
        "library_id": library_id,
        "source_ref": row.get("source_ref", "").strip() or derived_ref("csv", title, start.isoformat()),
        "title": title,
        "starts_at": start,
        "ends_at": end,
        "all_day": all_day,
        "category": (
            parse_category(row.get("category", "")) or row.get("category", "").strip() or guess_category(title)
        ),
        "venue": {
            k: v
            for k, v in (
                ("name", row.get("venue", "").strip()),
                ("address", row.get("address", "").strip()),
                ("venue_id", row.get("venue_id", "").strip()),
                ("online_url", row.get("online_url", "").strip()),
            )
            if v
        },
    }
    status = row.get("status", "").strip().lower()
    if status:
        body["status"] = "cancelled" if status in ("已取消", "取消", "cancelled", "canceled") else "scheduled"
    if row.get("revision", "").strip():
        body["revision"] = row["revision"].strip()
    else:
        body["revision"] = UNNUMBERED  # numbered by read_csv_submissions when it may read what is held
    recurrence = _recurrence(row.get("repeat", ""), row.get("count", ""))
    if recurrence:
        body["recurrence"] = recurrence
    if row.get("featured", "").strip():
        body["featured"] = _yes(row["featured"], _column("featured"))
    roles = {}  # 承办 organiser, 协办 co-organiser, 参与 participant; the submitter hosts (主办)
    for column, role in (
        ("organisers", "organiser"),
        ("co_hosts", "co_organiser"),
        ("participants_libraries", "participant"),
    ):
        for other in _LIST_SPLIT.split(row.get(column, "")):
            if other and alliance is not None:
                other = _id_named(other, alliance.members, column, NOT_A_MEMBER)
            if other and other != library_id:
                roles.setdefault(other, role)
    if roles:
        body["organizers"] = [{"library_id": library_id, "role": "host"}] + [
            {"library_id": other, "role": role} for other, role in roles.items()
        ]
    tags = [p for p in _LIST_SPLIT.split(row.get("tags", "")) if p]
    if tags:
        body["tags"] = tags
    partners = [p.strip() for p in re.split(r"[,，、;；]+", row.get("partners", "")) if p.strip()]
    if partners:
        body["partners"] = partners
    for field in ("description", "brand_id", "campaign_id", "audience", "capacity", "registration_url", "contact"):
        if row.get(field, "").strip():
            body[field] = row[field].strip()
    if alliance is not None and body.get("campaign_id") and body.get("status") != "cancelled":
        body["campaign_id"] = _id_named(body["campaign_id"], alliance.campaigns, "campaign_id", NOT_A_CAMPAIGN)
    if alliance is not None and body.get("brand_id"):
        body["brand_id"] = _id_named(body["brand_id"], alliance.brands, "brand_id", NOT_A_BRAND)
    try:
        return ActivitySubmission.model_validate(body)
    except ValidationError as exc:
        raise RowError(describe(exc)) from None


HEADER_SEARCH_ROWS = 5
"""Rows a header may sit below (a sheet's title, its unit and date above the table)."""


def _header(reader) -> tuple[int, list[str], list[str | None]] | None:
    """The header row — its line, its names and the fields they name — read from ``reader``: the
    first row naming a title and a start among the first :data:`HEADER_SEARCH_ROWS` that hold
    anything ("2027年津南区图书馆活动计划", then 标题,开始时间,…), else the first of them."""
    first: tuple[int, list[str], list[str | None]] | None = None
    for _ in range(HEADER_SEARCH_ROWS):
        row = next(reader, None)
        while row is not None and not any(v.strip() for v in row):
            row = next(reader, None)
        if row is None:
            break
        fields = [header_field(name) for name in row]
        if "title" in fields and "starts_at" in fields:
            return reader.line_num, row, fields
        first = first or (reader.line_num, row, fields)
        if first[0] == reader.line_num and any(fields):
            break  # a header, short of a required column: said so
    return first


def read_csv_submissions(
    text: str, library_id: str, tz: ZoneInfo, held: Held | None = None, alliance: Alliance | None = None
) -> tuple[list[ActivitySubmission], list[str]]:
    """Every row as a submission; problems as ``line N: reason`` (the header is line 1, or the line
    it is on below a title the sheet has above it).  With the ``alliance``, names are read as ids
    and a row the alliance refuses (:func:`~shuxiang.admission.admission_problem`) is said by its
    line, as any other problem of the row."""
    reader = csv.reader(io.StringIO(text))
    found = _header(reader)
    if found is None:
        return [], ["line 1: " + both("the file is empty")]
    line, header, fields = found
    unknown = [name for name, field in zip(header, fields, strict=True) if field is None and name.strip()]
    problems: list[str] = []
    if unknown:
        problems.append(Notice(f"line {line}: " + both("unknown columns (ignored): {names}", names=", ".join(unknown))))
    if "title" not in fields or "starts_at" not in fields:
        known = "、".join(f"{aliases[0]}/{aliases[-1]}" for aliases in (CSV_COLUMNS["title"], CSV_COLUMNS["starts_at"]))
        return [], [f"line {line}: " + both("the header lacks a required column: {known}", known=known)]
    submissions: list[ActivitySubmission] = []
    seen: dict[str, int] = {}
    unnumbered: set[str] = set()
    for row_values in reader:
        number = reader.line_num
        if not any(v.strip() for v in row_values):
            continue
        row = {field: value for field, value in zip(fields, row_values, strict=False) if field}
        try:
            submission = csv_row_submission(row, library_id, tz, alliance)
        except RowError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        refusal = admission_problem(alliance, submission) if alliance is not None else None
        if refusal is not None:
            column = _column(refusal.field) if refusal.field in CSV_COLUMNS else refusal.field
            problems.append(f"line {number}: {column}: {refusal.zh} / {refusal.en}")
            continue
        if submission.source_ref in seen:
            problems.append(
                f"line {number}: "
                + both(
                    "the same activity as line {line} (source_ref {ref})",
                    line=seen[submission.source_ref],
                    ref=submission.source_ref,
                )
            )
            continue
        seen[submission.source_ref] = number
        submissions.append(submission)
        if not row.get("revision", "").strip():
            unnumbered.add(submission.source_ref)
    if held is not None and unnumbered:
        submissions = numbered(submissions, unnumbered, held((library_id, ref) for ref in unnumbered))
    return submissions, problems


def read_csv_reports(text: str, library_id: str, tz: ZoneInfo) -> tuple[list[AttendanceReport], list[str]]:
    """The attendance of the rows that state it (参与人次 and/or 是否举办): how a library imports its
    earlier history — past sessions with their participants — in the same file as the sessions.
    A row with participants and no 是否举办 was held; 是否举办 = 否 means not held (0 participants)."""
    reader = csv.reader(io.StringIO(text))
    found = _header(reader)
    if found is None:
        return [], []
    fields = found[2]
    if "attended" not in fields and "held" not in fields:
        return [], []
    reports, problems = [], []
    for row_values in reader:
        row = {field: value for field, value in zip(fields, row_values, strict=False) if field}
        attended, held_text = row.get("attended", "").strip(), row.get("held", "").strip()
        if not attended and not held_text:
            continue
        try:
            submission = csv_row_submission(row, library_id, tz)
        except RowError:
            continue  # the row itself is refused, and said so, by read_csv_submissions
        try:
            held = _yes(held_text, _column("held")) if held_text else True
            participants = _participants(attended) if attended and held else 0
        except RowError as exc:
            problems.append(f"line {reader.line_num}: {exc}")
            continue
        reports.append(
            AttendanceReport(
                library_id=library_id, source_ref=submission.source_ref, held=held, participants=participants
            )
        )
    return reports, problems


_PARTICIPANTS = re.compile(r"(?:约|大约|共|计)?\s*([0-9][0-9,]*)\s*(?:人次|人)?")


def _participants(text: str) -> int:
    """参与人次 as written in a spreadsheet: "120", "1,200", "１２０", "约120人次"."""
    found = _PARTICIPANTS.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if found is None:
        raise RowError(
            f"{_column('attended')}: "
            + both('"{value}" is not a number of participants (a whole number, 0 or more)', value=text)
        )
    return int(found.group(1).replace(",", ""))


# ---------------------------------------------------------------------------- ICS

REVISION_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def ics_revision(event) -> int:
    """LAST-MODIFIED as seconds since 2020 (so any later edit is a higher revision), else SEQUENCE + 1."""
    modified = event.get("LAST-MODIFIED")
    if modified is not None:
        moment = modified.dt
        if isinstance(moment, datetime):
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            return max(1, int((moment - REVISION_EPOCH).total_seconds()))
    sequence = event.get("SEQUENCE")
    try:
        return max(1, int(sequence) + 1) if sequence is not None else 1
    except (TypeError, ValueError):
        return 1


def _instant(value, tz: ZoneInfo, clock: time = time(0)) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime.combine(value, clock, tz)


def _ics_rrule(event, tz: ZoneInfo, all_day: bool) -> str | None:
    from icalendar import vRecur

    rule = event.get("RRULE")
    if rule is None:
        return None
    rule = vRecur(dict(rule))
    if "UNTIL" in rule and not all_day:
        until = rule["UNTIL"][0]
        until = _instant(until, tz, time(23, 59, 59))
        rule["UNTIL"] = [until.astimezone(UTC)]
    return rule.to_ical().decode()


def _ics_exdates(event, tz: ZoneInfo, start: datetime) -> list[datetime]:
    values = event.get("EXDATE")
    if values is None:
        return []
    out = []
    for item in values if isinstance(values, list) else [values]:
        for entry in item.dts:
            out.append(_instant(entry.dt, tz, start.astimezone(tz).timetz().replace(tzinfo=None)))
    return out


def _ics_override(event, tz: ZoneInfo, series_start: datetime, series_end: datetime, series_venue: str | None) -> dict:
    """A RECURRENCE-ID VEVENT as one session of its series: moved (time, venue) or cancelled."""
    try:
        original = _instant(event["RECURRENCE-ID"].dt, tz, series_start.astimezone(tz).timetz().replace(tzinfo=None))
    except (KeyError, AttributeError, TypeError) as exc:
        raise RowError(f"RECURRENCE-ID: {exc}") from None
    session: dict = {"recurrence_id": original}
    if _text(event, "STATUS").upper() == "CANCELLED":
        session["status"] = "cancelled"
    if event.get("DTSTART") is not None:
        start = _instant(event["DTSTART"].dt, tz)
        end = _instant(event["DTEND"].dt, tz) if event.get("DTEND") is not None else start + (series_end - series_start)
        if start != original or end - start != series_end - series_start:
            session["starts_at"], session["ends_at"] = start, end
    location = _text(event, "LOCATION")
    if location and location != series_venue:
        session["venue"] = {"name": location}
    return session


def _keep_named_sessions(body: dict, notes: list[str]) -> None:
    """The series' EXDATEs and changed sessions that name one of its sessions; the others left
    out, each said (they exclude or change nothing: the series is imported without them)."""
    from shuxiang.schemas.sessions import SessionIndex

    named = [*body["exdates"], *(o["recurrence_id"] for o in body.get("overrides", []))]
    try:
        index = SessionIndex(body["recurrence"], body["starts_at"], body["all_day"], named)
    except ValueError:
        return  # the rule itself is refused, with its reason, by the schema
    kept_exdates, kept_overrides = [], []
    for moment in body["exdates"]:
        if index.find(moment) is not None:
            kept_exdates.append(moment)
        else:
            notes.append(
                "EXDATE: "
                + both("{when} is not a session of the series (it excludes nothing): left out", when=_when(moment))
            )
    for override in body.get("overrides", []):
        if index.find(override["recurrence_id"]) is not None:
            kept_overrides.append(override)
        else:
            notes.append(
                "RECURRENCE-ID: "
                + both(
                    "{when} is not a session of the series: that changed session is left out",
                    when=_when(override["recurrence_id"]),
                )
            )
    body["exdates"] = kept_exdates
    if "overrides" in body:
        body["overrides"] = kept_overrides


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _text(event, name: str) -> str:
    value = event.get(name)
    return str(value).strip() if value is not None else ""


def _categories(event) -> list[str]:
    value = event.get("CATEGORIES")
    if value is None:
        return []
    words = []
    for item in value if isinstance(value, list) else [value]:
        words += [str(c) for c in getattr(item, "cats", [item])]
    return words


def ics_event_submission(
    event,
    library_id: str,
    tz: ZoneInfo,
    default_venue: str | None = None,
    overrides: Iterable = (),
    notes: list[str] | None = None,
) -> ActivitySubmission:
    """One VEVENT as a submission; without a LOCATION the venue is ``default_venue`` (the library).
    What it leaves out is said in ``notes``: an EXDATE or a changed session (RECURRENCE-ID) that
    names no session of the series any more (a calendar app split the series, "this and following
    events", and kept them on the first part), extra dates (RDATE)."""
    notes = notes if notes is not None else []
    uid = _text(event, "UID")
    if not uid:
        raise RowError("UID: " + both("the VEVENT has no UID"))
    if event.get("DTSTART") is None:
        raise RowError("DTSTART: " + both("the VEVENT has no DTSTART"))
    raw_start = event["DTSTART"].dt
    all_day = not isinstance(raw_start, datetime)
    start = _instant(raw_start, tz)
    if event.get("DTEND") is not None:
        end = _instant(event["DTEND"].dt, tz)
    elif event.get("DURATION") is not None:
        end = start + event["DURATION"].dt
    else:
        end = start + (timedelta(days=1) if all_day else timedelta(0))
    categories = _categories(event)
    title = _text(event, "SUMMARY")
    url = _text(event, "URL")
    body: dict = {
        "library_id": library_id,
        "source_ref": uid if len(uid) <= 200 else derived_ref("uid", uid),
        "revision": ics_revision(event),
        "status": "cancelled" if _text(event, "STATUS").upper() == "CANCELLED" else "scheduled",
        "title": title,
        "description": _text(event, "DESCRIPTION") or None,
        "category": guess_category(*categories, title),
        "starts_at": start,
        "ends_at": end,
        "all_day": all_day,
        "venue": {"name": _text(event, "LOCATION") or default_venue},
        "tags": [c for c in categories if parse_category(c) is None][:30],
    }
    if url.startswith(("http://", "https://")):
        body["registration_url"] = url
    try:
        body["recurrence"] = _ics_rrule(event, tz, all_day)
        body["exdates"] = _ics_exdates(event, tz, start)
    except (ValueError, TypeError, AttributeError) as exc:
        raise RowError(f"RRULE/EXDATE: {exc}") from None
    if overrides:
        body["overrides"] = [_ics_override(o, tz, start, end, body["venue"]["name"]) for o in overrides]
        body["revision"] = max([body["revision"], *(ics_revision(o) for o in overrides)])
    if body["recurrence"]:
        _keep_named_sessions(body, notes)
    if event.get("RDATE") is not None:
        notes.append(
            "RDATE: "
            + both("extra dates of the series are not imported: add each as an event of its own (its own UID)")
        )
    try:
        return ActivitySubmission.model_validate(body)
    except ValidationError as exc:
        raise RowError(describe(exc)) from None


def read_ics_submissions(
    data: bytes | str, library_id: str, tz: ZoneInfo, default_venue: str | None = None
) -> tuple[list[ActivitySubmission], list[str]]:
    """Every VEVENT as a submission; problems as ``VEVENT N (UID …): reason``."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        return [], [both("not a valid iCalendar file") + f": {exc}"]
    submissions, problems = [], []
    by_ref: dict[str, int] = {}
    events = calendar.walk("VEVENT")
    sessions = _sessions_by_uid(events)
    series_uids = {_text(e, "UID") for e in events if e.get("RECURRENCE-ID") is None and e.get("RRULE") is not None}
    for number, event in enumerate(events, start=1):
        where = f"VEVENT {number}" + (f" (UID {_text(event, 'UID')[:80]})" if _text(event, "UID") else "")
        if event.get("RECURRENCE-ID") is not None:
            if _text(event, "UID") not in series_uids:
                problems.append(
                    f"{where}: "
                    + both(
                        "a changed session (RECURRENCE-ID) whose series (same UID, with an RRULE) "
                        "is not in the file: skipped"
                    )
                )
            continue  # imported with its series
        notes: list[str] = []
        try:
            submission = ics_event_submission(
                event, library_id, tz, default_venue, sessions.get(_text(event, "UID"), []), notes
            )
        except RowError as exc:
            problems.append(f"{where}: {exc}")
            continue
        except (ValueError, TypeError, AttributeError, KeyError) as exc:  # a property icalendar cannot read
            problems.append(f"{where}: " + both("a property cannot be read: {reason}", reason=_unreadable(exc)))
            continue
        problems += [Notice(f"{where}: {note}") for note in notes]
        if submission.source_ref in by_ref:
            problems.append(f"{where}: " + both("the UID appears twice: kept the first"))
            continue
        by_ref[submission.source_ref] = number
        submissions.append(submission)
    return submissions, problems


def _unreadable(exc: Exception) -> str:
    """What icalendar says of a property it could not read, without its internals ("Cannot access
    'dt' on broken property 'DTSTART' (expected 'vDDDTypes'): … Got: '…'" → DTSTART, the value)."""
    text = str(exc)
    name = re.search(r"broken property '(\w+)'", text)
    value = re.search(r"Got: '([^']*)'", text) or re.search(r"format: (.+)$", text)
    if name is None:
        return text[:200]
    return f'{name.group(1)} "{value.group(1).strip()}"' if value else name.group(1)


def _sessions_by_uid(events) -> dict[str, list]:
    """The RECURRENCE-ID VEVENTs (sessions changed on their own) of each series UID."""
    found: dict[str, list] = {}
    for event in events:
        if event.get("RECURRENCE-ID") is not None:
            found.setdefault(_text(event, "UID"), []).append(event)
    return found


# ---------------------------------------------------------------------------- any file


def detect_format(name: str, text: str) -> str:
    """``jsonl``, ``csv`` or ``ics``: by the file's extension, else by what it starts with."""
    suffix = Path(name).suffix.lower()
    if suffix in (".ics", ".ical", ".ifb"):
        return "ics"
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    head = text.lstrip()
    if not head or head.startswith("{"):
        return "jsonl"  # nothing at all reads as no lines
    if head.upper().startswith("BEGIN:VCALENDAR"):
        return "ics"
    return "csv"


def read_submissions(
    data: bytes,
    name: str,
    *,
    as_library: str | None,
    tz: ZoneInfo,
    default_venue: str | None = None,
    held: Held | None = None,
    alliance: Alliance | None = None,
) -> tuple[str, list[ActivitySubmission], list[str]]:
    """The submissions in a file of any supported format: (format, submissions, problems).  With
    ``held``, a spreadsheet's rows that give no revision are numbered against it (:func:`numbered`)."""
    try:
        text = decode_text(data)
    except RowError as exc:
        return "unknown", [], [str(exc)]
    fmt = detect_format(name, text)
    if fmt == "jsonl":
        refuse = None if alliance is None else lambda s: str(r) if (r := admission_problem(alliance, s)) else None
        return fmt, *read_jsonl_submissions(text, as_library=as_library, refuse=refuse)
    if as_library is None:
        raise ValueError(
            both("a {kind} file needs --as LIBRARY: it does not say which library it is from", kind=fmt.upper())
        )
    if fmt == "ics":
        return fmt, *read_ics_submissions(text, as_library, tz, default_venue)
    return fmt, *read_csv_submissions(text, as_library, tz, held, alliance)


def category_choices(lang: str) -> Iterable[tuple[str, str]]:
    for category, (zh, en) in CATEGORY_LABELS.items():
        yield category.value, en if lang == "en" else zh
