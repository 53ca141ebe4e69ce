"""The annual statistics report as documents a coordinator files: the XLSX workbook read back with
openpyxl and converted to PDF by LibreOffice (headless); the /stats print layout rendered to PDF by
Chromium on A4; both turned into PNG pages by pdftoppm and kept in test-artifacts/ to be looked at."""

from __future__ import annotations

import shutil
import subprocess
from html import unescape as html_unescape
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shuxiang.cli import main
from shuxiang.db import Databases
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import AttendanceReport
from shuxiang.services.plan import ServiceContext
from shuxiang.services.quotas.tables import TABLES as QUOTA_TABLES
from shuxiang.services.stats.web import router as stats_router
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE

from .dedup_support import DedupRig
from .test_stats_report import ALLIANCE, run

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


def activity(ref: str, title: str, category: str, day: str, **extra) -> dict:
    return {
        "library_id": "jn",
        "source_ref": ref,
        "title": title,
        "category": category,
        "starts_at": f"{day}T14:00:00+08:00",
        "ends_at": f"{day}T16:00:00+08:00",
        "venue": {"name": "报告厅"},
        **extra,
    }


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("stats-docs")
    (directory / "db").mkdir()
    (directory / "alliance.toml").write_bytes(TEST_ALLIANCE.read_bytes())
    rig = DedupRig(directory / "db" / "dedup.sqlite3", alliance=ALLIANCE)
    databases = Databases(data_dir=directory)
    databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
    bodies = [
        activity(
            "a",
            "沽上讲堂：津沽方言漫谈",
            "lecture",
            "2026-03-14",
            brand_id="gushang",
            audience="社会公众",
            organizers=[{"library_id": "jn-b1", "role": "organiser"}, {"library_id": "tz", "role": "co_organiser"}],
        ),
        activity("b", "4·23 读书月启动仪式", "festival", "2026-04-23", campaign_id="reading-month"),
        activity("c", "亲子共读：绘本里的春天", "parent_child", "2026-04-26", audience="少年儿童及家长"),
        activity("d", "视障读者听书会", "accessibility", "2026-05-16", audience="视障读者"),
        activity("e", "基层馆员业务培训", "training", "2026-09-10", audience="基层图书管理员"),
        activity("f", "秋季读书沙龙", "salon", "2026-10-18"),
        activity("g", "2025 冬季讲座", "lecture", "2025-12-20"),
    ]
    reports = [("a", True, 160), ("b", False, 0), ("c", True, 45), ("d", True, 22), ("e", True, 38), ("g", True, 90)]
    run(
        databases,
        rig,
        bodies,
        [
            AttendanceReport(library_id="jn", source_ref=ref, held=held, participants=people)
            for ref, held, people in reports
        ],
    )
    rig.close()
    databases.dispose()
    return directory


def pdf_to_png(pdf: Path, prefix: str) -> list[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(ARTIFACTS / prefix)], check=True, timeout=60)
    return sorted(ARTIFACTS.glob(f"{prefix}-*.png"))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def test_the_xlsx_reads_back_and_libreoffice_turns_it_into_pdf(data_dir: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "stats-2026.xlsx"
    result = CliRunner().invoke(
        main, ["stats", "report", "--year", "2026", "--format", "xlsx", "-o", str(xlsx), "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(xlsx)
    summary = {row[0]: row[2:4] for row in book["总览"].iter_rows(min_row=3, values_only=True)}
    assert summary["activities"] == (5, 1) and summary["not_held"] == (1, 0) and summary["participants"] == (265, 90)
    assert ("accessibility", "无障碍服务", 1, 22) in list(book["按类别"].iter_rows(min_row=3, values_only=True))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(xlsx, ARTIFACTS / "stats-2026.xlsx")

    profile = tmp_path / "lo-profile"  # its own profile: another soffice running does not block this one
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "stats-2026.pdf"
    text = pdf_text(pdf)
    assert "测试阅读推广联盟 · 2026 · 总览" in text and "承办" in text and "协办" in text and "未举办" in text
    pages = pdf_to_png(pdf, "stats-xlsx")
    assert len(pages) >= len(book.sheetnames) - 1  # a page (at least) per non-empty sheet
    assert all(page.stat().st_size > 5_000 for page in pages)


def test_the_print_layout_is_a4_and_chromium_prints_it(data_dir: Path, tmp_path: Path) -> None:
    databases = Databases(data_dir=data_dir)
    app = FastAPI()
    app.state.context = ServiceContext(settings=Settings(data_dir=data_dir), alliance=ALLIANCE, databases=databases)
    app.include_router(stats_router)
    with TestClient(app) as client:
        page = client.get("/stats", params={"year": 2026, "print": 1})
        english = client.get("/stats", params={"year": 2026, "lang": "en"})
        scoped = client.get("/stats", params={"year": 2026, "library": "jn-b1"})
        alone = client.get("/stats", params={"year": 2026, "library": "jn", "subtree": "0", "lang": "zh-CN"})
    databases.dispose()
    assert page.status_code == 200 and "@page { size: A4" in page.text and '<svg class="chart"' in page.text
    assert "Annual statistics" in english.text and "Co-organiser" in english.text
    assert "津南区图书馆咸水沽分馆" in scoped.text
    assert alone.status_code == 200 and "津南区图书馆（本馆）" in alone.text
    html = tmp_path / "stats.html"
    html.write_text(page.text, encoding="utf-8")
    pdf = tmp_path / "stats-print.pdf"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info
    text = pdf_text(pdf)
    assert "2026 年度统计报告" in text and "未举办（不计入）" in text and "品牌活动（一馆一品）" in text
    pages = pdf_to_png(pdf, "stats-print")
    assert pages and all(page.stat().st_size > 5_000 for page in pages)


def test_the_page_names_an_unknown_period_or_library_by_its_parameter_in_the_page_language(data_dir: Path) -> None:
    """The page said ``--period: 没有规划期“nope” / no plan period "nope"`` — the command line's option, in
    both languages, on an English page; the API keeps ``zh / en``."""
    databases = Databases(data_dir=data_dir)
    app = FastAPI()
    app.state.context = ServiceContext(settings=Settings(data_dir=data_dir), alliance=ALLIANCE, databases=databases)
    app.include_router(stats_router)
    with TestClient(app) as client:
        english = client.get("/stats", params={"period": "nope", "lang": "en"})
        chinese = client.get("/stats", params={"library": "nobody", "lang": "zh-CN"})
        year = client.get("/stats", params={"year": "abc", "lang": "en"})
        api = client.get("/api/v1/stats", params={"period": "nope"})
    databases.dispose()
    assert english.status_code == 404 and 'period: no plan period "nope"' in html_unescape(english.text)
    assert "--period" not in english.text and "没有规划期" not in english.text
    assert chinese.status_code == 404 and "library: 没有成员馆“nobody”" in chinese.text
    assert "--library" not in chinese.text and "no member library" not in chinese.text
    assert year.status_code == 400 and "year: a number from" in year.text and "年度应为" not in year.text
    assert api.status_code == 404 and api.json()["detail"] == 'period: 没有规划期“nope” / no plan period "nope"'
