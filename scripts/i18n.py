"""Message catalogs: the codemod from inline zh/en pairs, extraction check and compilation.

    .venv/bin/python scripts/i18n.py convert   # t(lang, "中文", "English") → gettext; fills both catalogs
    .venv/bin/python scripts/i18n.py compile   # messages.po → messages.mo (committed: the wheel ships them)
    .venv/bin/python scripts/i18n.py update    # new msgids of the sources into both catalogs (en filled)
    .venv/bin/python scripts/i18n.py check     # every extracted msgid translated in zh_CN and en

``convert`` is re-runnable: it rewrites the calls still written the old way, in templates
(``{{ t(lang, "订阅", "Subscribe") }}`` → ``{{ _("Subscribe") }}``) and in Python
(``t(lang, "订阅", "Subscribe")`` / ``_t(...)`` → ``gettext(lang, "Subscribe")``), adds the pairs
to ``shuxiang/locale/{zh_CN,en}/LC_MESSAGES/messages.po`` (entries already there are kept, so
hand-made translations survive) and compiles.  The msgid is the English text; where one English
text stands for two Chinese ones the pair gets a msgctxt from ``CONTEXTS`` below (``_p(ctx, …)``
/ ``pgettext(lang, ctx, …)``), and a collision not named there stops the run, listing it.
A call that sits inside an f-string is rewritten too but Babel's extractor does not look
into f-strings (Python 3.11): take such a call out of the f-string.  Calls it cannot rewrite safely (texts built from variables, ``~`` concatenation, f-strings whose
parts differ) are listed for a hand conversion.

Extraction (``check``, ``extract``) runs Babel's extractors with ``babel.cfg`` and the keywords
of ``KEYWORDS``, the same as ``pybabel extract -F babel.cfg --no-default-keywords -k … .``.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "shuxiang" / "locale"
CATALOG_LOCALES = ("zh_CN", "en")
PYTHON_ROOTS = ("shuxiang", "services", "events", "calendars", "schemas")
TEMPLATE_GLOBS = ("shuxiang/templates/**/*.html", "services/*/templates/**/*.html", "services/*/templates/**/*.txt")
PYTHON_HELPERS = {"t", "_t"}
"""Names of the old inline helpers ``t(lang, zh, en)`` in Python modules."""
STATUS_PAIR_CALLS = {
    "Problem": 1,
    "problem": 1,
    "FeedRefusal": 1,
    "Refusal": 1,
    "PosterRefused": 0,
    "Column": 1,  # the statistics report's columns and views: Column(key, 中文, English, …)
    "View": 1,
    "table": 1,
}
"""``Problem(status, "中文", "English", …)``: errors said in both languages (the API's ``"zh / en"``
detail, the page's own language) → ``Problem(status, *in_both("English"), …)``; the number is
the position of the Chinese argument."""
TABLE_FILES = (
    "services/quotas/web.py",
    "services/brands/web.py",
    "services/intake/sessions.py",
    "services/intake/forms.py",
    "services/registrations/handlers.py",
    "services/dedup/reviews.py",
    "services/registrations/mail.py",
    "services/stats/report.py",
)
"""Modules whose ``("中文", "English")`` tables become ``N_("English")`` (their readers: ``gettext(lang, …)``)."""

KEYWORDS = {
    # Python: the language comes first (shuxiang/i18n.py)
    "gettext": (2,),
    "pgettext": ((2, "c"), 3),
    "ngettext": (2, 3),
    "N_": None,
    "both": None,  # CLI messages: "中文 / English"
    "in_both": None,  # (中文, English) of API errors
    "in_both_p": ((1, "c"), 2),
    # Jinja templates: bound to the render's lang (shuxiang.i18n.install)
    "_": None,
    "_p": ((1, "c"), 2),
    "_n": (1, 2),
}
"""Extraction keywords (Babel's spec form; None: the first argument)."""

CONTEXTS: dict[tuple[str, str], str] = {
    # (English, Chinese) → msgctxt, where one English text stands for two Chinese ones
    ("About", "活动介绍"): "public activity page",
    ("Brand", "品牌活动"): "the brand an activity belongs to",
    ("Came", "参加"): "attendance column",
    ("Campaign", "联盟主题活动"): "public activity page",
    ("Digest", "即时摘要"): "a digest sent on demand",
    ("Library", "所属馆"): "the library a brand belongs to",
    ("Library", "馆"): "short column heading",
    ("Name", "品牌名称"): "a brand's name",
    ("One library, one brand", "一馆一品 · 品牌项目"): "page heading",
    ("Organisers", "主办/合办"): "member's activity page",
    ("Participants", "参加人数"): "attendance report",
    ("Partners", "合作单位"): "organisations an activity is held with",
    ("Register", "登记"): "registering a brand",
    ("Sessions", "累计场次"): "sessions in total",
    ("Sessions", "各次活动"): "the sessions of a series",
    ("Starts", "开始时间"): "form field",
    ("Submit", "活动提交"): "navigation",
    ("Subscribe", "订阅日历"): "subscribe to a calendar feed",
    ("Title", "活动标题"): "form field",
    ("Year", "年份"): "table column of a brand's years",
    ("as of", "统计截至"): "figures as of a day",
    ("cancelled", "取消"): "digest tile",
    ("changed", "已调整"): "state of a session",
    ("series", "系列活动"): "public activity page",
    ("Audience", "服务对象"): "statistics report",
    ("By year", "按年度"): "statistics report",
    ("Month", "月份"): "statistics report",
    ("Name", "名称"): "statistics report",
    ("Activities", "活动场次"): "statistics report",
    ("Issues", "期数"): "statistics report",
}

UNIFY: dict[tuple[str, str], str] = {
    # (English, Chinese) → the one Chinese text of that English one (synonyms used on different pages)
    ("held", "已举行"): "已举办",
    ("not held", "未举行"): "未举办",
    ("last held", "最近举办"): "上次举办",
    ("No activities yet.", "还没有活动。"): "暂无活动。",
    ("Not held", "未举行"): "未举办",
}

PURPOSE_EN = (
    "Your name and phone number (or e-mail) are used only to confirm this sign-up, remind you the day "
    "before, let you cancel and check you in; for nothing else, and given to no one else. They are "
    "erased {days} days after the activity (Personal Information Protection Law)."
)
PURPOSE_ZH = (
    "您填写的姓名和手机号（或邮箱）只用于本次活动的报名确认、活动前提醒、取消报名和现场签到，"
    "不用于其他目的，不向第三方提供；活动结束 {days} 天后删除（《个人信息保护法》）。"
)

HAND: dict[tuple[str | None, str], str] = {
    # (msgctxt, English) → Chinese of calls converted by hand (texts built from parts, tables)
    (None, "in total %(n)s sessions"): "累计 %(n)s 场",
    ("a count of yearly editions", "%(n)s"): "%(n)s 届",
    (None, "Not valid"): "填写有误",
    (None, "Another announcement of the same library differs: {inner}"): "与同一馆的另一条公告不一致：{inner}",
    (None, "The number of sessions should be 2 to {max_repeat}"): "重复次数应为 2 到 {max_repeat} 之间的整数",
    (None, "Monday"): "星期一",
    (None, "Tuesday"): "星期二",
    (None, "Wednesday"): "星期三",
    (None, "Thursday"): "星期四",
    (None, "Friday"): "星期五",
    (None, "Saturday"): "星期六",
    (None, "Sunday"): "星期日",
    (None, "Subscribe to all of %(host)s"): "订阅%(host)s的全部活动",
    (None, "The calendar has no activity %(id)s; it may have been merged, or the link is wrong."): (
        "日历中没有编号为 %(id)s 的活动；它可能已被合并或链接有误。"
    ),
    (None, "Activities in the next %(n)s days"): "今天起 %(n)s 天内的活动",
    (None, "and %(n)s more"): "等另外 %(n)s 馆",
    (None, "The session is full: you are number %(n)s on the waitlist, and will be told when a place frees up."): (
        "名额已满，您在候补名单第 %(n)s 位；有人取消时按先后递补，我们会通知您。"
    ),
    (None, "very satisfied"): "非常满意",
    (None, "satisfied"): "满意",
    (None, "neither"): "一般",
    (None, "dissatisfied"): "不满意",
    (None, "very dissatisfied"): "很不满意",
    (None, "month %(n)s"): "%(n)s月",
    (None, "quarter %(n)s"): "%(n)s季度",
    ("unit after a number", " months"): "个月",
    ("unit after a number", " quarters"): "个季度",
    ("unit after a number", " sessions"): "次",
    ("unit after a number", " activities"): "项",
    (None, "at least %(n)s per month"): "每月至少 %(n)s",
    (None, "at least %(n)s per quarter"): "每季度至少 %(n)s",
    (None, "{held} held"): "已办 {held} 场",
    (None, "{held} held, {planned} scheduled"): "已办 {held} 场，计划 {planned} 场",
    (None, PURPOSE_EN): PURPOSE_ZH,
}

PLURALS: dict[tuple[str, str], str] = {
    # (English singular, English plural) → Chinese (one form)
    ("%(num)d field needs fixing: see the one in red.", "%(num)d fields need fixing: see the ones in red."): (
        "有 %(num)d 处需要修改，请看标红的项目。"
    ),
    ("%(num)d place left", "%(num)d places left"): "余 %(num)d 个名额",
    ("with %(num)d member", "with %(num)d members"): "合作 %(num)d 馆",
}


def _is_cjk(text: str) -> bool:
    return bool(re.search(r"[\u3400-\u9fff\uf900-\ufaff]", text))


@dataclass
class Pair:
    en: str
    zh: str
    where: str
    context: str | None = None


def literal(text: str) -> str:
    """A string literal valid in Python and in Jinja."""
    return json.dumps(text, ensure_ascii=False)


# ---------------------------------------------------------------- finding the old calls


@dataclass
class Found:
    start: int  # offsets in the file's text
    end: int
    lang: str  # source of the language argument
    en: str
    zh: str
    rest: str | None  # source of the shared "% (...)" operand, or None
    fields: tuple[str, ...] = ()  # f-string names → ``.format(name=name)``


def _pair_of(
    call: ast.Call, source: str, exact: bool = True, at: int = 1
) -> tuple[str, str, str | None, tuple[str, ...]] | None:
    if len(call.args) < at + 2 or (exact and (len(call.args) != 3 or call.keywords)):
        return None
    zh_node, en_node = call.args[at], call.args[at + 1]
    if isinstance(zh_node, ast.Constant) and isinstance(en_node, ast.Constant):
        if isinstance(zh_node.value, str) and isinstance(en_node.value, str):
            return zh_node.value, en_node.value, None, ()
        return None
    if (
        isinstance(zh_node, ast.BinOp)
        and isinstance(en_node, ast.BinOp)
        and isinstance(zh_node.op, ast.Mod)
        and isinstance(en_node.op, ast.Mod)
        and isinstance(zh_node.left, ast.Constant)
        and isinstance(en_node.left, ast.Constant)
        and ast.dump(zh_node.right) == ast.dump(en_node.right)
    ):
        rest = ast.get_source_segment(source, en_node.right)
        return str(zh_node.left.value), str(en_node.left.value), rest, ()
    if isinstance(zh_node, ast.JoinedStr) and isinstance(en_node, ast.JoinedStr):
        parts = []
        for node in (zh_node, en_node):
            text, names = "", []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    text += str(value.value).replace("{", "{{").replace("}", "}}")
                elif isinstance(value, ast.FormattedValue) and value.format_spec is None and value.conversion == -1:
                    field = _format_field(value.value)  # str.format reads a.b and a[0] in a field too
                    if field is None:
                        return None
                    text += "{" + field[0] + "}"
                    names.append(field[0])
                else:
                    return None
            parts.append((text, names))
        (zh, zh_names), (en, en_names) = parts
        if sorted(zh_names) != sorted(en_names):  # not one text in two languages ({a.zh} / {a.en})
            return None
        return zh, en, None, tuple(dict.fromkeys(re.split(r"[.\[]", n)[0] for n in en_names))
    return None


def _format_field(node: ast.expr) -> tuple[str, str] | None:
    """``a``, ``a.b``, ``a[0]`` as a str.format field, and its root name; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id, node.id
    if isinstance(node, ast.Attribute):
        inner = _format_field(node.value)
        return (f"{inner[0]}.{node.attr}", inner[1]) if inner else None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
        inner = _format_field(node.value)
        return (f"{inner[0]}[{node.slice.value}]", inner[1]) if inner else None
    return None


def source_offsets(text: str) -> Callable[[int, int], int]:
    """The character offset in ``text`` of an ast position (line from 1, column in UTF-8 bytes)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(lineno: int, col: int) -> int:
        return offsets[lineno - 1] + len(lines[lineno - 1].encode()[:col].decode())

    return offset


def find_tables(text: str) -> list[Found]:
    """``{key: ("中文", "English")}`` tables of names and messages → ``{key: N_("English")}``."""
    tree = ast.parse(text)
    offset = source_offsets(text)

    found = []
    values = [v for d in ast.walk(tree) if isinstance(d, ast.Dict) for v in d.values]  # tables: dict values only
    for node in values:
        if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
            continue
        zh, en = node.elts
        if not (isinstance(zh, ast.Constant) and isinstance(en, ast.Constant)):
            continue
        if not (isinstance(zh.value, str) and isinstance(en.value, str)):
            continue
        if not _is_cjk(zh.value) or _is_cjk(en.value) or not en.value.strip():
            continue
        start = offset(node.lineno, node.col_offset)
        end = offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
        found.append(Found(start, end, "", en.value, zh.value, None))
    return found


SLASH_FILES = (
    "services/quotas/web.py",
    "services/registrations/web.py",
    "services/dedup/web.py",
    "services/stats/web.py",
    "shuxiang/web.py",
    "services/stats/report.py",
)
"""Modules whose API texts are written ``"中文 / English"`` in one literal → ``both("English", …)``."""
SLASH = re.compile(r"(?s)(?P<zh>[^/]*[\u3400-\u9fff][^/]*?) ?/ (?P<en>[^\u3400-\u9fff]+)")


def find_slashed(text: str) -> list[Found]:
    """``"没有这条待审 / no review {id}"`` literals (f-strings of simple fields too) → ``both(…)``."""
    tree = ast.parse(text)
    offset = source_offsets(text)

    inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    found = []
    for node in ast.walk(tree):
        if id(node) in inner:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            source, fields = node.value.replace("{", "{{").replace("}", "}}"), []
        elif isinstance(node, ast.JoinedStr):
            source, fields = "", []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    source += str(value.value).replace("{", "{{").replace("}", "}}")
                    continue
                field = _format_field(value.value) if isinstance(value, ast.FormattedValue) else None
                if field is None or value.format_spec is not None or value.conversion != -1:
                    source = ""
                    break
                source += "{" + field[0] + "}"
                fields.append(field[0])
        else:
            continue
        match = SLASH.fullmatch(source)
        if not match:
            continue
        zh, en = match["zh"], match["en"]
        if sorted(re.findall(r"(?<!\{)\{([^{}]+)\}", zh)) != sorted(re.findall(r"(?<!\{)\{([^{}]+)\}", en)):
            continue
        start = offset(node.lineno, node.col_offset)
        end = offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
        roots = tuple(dict.fromkeys(re.split(r"[.\[]", f)[0] for f in fields))
        found.append(Found(start, end, "/", en, zh, None, roots))
    return found


def _closing(text: str, start: int) -> int | None:
    """The offset after the parenthesis closing the one at ``start``, skipping string literals."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


TEMPLATE_CALL = re.compile(r"(?<![\w.])t\(")


def find_in_template(text: str) -> tuple[list[Found], list[int]]:
    found, left = [], []
    for match in TEMPLATE_CALL.finditer(text):
        end = _closing(text, match.end() - 1)
        if end is None:
            left.append(match.start())
            continue
        snippet = text[match.start() : end]
        try:
            call = ast.parse(snippet.replace("\n", " "), mode="eval").body
        except SyntaxError:
            left.append(match.start())
            continue
        flat = snippet.replace("\n", " ")
        pair = _pair_of(call, flat) if isinstance(call, ast.Call) else None
        if pair is None or pair[3]:
            left.append(match.start())
            continue
        zh, en, rest, _ = pair
        lang = ast.get_source_segment(flat, call.args[0]) or "lang"
        found.append(Found(match.start(), end, lang, en, zh, rest))
    return found, left


def find_in_python(text: str) -> tuple[list[Found], list[int]]:
    tree = ast.parse(text)
    offset = source_offsets(text)

    found, left = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in STATUS_PAIR_CALLS:
            at = STATUS_PAIR_CALLS[node.func.id]
            both_args = _pair_of(node, text, exact=False, at=at)
            if both_args is None or both_args[2] is not None:
                pair_args = node.args[at : at + 2]
                if len(pair_args) == 2 and any(_is_cjk(ast.get_source_segment(text, a) or "") for a in pair_args):
                    left.append(offset(node.lineno, node.col_offset))
                continue
            zh, en, _, fields = both_args
            start = offset(node.args[at].lineno, node.args[at].col_offset)
            end = offset(node.args[at + 1].end_lineno or node.lineno, node.args[at + 1].end_col_offset or 0)
            found.append(Found(start, end, "*", en, zh, None, fields))
            continue
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in PYTHON_HELPERS):
            continue
        start = offset(node.lineno, node.col_offset)
        pair = _pair_of(node, text)
        if pair is None:
            left.append(start)
            continue
        zh, en, rest, fields = pair
        end = offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
        lang = ast.get_source_segment(text, node.args[0]) or "lang"
        found.append(Found(start, end, lang, en, zh, rest, fields))
    return found, left


# ---------------------------------------------------------------- catalogs


def po_path(locale: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    path = po_path(locale)
    if path.exists():
        with path.open("rb") as f:
            return read_po(f, locale=locale)
    return Catalog(locale=locale, project="shuxiang", domain="messages", fuzzy=False)


def save(catalog: Catalog, locale: str) -> None:
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.fuzzy = False
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=True, include_lineno=False)
    path.write_bytes(buffer.getvalue())


def compiled(locale: str) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, load(locale), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for locale in CATALOG_LOCALES:
        po_path(locale).with_suffix(".mo").write_bytes(compiled(locale))


def extract() -> dict[tuple[str | None, str], list[str]]:
    """(msgctxt, msgid) → where, over the sources babel.cfg names."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    messages: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            messages[(context, msgid)].append(f"{filename}:{lineno}")
    return messages


# ---------------------------------------------------------------- convert


def _files() -> tuple[list[Path], list[Path]]:
    templates = sorted({p for pattern in TEMPLATE_GLOBS for p in ROOT.glob(pattern)})
    python = sorted(p for r in PYTHON_ROOTS for p in (ROOT / r).rglob("*.py") if "locale" not in p.parts)
    return templates, python


def convert(dry_run: bool = False) -> int:
    templates, python = _files()
    catalogs = {locale: load(locale) for locale in CATALOG_LOCALES}
    known: dict[tuple[str | None, str], str] = {
        (m.context, m.id): m.string for m in catalogs["zh_CN"] if m.id and isinstance(m.id, str)
    }
    per_file: dict[Path, list[Found]] = {}
    leftovers: list[str] = []
    for path in templates + python:
        text = path.read_text(encoding="utf-8")
        found, left = (find_in_template if path in templates else find_in_python)(text)
        if str(path.relative_to(ROOT)) in TABLE_FILES:
            found += find_tables(text)
        if str(path.relative_to(ROOT)) in SLASH_FILES:
            found += find_slashed(text)
        for f in found:
            f.zh = UNIFY.get((f.en, f.zh), f.zh)
        if found:
            per_file[path] = found
        for start in left:
            line = text.count("\n", 0, start) + 1
            leftovers.append(f"{path.relative_to(ROOT)}:{line}")

    # one Chinese text per (context, English): name the contexts, refuse unnamed collisions
    chinese: dict[str, set[str]] = defaultdict(set)
    for (context, msgid), zh in known.items():
        if context is None:
            chinese[msgid].add(zh)
    for found in per_file.values():
        for f in found:
            if (f.en, f.zh) not in CONTEXTS:
                chinese[f.en].add(f.zh)
    clashes = {en: zhs for en, zhs in chinese.items() if len(zhs) > 1}
    if clashes:
        for en, zhs in sorted(clashes.items()):
            print(f"one English text, several Chinese ones (name a context in CONTEXTS): {en!r}: {sorted(zhs)}")
        return 1

    pairs: dict[tuple[str | None, str], str] = dict(HAND)
    for path, found in per_file.items():
        text = path.read_text(encoding="utf-8")
        is_template = path in templates
        names: set[str] = set()
        for f in sorted(found, key=lambda f: f.start, reverse=True):
            context = CONTEXTS.get((f.en, f.zh))
            pairs[(context, f.en)] = f.zh
            if not f.lang:  # a table entry
                names.add("N_")
                call = f"N_({literal(f.en)})"
            elif f.lang == "/":  # a "中文 / English" literal
                names.add("both")
                call = f"both({literal(f.en)}" + "".join(f", {n}={n}" for n in f.fields) + ")"
            elif f.lang == "*" and context:
                names.add("in_both_p")
                call = f"*in_both_p({literal(context)}, {literal(f.en)}"
                call += "".join(f", {n}={n}" for n in f.fields) + ")"
            elif f.lang == "*":  # the two arguments of a status-first call
                names.add("in_both")
                call = f"*in_both({literal(f.en)}"
                call += "".join(f", {n}={n}" for n in f.fields) + ")"
            elif is_template:
                call = f"_p({literal(context)}, {literal(f.en)})" if context else f"_({literal(f.en)})"
            else:
                name = "pgettext" if context else "gettext"
                names.add(name)
                ctx = f"{literal(context)}, " if context else ""
                call = f"{name}({f.lang}, {ctx}{literal(f.en)})"
                if f.fields and f.lang != "*":
                    call += ".format(" + ", ".join(f"{n}={n}" for n in f.fields) + ")"
            if f.rest is not None:
                call = f"({call} % {f.rest})"
            text = text[: f.start] + call + text[f.end :]
        if not is_template and names:
            text = _with_import(text, names)
        print(f"{path.relative_to(ROOT)}: {len(found)} call(s)")
        if not dry_run:
            path.write_text(text, encoding="utf-8")

    for (context, msgid), zh in sorted(pairs.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        for locale, string in (("zh_CN", zh), ("en", msgid)):
            catalog = catalogs[locale]
            if catalog.get(msgid, context) is None:
                catalog.add(msgid, string, context=context)
    for (singular, plural), zh in PLURALS.items():
        for locale, strings in (("zh_CN", (zh,)), ("en", (singular, plural))):
            if catalogs[locale].get(singular) is None:
                catalogs[locale].add((singular, plural), strings)
    if leftovers:
        print("left for a hand conversion (not a pair of literals):")
        for where in leftovers:
            print("  " + where)
    if not dry_run:
        for locale, catalog in catalogs.items():
            save(catalog, locale)
        compile_all()
        changed = [str(p) for p in per_file if p.suffix == ".py"]
        if changed:
            ruff = ROOT / ".venv" / "bin" / "ruff"
            subprocess.run([str(ruff), "check", "--select", "I", "--fix", "-q", *changed], check=False)
            subprocess.run([str(ruff), "format", "-q", *changed], check=False)
    print(f"{sum(len(f) for f in per_file.values())} call(s) in {len(per_file)} file(s); {len(pairs)} message(s)")
    return 0


def _with_import(text: str, names: set[str]) -> str:
    existing = re.search(r"^from shuxiang\.i18n import (.+)$", text, re.M)
    if existing:
        have = {n.strip() for n in existing.group(1).split(",")}
        line = "from shuxiang.i18n import " + ", ".join(sorted(have | names))
        return text[: existing.start()] + line + text[existing.end() :]
    line = "from shuxiang.i18n import " + ", ".join(sorted(names)) + "\n"
    anchor = re.search(r"^(from|import) [^\n]+\n(?![ \t)])", text, re.M)  # after the first import
    if anchor is None:
        return line + text
    imports = list(re.finditer(r"^(?:from [\w.]+ import (?:\([^)]*\)|[^\n]+)|import [^\n]+)\n", text, re.M))
    last = imports[-1] if imports else anchor
    return text[: last.end()] + line + text[last.end() :]


# ---------------------------------------------------------------- check


def update() -> int:
    """Add the msgids the sources use and the catalogs lack: en = the msgid, zh_CN left empty to
    translate in messages.po (``check`` fails until it is); entries no source uses are listed."""
    messages = extract()
    catalogs = {locale: load(locale) for locale in CATALOG_LOCALES}
    for (context, msgid), where in sorted(messages.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        for locale, catalog in catalogs.items():
            if catalog.get(msgid, context) is None:
                catalog.add(msgid, msgid if locale == "en" else "", context=context, auto_comments=[where[0]])
                print(f"{locale}: added {msgid!r}" + ("" if locale == "en" else " (to translate)"))
    used = set(messages)
    for message in catalogs["zh_CN"]:
        if message.id and (message.context, message.id if isinstance(message.id, str) else message.id[0]) not in used:
            print(f"not used by any source: {message.id!r} (context {message.context!r})")
    for locale, catalog in catalogs.items():
        save(catalog, locale)
    compile_all()
    return 0


def check() -> int:
    problems = []
    messages = extract()
    for locale in CATALOG_LOCALES:
        catalog = load(locale)
        for (context, msgid), where in sorted(messages.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
            entry = catalog.get(msgid, context)
            if entry is None or not entry.string or entry.fuzzy:
                problems.append(f"{locale}: no translation of {msgid!r} (context {context!r}) used at {where[0]}")
        if po_path(locale).with_suffix(".mo").read_bytes() != compiled(locale):
            problems.append(f"{locale}: messages.mo is older than messages.po (scripts/i18n.py compile)")
    for p in problems:
        print(p)
    print(f"{len(messages)} message(s) extracted; {len(problems)} problem(s)")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["convert", "update", "compile", "check", "extract"])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    if args.command == "convert":
        return convert(args.dry_run)
    if args.command == "update":
        return update()
    if args.command == "compile":
        compile_all()
        return 0
    if args.command == "extract":
        for (context, msgid), where in sorted(extract().items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
            print(f"{context or '-'}\t{msgid!r}\t{where[0]}")
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
