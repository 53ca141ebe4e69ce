"""Words in catalogs: every message of pages, mail and CLI has its zh_CN and en translation,
the compiled catalogs are the ones the .po files say, and no template holds a bare string."""

from __future__ import annotations

import importlib.util
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment

from shuxiang import i18n

ROOT = Path(__file__).parents[2]
_spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
assert _spec and _spec.loader
script = importlib.util.module_from_spec(_spec)
sys.modules["i18n_script"] = script
_spec.loader.exec_module(script)

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[\w.\[\]]*\}")


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str | None, str], list[str]]:
    return script.extract()


@pytest.fixture(scope="module")
def catalogs():
    return {locale: script.load(locale) for locale in i18n.CATALOG_LOCALES}


def test_the_sources_use_the_catalogs(extracted) -> None:
    # the extraction sees the pages, the mail and the Python side (a broken babel.cfg finds nothing)
    where = {w.split(":")[0] for places in extracted.values() for w in places}
    assert any(w.endswith("brands/index.html") for w in where)
    assert any(w.endswith("digests/digest.txt") for w in where)
    assert any(w.endswith("digests/render.py") for w in where)
    assert len(extracted) > 400


def test_every_message_has_both_translations(extracted, catalogs) -> None:
    missing = []
    for locale, catalog in catalogs.items():
        for (context, msgid), places in extracted.items():
            entry = catalog.get(msgid, context)
            strings = (
                entry.string if entry is not None and isinstance(entry.string, tuple) else (entry and entry.string,)
            )
            if entry is None or entry.fuzzy or not all(s and s.strip() for s in strings):
                missing.append(f"{locale}: {msgid!r} (context {context!r}) at {places[0]}")
    assert not missing, "\n".join(missing)


def test_no_catalog_entry_is_fuzzy_or_empty(catalogs) -> None:
    for locale, catalog in catalogs.items():
        assert not catalog.fuzzy, locale
        for message in catalog:
            if not message.id:
                continue  # the header
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert not message.fuzzy and all(s and s.strip() for s in strings), (locale, message.id)


def test_chinese_translations_are_chinese_and_keep_the_placeholders(catalogs) -> None:
    for message in catalogs["zh_CN"]:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string[0] if isinstance(message.string, tuple) else message.string
        words = re.sub(r"[^A-Za-z]", "", PLACEHOLDER.sub("", msgid))
        if words and words not in ("API", "ICS", "CSV", "JSON", "URL"):
            assert CJK.search(string), f"{msgid!r} is not translated into Chinese: {string!r}"
        assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(msgid)), (msgid, string)


def test_compiled_catalogs_are_those_of_the_po_files() -> None:
    for locale in i18n.CATALOG_LOCALES:
        mo = script.po_path(locale).with_suffix(".mo")
        assert mo.read_bytes() == script.compiled(locale), f"{mo} is stale: scripts/i18n.py compile"


def test_the_runtime_translates_by_language() -> None:
    assert i18n.gettext("zh-CN", "Subscribe") == "订阅"
    assert i18n.gettext("en", "Subscribe") == "Subscribe"
    assert i18n.gettext(None, "Calendar") == "日历"  # zh-CN unless English is asked for
    assert i18n.pgettext("zh-CN", "navigation", "Submit") == "活动提交"
    assert i18n.gettext("zh-CN", "Submit") == "提交"
    assert i18n.ngettext("en", "with %(num)d member", "with %(num)d members", 1) == "with %(num)d member"
    assert i18n.ngettext("en", "with %(num)d member", "with %(num)d members", 3) == "with %(num)d members"


def test_one_chinese_name_per_category_everywhere() -> None:
    # the form said 阅读推广进社区 and the pages 阅读推广进基层: the calendar's names are the only ones now
    from shuxiang.calendars import EventLabels
    from shuxiang.services.brands.web import CATEGORY_NAMES
    from shuxiang.services.intake.imports import CATEGORY_LABELS

    zh = EventLabels("zh-CN")
    for category, (name, _) in CATEGORY_LABELS.items():
        assert name == zh.category(category.value)
    assert (
        CATEGORY_NAMES["outreach"][0]
        == zh.category("outreach")
        == CATEGORY_LABELS[next(iter(c for c in CATEGORY_LABELS if c.value == "outreach"))][0]
    )


# --- no bare strings in templates -------------------------------------------------------------

TEMPLATES = sorted(
    p
    for pattern in script.TEMPLATE_GLOBS
    for p in ROOT.glob(pattern)
    if not p.stem.startswith("_style")  # CSS included into a page's <style>
)
ALLOWED = {
    # names and codes, the same in every language
    "API",  # the nav link to /docs
    "JSON",  # a format's name
    "UTC",
    "ics",  # the suffix of a feed's address shown as itself (/feeds/brands/{{ id }}.ics)
    "shuxiang",  # the product's name next to 书香
    "中文",  # the language switch names each language in itself
    "English",
    "书香",
}
PATH = re.compile(r"/?[a-z0-9_.-]+(/[a-z0-9_.?=&-]*)+")  # a link shown as itself: /api/v1/brands
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "label"}
STYLE_BLOCK = re.compile(r"\{%-?\s*block style\s*-?%\}.*?\{%-?\s*endblock", re.S)  # CSS of a child page
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
WORD = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")


class _Text(HTMLParser):
    """Visible text of an HTML page: data outside <style>/<script>, and words in visible attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("style", "script"):
            self._hidden += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input":
            kinds = dict(attrs)
            if kinds.get("type") in ("submit", "button") and kinds.get("value"):
                self.parts.append(kinds["value"] or "")

    def handle_endtag(self, tag) -> None:
        if tag in ("style", "script"):
            self._hidden -= 1

    def handle_data(self, data) -> None:
        if not self._hidden:
            self.parts.append(data)


def bare_strings(source: str, html: bool) -> list[str]:
    """Words a template would show that are not in a Jinja expression (hence not in a catalog)."""
    Environment(extensions=["jinja2.ext.i18n"]).parse(source)  # a template that does not parse fails here
    text = JINJA.sub(" ", STYLE_BLOCK.sub(" ", source))
    if html:
        parser = _Text()
        parser.feed(text)
        pieces = parser.parts
    else:
        pieces = [text]
    found = []
    for piece in pieces:
        for token in re.split(r"\s+", piece):
            core = token.strip(" .,:;!?()（）·—–-/|*#=+%&\"'“”‘’、，。：；！？【】《》[]…→←↑↓×✓✗")
            if core in ALLOWED or PATH.fullmatch(core):
                continue
            if WORD.search(core):
                found.append(core)
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_a_bare_string(template: Path) -> None:
    source = template.read_text(encoding="utf-8")
    assert "t(lang," not in source, "the old inline helper: scripts/i18n.py convert"
    assert bare_strings(source, html=template.suffix == ".html") == []


def test_the_bare_string_check_sees_bare_strings() -> None:
    assert bare_strings("<p>订阅 {{ _('Subscribe') }}</p>", html=True) == ["订阅"]
    assert bare_strings("<p>{{ _('Subscribe') }} now</p>", html=True) == ["now"]
    assert bare_strings('<a title="Close">{{ _("x") }}</a>', html=True) == ["Close"]
    assert bare_strings("<style>body { font-family: Arial }</style><p>{{ x }} · 3</p>", html=True) == []
    assert bare_strings("{{ _('Digest') }}: {{ d.period }}\nTotal\n", html=False) == ["Total"]


# --- the CLI -----------------------------------------------------------------------------------

CLI_MODULES = sorted([ROOT / "shuxiang" / "cli.py", ROOT / "shuxiang" / "console.py", *ROOT.glob("services/*/cli.py")])


DOCUMENTATION_KEYWORDS = {"help", "description", "comment"}
"""Keyword arguments that document rather than say: --help texts, pydantic ``Field`` / FastAPI ``Query`` /
consumer descriptions (the API schema, written in English with the Chinese term in brackets), SQL comments."""
SHOWN_DESCRIPTIONS = {"FeedSpec"}
"""Calls whose ``description=`` readers do see (a feed's X-WR-CALDESC): checked like any string."""


def chinese_literals(source: str) -> list[str]:
    """Chinese in a module's string literals, but for docstrings and documentation keywords."""
    import ast

    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):  # docstrings, attribute docstrings included
            skipped |= {id(s.value) for s in body if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)}
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for keyword in node.keywords:
                if keyword.arg in DOCUMENTATION_KEYWORDS and not (
                    keyword.arg == "description" and called in SHOWN_DESCRIPTIONS
                ):
                    skipped |= {id(n) for n in ast.walk(keyword.value)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            text = node.value.replace("书香", "")  # the product's name
            if CJK.search(text):
                found.append(node.value)
    return found


@pytest.mark.parametrize("module", CLI_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cli_messages_come_from_the_catalogs(module: Path) -> None:
    assert chinese_literals(module.read_text(encoding="utf-8")) == []


def test_cli_messages_say_both_languages() -> None:
    assert chinese_literals('x = "已停止 / stopped"\ndef f():\n    """说明"""\n') == ["已停止 / stopped"]
    assert i18n.both("stopped") == "已停止 / stopped"
    assert i18n.both("no data in {path}", path="/d") == "/d 中没有数据 / no data in /d"
    assert i18n.both("met", sep=" ") == "已达标 met"


# --- every module --------------------------------------------------------------------------------

PYTHON_MODULES = sorted(
    p for folder in ("shuxiang", "services", "events", "calendars", "schemas") for p in (ROOT / folder).rglob("*.py")
)

CHINESE_ALLOWED: dict[str, tuple[int | None, str]] = {
    # module → (at most this many Chinese literals, why they are not messages); everything else says
    # its words through the catalogs (gettext / both / in_both), so a new inline "中文 / English" fails here
    "shuxiang/demo/activities.py": (255, "the demo's made-up activities: titles, venues, audiences (data)"),
    "services/intake/imports.py": (
        135,
        "spreadsheet column names as templates write them, yes/no and repeat words, the dates and times of "
        "day libraries write (下午2点半, 14点30分), participants (约120人次): input vocabulary",
    ),
    "calendars/render.py": (
        23,
        "EventLabels, the one table of category / role words: alliance.toml may override a category's name per "
        "alliance (a catalog cannot), imports read the same words back from spreadsheets, and feeds look them "
        "up per event",
    ),
    "calendars/feed.py": (1, "the feeds' PRODID, an identifier"),
    "shuxiang/alliance.py": (1, "LARGE_SERIES_TAG, a tag matched in announcements (data)"),
    "services/quotas/web.py": (1, "the region pattern (…市) matched in member addresses (data)"),
    "services/registrations/service.py": (1, "a consumer's description, given positionally (documentation)"),
    # the matcher's vocabulary grows with what announcements are seen to say: not counted
    "services/dedup/matching.py": (
        6,
        "第 of 第N场 matched in titles, the room words and room numbers of venues (data)",
    ),
    "services/dedup/normalize.py": (None, "title and venue patterns of announcements (data), no message"),
}


@pytest.mark.parametrize("module", PYTHON_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_holds_a_chinese_message(module: Path) -> None:
    found = chinese_literals(module.read_text(encoding="utf-8"))
    allowed, why = CHINESE_ALLOWED.get(str(module.relative_to(ROOT)), (0, ""))
    if allowed is None:  # a module of data (patterns), none of whose strings is shown to anyone
        return
    assert len(found) <= allowed, f"{len(found)} Chinese literal(s), allowed {allowed} ({why}): {found[:5]}"


def test_the_allow_list_names_modules_that_exist() -> None:
    modules = {str(p.relative_to(ROOT)) for p in PYTHON_MODULES}
    assert set(CHINESE_ALLOWED) <= modules
    assert len(CHINESE_ALLOWED) <= 12  # short: a module that needs a place here should rather use the catalogs


def test_the_chinese_literal_check_sees_messages_not_documentation() -> None:
    source = (
        'x = Field(None, description="e.g. 天津市")\n'
        'y = FeedSpec(key="a", name="n", description="全部活动")\n'
        'raise ValueError(f"缺少 {x} / missing")\n'
    )
    assert chinese_literals(source) == ["全部活动", "缺少 "]


GETTEXT_CALLS = {"both", "gettext", "pgettext", "ngettext", "in_both", "in_both_p", "_", "_p"}


def gettext_calls_in_f_strings(text: str) -> list[int]:
    """Lines where a catalog call with a literal msgid sits inside an f-string: Babel's extractor
    (Python 3.11) does not look there, so the msgid never reaches the catalogs and shows untranslated."""
    import ast

    lines = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.JoinedStr):
            continue
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name)
                and inner.func.id in GETTEXT_CALLS
                and inner.args
                and isinstance(inner.args[-1], ast.Constant)  # the msgid: the last positional argument
                and isinstance(inner.args[-1].value, str)
            ):
                lines.append(inner.lineno)
    return lines


def test_the_f_string_check_finds_a_call_inside_one() -> None:
    assert gettext_calls_in_f_strings("x = f\"[red]{both('sent', sep=' ')}[/]\"\n") == [1]
    assert gettext_calls_in_f_strings('x = "[red]" + both("sent") + "[/]"\n') == []
    assert gettext_calls_in_f_strings("x = f\"{gettext('zh-CN', REASONS[r])}\"\n") == []


@pytest.mark.parametrize("module", PYTHON_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_catalog_call_hides_in_an_f_string(module: Path) -> None:
    assert gettext_calls_in_f_strings(module.read_text(encoding="utf-8")) == [], module


def test_an_aside_is_in_the_script_of_the_page() -> None:
    """English pages showed "participants（this year 342）": a parenthesis is the page language's."""
    env = i18n.install(Environment(autoescape=True))
    plain = env.from_string('{{ "this year 342"|aside }}')
    block = env.from_string("{% filter aside %}<b>{{ n }}</b>{% endfilter %}")
    assert plain.render(lang="en") == " (this year 342)" and plain.render(lang="zh-CN") == "（this year 342）"
    assert block.render(lang="en", n="<3") == " (<b>&lt;3</b>)"
    assert env.from_string('{{ "<i>"|aside }}').render(lang="zh-CN") == "（&lt;i&gt;）"


def test_no_template_writes_a_chinese_parenthesis_for_both_languages() -> None:
    """（…） around a word is the Chinese page's: a template says ``|aside`` and each page gets its own."""
    roots = [Path(i18n.__file__).parent / "templates", *Path(i18n.__file__).parents[1].glob("services/*/templates")]
    templates = [path for root in roots for path in root.rglob("*.html")]
    found = [
        f"{path}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "（" in line or "）" in line
    ]
    assert len(templates) > 30 and not found, found
